// The run at a glance: endpoint, version, source, counts and timing, the actions, and a status line.
import { html, nothing, type TemplateResult } from 'lit';
import { formatCount, formatDuration } from '../format';
import type { ModelView } from '../modelView';

export interface HeaderActions {
  exportCsv(): void;
  exportJson(): void;
  copyMTable(): void;
  rerun(): void;
}

export interface Notice {
  level: 'info' | 'error';
  text: string;
}

function stat(label: string, value: string, cls = ''): TemplateResult {
  return html`<div class="stat ${cls}"><dt>${label}</dt><dd>${value}</dd></div>`;
}

export function header(view: ModelView, actions: HeaderActions, notice: Notice | undefined): TemplateResult {
  const { model, failedBatches, scoredRows } = view;
  const okBatches = model.batches.length - failedBatches.length;
  const started = new Date(model.startedAt);
  return html`
    <header class="run-header">
      <div class="title-line">
        ${model.evaluatedBy ? html`<span class="codicon codicon-cloud" aria-hidden="true"></span>
        <h1 class="endpoint-name" title="Fabric's Power Query engine evaluated this query (executeQuery)">Evaluated by Fabric, dataflow ${model.evaluatedBy.dataflow}, query ${model.evaluatedBy.query}</h1>` : html`<span class="codicon codicon-beaker" aria-hidden="true"></span>
        <h1 class="endpoint-name" title=${model.endpoint.scoreUrl}>${model.endpoint.name}</h1>
        ${model.endpoint.version ? html`<span class="chip" title="Endpoint version">version ${model.endpoint.version}</span>` : html`<span class="chip" title="The endpoint's default version">default version</span>`}`}
        <span class="source" title="Source file"><span class="codicon codicon-file" aria-hidden="true"></span>${model.source.fileName}</span>
        ${model.cancelled ? html`<vscode-badge class="cancelled-badge" title="The run was cancelled; rows scored before that are shown">cancelled</vscode-badge>` : nothing}
      </div>
      <dl class="stats">
        ${stat('Rows', formatCount(model.inputs.length))}
        ${stat('Scored', formatCount(scoredRows), scoredRows < model.inputs.length ? 'warn' : '')}
        ${stat('Batches ok', formatCount(okBatches), 'ok')}
        ${stat('Batches failed', formatCount(failedBatches.length), failedBatches.length ? 'bad' : '')}
        ${stat('Duration', formatDuration(model.durationMs))}
        ${stat('Token requests', model.tokenRequests === 0 ? '0 (cached token)' : formatCount(model.tokenRequests))}
        ${stat('Started', Number.isNaN(started.getTime()) ? model.startedAt : started.toLocaleString())}
      </dl>
      <div class="actions">
        <vscode-button icon="desktop-download" @click=${actions.exportCsv}>Export CSV</vscode-button>
        <vscode-button secondary icon="json" @click=${actions.exportJson}>Export JSON</vscode-button>
        <vscode-button secondary icon="copy" @click=${actions.copyMTable}>Copy as M #table</vscode-button>
        ${model.evaluatedBy ? nothing : html`<vscode-button secondary icon="debug-rerun" @click=${actions.rerun}>Re-run</vscode-button>`}
        <span class="notice ${notice?.level ?? ''}" role="status" aria-live="polite">${notice?.text ?? ''}</span>
      </div>
      ${model.warnings.length ? html`<ul class="warnings" aria-label="Warnings">
        ${model.warnings.map(w => html`<li><span class="codicon codicon-warning" aria-hidden="true"></span>${w}</li>`)}
      </ul>` : nothing}
    </header>`;
}
