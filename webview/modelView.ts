// Everything the templates need that is derived once per run (not per render): the row index list
// the virtualizer walks, which batch each row belongs to, the failed batches, and the grid's columns
// with widths estimated from the header and a sample of values spread over the run (the rows themselves
// come a page at a time: rowPages.ts).
import type { BatchOutcome, ColumnSummary, ResultsRunView, ResultsShowMessage } from '../src/protocol/results';
import { columnAccessibleName, columnRefs, displayOrder, type ColumnKind } from './columns';
import { cellText } from './format';
import { RowPages } from './rowPages';

export interface GridColumn {
  label: string;
  /** Tooltip of the header cell. */
  title: string;
  /** CSS classes of the column's cells. */
  cls: string;
  /** Width in `ch` of the grid's monospace font, padding excluded. */
  widthCh: number;
  /** Rows grid only: the column's key (webview/columns.ts), what it holds, and its position in the model's values. */
  key?: string;
  kind?: ColumnKind;
  index?: number;
  /** Position among the pinned columns (sticky at the left), when pinned. */
  pin?: number;
  /** What a screen reader says for the header. */
  ariaLabel?: string;
}

export interface ModelView {
  /** The run without its rows. */
  model: ResultsRunView;
  summaries: ColumnSummary[];
  /** The rows, as far as the page has them. */
  rows: RowPages;
  /** The source line of every batch's first and last row (a sparse array), when the rows have lines. */
  batchLines: number[] | undefined;
  rowIndexes: number[];
  /** Position in model.batches of each row's batch, or -1. */
  batchOfRow: Int32Array;
  failedBatches: BatchOutcome[];
  scoredRows: number;
  columns: GridColumn[];
  numericInputs: boolean[];
  numericOutputs: boolean[];
}

const MIN_WIDTH_CH = 4;
const MAX_WIDTH_CH = 36;
const MAX_HEADER_CH = 24;

function sampleOf(rows: ReadonlyArray<ReadonlyArray<unknown> | null>, column: number): unknown[] {
  const sample: unknown[] = [];
  for (const row of rows) if (row) sample.push(row[column]);
  return sample;
}

function isNumericSample(sample: unknown[]): boolean {
  const present = sample.filter(v => v !== null && v !== undefined);
  return present.length > 0 && present.every(v => typeof v === 'number');
}

/** Header room besides the name: the column's kind icon (the pin button of a pinned column takes the padding's place). */
const HEADER_ICONS_CH = 3;

function widthOf(label: string, sample: unknown[]): number {
  const longest = sample.reduce<number>((w, v) => Math.max(w, cellText(v).length), 0);
  return Math.min(MAX_WIDTH_CH, Math.max(MIN_WIDTH_CH, Math.min(label.length, MAX_HEADER_CH) + HEADER_ICONS_CH, longest + 1));
}

/** `ask` posts a request for rows start … end - 1 of the run. */
export function deriveView(shown: Pick<ResultsShowMessage, 'run' | 'summaries' | 'firstRows' | 'sample'>, ask: (start: number, end: number) => void): ModelView {
  const { run: model, sample } = shown;
  const rows = model.rowCount;
  const pages = new RowPages(model.runId, rows, ask);
  pages.receive(shown.firstRows);
  const batchOfRow = new Int32Array(rows).fill(-1);
  model.batches.forEach((batch, position) => {
    batchOfRow.fill(position, Math.max(0, batch.startRow), Math.min(rows, batch.endRow));
  });
  const numericInputs = model.inputColumns.map((_, c) => isNumericSample(sampleOf(sample.inputs, c)));
  const numericOutputs = model.outputColumns.map((_, c) => isNumericSample(sampleOf(sample.predictions, c)));
  // Lines grow with rows, and the sample ends with the last row.
  const maxLine = (sample.lines ?? []).reduce<number>((m, l) => Math.max(m, l ?? 0), 0);
  // Predictions first: they are what the user came for, and stay visible however wide the inputs are.
  const columns: GridColumn[] = columnRefs(model).map(ref => {
    const base = { key: ref.key, kind: ref.kind, index: ref.index, label: ref.name };
    switch (ref.kind) {
      case 'rownum': return { ...base, title: 'Row in this run (1-based)', cls: 'rownum', widthCh: String(rows).length + 2 };
      case 'line': return { ...base, title: `Line in ${model.source.fileName}; double-click a row or press Enter to open it`, cls: 'line', widthCh: Math.max(String(maxLine).length + 1, 'Line'.length + HEADER_ICONS_CH - 2) };
      case 'prediction': return {
        ...base, title: `Prediction column ${ref.name}`, cls: numericOutputs[ref.index] ? 'prediction num' : 'prediction',
        widthCh: widthOf(ref.name, sampleOf(sample.predictions, ref.index)),
      };
      case 'input': {
        const type = model.inputTypes?.[ref.index];
        return {
          ...base, title: `Input column ${ref.name}${type ? `, sent as ${type}` : model.inputTypes ? ', not sent (not in the input signature)' : ''}`,
          cls: numericInputs[ref.index] ? 'input num' : 'input', widthCh: widthOf(ref.name, sampleOf(sample.inputs, ref.index)),
        };
      }
    }
  });

  return {
    model,
    summaries: shown.summaries,
    rows: pages,
    batchLines: sparseLines(model.source.batchLines),
    rowIndexes: Array.from({ length: rows }, (_, i) => i),
    batchOfRow,
    failedBatches: model.batches.filter(b => !b.ok),
    scoredRows: model.scoredRows,
    columns,
    numericInputs,
    numericOutputs,
  };
}

function sparseLines(pairs: ReadonlyArray<[number, number]> | undefined): number[] | undefined {
  if (!pairs) return undefined;
  const lines: number[] = [];
  for (const [row, line] of pairs) lines[row] = line;
  return lines;
}

/** The rows grid's columns in the order shown: the pinned ones first, each knowing its pin position and spoken name. */
export function gridLayout(view: ModelView, pinned: readonly string[]): GridColumn[] {
  const isPinned = new Set(pinned);
  let pins = 0;
  return displayOrder(view.columns, pinned).map(column => {
    const pin = isPinned.has(column.key ?? '') ? pins++ : undefined;
    const ref = { key: column.key ?? '', kind: column.kind ?? 'input', name: column.label, index: column.index ?? -1 };
    const type = column.kind === 'input' ? view.model.inputTypes?.[ref.index] : undefined;
    // A pinned column's header shows its pin button beside the name (the others show it on hover, over the name).
    const widthCh = pin !== undefined && column.kind !== 'rownum' ? column.widthCh + 2 : column.widthCh;
    return { ...column, pin, widthCh, ariaLabel: columnAccessibleName(ref, pin !== undefined, type) };
  });
}

/**
 * The CSS custom properties that size a grid's columns: `--grid-cols`, `--grid-width`, and `--pin-left-<n>`,
 * where the n-th pinned column sticks (the pinned columns come first).
 */
export function gridSizeVars(columns: readonly GridColumn[]): Record<string, string> {
  // A cell adds 12px padding and a 1px border (see .cell in webview.css); widths are in the grid font's ch.
  const widths = columns.map(c => `calc(${c.widthCh}ch + 13px)`);
  const total = columns.reduce((sum, c) => sum + c.widthCh, 0);
  const vars: Record<string, string> = { '--grid-cols': widths.join(' '), '--grid-width': `calc(${total}ch + ${columns.length * 13}px)` };
  let left = 0;
  columns.forEach((c, i) => {
    if (c.pin === undefined) return;
    vars[`--pin-left-${c.pin}`] = `calc(${left}ch + ${i * 13}px)`;
    left += c.widthCh;
  });
  return vars;
}
