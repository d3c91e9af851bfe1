// Score Selection end to end in a real VS Code: rows selected in the demo CSV and JSON files go to the fake
// Fabric endpoint, and the results panel shows the toy model's predictions; endpoint text renders as text;
// no secret or token reaches the webview.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { predictChurn } from '../../tools/fake-fabric';
import { DEMO_CLIENT_SECRET } from '../../tools/fake-fabric';
import type { ResultsModel } from '../../src/protocol/results';
import type { FabricMlExtensionApi } from '../../src/features/api';
import { extensionContext } from './explorerSupport';
import { activateExtension, frameTexts, screenshot, setUpFakeFabric, waitFor, type FakeFabricSetup } from './support';
import { harnessOnly } from './harnessOnly';

const workspaceRoot = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

async function openWithSelection(file: string, startLine: number, endLine: number): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(path.join(workspaceRoot(), file));
  const editor = await vscode.window.showTextDocument(doc);
  editor.selection = new vscode.Selection(startLine, 0, endLine, doc.lineAt(endLine).text.length);
  return editor;
}

function expectedPredictions(file: string, lines: number[]): Array<[number, string]> {
  const text = fs.readFileSync(path.join(workspaceRoot(), file), 'utf8').split('\n');
  const header = text[0].split(',');
  return lines.map(l => {
    const cells = text[l].split(',');
    const row: Record<string, unknown> = {};
    header.forEach((h, i) => { row[h] = cells[i]; });
    row.is_active = row.is_active === 'true';
    return predictChurn(row);
  });
}

describe('Score Selection', function () {
  this.timeout(120_000);
  let fake: FakeFabricSetup;
  let api: FabricMlExtensionApi;

  before(async () => {
    api = await activateExtension<FabricMlExtensionApi>();
    fake = await setUpFakeFabric({ endpointId: 'score-test' });
  });
  after(async () => {
    await vscode.workspace.getConfiguration('fabricMl.scoring').update('batchSize', undefined, vscode.ConfigurationTarget.Global);
    await fake?.dispose();
  });

  it('scores the selected CSV rows and shows the toy model predictions in the results panel', async function () {
    await openWithSelection('customers.csv', 3, 12); // editor lines 3..12 = data rows 3..12 (header on line 0)
    fake.server.resetCounters();
    const model = await vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreSelection', { endpointId: fake.endpointId });
    assert.ok(model, 'the command returns the results it shows');
    const expected = expectedPredictions('customers.csv', [3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    assert.deepStrictEqual(model.predictions, expected);
    assert.deepStrictEqual(model.outputColumns, ['churn_probability', 'churn_label']);
    assert.strictEqual(model.inputs[0][0], 'C-1003', 'the first selected row is customer C-1003');
    assert.deepStrictEqual(model.source.rowLines, [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    // One token per run at most (it may already be cached from reading the signature), and the run
    // reports exactly what the token endpoint saw.
    assert.ok(fake.server.counters.tokenRequests <= 1, `token requests: ${fake.server.counters.tokenRequests}`);
    assert.ok(model.tokenRequests <= fake.server.counters.tokenRequests);
    assert.strictEqual(fake.server.counters.scoreRequests, 1);
    assert.strictEqual(fake.server.counters.scoreRowsReceived, 10);
    assert.ok(model.batches.every(b => b.ok));

    harnessOnly(this, 'reading the predictions in the results panel');
    const [text] = await waitFor(async () => {
      const t = await frameTexts('churn_probability');
      return t.length && t[0].includes('C-1003') ? t : undefined;
    }, 'the results panel with predictions');
    assert.match(text, /Fake churn/);
    assert.ok(text.includes(String(expected[0][0])), `panel shows ${expected[0][0]}`);
    assert.ok(text.includes('C-1012'), 'panel shows the last selected row');
    await screenshot('results-panel', 1500);
  });

  it('scores a JSON selection of two objects', async () => {
    const doc = await vscode.workspace.openTextDocument(path.join(workspaceRoot(), 'customers.json'));
    const editor = await vscode.window.showTextDocument(doc);
    // Objects 2 and 3 (each spans 9 lines, starting at line 1 after the opening bracket).
    editor.selection = new vscode.Selection(10, 0, 27, doc.lineAt(27).text.length);
    const model = await vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreSelection', { endpointId: fake.endpointId });
    assert.ok(model);
    const objects = JSON.parse(doc.getText()) as Array<Record<string, unknown>>;
    assert.deepStrictEqual(model.predictions, [predictChurn(objects[1]), predictChurn(objects[2])]);
    assert.strictEqual(model.inputs[0][0], 'C-1002');
  });

  it('renders endpoint-supplied text as text, not markup', async function () {
    const file = path.join(workspaceRoot(), 'xss.csv');
    fs.writeFileSync(file, 'age,income,tenure_months,is_active,plan\n30,40000,3,true,<img src=x onerror=alert(1)>\n');
    await openWithSelection('xss.csv', 1, 1);
    const model = await vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreSelection', { endpointId: fake.endpointId });
    assert.ok(model);
    assert.strictEqual(model.predictions[0]?.[1], '<img src=x onerror=alert(1)>');
    harnessOnly(this, 'reading the label in the results panel');
    // innerText shows the literal markup only when it was inserted as text.
    await waitFor(async () => (await frameTexts('<img src=x onerror=alert(1)>')).length > 0, 'the label shown as literal text');
  });

  it('keeps the other batches when one fails and shows the failed batch inline', async function () {
    await vscode.workspace.getConfiguration('fabricMl.scoring').update('batchSize', 4, vscode.ConfigurationTarget.Global);
    // The second batch (rows C-1005..C-1008; C-1005 is the only customer aged 58 in rows 1..12) fails with a 500.
    fake.server.scriptScore({ type: 'error', status: 500, errorCode: 'UnknownError', message: 'The model container crashed.' },
      { match: inputs => Array.isArray(inputs[0]) && (inputs[0] as unknown[])[0] === 58 });
    await openWithSelection('customers.csv', 1, 12);
    const model = await vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreSelection', { endpointId: fake.endpointId });
    assert.ok(model);
    const failed = model.batches.filter(b => !b.ok);
    assert.strictEqual(model.batches.length, 3);
    assert.strictEqual(failed.length, 1);
    assert.strictEqual(failed[0].error?.status, 500);
    assert.strictEqual(failed[0].error?.errorCode, 'UnknownError');
    const scored = model.predictions.filter(p => p !== null).length;
    assert.strictEqual(scored, 8, 'the two good batches keep their predictions');
    assert.deepStrictEqual([failed[0].startRow, failed[0].endRow], [4, 8]);
    assert.deepStrictEqual(model.predictions.slice(4, 8), [null, null, null, null]);
    harnessOnly(this, 'reading the failed batch in the results panel');
    await waitFor(async () => (await frameTexts('UnknownError')).length > 0, 'the failed batch shown in the panel');
    await screenshot('results-error-batch', 1000);
  });

  it('keeps secrets and tokens out of the webview HTML and state', async () => {
    const snapshot = api.lastResults();
    assert.ok(snapshot?.model, 'a results panel is open with a model');
    const model = snapshot.model;
    const everything = snapshot.html + JSON.stringify(model);
    assert.ok(!everything.includes(DEMO_CLIENT_SECRET), 'no client secret');
    for (const token of fake.server.issuedTokens()) assert.ok(!everything.includes(token), 'no bearer token');
    const exchanges = model.batches.map(b => b.exchange).filter(Boolean);
    assert.ok(exchanges.length > 0, 'raw exchanges are kept for the raw view');
    for (const x of exchanges) {
      const auth = Object.entries(x!.requestHeaders).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
      assert.ok(auth === undefined || /REDACTED/.test(auth), `Authorization is redacted (${auth})`);
    }
    assert.match(snapshot.html, /Content-Security-Policy/);
    assert.doesNotMatch(snapshot.html, /unsafe-inline/);
  });

  it('keeps the shown run in the extension\'s storage for a window reload, redacted', async () => {
    const model = api.lastResults()!.model!;
    const context = await extensionContext();
    const file = vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'results', `${model.runId}.json`);
    const text = await waitFor(async () => {
      try {
        return new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
      } catch {
        return undefined;
      }
    }, 'the run written to storage');
    const stored = JSON.parse(text) as { model: ResultsModel };
    assert.strictEqual(stored.model.runId, model.runId);
    assert.deepStrictEqual(stored.model.predictions, model.predictions, 'the whole run, to restore after a reload');
    assert.ok(!text.includes(DEMO_CLIENT_SECRET), 'no client secret in storage');
    for (const token of fake.server.issuedTokens()) assert.ok(!text.includes(token), 'no bearer token in storage');
  });
});

describe('Score File', function () {
  this.timeout(120_000);
  let fake: FakeFabricSetup;

  before(async () => {
    fake = await setUpFakeFabric({ endpointId: 'score-file-test' });
  });
  after(async () => {
    await vscode.workspace.getConfiguration('fabricMl.scoring').update('batchSize', undefined, vscode.ConfigurationTarget.Global);
    await fake?.dispose();
  });

  it('streams the whole file from disk in batches and returns every row scored', async () => {
    await vscode.workspace.getConfiguration('fabricMl.scoring').update('batchSize', 7, vscode.ConfigurationTarget.Global);
    fake.server.resetCounters();
    const uri = vscode.Uri.file(path.join(workspaceRoot(), 'customers.jsonl'));
    const model = await vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreFile', { endpointId: fake.endpointId, uri: uri.toString() });
    assert.ok(model);
    const objects = fs.readFileSync(uri.fsPath, 'utf8').trim().split('\n').map(l => JSON.parse(l) as Record<string, unknown>);
    assert.strictEqual(model.predictions.length, objects.length);
    assert.deepStrictEqual(model.predictions, objects.map(o => predictChurn(o)));
    assert.deepStrictEqual(model.source.rowLines, objects.map((_, i) => i + 1));
    assert.strictEqual(model.batches.length, Math.ceil(objects.length / 7));
    assert.strictEqual(fake.server.counters.scoreRequests, Math.ceil(objects.length / 7));
    assert.strictEqual(fake.server.counters.scoreRowsReceived, objects.length);
  });

  it('refuses a file that is not CSV, TSV, JSON or JSON Lines with a message naming the file', async () => {
    const file = path.join(workspaceRoot(), 'notes.txt');
    fs.writeFileSync(file, 'hello\n');
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('fabricMl.scoreFile', { endpointId: fake.endpointId, uri: vscode.Uri.file(file).toString() })),
      /notes\.txt is not a CSV, TSV, JSON or JSON Lines file/);
  });

  it('reports a malformed CSV with its line number and sends nothing', async () => {
    const file = path.join(workspaceRoot(), 'broken.csv');
    fs.writeFileSync(file, 'age,income,tenure_months,is_active\n30,40000,3,true\n31,"41000,4,false\n');
    fake.server.resetCounters();
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('fabricMl.scoreFile', { endpointId: fake.endpointId, uri: vscode.Uri.file(file).toString() })),
      /Line 3/);
    assert.strictEqual(fake.server.counters.scoreRequests, 0);
  });

  it('lists bad values one per line and sends nothing; with invalidRows "skip" it scores the rest and keeps the bad rows with their reason', async () => {
    const file = path.join(workspaceRoot(), 'bad-values.csv');
    fs.writeFileSync(file, [
      'customer_id,age,income,tenure_months,is_active,plan,signup_date',
      'C-1,30,40000,3,true,basic,2024-01-05',
      'C-2,abc,41000,4,false,pro,2024-01-06',
      'C-3,32,42000,5,true,plus,10/03/2024',
      'C-4,33,43000,6,false,basic,2024-01-08',
    ].join('\n') + '\n');
    try {
      fake.server.resetCounters();
      const rows = { startLine: 1, endLine: 4 };
      const refused = await vscode.commands.executeCommand('fabricMl.scoreSelection', { endpointId: fake.endpointId, uri: vscode.Uri.file(file).toString(), range: rows }).then(() => '', (e: Error) => e.message);
      assert.strictEqual(refused.split('\n')[0], '2 values do not match the input signature (2 rows). Nothing was sent.');
      assert.match(refused.split('\n')[1], /^Line 3, column age: "abc" is not a double/);
      assert.match(refused.split('\n')[2], /^Line 4, column signup_date: "10\/03\/2024" is not a datetime \(day and month order is ambiguous/);
      assert.strictEqual(fake.server.counters.scoreRequests, 0, 'nothing was sent');

      const model = await vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreSelection', { endpointId: fake.endpointId, uri: vscode.Uri.file(file).toString(), range: rows, invalidRows: 'skip' });
      assert.ok(model);
      assert.strictEqual(fake.server.counters.scoreRowsReceived, 2, 'only the two valid rows were sent');
      assert.deepStrictEqual(model.source.rowLines, [2, 5, 3, 4], 'the sent rows, then the rows not sent');
      assert.deepStrictEqual(model.predictions.map(p => p === null), [false, false, true, true]);
      const notSent = model.batches.filter(b => b.error?.errorCode === 'NotSent');
      assert.deepStrictEqual(notSent.map(b => b.error?.message.slice(0, 30)), ['Not sent: column age: "abc" is', 'Not sent: column signup_date: ']);
      assert.ok(model.warnings.includes('2 rows were not sent: their values do not fit the input signature.'), JSON.stringify(model.warnings));
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it('reads 10/03/2024 in the order the user set, and says so', async () => {
    const file = path.join(workspaceRoot(), 'day-first.csv');
    fs.writeFileSync(file, 'customer_id,age,income,tenure_months,is_active,plan,signup_date\nC-1,30,40000,3,true,basic,10/03/2024\n');
    const config = vscode.workspace.getConfiguration('fabricMl.scoring');
    await config.update('dateFormat', 'dayFirst', vscode.ConfigurationTarget.Global);
    try {
      const model = await vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreSelection', { endpointId: fake.endpointId, uri: vscode.Uri.file(file).toString(), range: { startLine: 1, endLine: 1 } });
      assert.ok(model?.warnings.includes('1 date was written like 10/03/2024 and read as day/month/year (setting "fabricMl.scoring.dateFormat").'), JSON.stringify(model?.warnings));
    } finally {
      await config.update('dateFormat', undefined, vscode.ConfigurationTarget.Global);
      fs.rmSync(file, { force: true });
    }
  });
});

describe('Scoring is local first', function () {
  this.timeout(120_000);
  const csv = () => vscode.Uri.file(path.join(workspaceRoot(), 'customers.csv')).toString();
  let fake: FakeFabricSetup | undefined;

  /**
   * A fake server and endpoint of its own: no token (new authority) and no signature (new endpoint) is
   * cached for it. The Endpoint Explorer is closed so that it does not read the signature in the background.
   */
  async function coldEndpoint(id: string): Promise<FakeFabricSetup> {
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    fake = await setUpFakeFabric({ endpointId: id });
    fake.server.resetCounters();
    return fake;
  }

  function assertNothingSent(setup: FakeFabricSetup, what: string): void {
    const { tokenRequests, metadataRequests, scoreRequests } = setup.server.counters;
    assert.deepStrictEqual({ tokenRequests, metadataRequests, scoreRequests }, { tokenRequests: 0, metadataRequests: 0, scoreRequests: 0 }, what);
  }

  /** The same cold endpoint then scores valid rows: it fetches a token and the signature, so the zeros meant something. */
  async function assertFirstRunFetches(setup: FakeFabricSetup): Promise<void> {
    const model = await vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreSelection', { endpointId: setup.endpointId, uri: csv(), range: { startLine: 1, endLine: 2 } });
    assert.ok(model && model.batches.every(b => b.ok));
    assert.strictEqual(setup.server.counters.tokenRequests, 1, 'the first real run requests a token');
    assert.ok(setup.server.counters.metadataRequests >= 1, 'the first real run reads the signature');
  }

  afterEach(async () => {
    await vscode.workspace.getConfiguration('fabricMl.scoring').update('confirmAboveRows', undefined, vscode.ConfigurationTarget.Global);
    await fake?.dispose();
    fake = undefined;
  });

  it('sends nothing for a malformed file: no token request, no signature read, no scoring', async () => {
    const file = path.join(workspaceRoot(), 'broken-cold.csv');
    fs.writeFileSync(file, 'age,income,tenure_months,is_active\n30,40000,3,true\n31,"41000,4,false\n');
    const setup = await coldEndpoint('local-first-malformed');
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('fabricMl.scoreFile', { endpointId: setup.endpointId, uri: vscode.Uri.file(file).toString() })),
      /Line 3/);
    assertNothingSent(setup, 'a malformed file sends nothing');
    await assertFirstRunFetches(setup);
  });

  it('sends nothing while "Score all N rows?" is not answered with Score All Rows', async () => {
    await vscode.workspace.getConfiguration('fabricMl.scoring').update('confirmAboveRows', 5, vscode.ConfigurationTarget.Global);
    const setup = await coldEndpoint('local-first-declined');
    // VS Code under test refuses to show modal dialogs: the question is asked (the refusal quotes it) and
    // never answered with "Score All Rows", as when the user declines; the run stops there.
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('fabricMl.scoreFile', { endpointId: setup.endpointId, uri: csv(), confirm: true })),
      /Score all 60 rows of customers\.csv\? That is 1 requests to the endpoint/);
    assertNothingSent(setup, 'an unanswered confirmation sends nothing');
    await assertFirstRunFetches(setup);
  });
});
