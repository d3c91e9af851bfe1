// The Dataflow Gen2 round trip in Fabric, in a real VS Code against the fake server (which checks shapes and
// plumbing; it does not evaluate M): deploy the endpoint's queries to a new dataflow and read the stored definition
// back, Verify M in Fabric on a customers.csv selection (100 % agreement), an engine error embedded in a 200 answer
// shown as an error with the engine's message, and version 1 vs version 2 showing the rows that differ.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import * as PQP from '@microsoft/powerquery-parser';
import { memberNames, readQueryMetadata } from '../../src/core/dataflow';
import { dataflowRoutes, type DataflowStore } from '../../tools/fake-fabric';
import type { ComparisonResult } from '../../src/features/dataflowDeploy/compareCommands';
import type { DeployResult } from '../../src/features/dataflowDeploy/deploy';
import type { RunInFabricResult } from '../../src/features/dataflowDeploy/runInFabric';
import type { FabricMlExtensionApi } from '../../src/features/api';
import { DEMO_WORKSPACE_ID } from '../../tools/fake-fabric';
import { harnessOnly } from './harnessOnly';
import { activateExtension, controlUrl, frameTexts, pressKeys, screenshot, setUpFakeFabric, waitFor, workbenchTexts, type FakeFabricSetup } from './support';

/** A tree-node-like argument: not a plain object, so the command runs as if clicked in the tree. */
class EndpointArg {
  constructor(readonly endpointId: string) {}
}

const quickInputText = async (): Promise<string> => (await workbenchTexts('.quick-input-widget')).join('\n');

const csv = () => vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'customers.csv'));

/** The text of the webview frame that contains `marker` (harness only). */
async function pageText(marker: string): Promise<string> {
  return waitFor(async () => (await frameTexts(marker)).find(t => t.includes(marker)), `a page showing "${marker}"`);
}

describe('Dataflow Gen2 in Fabric (deploy, run, verify, compare)', function () {
  this.timeout(120_000);
  let fake: FakeFabricSetup;
  let store: DataflowStore;
  let deployed: DeployResult;

  before(async () => {
    fake = await setUpFakeFabric({ endpointId: 'fabric-run' });
    store = fake.server.use(dataflowRoutes);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await fake.dispose();
  });

  it('deploys the endpoint\'s queries to a new dataflow whose stored mashup.pq parses and lists them, each with metadata', async () => {
    deployed = (await vscode.commands.executeCommand<DeployResult>('fabricMl.deployToDataflow', { endpointId: fake.endpointId, newDataflowName: 'Churn scoring' }))!;
    assert.strictEqual(deployed.created, true);
    const stored = store.dataflows.get(deployed.dataflowId);
    assert.ok(stored, 'the fake stored the dataflow');
    const mashup = store.text(stored, 'mashup.pq')!;
    const task = await PQP.TaskUtils.tryLexParse(PQP.DefaultSettings, mashup);
    assert.ok(PQP.TaskUtils.isOk(task), 'the stored mashup.pq parses');
    const names = memberNames(mashup);
    assert.deepStrictEqual(names, deployed.added);
    assert.ok(names.includes(`Fake churn ${fake.server.port} predictions`), 'the apply query is deployed');
    const metadata = readQueryMetadata(store.text(stored, 'queryMetadata.json')!);
    assert.strictEqual(metadata.formatVersion, '202502');
    assert.deepStrictEqual(Object.keys(metadata.queriesMetadata ?? {}).sort(), [...names].sort());

    const again = (await vscode.commands.executeCommand<DeployResult>('fabricMl.deployToDataflow', { endpointId: fake.endpointId, dataflowId: deployed.dataflowId }))!;
    assert.strictEqual(again.changed, false, 'deploying twice writes nothing');
    assert.strictEqual(store.calls.updateDefinition ?? 0, 0);
  });

  it('interactive Deploy picks the workspace, dataflow and source query, shows the diff of mashup.pq, and writes nothing when the confirmation is declined', async function () {
    harnessOnly(this, 'answering quick picks with real keys');
    const portal = store.add(DEMO_WORKSPACE_ID, 'Portal dataflow', {
      'mashup.pq': 'section Section1;\n\nshared Customers = #table({"age"}, {{34}});\n',
      'queryMetadata.json': JSON.stringify({ formatVersion: '202502', name: 'Portal dataflow', queriesMetadata: { Customers: { queryId: '11111111-1111-4111-8111-111111111111', queryName: 'Customers' } } }),
    });
    const before = store.text(portal, 'mashup.pq');
    const running = vscode.commands.executeCommand<DeployResult | undefined>('fabricMl.deployToDataflow', new EndpointArg(fake.endpointId));
    await waitFor(async () => (await quickInputText()).includes('The endpoint\'s workspace'), 'the workspace pick');
    await pressKeys('', 'Enter');
    await waitFor(async () => (await quickInputText()).includes('Portal dataflow'), 'the dataflow pick');
    await pressKeys('Portal dataflow', 'Enter');
    await waitFor(async () => (await quickInputText()).includes('Deploy to "Portal dataflow"'), 'the source query pick');
    await pressKeys('Customers', 'Enter');
    // The harness answers every modal dialog with Cancel: the diff is open, and nothing is written.
    assert.strictEqual(await running, undefined);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.ok(tab?.input instanceof vscode.TabInputTextDiff, 'a diff editor is open');
    assert.strictEqual(tab.label, 'mashup.pq of "Portal dataflow": in Fabric ↔ after deploy');
    const after = (await vscode.workspace.openTextDocument((tab.input as vscode.TabInputTextDiff).modified)).getText();
    assert.match(after, /shared #"Fake churn \d+ predictions" =\s+\/\/ The rows of Customers scored/);
    assert.strictEqual(store.text(portal, 'mashup.pq'), before, 'the declined deploy wrote nothing');
    assert.strictEqual(store.calls.updateDefinition ?? 0, 0);
    await screenshot('deploy-diff', 500);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('Verify M in Fabric on a customers.csv selection agrees on every row', async () => {
    const result = (await vscode.commands.executeCommand<ComparisonResult>('fabricMl.verifyInFabric', {
      endpointId: fake.endpointId, dataflowId: deployed.dataflowId, uri: csv().toString(), range: { startLine: 1, endLine: 12 },
    }))!;
    assert.strictEqual(result.rows, 12);
    assert.strictEqual(result.agreement, '100 % (12 of 12 rows agree)');
    assert.deepStrictEqual(result.differingRows, []);
    const sent = store.executeQuery.received.at(-1)!;
    assert.match(String(sent.customMashupDocument), /shared #"Fabric ML verify rows" =/);
    assert.ok(!String(sent.customMashupDocument).includes('demo~Secret'), 'no secret in the document sent');
    if (!controlUrl) return;
    const page = await pageText('Agreement: 100 % (12 of 12 rows agree)');
    assert.match(page, /Evaluated by the M in Fabric \(dataflow "Churn scoring"/);
    assert.match(page, /Rows that differ \(0\)\s+None: every row agrees\./);
    await screenshot('verify-m-in-fabric', 500);
  });

  it('shows an error the engine embedded in a 200 answer as an error with the engine\'s message', async () => {
    store.executeQuery.add({ type: 'embeddedError', message: 'Expression.Error: The column \'plan\' of the table wasn\'t found.' });
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand<RunInFabricResult>('fabricMl.runInFabric', { endpointId: fake.endpointId, dataflowId: deployed.dataflowId, queryName: `Fake churn ${fake.server.port} predictions` })),
      (error: Error) => /Run in Fabric failed: .*engine reported an error.*The column 'plan' of the table wasn't found/.test(error.message),
    );
    const api = await activateExtension<FabricMlExtensionApi>();
    const before = api.lastResults()?.model?.runId;
    const ok = (await vscode.commands.executeCommand<RunInFabricResult>('fabricMl.runInFabric', { endpointId: fake.endpointId, dataflowId: deployed.dataflowId, queryName: 'TenantId' }))!;
    assert.ok(ok.rowCount > 0);
    const shown = await waitFor(() => { const view = api.lastResults(); return view?.model?.runId === ok.runId && view.model.runId !== before ? view.model : undefined; }, 'the Fabric run in the results panel');
    assert.deepStrictEqual(shown.evaluatedBy, { dataflow: 'Churn scoring', query: 'TenantId' });
    assert.strictEqual(shown.inputs.length, ok.rowCount);
    if (!controlUrl) return;
    await pageText('Evaluated by Fabric, dataflow Churn scoring, query TenantId');
    await screenshot('run-in-fabric-results', 500);
  });

  it('Run in Fabric from a mashup.pq editor runs the query at the cursor with the editor\'s text; an embedded engine error is a notification', async function () {
    harnessOnly(this, 'answering quick picks with real keys');
    const api = await activateExtension<FabricMlExtensionApi>();
    const mashup = vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'Churn.Dataflow', 'mashup.pq'));
    const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(mashup));
    const at = editor.document.getText().indexOf('#"Filtered rows"');
    editor.selection = new vscode.Selection(editor.document.positionAt(at), editor.document.positionAt(at));
    const text = editor.document.getText();
    const run = async () => {
      // As from the editor's context menu: the mashup.pq editor is the active one.
      await vscode.window.showTextDocument(editor.document, editor.viewColumn);
      const running = vscode.commands.executeCommand<RunInFabricResult | undefined>('fabricMl.runInFabric');
      // With several endpoints configured, the first question is whose credentials lend the token.
      // The whole, unfiltered list of dataflows: a hidden quick input keeps the filtered list of the last question.
      const dataflowPick = (t: string) => t.includes('Churn scoring') && t.includes('Portal dataflow');
      const first = await waitFor(async () => { const t = await quickInputText(); return t.includes('token of which endpoint') || dataflowPick(t) ? t : ''; }, 'the first pick');
      if (first.includes('token of which endpoint')) {
        await pressKeys(`Fake churn ${fake.server.port}`, 'Enter');
        await waitFor(async () => dataflowPick(await quickInputText()), 'the dataflow pick');
      }
      await pressKeys('Churn scoring', 'Enter');
      return running;
    };
    const result = (await run())!;
    assert.strictEqual(result.queryName, 'Customers', 'the member at the cursor');
    assert.strictEqual(result.sentDocument, true);
    assert.strictEqual(store.executeQuery.received.at(-1)?.customMashupDocument, text);
    assert.strictEqual(api.lastResults()?.model?.source.fileName, 'Churn.Dataflow/mashup.pq, sent as customMashupDocument');

    store.executeQuery.add({ type: 'embeddedError', message: 'Expression.Error: The import Lakehouse.Contents matches no exports.' });
    assert.strictEqual(await run(), undefined);
    await vscode.commands.executeCommand('notifications.showList');
    const shown = await waitFor(async () => (await workbenchTexts('.notification-list-item-message')).find(t => t.includes('Run in Fabric failed')), 'the error notification');
    const sent = store.executeQuery.received.slice(-2).map(r => `${String(r.queryName)}: ${String(r.customMashupDocument).slice(0, 300)}`).join('\n---\n');
    assert.ok(shown.includes('inside a 200 answer'), `${shown}\nsent:\n${sent}`);
    assert.match(shown, /Fabric's engine reported an error while evaluating "Customers" \(inside a 200 answer, so no rows are shown\): Expression\.Error: The import Lakehouse\.Contents matches no exports\./);
    await screenshot('run-in-fabric-embedded-error', 300);
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.strictEqual(editor.document.isDirty, false, 'no key press went into the editor');
  });

  it('Compare with Version shows the rows where version 2 differs from version 1', async () => {
    fake.server.setVersion('2', { status: 'Active' });
    const result = (await vscode.commands.executeCommand<ComparisonResult>('fabricMl.compareWithVersion', {
      endpointId: fake.endpointId, version: '2', uri: csv().toString(), range: { startLine: 1, endLine: 20 },
    }))!;
    assert.strictEqual(result.rows, 20);
    assert.ok(result.differingRows.length > 0 && result.differingRows.length <= 20, `differing rows: ${result.differingRows.length}`);
    if (!controlUrl) return;
    const page = await pageText(`Rows that differ (${result.differingRows.length})`);
    assert.match(page, /A\s+Version 1\s+B\s+Version 2/);
    await screenshot('compare-versions', 500);
  });
});
