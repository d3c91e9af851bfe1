// The results page used at any width, by keyboard: pinned columns (by default and from a header), the
// grid's active cell moved with real key presses, Enter on a row opening its source line in the editor,
// and a screenshot set of the page at 335 px, 700 px and full width in the light and the dark theme
// (test-results/screenshots/results-{335px,700px,full}-{light,dark}.png, plus the actions menu at 335 px,
// the Batches tab at 700 px and the grid scrolled sideways under its pinned columns).
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ResultsModel } from '../../src/protocol/results';
import type { FabricMlExtensionApi } from '../../src/features/api';
import { activateExtension, frameClick, frameTexts, pressKeys, screenshot, setUpFakeFabric, waitFor, workbenchAttributes, type FakeFabricSetup } from './support';
import { harnessOnly } from './harnessOnly';

const workspaceRoot = () => vscode.workspace.workspaceFolders![0].uri.fsPath;
/** Text only the results page has at every width (the run's one-line summary). */
const PAGE_MARK = 'scored ·';
const FIRST_LINE = 1;
const LAST_LINE = 14;

function clickInPage(selector: string, text?: string): Promise<void> {
  return frameClick(PAGE_MARK, selector, text);
}

async function pageTextWith(expected: string, what: string): Promise<string> {
  const [text] = await waitFor(async () => {
    const texts = (await frameTexts(PAGE_MARK)).filter(t => t.includes(expected));
    return texts.length ? texts : undefined;
  }, what);
  return text;
}

/**
 * Width of the editor group on the right (where the results panel opened, beside the source file): the
 * editor groups are views of a split view, placed with inline left/width.
 */
async function resultsGroupWidth(): Promise<number | undefined> {
  const styles = await workbenchAttributes('.part.editor .split-view-view', 'style');
  const views = styles.map(s => ({ left: Number(/left:\s*([\d.]+)px/.exec(s)?.[1] ?? 0), width: Number(/width:\s*([\d.]+)px/.exec(s)?.[1] ?? 0) }))
    .filter(v => v.width > 0);
  return views.sort((a, b) => b.left - a.left)[0]?.width;
}

describe('Results page at any width, by keyboard', function () {
  this.timeout(180_000);
  let fake: FakeFabricSetup;
  let api: FabricMlExtensionApi;
  let model: ResultsModel;
  let csv: vscode.TextDocument;
  const workbench = () => vscode.workspace.getConfiguration('workbench');
  let themeBefore: string | undefined;

  before(async function () {
    harnessOnly(this, 'key presses and screenshots of the results page');
    api = await activateExtension<FabricMlExtensionApi>();
    fake = await setUpFakeFabric({ endpointId: 'results-layout' });
    themeBefore = workbench().inspect<string>('colorTheme')?.globalValue;
    csv = await vscode.workspace.openTextDocument(path.join(workspaceRoot(), 'customers.csv'));
    const editor = await vscode.window.showTextDocument(csv, vscode.ViewColumn.One);
    editor.selection = new vscode.Selection(FIRST_LINE, 0, LAST_LINE, csv.lineAt(LAST_LINE).text.length);
    const scored = await vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreSelection', { endpointId: fake.endpointId });
    assert.ok(scored, 'Score Selection returns the run it shows');
    model = scored;
    await waitFor(async () => {
      const view = api.lastResults();
      return view?.rendered?.runId === model.runId && (await frameTexts(PAGE_MARK)).length > 0;
    }, 'the results page to paint the run');
  });

  after(async () => {
    await workbench().update('colorTheme', themeBefore, vscode.ConfigurationTarget.Global);
    await fake?.dispose();
  });

  it('pins #, Line and customer_id by default, and pins another column from its header', async () => {
    const opened = await waitFor(() => api.lastResults()!.place, 'the page to report where the user is');
    assert.deepStrictEqual(opened.pinned, ['#', 'line', 'input:customer_id']);
    await clickInPage('.results-grid .vrow.head .cell[title^="Input column plan"] button.pin');
    await pageTextWith('Pinned plan.', 'the status line saying the column is pinned');
    const place = await waitFor(() => {
      const p = api.lastResults()!.place;
      return p?.pinned?.includes('input:plan') ? p : undefined;
    }, 'the page to report the pinned column');
    assert.deepStrictEqual(place.pinned, ['#', 'line', 'input:customer_id', 'input:plan']);
    // Pinned columns come first, before the predictions.
    const text = await pageTextWith('Pinned plan.', 'the grid');
    const header = text.slice(text.indexOf('#'), text.indexOf('churn_label'));
    assert.match(header, /#\s+Line\s+customer_id\s+plan\s+churn_probability/, `the pinned columns lead the header:\n${header}`);
    await clickInPage('.results-grid .vrow.head .cell[title^="Input column plan"] button.pin');
    await pageTextWith('Unpinned plan.', 'the status line saying the column is unpinned');
  });

  it('moves the active cell with the keyboard and opens the source line of a row with Enter', async () => {
    await clickInPage('.results-grid .vrow[data-row="0"] .cell.rownum');
    await pressKeys('', 'ArrowDown', 'ArrowDown', 'ArrowRight');
    await waitFor(() => {
      const p = api.lastResults()!.place;
      return p?.activeRow === 2 && p.activeColumn === 'line';
    }, 'the active cell on row 3, column Line');
    await pressKeys('', 'End');
    await waitFor(() => api.lastResults()!.place?.activeColumn === `input:${model.inputColumns.at(-1)}`, 'End: the last column');
    await pressKeys('', 'PageDown');
    await waitFor(() => api.lastResults()!.place?.activeRow === model.inputs.length - 1, 'PageDown: the last row (the run fits in a page)');
    await pressKeys('', 'Control+Home');
    await waitFor(() => {
      const p = api.lastResults()!.place;
      return p?.activeRow === 0 && p.activeColumn === '#';
    }, 'Ctrl+Home: the first cell');
    await pressKeys('', 'ArrowDown', 'ArrowDown', 'ArrowDown', 'Enter');
    const line = model.source.rowLines![3];
    const editor = await waitFor(() => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.toString() === csv.uri.toString() && e.selection.active.line === line - 1 ? e : undefined;
    }, `the editor at line ${line} of customers.csv`);
    assert.ok(editor.document.lineAt(line - 1).text.startsWith(String(model.inputs[3][0])), 'the line of the fourth row');
  });

  /** On a narrow page: opens the actions menu, copies the run as M from it, and sees the menu close. */
  async function useActionsMenu(): Promise<void> {
    await vscode.env.clipboard.writeText('');
    await clickInPage('.more-actions > summary');
    await pageTextWith('Copy as M #table', 'the actions menu open');
    shots.push(await screenshot('results-335px-menu-dark', 300));
    await clickInPage('.more-actions [role=menuitem]', 'Copy as M #table');
    await waitFor(async () => (await vscode.env.clipboard.readText()).startsWith('#table('), 'the M #table copied from the menu');
    await waitFor(async () => !(await pageTextWith(PAGE_MARK, 'the page')).includes('Export JSON'), 'the menu to close');
  }
  const shots: string[] = [];

  it('fits 335 px, 700 px and full width, in the light and the dark theme (screenshots)', async () => {
    await vscode.commands.executeCommand('workbench.action.closeSidebar');
    await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    // The results panel sits beside customers.csv; the two groups share the editor area.
    await vscode.commands.executeCommand('vscode.setEditorLayout', { orientation: 0, groups: [{ size: 0.5 }, { size: 0.5 }] });
    const half = await waitFor(resultsGroupWidth, 'the width of the results panel\'s editor group');
    const area = half * 2;
    try {
      for (const theme of ['light', 'dark'] as const) {
        await workbench().update('colorTheme', theme === 'light' ? 'Default Light Modern' : 'Default Dark Modern', vscode.ConfigurationTarget.Global);
        for (const width of [335, 700]) {
          await vscode.commands.executeCommand('vscode.setEditorLayout', { orientation: 0, groups: [{ size: (area - width) / area }, { size: width / area }] });
          await waitFor(async () => Math.abs((await resultsGroupWidth() ?? 0) - width) <= 12, `the results page at ${width} px`);
          const text = await pageTextWith(PAGE_MARK, 'the page at this width');
          // Narrow: the actions are in one menu; at 700 px they are buttons.
          assert.strictEqual(text.includes('Export JSON'), width > 480, `actions at ${width} px:\n${text}`);
          shots.push(await screenshot(`results-${width}px-${theme}`, 800));
          if (width === 335 && theme === 'dark') await useActionsMenu();
          if (width === 700 && theme === 'dark') {
            await clickInPage('[role=tab]', 'Batches');
            await pageTextWith('Attempts', 'the Batches tab');
            shots.push(await screenshot('results-700px-batches-dark', 500));
            await clickInPage('[role=tab]', 'Rows');
            // Scrolled sideways to the last column: #, Line and customer_id stay in view.
            await clickInPage('.results-grid .vrow[data-row="0"] .cell.rownum');
            await pressKeys('', 'End');
            await waitFor(() => api.lastResults()!.place?.activeColumn === `input:${model.inputColumns.at(-1)}`, 'the last column active');
            shots.push(await screenshot('results-700px-scrolled-dark', 500));
            await pressKeys('', 'Home');
          }
        }
        await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
        await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');
        await waitFor(async () => (await resultsGroupWidth() ?? 0) > area * 0.9, 'the results page at full width');
        shots.push(await screenshot(`results-full-${theme}`, 800));
        await vscode.commands.executeCommand('workbench.action.toggleMaximizeEditorGroup');
      }
    } finally {
      await vscode.commands.executeCommand('vscode.setEditorLayout', { orientation: 0, groups: [{ size: 0.5 }, { size: 0.5 }] });
      await vscode.commands.executeCommand('workbench.view.explorer');
    }
    assert.strictEqual(shots.length, 9);
  });
});
