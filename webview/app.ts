// The results app: holds what is shown (the derived model view, the tab, the chosen raw batch, the
// status line) and renders it with lit into #app. Rendering is a pure function of that state; lit
// updates only what changed, and the grids keep their virtualizers (and scroll positions) across renders.
import { html, nothing, render, type TemplateResult } from 'lit';
import { ResultsMessage, type BatchOutcome, type ResultsAction, type ResultsWebviewState } from '../src/protocol/results';
import { batchColumns, batchesView, batchRenderer } from './components/batchesView';
import { failures } from './components/failures';
import { header, type HeaderActions, type Notice } from './components/header';
import { rawView } from './components/rawView';
import { resultsGrid, rowRenderer } from './components/resultsGrid';
import { summaryView } from './components/summaryView';
import { formatCount } from './format';
import { deriveView, type GridColumn, type ModelView } from './modelView';
import type { ResultsHost } from './vscodeApi';

declare global {
  interface Window {
    /** Filled by the nonce'd bootstrap script in the HTML shell. */
    fabricMlCspViolations?: string[];
  }
}

const enum Tab { Rows = 0, Summary = 1, Batches = 2, Raw = 3 }

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

export class ResultsApp {
  private shown: Shown | undefined;
  private tab: Tab = Tab.Rows;
  private rawPosition = 0;
  private notice: Notice | undefined;
  private readonly actions: HeaderActions = {
    exportCsv: () => this.act(ResultsMessage.exportCsv),
    exportJson: () => this.act(ResultsMessage.exportJson),
    copyMTable: () => this.act(ResultsMessage.copyMTable),
    rerun: () => this.act(ResultsMessage.rerun),
  };

  constructor(private readonly root: HTMLElement, private readonly host: ResultsHost) {
    // lit's render() appends next to existing children: drop the shell's "Loading results…".
    root.replaceChildren();
  }

  /** `receivedAt`: performance.now() when the message (or the saved state) arrived, for the timing report. */
  show(state: ResultsWebviewState, restored: boolean, receivedAt = performance.now()): void {
    const started = receivedAt;
    const view = deriveView(state);
    const showRaw = (position: number) => this.showRaw(position);
    this.shown = { view, renderRow: rowRenderer(view), batchColumns: batchColumns(view), renderBatch: batchRenderer(view, showRaw) };
    this.tab = Tab.Rows;
    const firstFailed = state.model.batches.findIndex(b => !b.ok);
    this.rawPosition = Math.max(0, firstFailed);
    this.notice = undefined;
    this.render();
    void afterFirstRowsPainted(this.root, state.model.inputs.length > 0).then(() => {
      this.host.post({
        type: ResultsMessage.rendered,
        runId: state.model.runId,
        rows: state.model.inputs.length,
        firstPaintMs: performance.now() - started,
        domRows: this.root.querySelectorAll('.results-grid lit-virtualizer > .vrow').length,
        restored,
        cspViolations: [...(window.fabricMlCspViolations ?? [])],
      });
      // Persist after the paint: serialising a large model must not delay it.
      if (!restored) setTimeout(() => this.host.setState(state), 0);
    });
  }

  setNotice(notice: Notice): void {
    this.notice = notice;
    this.render();
  }

  private act(type: ResultsAction): void {
    if (!this.shown) return;
    this.host.post({ type, runId: this.shown.view.model.runId });
  }

  private showRaw(position: number): void {
    this.rawPosition = position;
    this.tab = Tab.Raw;
    this.render();
  }

  private selectTab(tab: number): void {
    if (tab === this.tab) return;
    this.tab = tab as Tab;
    this.render();
  }

  private render(): void {
    render(this.template(), this.root);
  }

  private template(): TemplateResult {
    const shown = this.shown;
    if (!shown) return html`<p class="waiting">Waiting for results…</p>`;
    const { view } = shown;
    const model = view.model;
    const onSelect = (event: CustomEvent<{ selectedIndex: number }>) => this.selectTab(event.detail.selectedIndex);
    return html`
      ${header(view, this.actions, this.notice)}
      ${failures(view, position => this.showRaw(position), () => this.selectTab(Tab.Batches))}
      <vscode-tabs class="result-tabs" selected-index=${this.tab} @vsc-tabs-select=${onSelect}>
        <vscode-tab-header slot="header">Rows <vscode-badge variant="counter" slot="content-after">${formatCount(model.inputs.length)}</vscode-badge></vscode-tab-header>
        <vscode-tab-panel class="rows-panel">${resultsGrid(view, shown.renderRow)}</vscode-tab-panel>
        <vscode-tab-header slot="header">Summary</vscode-tab-header>
        <vscode-tab-panel class="summary-panel">${this.tab === Tab.Summary ? summaryView(view.summaries) : nothing}</vscode-tab-panel>
        <vscode-tab-header slot="header">Batches <vscode-badge variant="counter" slot="content-after">${formatCount(model.batches.length)}</vscode-badge></vscode-tab-header>
        <vscode-tab-panel class="batches-panel">${this.tab === Tab.Batches ? batchesView(view, shown.batchColumns, shown.renderBatch) : nothing}</vscode-tab-panel>
        <vscode-tab-header slot="header">Request/response</vscode-tab-header>
        <vscode-tab-panel class="raw-panel">${this.tab === Tab.Raw ? rawView(view, this.rawPosition, { select: p => this.showRaw(p) }) : nothing}</vscode-tab-panel>
      </vscode-tabs>`;
  }
}
