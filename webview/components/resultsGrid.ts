// The rows grid: row number, source line, prediction columns, input columns. A row whose batch failed
// is marked (error icon, tinted background) and says why in place of its predictions.
import { html, nothing, type TemplateResult } from 'lit';
import { errorHead } from '../../src/protocol/text';
import { cellText } from '../format';
import type { ModelView } from '../modelView';
import { virtualGrid } from './virtualGrid';

function valueCell(value: unknown, numeric: boolean, kind: 'input' | 'prediction'): TemplateResult {
  const isNull = value === null || value === undefined;
  const text = cellText(value);
  const cls = `cell ${kind}${numeric ? ' num' : ''}${isNull ? ' null' : ''}`;
  return html`<div class=${cls} role="gridcell" title=${text}>${text}</div>`;
}

/** Why row i has no prediction: a few words for the cell, the whole story for its tooltip. */
function unscoredReason(view: ModelView, row: number): { short: string; full: string } {
  const position = view.batchOfRow[row];
  const batch = position >= 0 ? view.model.batches[position] : undefined;
  if (!batch || batch.ok) {
    const text = view.model.cancelled ? 'Not scored (run cancelled)' : 'No prediction returned';
    return { short: text, full: text };
  }
  const message = batch.error?.message ?? '';
  if (batch.attempts === 0) return { short: `Batch ${batch.index + 1} not sent`, full: message || `Batch ${batch.index + 1} was not sent` };
  const short = `Batch ${batch.index + 1} failed: ${errorHead(batch.error)}`;
  return { short, full: message ? `${short} · ${message}` : short };
}

/** Builds the row renderer once per model (the virtualizer keeps it between renders). */
export function rowRenderer(view: ModelView): (row: number) => TemplateResult {
  const { model, numericInputs, numericOutputs } = view;
  const lines = model.source.rowLines;
  return (row: number) => {
    const input = model.inputs[row] ?? [];
    const prediction = model.predictions[row];
    if (prediction === null) {
      const reason = unscoredReason(view, row);
      return html`<div class="vrow failed ${row % 2 ? 'odd' : ''}" role="row" aria-rowindex=${row + 2} data-row=${row}>
        <div class="cell rownum" role="rowheader" title=${reason.full}><span class="codicon codicon-error" aria-label="not scored"></span>${row + 1}</div>
        ${lines ? html`<div class="cell line" role="gridcell">${lines[row] ?? ''}</div>` : nothing}
        <div class="cell unscored" role="gridcell" title=${reason.full}>${reason.short}</div>
        ${numericInputs.map((numeric, c) => valueCell(input[c], numeric, 'input'))}
      </div>`;
    }
    return html`<div class="vrow ${row % 2 ? 'odd' : ''}" role="row" aria-rowindex=${row + 2} data-row=${row}>
      <div class="cell rownum" role="rowheader">${row + 1}</div>
      ${lines ? html`<div class="cell line" role="gridcell">${lines[row] ?? ''}</div>` : nothing}
      ${numericOutputs.map((numeric, c) => valueCell(prediction[c], numeric, 'prediction'))}
      ${numericInputs.map((numeric, c) => valueCell(input[c], numeric, 'input'))}
    </div>`;
  };
}

/** `onScroll`: the grid's scroll container scrolled (keep the same function between renders). */
export function resultsGrid(view: ModelView, renderRow: (row: number) => TemplateResult, onScroll?: (event: Event) => void): TemplateResult {
  return virtualGrid({
    onScroll,
    className: 'results-grid',
    label: `Scored rows of ${view.model.source.fileName}`,
    columns: view.columns,
    items: view.rowIndexes,
    renderItem: renderRow,
    vars: { '--pred-count': String(Math.max(1, view.model.outputColumns.length)) },
  });
}
