// One batch's last HTTP exchange, request and response side by side. The extension redacted the
// Authorization header (and any token-shaped text) before posting; bodies are shown as text.
import { html, nothing, type TemplateResult } from 'lit';
import type { HttpExchange } from '../../src/protocol/results';
import { linesText, rowsText } from '../../src/protocol/text';
import { formatCount, formatDuration, plural, prettyBody } from '../format';
import type { ModelView } from '../modelView';

export interface RawViewActions {
  select(position: number): void;
}

function headerLines(headers: Record<string, string> | undefined): string {
  if (!headers) return '';
  return Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join('\n');
}

function requestText(exchange: HttpExchange): string {
  const headers = headerLines(exchange.requestHeaders);
  return `${exchange.method} ${exchange.url}\n${headers}${headers ? '\n' : ''}\n${prettyBody(exchange.requestBody)}`;
}

function responseText(exchange: HttpExchange): string {
  if (exchange.status === undefined) return '(no response)';
  const headers = headerLines(exchange.responseHeaders);
  return `HTTP ${exchange.status}\n${headers}${headers ? '\n' : ''}\n${prettyBody(exchange.responseBody)}`;
}

function nextFailed(view: ModelView, from: number): number {
  const batches = view.model.batches;
  for (let step = 1; step <= batches.length; step++) {
    const position = (from + step) % batches.length;
    if (!batches[position].ok) return position;
  }
  return from;
}

export function rawView(view: ModelView, position: number, actions: RawViewActions): TemplateResult {
  const batches = view.model.batches;
  if (batches.length === 0) return html`<p class="empty">No batches were sent.</p>`;
  const batch = batches[Math.min(Math.max(0, position), batches.length - 1)];
  const rows = rowsText(batch);
  const lines = linesText(batch, view.batchLines);
  const exchange = batch.exchange;
  const onNumber = (event: Event) => {
    const value = Number((event.target as HTMLInputElement).value);
    if (Number.isInteger(value) && value >= 1 && value <= batches.length) actions.select(value - 1);
  };
  return html`
    <div class="raw-toolbar">
      <label for="raw-batch">Batch</label>
      <vscode-textfield id="raw-batch" type="number" min="1" max=${batches.length} .value=${String(position + 1)} @change=${onNumber}></vscode-textfield>
      <span class="muted">of ${formatCount(batches.length)}</span>
      <vscode-button secondary icon="arrow-left" ?disabled=${position === 0} @click=${() => actions.select(position - 1)}>Previous</vscode-button>
      <vscode-button secondary icon="arrow-right" ?disabled=${position >= batches.length - 1} @click=${() => actions.select(position + 1)}>Next</vscode-button>
      <vscode-button secondary icon="error" ?disabled=${view.failedBatches.length === 0} @click=${() => actions.select(nextFailed(view, position))}>Next failed</vscode-button>
    </div>
    <p class="raw-meta">
      ${rows[0].toUpperCase()}${rows.slice(1)}${lines ? ` (${lines})` : ''} ·
      <span class=${batch.ok ? 'ok' : 'bad'}>${batch.ok ? 'ok' : batch.attempts === 0 ? 'not sent' : 'failed'}</span> ·
      ${formatDuration(batch.durationMs)} · ${plural(batch.attempts, 'attempt')}
      ${batch.error ? html` · <span class="bad">${batch.error.message}</span>` : nothing}
    </p>
    ${exchange ? html`
      <div class="raw-panes">
        <section class="raw-pane" aria-label="Request">
          <h3>Request</h3>
          <pre class="raw">${requestText(exchange)}</pre>
        </section>
        <section class="raw-pane" aria-label="Response">
          <h3>Response <span class="muted">${formatDuration(exchange.durationMs)}</span></h3>
          <pre class="raw">${responseText(exchange)}</pre>
        </section>
      </div>` : html`<p class="empty">No request was recorded for this batch${batch.attempts === 0 ? ': it was never sent' : ''}.</p>`}`;
}
