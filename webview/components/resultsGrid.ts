// The rows grid: row number, source line, prediction columns, input columns, in the order the user
// arranged (pinned columns first, sticky at the left). A row whose batch failed is marked (error icon,
// tinted background) and says why in place of its predictions. Headers say what a column holds (an icon
// and the accessible name: prediction or input) and carry the pin button. Keyboard: one Tab stop, an
// active cell (aria-activedescendant) moved by the app (webview/gridKeys.ts). A row whose page has not come
// from the extension yet shows its number and "…" (rowPages.ts asks for the page).
import { html, nothing, type TemplateResult } from 'lit';
import { errorHead } from '../../src/protocol/text';
import type { Cell } from '../gridKeys';
import { cellText } from '../format';
import type { GridColumn, ModelView } from '../modelView';
import { ACTIVE_CELL_ID, columnClasses, virtualGrid } from './virtualGrid';

/**
 * Why row i has no prediction: a few words for the cell, the whole story for its tooltip. `fileError`: the error
 * column of a row read back from a Score File output (the run keeps the batches of its first rows only).
 */
function unscoredReason(view: ModelView, row: number, fileError: string | null | undefined): { short: string; full: string } {
  const position = view.batchOfRow[row];
  const batch = position >= 0 ? view.model.batches[position] : undefined;
  if (!batch && fileError) return { short: `Failed: ${fileError}`, full: fileError };
  if (!batch || batch.ok) {
    const text = view.model.cancelled ? 'Not scored (run cancelled)' : 'No prediction returned';
    return { short: text, full: text };
  }
  const message = batch.error?.message ?? '';
  if (batch.attempts === 0) return { short: `Batch ${batch.index + 1} not sent`, full: message || `Batch ${batch.index + 1} was not sent` };
  const short = `Batch ${batch.index + 1} failed: ${errorHead(batch.error)}`;
  return { short, full: message ? `${short} · ${message}` : short };
}

/**
 * Builds the row renderer for a column order and an active cell (the virtualizer re-renders the visible
 * rows when it gets a new renderer; the rows outside the viewport do not exist).
 */
export function rowRenderer(view: ModelView, columns: readonly GridColumn[], active: Cell | undefined): (row: number) => TemplateResult {
  const { numericInputs, numericOutputs } = view;
  const classes = columns.map(columnClasses);
  // In a failed row the reason fills the first run of adjacent prediction columns (one cell spanning
  // --pred-span columns); a prediction column shown apart from them (pinned alone) says it again.
  const firstPrediction = columns.findIndex(c => c.kind === 'prediction');
  const spanned = predictionSpan(columns);
  return (row: number) => {
    const activeColumn = active?.row === row ? active.column : -1;
    const loaded = view.rows.row(row);
    if (!loaded) return loadingRow(row, columns, classes, activeColumn);
    const { input, prediction, line } = loaded;
    const reason = prediction === null ? unscoredReason(view, row, loaded.error) : undefined;
    const cells = columns.map((column, position) => {
      const isActive = position === activeColumn;
      const base = `cell ${classes[position]}${isActive ? ' active' : ''}`;
      const id = isActive ? ACTIVE_CELL_ID : nothing;
      switch (column.kind) {
        case 'rownum':
          return reason
            ? html`<div class=${base} role="rowheader" id=${id} data-col=${position} title=${reason.full}><span class="codicon codicon-error" aria-label="not scored"></span>${row + 1}</div>`
            : html`<div class=${base} role="rowheader" id=${id} data-col=${position}>${row + 1}</div>`;
        case 'line':
          return html`<div class=${base} role="gridcell" id=${id} data-col=${position}>${line ?? ''}</div>`;
        case 'prediction': {
          if (reason) {
            if (position > firstPrediction && position < firstPrediction + spanned) return nothing;
            if (position !== firstPrediction) return html`<div class="${base} unscored" role="gridcell" id=${id} data-col=${position} title=${reason.full}>${reason.short}</div>`;
            // The spanning cell is the active cell for every column it covers.
            const covers = activeColumn >= firstPrediction && activeColumn < firstPrediction + spanned;
            return html`<div class="cell ${classes[position]} unscored span${covers ? ' active' : ''}" role="gridcell" id=${covers ? ACTIVE_CELL_ID : nothing}
              data-col=${position} aria-colspan=${spanned} title=${reason.full}>${reason.short}</div>`;
          }
          return valueCell(base, prediction?.[column.index ?? 0], numericOutputs[column.index ?? 0], id, position);
        }
        default:
          return valueCell(base, input[column.index ?? 0], numericInputs[column.index ?? 0], id, position);
      }
    });
    return html`<div class="vrow${reason ? ' failed' : ''}${row % 2 ? ' odd' : ''}${activeColumn >= 0 ? ' active-row' : ''}" role="row"
      aria-rowindex=${row + 2} data-row=${row}>${cells}</div>`;
  };
}

/** A row whose values are on their way: its number, and "…" in every other cell. */
function loadingRow(row: number, columns: readonly GridColumn[], classes: readonly string[], activeColumn: number): TemplateResult {
  const cells = columns.map((column, position) => {
    const isActive = position === activeColumn;
    const base = `cell ${classes[position]}${isActive ? ' active' : ''}`;
    const id = isActive ? ACTIVE_CELL_ID : nothing;
    return column.kind === 'rownum'
      ? html`<div class=${base} role="rowheader" id=${id} data-col=${position}>${row + 1}</div>`
      : html`<div class="${base} loading" role="gridcell" id=${id} data-col=${position}>…</div>`;
  });
  return html`<div class="vrow loading${row % 2 ? ' odd' : ''}${activeColumn >= 0 ? ' active-row' : ''}" role="row" aria-busy="true"
    aria-rowindex=${row + 2} data-row=${row}>${cells}</div>`;
}

/** How many prediction columns follow each other from the first one shown. */
function predictionSpan(columns: readonly GridColumn[]): number {
  const first = columns.findIndex(c => c.kind === 'prediction');
  let span = 0;
  while (first >= 0 && columns[first + span]?.kind === 'prediction') span++;
  return span;
}

function valueCell(base: string, value: unknown, numeric: boolean, id: string | typeof nothing, position: number): TemplateResult {
  const isNull = value === null || value === undefined;
  const text = cellText(value);
  return html`<div class="${base}${numeric ? ' num' : ''}${isNull ? ' null' : ''}" role="gridcell" id=${id} data-col=${position} title=${text}>${text}</div>`;
}

export interface ResultsGridHandlers {
  onScroll: (event: Event) => void;
  onKeyDown: (event: KeyboardEvent) => void;
  onClick: (event: MouseEvent) => void;
  onDblClick: (event: MouseEvent) => void;
}

/** A header cell: what the column holds (icon; the accessible name says it in words), its name, the pin button. */
function headerCell(column: GridColumn): TemplateResult {
  const icon = column.kind === 'prediction' ? 'sparkle' : column.kind === 'input' ? 'symbol-field' : undefined;
  const pinned = column.pin !== undefined;
  const pinnable = column.kind !== 'rownum';
  return html`${icon ? html`<span class="codicon codicon-${icon} kind-icon" aria-hidden="true"></span>` : nothing}<span class="head-label">${column.label}</span>${pinnable
    ? html`<button class="pin${pinned ? ' on' : ''}" type="button" tabindex="-1" data-pin=${column.key ?? ''}
      title=${pinned ? `Unpin ${column.label}` : `Pin ${column.label} (keep it visible when scrolling sideways)`}
      aria-label=${pinned ? `Unpin ${column.label}` : `Pin ${column.label}`}><span class="codicon codicon-${pinned ? 'pinned' : 'pin'}" aria-hidden="true"></span></button>`
    : nothing}`;
}

export function resultsGrid(view: ModelView, columns: readonly GridColumn[], renderRow: (row: number) => TemplateResult,
  active: Cell, handlers: ResultsGridHandlers): TemplateResult {
  const predictionCount = predictionSpan(columns);
  return virtualGrid({
    ...handlers,
    className: 'results-grid',
    label: `Scored rows of ${view.model.source.fileName}. Arrow keys move between cells, Enter on a row opens its source line, Enter on a header pins the column.`,
    columns,
    items: view.rowIndexes,
    renderItem: renderRow,
    renderHeader: headerCell,
    activeHeader: active.row < 0 ? active.column : undefined,
    activeId: ACTIVE_CELL_ID,
    vars: { '--pred-span': String(Math.max(1, predictionCount)) },
  });
}
