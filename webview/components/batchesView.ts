// Every batch with its status and latency; a row opens that batch's raw request and response. Keyboard: one
// Tab stop, the arrows (PageUp/PageDown, Ctrl+Home/End) move the active row, which is the batch the
// Request/response tab shows; Enter opens it there.
import { html, nothing, type TemplateResult } from 'lit';
import type { BatchOutcome } from '../../src/protocol/results';
import { errorHead, lineSpan, spanText } from '../../src/protocol/text';
import { formatCount, formatDuration } from '../format';
import type { GridColumn, ModelView } from '../modelView';
import { ACTIVE_BATCH_ID, virtualGrid } from './virtualGrid';

export interface BatchesGridHandlers {
  onKeyDown: (event: KeyboardEvent) => void;
  onClick: (event: MouseEvent) => void;
}

export function batchColumns(view: ModelView): GridColumn[] {
  const digits = String(view.model.rowCount).length;
  const columns: GridColumn[] = [
    { label: 'Batch', title: 'Batch number (1-based)', cls: 'num', widthCh: 7 },
    { label: 'Rows', title: 'Rows in this run (1-based, inclusive)', cls: '', widthCh: digits * 2 + 2 },
  ];
  if (view.model.source.hasLines) columns.push({ label: 'Lines', title: 'Source lines', cls: '', widthCh: digits * 2 + 3 });
  columns.push(
    { label: 'Status', title: 'Outcome', cls: '', widthCh: 9 },
    { label: 'Duration', title: 'Time of the batch, retries included', cls: 'num', widthCh: 10 },
    { label: 'Attempts', title: 'Requests sent for this batch', cls: 'num', widthCh: 10 },
    { label: 'Error', title: 'HTTP status and Fabric errorCode', cls: '', widthCh: 26 },
    { label: 'Request id', title: 'Fabric request id', cls: '', widthCh: 36 },
    { label: 'Message', title: 'Error message', cls: '', widthCh: 48 },
    { label: '', title: 'Raw request and response', cls: '', widthCh: 5 },
  );
  return columns;
}

/** `active`: the position of the active row (the batch Request/response shows). */
export function batchRenderer(view: ModelView, showRaw: (position: number) => void, active: number): (batch: BatchOutcome, position: number) => TemplateResult {
  const hasLines = view.model.source.hasLines;
  return (batch, position) => {
    const lines = lineSpan(batch, view.batchLines);
    const isActive = position === active;
    return html`<div class="vrow ${batch.ok ? '' : 'failed'} ${position % 2 ? 'odd' : ''}${isActive ? ' active-row' : ''}" role="row"
      aria-selected=${isActive ? 'true' : 'false'} data-row=${position}>
      <div class="cell num${isActive ? ' active' : ''}" role="rowheader" id=${isActive ? ACTIVE_BATCH_ID : nothing}>${batch.index + 1}</div>
      <div class="cell" role="gridcell">${spanText(batch.startRow + 1, batch.endRow)}</div>
      ${hasLines ? html`<div class="cell" role="gridcell">${lines ? spanText(lines.first, lines.last) : ''}</div>` : ''}
      <div class="cell ${batch.ok ? 'ok' : 'bad'}" role="gridcell">${batch.ok ? 'ok' : batch.attempts === 0 ? 'not sent' : 'failed'}</div>
      <div class="cell num" role="gridcell">${formatDuration(batch.durationMs)}</div>
      <div class="cell num" role="gridcell">${batch.attempts}</div>
      <div class="cell" role="gridcell" title=${batch.ok ? '' : errorHead(batch.error)}>${batch.ok ? '' : errorHead(batch.error)}</div>
      <div class="cell" role="gridcell">${batch.error?.requestId ?? batch.exchange?.responseHeaders?.['x-ms-request-id'] ?? ''}</div>
      <div class="cell" role="gridcell" title=${batch.error?.message ?? ''}>${batch.error?.message ?? ''}</div>
      <div class="cell" role="gridcell">${batch.exchange ? html`<button class="link" type="button" title="Show the request and response of this batch" @click=${() => showRaw(position)}>Raw</button>` : ''}</div>
    </div>`;
  };
}

export function batchesView(view: ModelView, columns: GridColumn[], renderBatch: (batch: BatchOutcome, position: number) => TemplateResult,
  handlers: BatchesGridHandlers): TemplateResult {
  const file = view.model.outputFile;
  // A file run keeps the batches of the rows it holds; the file's own error column covers the others.
  const held = view.model.batches.reduce((rows, b) => Math.max(rows, b.endRow), 0);
  const note = file ? html`<p class="batches-note">The batches of the first ${formatCount(held)} rows.${file.failedRows
    ? ` The ${formatCount(file.failedRows)} failed rows of ${file.fileName} say why in its error column.` : ''}</p>` : nothing;
  return html`${note}${virtualGrid({
    ...handlers,
    className: 'batches-grid',
    label: 'Batches. Arrow keys choose a batch, Enter shows its request and response.',
    activeId: ACTIVE_BATCH_ID,
    columns,
    items: view.model.batches,
    renderItem: renderBatch,
  })}`;
}
