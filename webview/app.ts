// The results app: holds what is shown (the derived model view, the status line) and renders it with lit
// into #app; where the user is on the page (tab, first grid row, chosen raw batch) is held by one Place
// (place.ts). Rendering is a pure function of that state; lit updates only what changed, and the grids
// keep their virtualizers across renders. The extension keeps the run: it sends the run without its rows and
// the grid asks for the rows it is about to show (rowPages.ts). Only the run's id is saved in the webview
// state. The user's moves are only reported to the extension (results/placeChanged): it carries the place
// over to a Re-run and hands it back with the run to a page that comes back (hidden panel, window reload).
// The rows grid takes the keyboard (webview/gridKeys.ts): its active cell and pinned columns are part of the
// place; double-click or Enter on a row asks the extension to open the source line (results/revealLine).
import { html, nothing, render, type TemplateResult } from 'lit';
import type { LitVirtualizer } from '@lit-labs/virtualizer';
import {
  RESULTS_TABS, ResultsMessage,
  type BatchOutcome, type ResultsAction, type ResultsShowMessage, type ResultsTab, type RowsPage,
} from '../src/protocol/results';
import { togglePin } from './columns';
import { batchColumns, batchesView, batchRenderer, type BatchesGridHandlers } from './components/batchesView';
import { failures } from './components/failures';
import { header, type HeaderActions, type Notice } from './components/header';
import { rawView } from './components/rawView';
import { resultsGrid, rowRenderer, type ResultsGridHandlers } from './components/resultsGrid';
import { summaryView } from './components/summaryView';
import { ACTIVE_CELL_ID } from './components/virtualGrid';
import { formatCount } from './format';
import { moveCell, type Cell } from './gridKeys';
import { deriveView, gridLayout, type GridColumn, type ModelView } from './modelView';
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

const TAB_LABELS: Record<ResultsTab, string> = { rows: 'Rows', summary: 'Summary', batches: 'Batches', raw: 'Request/response' };

interface Shown {
  view: ModelView;
  /** The rows grid's columns in the order shown (pinned first). */
  layout: GridColumn[];
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

function rowHeightIn(virtualizer: HTMLElement): number {
  return virtualizer.querySelector<HTMLElement>(':scope > .vrow')?.offsetHeight || 22;
}

/** Scrolls a grid the least that brings data row `row` fully into view below its sticky header. */
async function revealRow(scroller: HTMLElement, virtualizer: LitVirtualizer, row: number): Promise<void> {
  await virtualizer.updateComplete;
  for (let attempt = 0; attempt < 4; attempt++) {
    const laidOut = virtualizer.querySelector<HTMLElement>(`:scope > .vrow[data-row="${row}"]`);
    if (!laidOut) {
      scrollGridTowards(scroller, virtualizer, row);
      await frames(2);
      continue;
    }
    const top = scroller.querySelector('.vrow.head')!.getBoundingClientRect().bottom;
    const bottom = scroller.getBoundingClientRect().top + scroller.clientHeight;
    const box = laidOut.getBoundingClientRect();
    if (box.top < top - 0.5) scroller.scrollTop -= top - box.top;
    else if (box.bottom > bottom + 0.5) scroller.scrollTop += box.bottom - bottom;
    else break;
    await frames(1);
  }
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
  private notice: Notice | undefined;
  private readonly actions: HeaderActions = {
    exportCsv: () => this.act(ResultsMessage.exportCsv),
    exportJson: () => this.act(ResultsMessage.exportJson),
    copyMTable: () => this.act(ResultsMessage.copyMTable),
    openOutput: () => this.act(ResultsMessage.openOutput),
    resumeOutput: () => this.act(ResultsMessage.resumeOutput),
    retryFailed: () => this.act(ResultsMessage.retryFailed),
    rerun: () => { void this.rerun(); },
  };
  /** The active cell is in the rows grid's header row (the place keeps data rows only). */
  private headerActive = false;
  private readonly batchesHandlers: BatchesGridHandlers = {
    onKeyDown: event => this.onBatchesKey(event),
    onClick: event => this.onBatchesClick(event),
  };
  private readonly gridHandlers: ResultsGridHandlers = {
    onScroll: event => this.onGridScroll(event),
    onKeyDown: event => this.onGridKey(event),
    onClick: event => this.onGridClick(event),
    onDblClick: event => this.onGridDblClick(event),
  };

  constructor(private readonly root: HTMLElement, private readonly host: ResultsHost) {
    // lit's render() appends next to existing children: drop the shell's "Loading results…".
    root.replaceChildren();
  }

  /**
   * Shows a run at the message's place (absent or another run's: the default place). `restored`: the page
   * had saved this run's id (it came back after being hidden or a window reload). `receivedAt`:
   * performance.now() when the message arrived, for the timing report.
   */
  show(message: ResultsShowMessage, restored: boolean, receivedAt = performance.now()): void {
    const started = receivedAt;
    const runId = message.run.runId;
    const view = deriveView(message, (start, end) => this.host.post({ type: ResultsMessage.rows, runId, start, end }));
    const showRaw = (position: number) => this.showRaw(position);
    const opened = this.place.open(message.run, message.place);
    const layout = gridLayout(view, opened.pinned);
    this.headerActive = false;
    this.shown = {
      view, layout, renderRow: rowRenderer(view, layout, this.activeCellIn(layout)),
      batchColumns: batchColumns(view), renderBatch: batchRenderer(view, showRaw, opened.rawBatch),
    };
    this.cancelReport();
    // Also when it is 0: lit reuses the grid element, which may still be scrolled to the last run's place.
    this.pendingGridRow = opened.firstRow;
    this.gridMoved = false;
    this.notice = undefined;
    this.render();
    void this.applyGridRow();
    // Only the run's id is persisted: the extension keeps the run itself (in its storage, for a reload).
    const saved = { runId };
    void afterFirstRowsPainted(this.root, message.run.rowCount > 0 && opened.tab === 'rows').then(() => {
      this.host.post({
        type: ResultsMessage.rendered,
        runId,
        rows: message.run.rowCount,
        firstPaintMs: performance.now() - started,
        domRows: this.root.querySelectorAll('.results-grid lit-virtualizer > .vrow').length,
        restored,
        cspViolations: [...(window.fabricMlCspViolations ?? [])],
        savedStateBytes: JSON.stringify(saved).length,
      });
      if (this.shown?.view.model.runId !== runId) return;
      if (!restored) this.host.setState(saved);
      this.reportPlace();
    });
  }

  /** Rows the grid asked for: the rows waiting for them are painted again. */
  receiveRows(runId: string, page: RowsPage): void {
    // Rows of a run that has since been replaced are dropped.
    if (this.shown?.view.model.runId !== runId) return;
    if (this.shown.view.rows.receive(page)) this.relayoutGrid();
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

  private selectTab(tab: ResultsTab, focus = false): void {
    if (tab !== this.place.value?.tab) this.move({ tab });
    if (focus) this.root.querySelector<HTMLElement>(`#tab-${tab}`)?.focus();
  }

  /** The tab strip's keys (WAI-ARIA tabs, automatic activation): arrows, Home and End choose the tab. */
  private readonly onTabKey = (event: KeyboardEvent): void => {
    const current = RESULTS_TABS.indexOf(this.place.value?.tab ?? 'rows');
    const last = RESULTS_TABS.length - 1;
    const next = { ArrowRight: current === last ? 0 : current + 1, ArrowLeft: current === 0 ? last : current - 1, Home: 0, End: last }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    this.selectTab(RESULTS_TABS[next], true);
  };

  /** The active cell of the rows grid, as a position in `layout`. */
  private activeCellIn(layout: readonly GridColumn[]): Cell {
    const place = this.place.value;
    const column = Math.max(0, layout.findIndex(c => c.key === place?.activeColumn));
    return { row: this.headerActive ? -1 : place?.activeRow ?? 0, column };
  }

  /** New renderers for the rows grid after the active cell or the pinned columns changed. */
  private relayoutGrid(): void {
    const shown = this.shown;
    const place = this.place.value;
    if (!shown || !place) return;
    shown.layout = gridLayout(shown.view, place.pinned);
    shown.renderRow = rowRenderer(shown.view, shown.layout, this.activeCellIn(shown.layout));
    this.render();
  }

  private setActiveCell(cell: Cell, follow: boolean): void {
    const shown = this.shown;
    const column = shown?.layout[cell.column];
    if (!shown || !column?.key) return;
    this.headerActive = cell.row < 0;
    this.place.move({ activeColumn: column.key, ...(cell.row >= 0 ? { activeRow: cell.row } : {}) });
    this.relayoutGrid();
    if (follow) void this.scrollToActiveCell(cell);
    this.scheduleReport(SCROLL_REPORT_DELAY_MS);
  }

  private onGridKey(event: KeyboardEvent): void {
    const shown = this.shown;
    const grid = this.rowsGrid();
    if (!shown || !grid || event.altKey) return;
    const from = this.activeCellIn(shown.layout);
    if (event.key === 'Enter' || (event.key === ' ' && from.row < 0)) {
      event.preventDefault();
      if (from.row < 0) this.togglePinned(shown.layout[from.column]?.key);
      else this.revealLine(from.row);
      return;
    }
    const pageRows = Math.max(1, Math.floor(grid.scroller.clientHeight / rowHeightIn(grid.virtualizer)) - 1);
    const to = moveCell(from, event, { rows: shown.view.model.rowCount, columns: shown.layout.length, pageRows });
    if (!to) return;
    // The grid scrolls by cells, not pixels.
    event.preventDefault();
    this.setActiveCell(to, true);
  }

  /** The Batches grid's keys: the active row is the batch Request/response shows; Enter opens it there. */
  private onBatchesKey(event: KeyboardEvent): void {
    const shown = this.shown;
    const place = this.place.value;
    const grid = this.grid('.batches-grid');
    if (!shown || !place || !grid || event.altKey) return;
    if (event.key === 'Enter') {
      event.preventDefault();
      this.showRaw(place.rawBatch);
      return;
    }
    const pageRows = Math.max(1, Math.floor(grid.scroller.clientHeight / rowHeightIn(grid.virtualizer)) - 1);
    const to = moveCell({ row: place.rawBatch, column: 0 }, event, { rows: shown.view.model.batches.length, columns: 1, pageRows });
    if (!to) return;
    event.preventDefault();
    this.selectBatch(Math.max(0, to.row));
  }

  private onBatchesClick(event: MouseEvent): void {
    const target = event.target as HTMLElement;
    const row = target.closest<HTMLElement>('.vrow[data-row]');
    // The Raw button opens the batch itself.
    if (row && !target.closest('button')) this.selectBatch(Number(row.dataset.row));
  }

  /** Makes a batch the active row of the Batches grid (and the one Request/response shows), in view. */
  private selectBatch(position: number): void {
    if (position === this.place.value?.rawBatch) return;
    this.move({ rawBatch: position });
    const grid = this.grid('.batches-grid');
    if (grid) void revealRow(grid.scroller, grid.virtualizer, position);
  }

  private onGridClick(event: MouseEvent): void {
    const target = event.target as HTMLElement;
    const pin = target.closest<HTMLElement>('button.pin');
    if (pin) {
      this.togglePinned(pin.dataset.pin);
      this.rowsGrid()?.scroller.focus();
      return;
    }
    const cell = target.closest<HTMLElement>('.cell[data-col]');
    const row = cell?.closest<HTMLElement>('.vrow');
    if (!cell || !row) return;
    this.setActiveCell({ row: row.classList.contains('head') ? -1 : Number(row.dataset.row), column: Number(cell.dataset.col) }, false);
  }

  private onGridDblClick(event: MouseEvent): void {
    const row = (event.target as HTMLElement).closest<HTMLElement>('.vrow[data-row]');
    if (row) this.revealLine(Number(row.dataset.row));
  }

  private togglePinned(key: string | undefined): void {
    const place = this.place.value;
    const column = this.shown?.layout.find(c => c.key === key);
    if (!place || !column?.key) return;
    const pinned = togglePin(place.pinned, column.key);
    if (!Array.isArray(pinned)) {
      this.setNotice({ level: 'info', text: pinned.refused });
      return;
    }
    this.place.move({ pinned });
    this.relayoutGrid();
    // Said in the status line, which screen readers announce.
    this.setNotice({ level: 'info', text: `${pinned.includes(column.key) ? 'Pinned' : 'Unpinned'} ${column.label}.` });
    if (this.headerActive) void this.scrollToActiveCell(this.activeCellIn(this.shown!.layout));
    this.scheduleReport(SCROLL_REPORT_DELAY_MS);
  }

  /** Asks the extension to open the source document at the row's line. */
  private revealLine(row: number): void {
    const model = this.shown?.view.model;
    if (!model || row < 0 || row >= model.rowCount) return;
    if (!model.source.hasLines) {
      this.setNotice({ level: 'info', text: `The rows of ${model.source.fileName} have no line numbers to go to.` });
      return;
    }
    this.host.post({ type: ResultsMessage.revealLine, runId: model.runId, row });
  }

  /** Scrolls the rows grid so that the active cell is in view: below the sticky header, right of the pinned columns. */
  private async scrollToActiveCell(cell: Cell): Promise<void> {
    const grid = this.rowsGrid();
    if (!grid) return;
    const { scroller, virtualizer } = grid;
    if (cell.row >= 0) await revealRow(scroller, virtualizer, cell.row);
    const active = this.root.querySelector<HTMLElement>(`#${ACTIVE_CELL_ID}`);
    const sticky = (element: HTMLElement) => getComputedStyle(element).position === 'sticky';
    if (cell.column === 0) scroller.scrollLeft = 0;
    if (!active || cell.column === 0 || sticky(active)) return;
    // Pinned columns stay where they are (a narrow grid keeps only # sticky): the cell must clear them.
    const pinnedRight = [...scroller.querySelectorAll<HTMLElement>('.vrow.head .pinned')].filter(sticky)
      .reduce((r, c) => Math.max(r, c.getBoundingClientRect().right), scroller.getBoundingClientRect().left);
    const right = scroller.getBoundingClientRect().left + scroller.clientWidth;
    const box = active.getBoundingClientRect();
    if (box.left < pinnedRight) scroller.scrollLeft -= pinnedRight - box.left;
    else if (box.right > right) scroller.scrollLeft += Math.min(box.right - right, box.left - pinnedRight);
  }

  /** A move by the user to another tab or batch: shown at once and reported to the extension. */
  private move(change: Partial<Pick<PagePlace, 'tab' | 'rawBatch'>>): void {
    // A scroll not yet reported is read while the grid is still visible.
    this.captureGridRow();
    const before = this.place.value?.rawBatch;
    const moved = this.place.move(change);
    if (!moved || !this.shown) return;
    // The Batches grid's active row is the batch Request/response shows.
    if (moved.rawBatch !== before) this.shown.renderBatch = batchRenderer(this.shown.view, position => this.showRaw(position), moved.rawBatch);
    // A grid that was hidden may come back re-laid out a row off; it is put back at the place.
    if (change.tab === 'rows') this.pendingGridRow = moved.firstRow;
    this.render();
    void this.applyGridRow();
    const batches = change.tab === 'batches' ? this.grid('.batches-grid') : undefined;
    if (batches) void revealRow(batches.scroller, batches.virtualizer, moved.rawBatch);
    this.reportPlace();
  }

  private onGridScroll(_event: Event): void {
    // Scrolls while a place is being restored are not the user's. The row is read when reporting:
    // reading the layout on every scroll event would cost frames.
    if (this.pendingGridRow !== undefined) return;
    this.gridMoved = true;
    this.scheduleReport(SCROLL_REPORT_DELAY_MS);
  }

  private rowsGrid(): { scroller: HTMLElement; virtualizer: LitVirtualizer } | undefined {
    return this.grid('.results-grid');
  }

  private grid(selector: string): { scroller: HTMLElement; virtualizer: LitVirtualizer } | undefined {
    const scroller = this.root.querySelector<HTMLElement>(selector);
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
    const badge = (t: ResultsTab) => t === 'rows' ? formatCount(model.rowCount) : t === 'batches' ? formatCount(model.batches.length) : undefined;
    const tabButton = (t: ResultsTab) => html`<button type="button" role="tab" id="tab-${t}" class="tab${t === tab ? ' selected' : ''}"
      aria-selected=${t === tab ? 'true' : 'false'} aria-controls="panel-${t}" tabindex=${t === tab ? 0 : -1}
      @click=${() => this.selectTab(t)}>${TAB_LABELS[t]}${badge(t) !== undefined ? html` <vscode-badge variant="counter">${badge(t)}</vscode-badge>` : nothing}</button>`;
    const panel = (t: ResultsTab, cls: string, content: unknown) => html`<div class="tab-panel ${cls}" role="tabpanel" id="panel-${t}"
      aria-labelledby="tab-${t}" ?hidden=${t !== tab}>${content}</div>`;
    return html`
      ${header(view, this.actions, this.notice)}
      ${failures(view, position => this.showRaw(position), () => this.selectTab('batches'))}
      <div class="tab-strip" role="tablist" aria-label="Results" @keydown=${this.onTabKey}>${RESULTS_TABS.map(tabButton)}</div>
      ${panel('rows', 'rows-panel', resultsGrid(view, shown.layout, shown.renderRow, this.activeCellIn(shown.layout), this.gridHandlers))}
      ${panel('summary', 'summary-panel', tab === 'summary' ? summaryView(view.summaries) : nothing)}
      ${panel('batches', 'batches-panel', tab === 'batches' ? batchesView(view, shown.batchColumns, shown.renderBatch, this.batchesHandlers) : nothing)}
      ${panel('raw', 'raw-panel', tab === 'raw' ? rawView(view, place.rawBatch, { select: p => this.showRaw(p) }) : nothing)}`;
  }
}
