// Before the window reload: a Score Selection run of 3 000 rows is shown in the results panel, then the window
// is reloaded as a user does (Developer: Reload Window). This extension host ends with the reload.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CHURN_INPUT_SIGNATURE, DEMO_CLIENT_SECRET } from '../../tools/fake-fabric';
import type { FabricMlExtensionApi } from '../../src/features/api';
import type { ResultsModel } from '../../src/protocol/results';
import { activateExtension, frameTexts, setUpFakeFabric, waitFor } from '../integration/support';
import { RELOAD_ROWS, reloadRowId, writeReloadMarker } from './reloadMarker';

describe('Window reload: before', function () {
  this.timeout(180_000);

  it('shows a run in the results panel, then reloads the window', async () => {
    const api = await activateExtension<FabricMlExtensionApi>();
    const fake = await setUpFakeFabric({ endpointId: 'reload' });
    const csvFile = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'reload-3000.csv');
    const lines = [['customer_id', ...CHURN_INPUT_SIGNATURE.map(f => f.name)].join(',')];
    for (let i = 0; i < RELOAD_ROWS; i++) lines.push([reloadRowId(i), 20 + (i % 50), 30000 + ((i * 7919) % 90000), i % 72, i % 3 !== 0, 'basic', '2024-05-01'].join(','));
    fs.writeFileSync(csvFile, `${lines.join('\n')}\n`);
    const doc = await vscode.workspace.openTextDocument(csvFile);
    const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(1, 0, RELOAD_ROWS, doc.lineAt(RELOAD_ROWS).text.length);
    const model = await vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreSelection', { endpointId: fake.endpointId });
    assert.ok(model);
    await waitFor(async () => api.lastResults()?.rendered?.runId === model.runId && (await frameTexts(reloadRowId(0))).length > 0, 'the run painted');
    const tokens = fake.server.issuedTokens();
    assert.ok(tokens.length > 0, 'the fake server issued a token for this run');
    writeReloadMarker({ runId: model.runId, rows: RELOAD_ROWS, csvFile, tokens, clientSecret: DEMO_CLIENT_SECRET });
    await vscode.commands.executeCommand('workbench.action.reloadWindow');
    // The reload ends this extension host; this wait only fails when the window did not reload.
    await new Promise(resolve => setTimeout(resolve, 120_000));
    assert.fail('the window did not reload');
  });
});
