// Score File to file in the real workbench: a generated 200 000-row CSV is streamed through the fake endpoint into
// customers-200k.scored.csv next to it, the results panel shows the summary over all 200 000 rows with the first
// rows and an Open Output File button that opens the output; Resume continues a cut-short output to the same file
// an uninterrupted run writes; a malformed record part-way through stops the run with the rows before it written and
// the run remembered for Resume; Retry Failed Rows sends a finished run's failed rows again into a new file.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CHURN_INPUT_SIGNATURE, predictChurn } from '../../tools/fake-fabric';
import type { ResultsModel } from '../../src/protocol/results';
import type { FabricMlExtensionApi } from '../../src/features/api';
import { activateExtension, frameClick, frameTexts, pressKeys, screenshot, setUpFakeFabric, waitFor, type FakeFabricSetup } from './support';
import { harnessOnly } from './harnessOnly';

const workspaceRoot = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
const COLUMNS = CHURN_INPUT_SIGNATURE.map(f => f.name);
const PLANS = ['basic', 'plus', 'pro', ''];
const PANEL_MARK = 'Open Output File';

function churnLine(i: number): string {
  const date = i % 5 === 0 ? '' : `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`;
  return [20 + (i % 50), 30000 + ((i * 7919) % 90000), i % 72, i % 3 !== 0, PLANS[i % 4], date].join(',');
}

function writeChurnCsv(file: string, rows: number): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, `${COLUMNS.join(',')}\n`);
    for (let start = 0; start < rows; start += 10_000) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(rows, start + 10_000); i++) lines.push(churnLine(i));
      fs.writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    fs.closeSync(fd);
  }
}

function expected(i: number): [number, string] {
  const cells = churnLine(i).split(',');
  return predictChurn(Object.fromEntries(COLUMNS.map((c, k) => [c, cells[k]])));
}

/** Data lines of a CSV file written with CRLF line ends (no quoted line breaks in these rows). */
function dataLines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\r\n').slice(1, -1);
}

describe('Score File to file', function () {
  this.timeout(300_000);
  let fake: FakeFabricSetup;
  let api: FabricMlExtensionApi;

  before(async () => {
    api = await activateExtension<FabricMlExtensionApi>();
    fake = await setUpFakeFabric({ endpointId: 'score-file-to-file' });
    await vscode.workspace.getConfiguration('fabricMl.scoring').update('batchSize', 500, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('fabricMl.scoring').update('batchSize', undefined, vscode.ConfigurationTarget.Global);
    await fake?.dispose();
  });

  it('streams 200 000 rows into the output file and shows the summary over all of them', async function () {
    const input = path.join(workspaceRoot(), 'customers-200k.csv');
    const output = path.join(workspaceRoot(), 'customers-200k.scored.csv');
    writeChurnCsv(input, 200_000);
    fake.server.resetCounters();
    const model = await vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreFile', { endpointId: fake.endpointId, uri: vscode.Uri.file(input).toString() });
    assert.ok(model?.outputFile, 'Score File returns a run with its output file');
    assert.deepStrictEqual({ rows: model.outputFile.rowsWritten, complete: model.outputFile.complete, path: model.outputFile.path }, { rows: 200_000, complete: true, path: output });
    assert.strictEqual(fake.server.counters.scoreRowsReceived, 200_000);

    const lines = dataLines(output);
    assert.strictEqual(lines.length, 200_000);
    for (const i of [0, 1, 4999, 123_456, 199_999]) {
      const [probability, label] = expected(i);
      assert.strictEqual(lines[i], `${churnLine(i)},${probability},${label},`, `output row ${i + 1}`);
    }
    // The grid holds the first rows; the panel's summary counts every row of the file.
    assert.strictEqual(model.inputs.length, 500);
    assert.deepStrictEqual(model.predictions[3], expected(3));
    const view = await waitFor(() => {
      const v = api.lastResults();
      return v?.model?.runId === model.runId && v.rendered?.runId === model.runId ? v : undefined;
    }, 'the results panel to paint the file run', 60_000);
    for (const summary of view.summaries) assert.strictEqual(summary.count + summary.nulls + summary.unscored, 200_000, `${summary.column} covers all rows`);
    const probability = view.summaries.find(s => s.column === 'churn_probability');
    assert.ok(probability?.kind === 'number');
    assert.strictEqual(probability.histogram.reduce((n, b) => n + b.count, 0), 200_000);

    harnessOnly(this, 'the panel text and the Open Output File button');
    const [text] = await waitFor(async () => {
      const texts = (await frameTexts(PANEL_MARK)).filter(t => t.includes('200,000'));
      return texts.length ? texts : undefined;
    }, 'the panel to say where the 200,000 rows are');
    assert.match(text, /All 200,000 rows are in customers-200k\.scored\.csv\. The summary and the grid cover every one of them\./);
    assert.ok(!text.includes('Export CSV') && !text.includes('Copy as M'), 'no export of only the rows the panel holds: the output file is the export');
    await screenshot('score-file-to-file-panel');

    // The grid reaches the last row: the panel reads it back from the output file when the grid asks for it.
    await frameClick(PANEL_MARK, '.results-grid .vrow[data-row="0"] .cell.rownum');
    await pressKeys('', 'Control+End');
    const lastIncome = churnLine(199_999).split(',')[1];
    const [lastProbability] = expected(199_999);
    await waitFor(async () => (await frameTexts(PANEL_MARK)).some(t => t.includes(lastIncome) && t.includes(String(lastProbability))), 'row 200,000 painted with its values from the output file');
    assert.ok(api.lastResults()!.rowRequests.some(([start, end]) => start <= 199_999 && 199_999 < end), 'the last row was asked for');
    await screenshot('score-file-to-file-last-rows', 300);
    await frameClick(PANEL_MARK, '[role=tab]', 'Summary');
    await waitFor(async () => (await frameTexts(PANEL_MARK)).some(t => t.includes('Bars scaled from a sample of 10,000 values; count, min, max and mean are exact.')),
      'the Summary tab to say the histogram of 200,000 rows comes from a sample');
    await screenshot('score-file-to-file-summary', 300);
    await frameClick(PANEL_MARK, '[role=tab]', 'Batches');
    await waitFor(async () => (await frameTexts(PANEL_MARK)).some(t => t.includes('The batches of the first 500 rows.')), 'the Batches tab to say whose batches it lists');
    await frameClick(PANEL_MARK, 'vscode-button', 'Open Output File');
    await waitFor(() => vscode.window.activeTextEditor?.document.uri.fsPath === output, 'the output file to open in an editor');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });

  it('Resume continues a cut-short output from its first missing row to the file an uninterrupted run writes', async () => {
    const input = path.join(workspaceRoot(), 'customers-5k.csv');
    const output = path.join(workspaceRoot(), 'customers-5k.scored.csv');
    writeChurnCsv(input, 5000);
    await vscode.commands.executeCommand('fabricMl.scoreFile', { endpointId: fake.endpointId, uri: vscode.Uri.file(input).toString() });
    const whole = fs.readFileSync(output, 'utf8');
    // As a run cancelled after 2 000 rows leaves it (plus half a line, as a run killed while writing does).
    const kept = whole.split('\r\n').slice(0, 2001).join('\r\n') + '\r\n20,3';
    fs.writeFileSync(output, kept);
    fake.server.resetCounters();
    const model = await vscode.commands.executeCommand<ResultsModel>('fabricMl.resumeScoreFile', { endpointId: fake.endpointId, uri: vscode.Uri.file(input).toString() });
    assert.ok(model?.outputFile?.complete);
    assert.strictEqual(fake.server.counters.scoreRowsReceived, 3000, 'only the rows not written were sent');
    assert.strictEqual(fs.readFileSync(output, 'utf8'), whole);
  });

  it('stops at a malformed record part-way through a large file with the rows before it written, and Resume continues it once fixed', async () => {
    const input = path.join(workspaceRoot(), 'customers-40k.csv');
    const output = path.join(workspaceRoot(), 'customers-40k.scored.csv');
    writeChurnCsv(input, 40_000);
    assert.ok(fs.statSync(input).size > 1024 * 1024, 'large enough that the confirmation estimates instead of reading it all');
    await vscode.commands.executeCommand('fabricMl.scoreFile', { endpointId: fake.endpointId, uri: vscode.Uri.file(input).toString() });
    const whole = fs.readFileSync(output, 'utf8');
    const good = fs.readFileSync(input, 'utf8');
    const lines = good.split('\n');
    lines[25_000] = `"${lines[25_000]}`; // row 25 000 opens a quote that nothing closes
    fs.writeFileSync(input, lines.join('\n'));

    const stopped = await vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreFile', { endpointId: fake.endpointId, uri: vscode.Uri.file(input).toString() });
    assert.deepStrictEqual(stopped?.outputFile && { rows: stopped.outputFile.rowsWritten, complete: stopped.outputFile.complete }, { rows: 24_999, complete: false });
    assert.ok(stopped.warnings.includes('Input stopped at a malformed record: Line 25001: unclosed quote in column 1 (age). The rows before it are in customers-40k.scored.csv; fix the file, then Resume.'), stopped.warnings.join('\n'));
    assert.strictEqual(dataLines(output).length, 24_999);

    fs.writeFileSync(input, good);
    fake.server.resetCounters();
    // No file named: Resume continues the run it remembered.
    const resumed = await vscode.commands.executeCommand<ResultsModel>('fabricMl.resumeScoreFile', { endpointId: fake.endpointId });
    assert.ok(resumed?.outputFile?.complete);
    assert.strictEqual(fake.server.counters.scoreRowsReceived, 15_001, 'only rows 25 000–40 000 were sent');
    assert.strictEqual(fs.readFileSync(output, 'utf8'), whole);
  });

  /** Score File on `input` while the endpoint fails the batch that starts at row 1001 (rows 1001–1500). */
  function scoreWithRows1001To1500Failing(input: string): Thenable<ResultsModel | undefined> {
    const incomeOfRow1001 = Number(churnLine(1000).split(',')[1]);
    fake.server.scriptScore({ type: 'error', status: 500, errorCode: 'UnknownError', message: 'Model container crashed' }, { match: inputs => (inputs[0] as unknown[])[1] === incomeOfRow1001 });
    return vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreFile', { endpointId: fake.endpointId, uri: vscode.Uri.file(input).toString() });
  }

  it('Retry Failed Rows sends a finished run\'s failed batch again into a new file, the other rows copied', async () => {
    const input = path.join(workspaceRoot(), 'customers-retry.csv');
    const output = path.join(workspaceRoot(), 'customers-retry.scored.csv');
    writeChurnCsv(input, 5000);
    await vscode.commands.executeCommand('fabricMl.scoreFile', { endpointId: fake.endpointId, uri: vscode.Uri.file(input).toString() });
    const whole = fs.readFileSync(output, 'utf8');
    const failed = await scoreWithRows1001To1500Failing(input);
    assert.ok(failed?.outputFile?.complete);
    assert.strictEqual(dataLines(output).filter(line => line.includes('Model container crashed')).length, 500);

    fake.server.resetCounters();
    // No file named: the finished run with a failed batch is the one retried.
    const retried = await vscode.commands.executeCommand<ResultsModel>('fabricMl.retryFailedRows', { endpointId: fake.endpointId });
    const retriedPath = path.join(workspaceRoot(), 'customers-retry.scored.retried.csv');
    assert.deepStrictEqual(retried?.outputFile && { path: retried.outputFile.path, rows: retried.outputFile.rowsWritten, complete: retried.outputFile.complete }, { path: retriedPath, rows: 5000, complete: true });
    assert.strictEqual(fake.server.counters.scoreRowsReceived, 500, 'only the failed batch was sent again');
    assert.strictEqual(fs.readFileSync(retriedPath, 'utf8'), whole);
  });

  it('the results page says how many rows failed and retries them from its Retry Failed Rows button', async function () {
    harnessOnly(this, 'clicking in the results page');
    const input = path.join(workspaceRoot(), 'customers-page-retry.csv');
    writeChurnCsv(input, 3000);
    const failed = await scoreWithRows1001To1500Failing(input);
    assert.strictEqual(failed?.outputFile?.failedRows, 500);
    await waitFor(async () => (await frameTexts(PANEL_MARK)).some(t => t.includes('500 of them failed')), 'the page to say how many rows failed');
    await screenshot('score-file-retry-offered', 300);

    fake.server.resetCounters();
    await frameClick(PANEL_MARK, 'vscode-button', 'Retry Failed Rows');
    const retriedPath = path.join(workspaceRoot(), 'customers-page-retry.scored.retried.csv');
    const retried = await waitFor(() => {
      const model = api.lastResults()?.model;
      return model?.outputFile?.path === retriedPath ? model : undefined;
    }, 'the retried run in the panel');
    assert.strictEqual(retried.outputFile?.failedRows, 0, 'every row is scored now');
    assert.strictEqual(fake.server.counters.scoreRowsReceived, 500, 'only the failed rows were sent again');
    await waitFor(async () => !(await frameTexts(PANEL_MARK)).some(t => t.includes('Retry Failed Rows')), 'no Retry button once nothing failed');
  });
});
