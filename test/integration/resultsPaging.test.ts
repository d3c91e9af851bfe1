// A large Score Selection run on the results page: the extension keeps the run and sends the page the rows of
// the first screen with the run; the grid asks for the rows it is about to show as the user moves through them
// (results/rows), so the last row of 5 000 appears after Ctrl+End while only a few pages were ever sent.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CHURN_INPUT_SIGNATURE } from '../../tools/fake-fabric';
import type { FabricMlExtensionApi } from '../../src/features/api';
import type { ResultsModel } from '../../src/protocol/results';
import { activateExtension, frameClick, frameTexts, pressKeys, screenshot, setUpFakeFabric, waitFor, type FakeFabricSetup } from './support';
import { harnessOnly } from './harnessOnly';

const ROWS = 5000;
const PAGE_MARK = 'scored ·';
const rowId = (i: number) => `R-${String(i + 1).padStart(5, '0')}`;

describe('Results page rows on demand', function () {
  this.timeout(180_000);
  let fake: FakeFabricSetup;
  let api: FabricMlExtensionApi;
  let file: string;

  before(async function () {
    harnessOnly(this, 'key presses in the results page');
    api = await activateExtension<FabricMlExtensionApi>();
    fake = await setUpFakeFabric({ endpointId: 'results-paging' });
    file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'paging-5000.csv');
    const lines = [['customer_id', ...CHURN_INPUT_SIGNATURE.map(f => f.name)].join(',')];
    for (let i = 0; i < ROWS; i++) lines.push([rowId(i), 20 + (i % 50), 30000 + ((i * 7919) % 90000), i % 72, i % 3 !== 0, 'basic', '2024-05-01'].join(','));
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.rmSync(file, { force: true });
    await fake?.dispose();
  });

  it('sends the first screen with the run and the rest as the grid reaches it', async () => {
    const doc = await vscode.workspace.openTextDocument(file);
    const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(1, 0, ROWS, doc.lineAt(ROWS).text.length);
    const model = await vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreSelection', { endpointId: fake.endpointId });
    assert.ok(model);
    assert.strictEqual(model.inputs.length, ROWS);
    await waitFor(async () => api.lastResults()?.rendered?.runId === model.runId && (await frameTexts(rowId(0))).length > 0, 'the first rows painted');
    const painted = api.lastResults()!;
    assert.strictEqual(painted.rendered!.rows, ROWS, 'the page knows the run has 5 000 rows');
    assert.ok(painted.rendered!.domRows < 100, `only the visible rows are in the DOM (${painted.rendered!.domRows})`);
    assert.deepStrictEqual(painted.rowRequests, [], 'the first screen came with the run: no request for rows');
    assert.ok(!(await frameTexts(PAGE_MARK)).some(t => t.includes(rowId(ROWS - 1))), 'the last row is not on the page yet');

    await frameClick(PAGE_MARK, '.results-grid .vrow[data-row="0"] .cell.rownum');
    await pressKeys('', 'Control+End');
    await waitFor(() => api.lastResults()!.place?.activeRow === ROWS - 1, 'Ctrl+End: the active cell on the last row');
    const [text] = await waitFor(async () => {
      const texts = (await frameTexts(PAGE_MARK)).filter(t => t.includes(rowId(ROWS - 1)));
      return texts.length ? texts : undefined;
    }, 'the last row painted with its values');
    await screenshot('results-paged-last-rows', 300);

    const requests = api.lastResults()!.rowRequests;
    assert.ok(requests.some(([start, end]) => start <= ROWS - 1 && ROWS - 1 < end), `the last row was asked for: ${JSON.stringify(requests)}`);
    const sent = requests.reduce((sum, [start, end]) => sum + end - start, 0);
    assert.ok(sent <= 1000, `${sent} rows were sent after the first screen, not the whole run`);
    // The values shown are the run's, row for row.
    const last = model.predictions[ROWS - 1]!;
    assert.ok(text.includes(String(last[0])), 'the last row shows its prediction');
  });

  it('moves through the Batches grid by keyboard and opens a batch\'s request and response with Enter', async () => {
    const click = (selector: string, text?: string) => frameClick(PAGE_MARK, selector, text);
    await click('[role=tab]', 'Batches');
    await click('.batches-grid .vrow[data-row="0"] .cell.num');
    await waitFor(() => api.lastResults()!.place?.rawBatch === 0, 'a click makes batch 1 the active row');
    await pressKeys('', 'ArrowDown', 'ArrowDown');
    await waitFor(() => api.lastResults()!.place?.rawBatch === 2, 'two rows down: batch 3');
    await pressKeys('', 'Control+End');
    await waitFor(() => api.lastResults()!.place?.rawBatch === 49, 'Ctrl+End: the last batch');
    await screenshot('results-batches-keyboard', 300);
    await pressKeys('', 'ArrowUp', 'Enter');
    await waitFor(() => {
      const place = api.lastResults()!.place;
      return place?.tab === 'raw' && place.rawBatch === 48 ? place : undefined;
    }, 'Enter: batch 49 in Request/response');
    await waitFor(async () => (await frameTexts(PAGE_MARK)).some(t => t.includes('Rows 4801–4900')), 'the request and response of rows 4801–4900');
  });
});
