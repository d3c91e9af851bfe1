// After the window reload: VS Code restores the results panel through the extension's serializer. The page kept
// only the run's id, so the run comes back from the extension's storage: the first rows are painted at once, the
// last ones when the grid reaches them, and nothing the window kept holds a token, the client secret or the run.
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import type { FabricMlExtensionApi } from '../../src/features/api';
import { activateExtension, controlUrl, frameClick, frameTexts, pressKeys, screenshot, waitFor } from '../integration/support';
import { readReloadMarker, reloadRowId } from './reloadMarker';

describe('Window reload: after', function () {
  this.timeout(180_000);

  it('restores the results panel from the extension\'s storage, with no token, secret or rows in the window\'s state', async () => {
    const marker = readReloadMarker();
    const api = await activateExtension<FabricMlExtensionApi>();
    const view = await waitFor(() => {
      const v = api.lastResults();
      return v?.rendered?.runId === marker.runId ? v : undefined;
    }, 'the restored panel to paint the run shown before the reload', 60_000);
    assert.strictEqual(view.rendered!.restored, true, 'the page said it restored its run');
    assert.strictEqual(view.rendered!.rows, marker.rows);
    assert.ok((await frameTexts(reloadRowId(0))).length > 0, 'the first row is painted');
    await screenshot('results-after-window-reload', 300);

    await frameClick('scored ·', '.results-grid .vrow[data-row="0"] .cell.rownum');
    await pressKeys('', 'Control+End');
    await waitFor(async () => (await frameTexts(reloadRowId(marker.rows - 1))).length > 0, 'the last row, asked for after the reload');

    const res = await fetch(`${controlUrl}/storage`);
    const { text } = (await res.json()) as { text: string };
    assert.ok(text.includes(marker.runId), 'the window kept the page\'s state: the run\'s id');
    for (const token of marker.tokens) assert.ok(!text.includes(token), 'no token in what the window kept');
    assert.ok(!text.includes(marker.clientSecret), 'no client secret in what the window kept');
    assert.ok(!text.includes(reloadRowId(marker.rows - 1)), 'the run\'s rows are not in the window\'s state');
    console.log(`[integration-reload] the window keeps ${text.length.toLocaleString('en-US')} characters of state in the browser`);

    assert.ok((await api.keptResults())?.includes(marker.runId), 'the run is still kept while its panel is open');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await waitFor(async () => !(await api.keptResults())?.includes(marker.runId), 'the run deleted from the extension\'s storage once its panel is closed');
    fs.rmSync(marker.csvFile, { force: true });
  });
});
