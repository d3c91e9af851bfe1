// Failed batches, inline above the grid: which rows (1-based, and their source lines), the HTTP status,
// Fabric's errorCode, the message, the request id and how many attempts were made.
import { html, nothing, type TemplateResult } from 'lit';
import type { BatchOutcome } from '../../src/protocol/results';
import { errorHead, linesText, rowsText } from '../../src/protocol/text';
import { formatCount, plural } from '../format';
import type { ModelView } from '../modelView';

const INLINE_LIMIT = 5;

function failure(view: ModelView, batch: BatchOutcome, showRaw: (position: number) => void): TemplateResult {
  const lines = linesText(batch, view.batchLines);
  const error = batch.error;
  const position = view.model.batches.indexOf(batch);
  return html`<li class="failure">
    <span class="codicon codicon-error" aria-hidden="true"></span>
    <span class="what">Batch ${batch.index + 1}: ${rowsText(batch)}${lines ? html` <span class="muted">(${lines})</span>` : nothing}</span>
    <span class="status">${errorHead(error)}</span>
    <span class="message">${error?.message ?? 'failed'}</span>
    ${error?.requestId ? html`<span class="request-id">request id <code>${error.requestId}</code></span>` : nothing}
    <span class="muted">${batch.attempts === 0 ? 'not sent' : plural(batch.attempts, 'attempt')}</span>
    ${batch.exchange ? html`<button class="link" type="button" @click=${() => showRaw(position)}>Request/response</button>` : nothing}
  </li>`;
}

export function failures(view: ModelView, showRaw: (position: number) => void, showBatches: () => void): TemplateResult | typeof nothing {
  const failed = view.failedBatches;
  if (failed.length === 0) return nothing;
  const rows = failed.reduce((n, b) => n + (b.endRow - b.startRow), 0);
  return html`<section class="failures" aria-label="Failed batches">
    <h2><span class="codicon codicon-error" aria-hidden="true"></span>${plural(failed.length, 'batch', 'batches')} of ${formatCount(view.model.batches.length)} failed: ${plural(rows, 'row')} have no prediction</h2>
    <ul>${failed.slice(0, INLINE_LIMIT).map(b => failure(view, b, showRaw))}</ul>
    ${failed.length > INLINE_LIMIT ? html`<button class="link" type="button" @click=${showBatches}>${formatCount(failed.length - INLINE_LIMIT)} more in the Batches tab</button>` : nothing}
  </section>`;
}
