// The run at a glance: endpoint, version, source, counts and timing, the actions, and a status line.
import { html, nothing, type TemplateResult } from 'lit';
import { formatCount, formatDuration, plural } from '../format';
import type { ModelView } from '../modelView';
import type { OutputFileInfo } from '../../src/protocol/results';

export interface HeaderActions {
  exportCsv(): void;
  exportJson(): void;
  copyMTable(): void;
  rerun(): void;
  /** Score File to file: open the output file. */
  openOutput(): void;
  /** Score File to file, cancelled or stopped: continue it. */
  resumeOutput(): void;
  /** Score File to file, finished with failed rows: send them again into a new file. */
  retryFailed(): void;
}

export interface Notice {
  level: 'info' | 'error';
  text: string;
}

function stat(label: string, value: string, cls = ''): TemplateResult {
  return html`<div class="stat ${cls}"><dt>${label}</dt><dd>${value}</dd></div>`;
}

/** Runs an action chosen from the overflow menu and closes the menu. */
function fromMenu(action: () => void): (event: Event) => void {
  return event => {
    const menu = (event.currentTarget as HTMLElement).closest('details');
    if (menu) menu.open = false;
    action();
  };
}

/**
 * The actions: buttons when the page is wide enough, one "…" menu when it is narrow (webview.css switches
 * at the same width), so that the header never takes more than a line for them.
 */
function actionBar(actions: HeaderActions, file: OutputFileInfo | undefined, canRerun: boolean): TemplateResult {
  type Item = [string, string, () => void];
  const items: Item[] = [
    // What a file run needs next comes first: Resume an incomplete file, or Retry the rows that failed.
    ...(file && !file.complete ? [['Resume', 'debug-continue', actions.resumeOutput] as Item] : []),
    ...(file?.complete && file.failedRows ? [['Retry Failed Rows', 'refresh', actions.retryFailed] as Item] : []),
    ...(file ? [['Open Output File', 'go-to-file', actions.openOutput] as Item] : []),
    // A file run's export is its output file: these would hold only the rows the panel keeps.
    ...(file ? [] : [
      ['Export CSV', 'desktop-download', actions.exportCsv] as Item,
      ['Export JSON', 'json', actions.exportJson] as Item,
      ['Copy as M #table', 'copy', actions.copyMTable] as Item,
    ]),
    // A table Fabric evaluated (Run in Fabric) is not a scoring run: there is nothing to re-run here.
    ...(canRerun ? [['Re-run', 'debug-rerun', actions.rerun] as Item] : []),
  ];
  return html`<div class="actions">
    ${items.map(([label, icon, action], i) => html`<vscode-button class="wide-only" ?secondary=${i > 0} icon=${icon} @click=${action}>${label}</vscode-button>`)}
    <details class="more-actions narrow-only">
      <summary title="Export, copy as M, re-run" aria-label="Actions: export, copy as M, re-run"><span class="codicon codicon-ellipsis" aria-hidden="true"></span></summary>
      <div class="menu" role="menu">
        ${items.map(([label, icon, action]) => html`<button type="button" role="menuitem" @click=${fromMenu(action)}><span class="codicon codicon-${icon}" aria-hidden="true"></span>${label}</button>`)}
      </div>
    </details>
  </div>`;
}

/** The run in one line (always shown); the details below it open on demand. */
function gist(view: ModelView): TemplateResult {
  const { model, failedBatches, scoredRows } = view;
  const rows = model.rowCount;
  return html`<span>${formatCount(rows)} ${rows === 1 ? 'row' : 'rows'}</span>
    · <span class=${scoredRows < rows ? 'warn-text' : ''}>${formatCount(scoredRows)} scored</span>
    · ${model.outputFile
      // A file run keeps the batches of its first rows only: the file's count of failed rows is the whole story.
      ? (model.outputFile.failedRows ? html`<span class="bad">${plural(model.outputFile.failedRows, 'row')} failed</span>` : html`<span>no row failed</span>`)
      : failedBatches.length
        ? html`<span class="bad">${formatCount(failedBatches.length)} of ${formatCount(model.batches.length)} batches failed</span>`
        : html`<span>${formatCount(model.batches.length)} ${model.batches.length === 1 ? 'batch' : 'batches'} ok</span>`}
    · <span>${formatDuration(model.durationMs)}</span>`;
}

function warningsList(warnings: readonly string[]): TemplateResult | typeof nothing {
  if (warnings.length === 0) return nothing;
  const line = (w: string) => html`<span class="codicon codicon-warning" aria-hidden="true"></span>${w}`;
  if (warnings.length === 1) return html`<p class="warnings one" title=${warnings[0]}>${line(warnings[0])}</p>`;
  return html`<details class="warnings">
    <summary title=${warnings[0]}>${line(`${warnings.length} warnings: ${warnings[0]}`)}</summary>
    <ul>${warnings.map(w => html`<li>${line(w)}</li>`)}</ul>
  </details>`;
}

export function header(view: ModelView, actions: HeaderActions, notice: Notice | undefined): TemplateResult {
  const { model, failedBatches, scoredRows } = view;
  const okBatches = model.batches.length - failedBatches.length;
  const started = new Date(model.startedAt);
  const file = model.outputFile;
  return html`
    <header class="run-header">
      <div class="title-line">
        ${model.evaluatedBy ? html`<span class="codicon codicon-cloud" aria-hidden="true"></span>
        <h1 class="endpoint-name" title="Fabric's Power Query engine evaluated this query (executeQuery)">Evaluated by Fabric, dataflow ${model.evaluatedBy.dataflow}, query ${model.evaluatedBy.query}</h1>` : html`<span class="codicon codicon-beaker" aria-hidden="true"></span>
        <h1 class="endpoint-name" title=${model.endpoint.scoreUrl}>${model.endpoint.name}</h1>
        ${model.endpoint.version ? html`<span class="chip" title="Endpoint version">version ${model.endpoint.version}</span>` : html`<span class="chip" title="The endpoint's default version">default version</span>`}`}
        <span class="source" title="Source file"><span class="codicon codicon-file" aria-hidden="true"></span>${model.source.fileName}</span>
        ${model.cancelled ? html`<vscode-badge class="cancelled-badge" title="The run was cancelled; rows scored before that are shown">cancelled</vscode-badge>` : nothing}
        ${actionBar(actions, file, !model.evaluatedBy)}
      </div>
      ${file ? html`<p class="output-file" role="note"><span class="codicon codicon-file-symlink-file" aria-hidden="true"></span>
        ${file.complete ? 'All' : 'The first'} ${formatCount(file.rowsWritten)} rows are in <strong>${file.fileName}</strong>${file.complete ? '' : ' (Resume continues it)'}${file.failedRows
          ? html`; <span class="bad">${formatCount(file.failedRows)} of them failed</span>${file.complete ? ' (Retry Failed Rows sends them again)' : ''}` : ''}.
        ${model.rowCount >= file.rowsWritten ? 'The summary and the grid cover every one of them' : `The summary covers every one of them; the grid shows the first ${formatCount(model.rowCount)}`}.</p>` : nothing}
      <details class="run-details">
        <summary class="gist">${gist(view)}</summary>
        <dl class="stats">
          ${stat(file && model.rowCount < file.rowsWritten ? 'Rows shown' : 'Rows', formatCount(model.rowCount))}
          ${file && model.rowCount < file.rowsWritten ? stat('Rows in file', formatCount(file.rowsWritten)) : nothing}
          ${stat('Scored', formatCount(scoredRows), scoredRows < model.rowCount ? 'warn' : '')}
          ${stat('Batches ok', formatCount(okBatches), 'ok')}
          ${stat('Batches failed', formatCount(failedBatches.length), failedBatches.length ? 'bad' : '')}
          ${stat('Duration', formatDuration(model.durationMs))}
          ${stat('Token requests', model.tokenRequests === 0 ? '0 (cached token)' : formatCount(model.tokenRequests))}
          ${stat('Started', Number.isNaN(started.getTime()) ? model.startedAt : started.toLocaleString())}
        </dl>
      </details>
      <p class="notice ${notice?.level ?? ''}" role="status" aria-live="polite">${notice?.text ?? ''}</p>
      ${warningsList(model.warnings)}
    </header>`;
}
