// The results app: holds what is shown (the derived model view, the status line) and renders it with lit
// into #app; where the user is on the page (tab, first grid row, chosen raw batch) is held by one Place
// (place.ts). Rendering is a pure function of that state; lit updates only what changed, and the grids
// keep their virtualizers across renders. The run is saved in the webview state once, after its first
// paint (the page is discarded when the panel is hidden, and VS Code serialises the whole state on every
// save). The user's moves are only reported to the extension (results/placeChanged): it carries the place
// over to a Re-run and hands it back to a page that reloads the run from its state (results/place).
import { html, nothing, render, type TemplateResult } from 'lit';
import type { LitVirtualizer } from '@lit-labs/virtualizer';
import {
  RESULTS_TABS, ResultsMessage,
  type BatchOutcome, type ResultsAction, type ResultsPlace, type ResultsTab, type ResultsWebviewState,
} from '../src/protocol/results';
import { batchColumns, batchesView, batchRenderer } from './components/batchesView';
import { failures } from './components/failures';
import { header, type HeaderActions, type Notice } from './components/header';
import { rawView } from './components/rawView';
import { resultsGrid, rowRenderer } from './components/resultsGrid';
import { summaryView } from './components/summaryView';
import { formatCount } from './format';
import { deriveView, type GridColumn, type ModelView } from './modelView';
import { Place, type PagePlace } from './place';
import type { ResultsHost } from './vscodeApi';

declare global {
  interface Window {
    /** Filled by the nonce'd bootstrap script in the HTML shell. */
    fabricMlCspViolations?: string[];
  }
}

/** Scrolling reports the grid row once it has rested this long: reading the row costs a layout. */
const SCROLL_REPORT_DELAY_MS = 150;
/**
 * How long a page that reloaded its run from state waits for the extension to say where the user was;
 * it always answers (results/place or results/show) within a round trip, this only guards a lost answer.
 */
const RESTORE_ANSWER_TIMEOUT_MS = 1500;

interface Shown {
  view: ModelView;
  renderRow: (row: number) => TemplateResult;
  batchColumns: GridColumn[];
  renderBatch: (batch: BatchOutcome, position: number) => TemplateResult;
}

/** Resolves after the frame that shows the first grid rows has been painted. */
function afterFirstRowsPainted(root: HTMLElement, expectRows: boolean): Promise<void> {
  return new Promise(resolve => {
    let frames = 0;
    const check = () => {
      const ready = !expectRows || root.querySelector('.results-grid lit-virtualizer > .vrow') !== null;
      // rAF runs before the paint; a task queued from it runs after that paint.
      if (ready || ++frames > 120) setTimeout(resolve, 0);
      else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  });
}

/** Resolves after `count` more frames. */
function frames(count: number): Promise<void> {
  return new Promise(resolve => {
    const step = (left: number) => (left <= 0 ? resolve() : requestAnimationFrame(() => step(left - 1)));
    step(count);
  });
}

/**
 * Scrolls the rows grid towards having `row` as the first row under the sticky header; true when it is
 * there. The virtualizer places rows from estimates until it has laid them out, so a row that is not in
 * the DOM is reached by a jump of row heights from one that is, and then aligned once it is laid out.
 */
function scrollGridTowards(scroller: HTMLElement, virtualizer: HTMLElement, row: number): boolean {
  const header = scroller.querySelector('.vrow.head');
  const rows = [...virtualizer.querySelectorAll<HTMLElement>(':scope > .vrow[data-row]')];
  if (!header || rows.length === 0) return false;
  const headerBottom = header.getBoundingClientRect().bottom;
  const laidOut = rows.find(r => Number(r.dataset.row) === row);
  if (laidOut) {
    const offset = laidOut.getBoundingClientRect().top - headerBottom;
    if (Math.abs(offset) < 1) return true;
    scroller.scrollTop += offset;
    return false;
  }
  const reference = rows[0].getBoundingClientRect();
  scroller.scrollTop += reference.top - headerBottom + (row - Number(rows[0].dataset.row)) * reference.height;
  return false;
}

export class ResultsApp {
  private shown: Shown | undefined;
  /** The user's place on the shown run's page. */
  private readonly place = new Place();
  /** A grid row to scroll to once the rows grid is visible and laid out (after a restore or a new run). */
  private pendingGridRow: number | undefined;
  /** The user scrolled the rows grid since its row was last read. */
  private gridMoved = false;
  private reportTimer: ReturnType<typeof setTimeout> | undefined;
  /** A run read from the webview state, held until the extension says where the user was on it. */
  private pendingRestore: { state: ResultsWebviewState; startedAt: number; timeout: ReturnType<typeof setTimeout> } | undefined;
  private notice: Notice | undefined;
  private readonly actions: HeaderActions = {
    exportCsv: () => this.act(ResultsMessage.exportCsv),
    exportJson: () => this.act(ResultsMessage.exportJson),
    copyMTable: () => this.act(ResultsMessage.copyMTable),
    rerun: () => { void this.rerun(); },
  };

  constructor(private readonly root: HTMLElement, private readonly host: ResultsHost) {
    // lit's render() appends next to existing children: drop the shell's "Loading results…".
    root.replaceChildren();
  }

  /**
   * A run the page reloaded from its state: painted when the extension answers results/ready with the
   * user's latest place on it (applyPlace), so that the page does not first paint an older place.
   */
  restore(state: ResultsWebviewState, startedAt: number): void {
    this.dropPendingRestore();
    const timeout = setTimeout(() => this.applyPlace(state.model.runId, undefined), RESTORE_ANSWER_TIMEOUT_MS);
    this.pendingRestore = { state, startedAt, timeout };
  }

  /**
   * The extension's answer to a restore: shows the run held by restore() at `place` (absent: the default
   * place). An answer that comes after the page gave up waiting is not applied: the user may have moved since.
   */
  applyPlace(runId: string, place: ResultsPlace | undefined): void {
    const pending = this.pendingRestore;
    if (!pending || pending.state.model.runId !== runId) return;
    this.show(pending.state, place, true, pending.startedAt);
  }

  /**
   * Shows a run at `place` (absent or another run's: the default place). `receivedAt`: performance.now()
   * when the message (or the saved state) arrived, for the timing report.
   */
  show(state: ResultsWebviewState, place: ResultsPlace | undefined, restored: boolean, receivedAt = performance.now()): void {
    const started = receivedAt;
    // A run posted by the extension replaces one still waiting to be restored.
    this.dropPendingRestore();
    const view = deriveView(state);
    const showRaw = (position: number) => this.showRaw(position);
    this.shown = { view, renderRow: rowRenderer(view), batchColumns: batchColumns(view), renderBatch: batchRenderer(view, showRaw) };
    const opened = this.place.open(state.model, place);
    this.cancelReport();
    // Also when it is 0: lit reuses the grid element, which may still be scrolled to the last run's place.
    this.pendingGridRow = opened.firstRow;
    this.gridMoved = false;
    this.notice = undefined;
    this.render();
    void this.applyGridRow();
    void afterFirstRowsPainted(this.root, state.model.inputs.length > 0 && opened.tab === 'rows').then(() => {
      this.host.post({
        type: ResultsMessage.rendered,
        runId: state.model.runId,
        rows: state.model.inputs.length,
        firstPaintMs: performance.now() - started,
        domRows: this.root.querySelectorAll('.results-grid lit-virtualizer > .vrow').length,
        restored,
        cspViolations: [...(window.fabricMlCspViolations ?? [])],
      });
      if (this.shown?.view.model.runId !== state.model.runId) return;
      // Saved once per run, after the paint (serialising a large model must not delay it); a restored
      // page's state holds this run already.
      if (!restored) this.host.setState({ model: state.model, summaries: state.summaries });
      this.reportPlace();
    });
  }

  private dropPendingRestore(): void {
    if (this.pendingRestore) clearTimeout(this.pendingRestore.timeout);
    this.pendingRestore = undefined;
  }

  setNotice(notice: Notice): void {
    this.notice = notice;
    this.render();
  }

  private act(type: ResultsAction): void {
    if (!this.shown) return;
    this.host.post({ type, runId: this.shown.view.model.runId });
  }

  /** Asks the extension to score the run's rows again and says in the status line how that ended. */
  private async rerun(): Promise<void> {
    if (!this.shown) return;
    const runId = this.shown.view.model.runId;
    // The extension hears the latest place first: the new run opens there.
    this.reportPlace();
    this.setNotice({ level: 'info', text: 'Re-running with the same rows and endpoint…' });
    const reply = await this.host.request({ type: ResultsMessage.rerun, runId });
    // A new run has been shown (which cleared the notice) before the reply came; the page only speaks
    // when it still shows the run it asked about.
    if (this.shown?.view.model.runId !== runId) return;
    if (reply.error !== undefined) this.setNotice({ level: 'error', text: reply.error });
    else if (reply.newRunId === undefined) this.setNotice({ level: 'info', text: 'Re-run did not produce new results.' });
  }

  private showRaw(position: number): void {
    this.move({ tab: 'raw', rawBatch: position });
  }

  private selectTab(index: number): void {
    const tab = RESULTS_TABS[index];
    if (tab && tab !== this.place.value?.tab) this.move({ tab });
  }

  /** A move by the user to another tab or batch: shown at once and reported to the extension. */
  private move(change: Partial<Pick<PagePlace, 'tab' | 'rawBatch'>>): void {
    // A scroll not yet reported is read while the grid is still visible.
    this.captureGridRow();
    const moved = this.place.move(change);
    if (!moved) return;
    // A grid that was hidden may come back re-laid out a row off; it is put back at the place.
    if (change.tab === 'rows') this.pendingGridRow = moved.firstRow;
    this.render();
    void this.applyGridRow();
    this.reportPlace();
  }

  private readonly onGridScroll = (): void => {
    // Scrolls while a place is being restored are not the user's. The row is read when reporting:
    // reading the layout on every scroll event would cost frames.
    if (this.pendingGridRow !== undefined) return;
    this.gridMoved = true;
    this.scheduleReport(SCROLL_REPORT_DELAY_MS);
  };

  private rowsGrid(): { scroller: HTMLElement; virtualizer: LitVirtualizer } | undefined {
    const scroller = this.root.querySelector<HTMLElement>('.results-grid');
    const virtualizer = scroller?.querySelector<LitVirtualizer>('lit-virtualizer');
    return scroller && virtualizer ? { scroller, virtualizer } : undefined;
  }

  /**
   * The first row at least half visible under the grid's sticky header, read from the rows in the DOM
   * (the virtualizer positions rows from estimates, so a scroll offset does not say which row is there).
   * Undefined when the grid is hidden or has no rows laid out.
   */
  private firstVisibleGridRow(): number | undefined {
    const grid = this.rowsGrid();
    const header = grid?.scroller.querySelector('.vrow.head');
    if (!grid || !header || grid.scroller.clientHeight === 0) return undefined;
    const top = header.getBoundingClientRect().bottom;
    // The virtualizer keeps its children in row order.
    for (const row of grid.virtualizer.querySelectorAll<HTMLElement>(':scope > .vrow[data-row]')) {
      const box = row.getBoundingClientRect();
      if (box.height > 0 && box.top + box.height / 2 >= top) return Number(row.dataset.row);
    }
    return undefined;
  }

  /** Takes the grid's row into the place if the user scrolled it since the last look. */
  private captureGridRow(): void {
    if (!this.gridMoved || this.place.value?.tab !== 'rows') return;
    const firstRow = this.firstVisibleGridRow();
    if (firstRow === undefined) return;
    this.gridMoved = false;
    this.place.move({ firstRow });
  }

  /** Scrolls the rows grid to the pending row once it is visible; until then scrolls are not recorded. */
  private async applyGridRow(): Promise<void> {
    const target = this.pendingGridRow;
    const grid = this.rowsGrid();
    if (target === undefined || this.place.value?.tab !== 'rows' || !grid) return;
    const { scroller, virtualizer } = grid;
    await virtualizer.updateComplete;
    if (virtualizer.childElementCount === 0) {
      // A fresh virtualizer guesses row heights until it has measured its first rows, and sizes the grid
      // from the guess: so the grid paints its top rows first and moves once, a few frames on.
      await Promise.race([virtualizer.layoutComplete, frames(10)]);
    }
    // A jump, then an alignment once the row is laid out; more only if the virtualizer re-anchored, and
    // never forever (a row near the end cannot reach the top).
    for (let attempt = 0; attempt < 4 && this.pendingGridRow === target; attempt++) {
      if (scrollGridTowards(scroller, virtualizer, target)) break;
      await frames(2);
    }
    if (this.pendingGridRow !== target) return;
    this.pendingGridRow = undefined;
    this.gridMoved = false;
  }

  private scheduleReport(delayMs: number): void {
    this.cancelReport();
    this.reportTimer = setTimeout(() => this.reportPlace(), delayMs);
  }

  private cancelReport(): void {
    if (this.reportTimer !== undefined) clearTimeout(this.reportTimer);
    this.reportTimer = undefined;
  }

  /** Tells the extension the user's place when it changed: a small message, the webview state is left alone. */
  private reportPlace(): void {
    this.cancelReport();
    this.captureGridRow();
    const place = this.shown && this.place.takeUnreported();
    if (place) this.host.post({ type: ResultsMessage.placeChanged, place });
  }

  private render(): void {
    render(this.template(), this.root);
  }

  private template(): TemplateResult {
    const shown = this.shown;
    const place = this.place.value;
    if (!shown || !place) return html`<p class="waiting">Waiting for results…</p>`;
    const { view } = shown;
    const model = view.model;
    const tab = place.tab;
    const onSelect = (event: CustomEvent<{ selectedIndex: number }>) => this.selectTab(event.detail.selectedIndex);
    const tabIndex = (t: ResultsTab) => RESULTS_TABS.indexOf(t);
    return html`
      ${header(view, this.actions, this.notice)}
      ${failures(view, position => this.showRaw(position), () => this.selectTab(tabIndex('batches')))}
      <vscode-tabs class="result-tabs" selected-index=${tabIndex(tab)} @vsc-tabs-select=${onSelect}>
        <vscode-tab-header slot="header">Rows <vscode-badge variant="counter" slot="content-after">${formatCount(model.inputs.length)}</vscode-badge></vscode-tab-header>
        <vscode-tab-panel class="rows-panel">${resultsGrid(view, shown.renderRow, this.onGridScroll)}</vscode-tab-panel>
        <vscode-tab-header slot="header">Summary</vscode-tab-header>
        <vscode-tab-panel class="summary-panel">${tab === 'summary' ? summaryView(view.summaries) : nothing}</vscode-tab-panel>
        <vscode-tab-header slot="header">Batches <vscode-badge variant="counter" slot="content-after">${formatCount(model.batches.length)}</vscode-badge></vscode-tab-header>
        <vscode-tab-panel class="batches-panel">${tab === 'batches' ? batchesView(view, shown.batchColumns, shown.renderBatch) : nothing}</vscode-tab-panel>
        <vscode-tab-header slot="header">Request/response</vscode-tab-header>
        <vscode-tab-panel class="raw-panel">${tab === 'raw' ? rawView(view, place.rawBatch, { select: p => this.showRaw(p) }) : nothing}</vscode-tab-panel>
      </vscode-tabs>`;
  }
}
