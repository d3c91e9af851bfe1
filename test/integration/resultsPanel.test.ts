// The results panel used the way a user uses it: by clicking in the webview (through the harness, which
// sends real mouse clicks to the page). Copy as M, Re-run, the Summary and Request/response tabs, coming
// back after the panel was hidden (at the same tab, also after a Re-run), and the CSV / JSON exports
// through VS Code's own save dialog.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import * as PQP from '@microsoft/powerquery-parser';
import { parse as parseCsv } from 'csv-parse/sync';
import { predictChurn } from '../../tools/fake-fabric';
import type { ResultsModel } from '../../src/protocol/results';
import type { FabricMlExtensionApi } from '../../src/features/api';
import type { ResultsPanelTestView } from '../../src/features/results';
import { activateExtension, frameClick, frameTexts, screenshot, setUpFakeFabric, waitFor, workbenchTexts, type FakeFabricSetup } from './support';
import { harnessOnly } from './harnessOnly';

const workspaceRoot = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
/** Only the results page has this text (the action bar), so it picks the results webview's frame. */
const PANEL_MARK = 'Copy as M #table';
/** Editor lines of customers.csv that are scored (line 0 is the header). */
const FIRST_LINE = 1;
const LAST_LINE = 8;

/** Clicks a button or tab in the results panel, as a user does. */
function clickInPanel(selector: string, text: string): Promise<void> {
  return frameClick(PANEL_MARK, selector, text);
}

/** The results page's body text, once it shows `expected`. */
async function panelTextWith(expected: string, what: string): Promise<string> {
  const [text] = await waitFor(async () => {
    const texts = (await frameTexts(PANEL_MARK)).filter(t => t.includes(expected));
    return texts.length ? texts : undefined;
  }, what);
  return text;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** How the panel formats a statistic (webview/format.ts formatStat): up to 6 significant digits, en-US. */
function shownStat(n: number): string {
  return n.toLocaleString('en-US', { maximumSignificantDigits: 6 });
}

function expectedPredictions(lines: number[]): Array<[number, string]> {
  const text = fs.readFileSync(path.join(workspaceRoot(), 'customers.csv'), 'utf8').split(/\r?\n/);
  const header = text[0].split(',');
  return lines.map(l => {
    const row: Record<string, unknown> = {};
    text[l].split(',').forEach((cell, i) => { row[header[i]] = cell; });
    return predictChurn(row);
  });
}

describe('Results panel interactions', function () {
  this.timeout(120_000);
  let fake: FakeFabricSetup;
  let api: FabricMlExtensionApi;
  const scoredLines = Array.from({ length: LAST_LINE - FIRST_LINE + 1 }, (_, i) => FIRST_LINE + i);

  /** The model the panel shows, once the panel is visible and its page has painted that run. */
  async function shownModel(runId?: string): Promise<ResultsModel> {
    return waitFor(async () => {
      const view = api.lastResults();
      const model = view?.model;
      if (!model || !view.visible || view.rendered?.runId !== model.runId) return undefined;
      if (runId !== undefined && model.runId !== runId) return undefined;
      // The header (always shown, whatever the tab) says the page is there.
      return (await frameTexts(PANEL_MARK)).length > 0 ? model : undefined;
    }, 'the results panel to paint its run');
  }

  function resultsTab(): vscode.Tab | undefined {
    return vscode.window.tabGroups.all.flatMap(g => g.tabs)
      .find(t => t.input instanceof vscode.TabInputWebview && t.input.viewType.endsWith(RESULTS_VIEW_TYPE));
  }

  /**
   * Hides the panel behind another editor in its group (without retainContextWhenHidden its page is
   * discarded), then brings it back by clicking its tab, as a user does. Returns once the page has
   * painted `model` again from its saved state; the other editor stays open behind the panel.
   */
  async function hideAndShowAgain(model: ResultsModel): Promise<{ view: ResultsPanelTestView; other: vscode.TextDocument; column: vscode.ViewColumn }> {
    const tab = resultsTab();
    assert.ok(tab, 'the results panel has a tab');
    const column = tab.group.viewColumn;
    const other = await vscode.workspace.openTextDocument(path.join(workspaceRoot(), 'customers.json'));
    await vscode.window.showTextDocument(other, { viewColumn: column, preview: false });
    await waitFor(async () => !api.lastResults()!.visible && (await frameTexts(PANEL_MARK)).length === 0, 'the results page to be discarded');

    const renderedBefore = api.lastResults()!.rendered;
    await frameClick('', '.tabs-container .tab', `Results: ${model.endpoint.name}`);
    // The page keeps only the run's id: shown again, it is sent the run and paints it anew.
    const view = await waitFor(() => {
      const v = api.lastResults()!;
      return v.visible && v.rendered !== renderedBefore && v.rendered?.runId === model.runId ? v : undefined;
    }, 'the panel to restore its run');
    return { view, other, column };
  }

  async function closeEditor(document: vscode.TextDocument, column: vscode.ViewColumn): Promise<void> {
    await vscode.window.showTextDocument(document, { viewColumn: column });
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  }

  async function scoreDemoRows(): Promise<ResultsModel> {
    const doc = await vscode.workspace.openTextDocument(path.join(workspaceRoot(), 'customers.csv'));
    const editor = await vscode.window.showTextDocument(doc, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(FIRST_LINE, 0, LAST_LINE, doc.lineAt(LAST_LINE).text.length);
    const model = await vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreSelection', { endpointId: fake.endpointId });
    assert.ok(model, 'Score Selection returns the run it shows');
    await shownModel(model.runId);
    return model;
  }

  before(async function () {
    // Clicking needs the offline harness (HARNESS_CONTROL_URL); desktop VS Code runs have no page to click in.
    harnessOnly(this, 'clicking in the results panel');
    api = await activateExtension<FabricMlExtensionApi>();
    fake = await setUpFakeFabric({ endpointId: 'results-ui' });
  });
  after(async () => {
    await fake?.dispose();
  });

  it('Copy as M #table puts a parseable M table with the predictions on the clipboard', async () => {
    const model = await scoreDemoRows();
    assert.deepStrictEqual(model.predictions, expectedPredictions(scoredLines));
    await vscode.env.clipboard.writeText('');

    await clickInPanel('vscode-button', 'Copy as M #table');

    const text = await waitFor(async () => {
      const t = await vscode.env.clipboard.readText();
      return t.startsWith('#table(') ? t : undefined;
    }, 'the M #table on the clipboard');
    const task = await PQP.TaskUtils.tryLexParse(PQP.DefaultSettings, text);
    assert.ok(PQP.TaskUtils.isOk(task), `the copied M parses (${PQP.TaskUtils.isOk(task) ? '' : task.stage}):\n${text}`);
    assert.match(text, /churn_probability = number, churn_label = text/);
    assert.match(text, /age = number, income = number, tenure_months = Int64.Type, is_active = logical/, 'inputs typed by the input signature');
    for (const [row, [probability, label]] of model.predictions.map((p, i) => [i, p!] as const)) {
      const id = String(model.inputs[row][0]);
      assert.match(text, new RegExp(`\\{${escapeRegExp(String(probability))}, "${label}", "${escapeRegExp(id)}", [^}]*, null\\}`),
        `row ${id} carries its prediction ${probability} / ${label}`);
    }
    for (const token of fake.server.issuedTokens()) assert.ok(!text.includes(token), 'no bearer token in the copied M');
    await panelTextWith(`Copied an M #table with ${model.inputs.length} rows`, 'the confirmation in the panel');
  });

  it('Re-run scores the same rows again and shows the new run', async () => {
    const before = await shownModel();
    fake.server.resetCounters();

    await clickInPanel('vscode-button', 'Re-run');

    const after = await waitFor(async () => {
      const model = await shownModel();
      return model.runId !== before.runId ? model : undefined;
    }, 'a new run in the panel');
    assert.deepStrictEqual(after.predictions, before.predictions, 'the same rows give the same predictions');
    assert.deepStrictEqual(after.inputs, before.inputs);
    assert.deepStrictEqual(after.source, before.source);
    assert.strictEqual(fake.server.counters.scoreRequests, 1, 'one scoring request');
    assert.strictEqual(fake.server.counters.scoreRowsReceived, before.inputs.length, 'the fake endpoint received every row again');
    assert.ok(Date.parse(after.startedAt) >= Date.parse(before.startedAt));
    const text = await panelTextWith(String(after.inputs.at(-1)![0]), 'the re-run rows in the panel');
    assert.ok(!text.includes('Re-running'), 'the status line no longer says it is re-running');
    const kept = await api.keptResults();
    assert.ok(kept?.includes(after.runId), 'the new run is kept for a window reload');
    assert.ok(!kept?.includes(before.runId), 'the run it replaced in the panel is not kept: it cannot come back');
  });

  it('Summary shows per-column statistics and Request/response shows the redacted exchange', async () => {
    const model = await shownModel();
    await clickInPanel('[role=tab]', 'Summary');
    const text = await panelTextWith('Mean', 'the Summary tab');
    await screenshot('results-summary', 800);

    const probabilities = model.predictions.map(p => p![0] as number);
    const labels = model.predictions.map(p => p![1] as string);
    const probabilityCard = text.slice(text.indexOf('churn_probability'), text.indexOf('churn_label'));
    const labelCard = text.slice(text.indexOf('churn_label'));
    assert.ok(probabilityCard.length > 0 && labelCard.length > 0, `both columns have a card:\n${text}`);
    const stat = (card: string, label: string, value: string) =>
      assert.match(card, new RegExp(`${label}\\s+${escapeRegExp(value)}(\\s|$)`), `${label} ${value} in:\n${card}`);
    stat(probabilityCard, 'Count', String(probabilities.length));
    stat(probabilityCard, 'Nulls', '0');
    stat(probabilityCard, 'Min', shownStat(Math.min(...probabilities)));
    stat(probabilityCard, 'Max', shownStat(Math.max(...probabilities)));
    stat(probabilityCard, 'Mean', shownStat(probabilities.reduce((a, b) => a + b, 0) / probabilities.length));
    stat(labelCard, 'Count', String(labels.length));
    const counts = new Map<string, number>();
    for (const label of labels) counts.set(label, (counts.get(label) ?? 0) + 1);
    assert.match(labelCard, new RegExp(`${counts.size} class`), 'the number of classes');
    for (const [label, count] of counts) assert.match(labelCard, new RegExp(`${label}\\s+${count}\\s+\\(`), `${label}: ${count}`);

    await clickInPanel('[role=tab]', 'Request/response');
    const raw = await panelTextWith('Bearer [REDACTED]', 'the Request/response tab');
    const exchange = model.batches[0].exchange;
    assert.ok(exchange?.requestBody, 'the run kept its request');
    assert.ok(raw.includes(`${exchange.method} ${exchange.url}`), `the request line is shown:\n${raw}`);
    const sent = JSON.parse(exchange.requestBody) as { inputs: unknown[][] };
    const firstRow = `[${sent.inputs[0].map(v => JSON.stringify(v)).join(', ')}]`;
    assert.ok(raw.includes(firstRow), `the request body with the first row ${firstRow} is shown:\n${raw}`);
    assert.ok(raw.includes(`HTTP ${exchange.status}`), 'the response status is shown');
    assert.match(raw, /authorization: Bearer \[REDACTED\]/i);
    const tokens = fake.server.issuedTokens();
    assert.ok(tokens.length > 0, 'the fake server issued a token for this run');
    for (const token of tokens) assert.ok(!raw.includes(token), 'the real token is never shown');
  });

  it('shows the same run again after being hidden, without scoring again', async () => {
    const model = await shownModel();
    await clickInPanel('[role=tab]', 'Rows');
    await waitFor(() => api.lastResults()!.place?.tab === 'rows', 'the page to save the Rows tab');
    fake.server.resetCounters();
    const postedBefore = api.lastResults()!.postedTypes.length;

    const { view: restored, other, column } = await hideAndShowAgain(model);
    const text = await panelTextWith(String(model.inputs[0][0]), 'the restored rows');
    assert.ok(text.includes(String(model.predictions[0]![0])), 'the restored rows show their predictions');
    assert.strictEqual(restored.model?.runId, model.runId, 'the same run');
    assert.deepStrictEqual(restored.rendered!.cspViolations, [], 'the reloaded page ran without CSP violations');
    assert.deepStrictEqual(restored.postedTypes.slice(postedBefore), ['results/show'],
      'the page keeps only the run\'s id, so the extension sent it the run (with the user\'s place) again');
    assert.strictEqual(fake.server.counters.scoreRequests, 0, 'no rows were sent again');
    assert.strictEqual(fake.server.counters.tokenRequests, 0);
    await closeEditor(other, column);
  });

  it('keeps the selected tab when hidden and shown again, and after Re-run', async () => {
    const model = await shownModel();
    const firstId = String(model.inputs[0][0]);
    await clickInPanel('[role=tab]', 'Summary');
    await panelTextWith('Mean', 'the Summary tab');
    // The extension keeps the place the page reports (the page's own state holds the run's opening
    // place, Rows): from here, hiding the page loses nothing.
    await waitFor(() => api.lastResults()!.place?.tab === 'summary', 'the page to report the Summary tab');

    const { view: restored, other, column } = await hideAndShowAgain(model);
    try {
      assert.strictEqual(restored.place?.tab, 'summary');
      const text = await panelTextWith('Mean', 'the restored page on the Summary tab');
      await screenshot('results-restored-summary', 500);
      const probabilities = model.predictions.map(p => p![0] as number);
      const mean = probabilities.reduce((a, b) => a + b, 0) / probabilities.length;
      assert.match(text, new RegExp(`Mean\\s+${escapeRegExp(shownStat(mean))}(\\s|$)`), `the summary of this run is shown:\n${text}`);
      assert.ok(!text.includes(firstId), `the rows grid is not the tab shown:\n${text}`);

      fake.server.resetCounters();
      await clickInPanel('vscode-button', 'Re-run');
      const again = await waitFor(async () => {
        const next = await shownModel();
        return next.runId !== model.runId ? next : undefined;
      }, 'the re-run in the panel');
      assert.strictEqual(fake.server.counters.scoreRequests, 1, 'the rows were scored again');
      const view = api.lastResults()!;
      assert.deepStrictEqual(view.place && { runId: view.place.runId, tab: view.place.tab }, { runId: again.runId, tab: 'summary' });
      const rerunText = await panelTextWith('Mean', 'the re-run on the Summary tab');
      assert.ok(!rerunText.includes(firstId), `the re-run opened on Summary, not on the rows:\n${rerunText}`);
      assert.ok(!rerunText.includes('Re-running'), 'the status line no longer says it is re-running');
      await screenshot('results-rerun-summary', 500);
    } finally {
      await closeEditor(other, column);
    }
  });

  it('says in the panel when Re-run cannot run, keeps the run shown, and says why in a notification', async () => {
    const model = await shownModel();
    // The endpoint was removed since the run (e.g. from the Endpoint Explorer).
    await vscode.commands.executeCommand('fabricMl.removeEndpoint', { endpointId: fake.endpointId });
    try {
      fake.server.resetCounters();
      await clickInPanel('vscode-button', 'Re-run');
      const text = await panelTextWith('Re-run did not produce new results.', 'the re-run outcome in the status line');
      assert.ok(!text.includes('Re-running'), 'the status line no longer says it is re-running');
      // The notification center lists the notification whether or not its toast is showing.
      await vscode.commands.executeCommand('notifications.showList');
      const notifications = await waitFor(async () => {
        const shown = (await workbenchTexts('.notifications-center .notification-list-item-message')).filter(t => t.includes(fake.endpointId));
        return shown.length ? shown : undefined;
      }, 'the reason in a notification');
      assert.match(notifications[0], new RegExp(`There is no Fabric ML endpoint with id "${escapeRegExp(fake.endpointId)}"`));
      assert.strictEqual(api.lastResults()!.model!.runId, model.runId, 'the run shown stays');
      assert.strictEqual(fake.server.counters.scoreRequests, 0);
    } finally {
      await vscode.commands.executeCommand('notifications.hideList');
      await vscode.commands.executeCommand('fabricMl.addEndpoint', {
        id: fake.endpointId, name: model.endpoint.name, scoreUrl: model.endpoint.scoreUrl, profileId: 'default', target: 'user',
      });
    }
  });

  for (const format of ['csv', 'json'] as const) {
    it(`Export ${format.toUpperCase()} writes the file chosen in the save dialog`, async () => {
      const model = await shownModel();
      const target = path.join(workspaceRoot(), `customers-scored.${format}`);
      fs.rmSync(target, { force: true });

      await clickInPanel('vscode-button', `Export ${format.toUpperCase()}`);
      // In the browser the save dialog is VS Code's own: a quick input titled by the extension, with the
      // suggested path filled in. Enter (the accept command) takes that path; an accept that arrives while
      // the dialog is still listing the folder is held until the listing is done.
      const title = `Export ${model.inputs.length} scored rows as ${format.toUpperCase()}`;
      await waitFor(async () => (await workbenchTexts('.quick-input-widget .quick-input-title')).includes(title), `the save dialog "${title}"`);
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');

      const written = await waitFor(() => (fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined), `${target} to be written`);
      if (format === 'csv') {
        const rows = parseCsv(written) as string[][];
        // The grid's order: predictions first; inputs as sent (numbers as numbers).
        assert.deepStrictEqual(rows[0], [...model.outputColumns, ...model.inputColumns, 'error']);
        assert.strictEqual(rows.length, model.inputs.length + 1);
        assert.deepStrictEqual(rows[1].slice(0, 2), [String(model.predictions[0]![0]), String(model.predictions[0]![1])]);
        assert.strictEqual(rows[1].at(-1), '');
      } else {
        const exported = JSON.parse(written) as { runId: string; rows: Array<{ row: number; sourceLine?: number; inputs: Record<string, unknown>; predictions: Record<string, unknown> | null }> };
        assert.strictEqual(exported.runId, model.runId);
        assert.strictEqual(exported.rows.length, model.inputs.length);
        assert.deepStrictEqual(exported.rows[0], {
          row: 1,
          sourceLine: FIRST_LINE + 1,
          predictions: { churn_probability: model.predictions[0]![0], churn_label: model.predictions[0]![1] },
          inputs: Object.fromEntries(model.inputColumns.map((c, i) => [c, model.inputs[0][i]])),
        });
        assert.strictEqual(typeof exported.rows[0].inputs.age, 'number', 'inputs are written as they were sent: numbers as numbers');
      }
      await panelTextWith(`Exported ${model.inputs.length} rows to customers-scored.${format}`, 'the confirmation in the panel');
    });
  }
});

const RESULTS_VIEW_TYPE = 'fabricMl.results';
