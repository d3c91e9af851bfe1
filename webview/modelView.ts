// Everything the templates need that is derived once per model (not per render): the row index list
// the virtualizer walks, which batch each row belongs to, the failed batches, and the grid's columns
// with widths estimated from the header and a sample of values.
import type { BatchOutcome, ColumnSummary, ResultsModel, ResultsWebviewState } from '../src/protocol/results';
import { cellText } from './format';

export interface GridColumn {
  label: string;
  /** Tooltip of the header cell. */
  title: string;
  /** CSS classes of the column's cells. */
  cls: string;
  /** Width in `ch` of the grid's monospace font, padding excluded. */
  widthCh: number;
}

export interface ModelView {
  model: ResultsModel;
  summaries: ColumnSummary[];
  rowIndexes: number[];
  /** Position in model.batches of each row's batch, or -1. */
  batchOfRow: Int32Array;
  failedBatches: BatchOutcome[];
  scoredRows: number;
  columns: GridColumn[];
  numericInputs: boolean[];
  numericOutputs: boolean[];
}

const SAMPLE_ROWS = 200;
const MIN_WIDTH_CH = 4;
const MAX_WIDTH_CH = 36;
const MAX_HEADER_CH = 24;

function sampleOf(rows: ReadonlyArray<ReadonlyArray<unknown> | null>, column: number): unknown[] {
  const step = Math.max(1, Math.floor(rows.length / SAMPLE_ROWS));
  const sample: unknown[] = [];
  for (let r = 0; r < rows.length && sample.length < SAMPLE_ROWS; r += step) {
    const row = rows[r];
    if (row) sample.push(row[column]);
  }
  return sample;
}

function isNumericSample(sample: unknown[]): boolean {
  const present = sample.filter(v => v !== null && v !== undefined);
  return present.length > 0 && present.every(v => typeof v === 'number');
}

function widthOf(label: string, sample: unknown[]): number {
  const longest = sample.reduce<number>((w, v) => Math.max(w, cellText(v).length), 0);
  return Math.min(MAX_WIDTH_CH, Math.max(MIN_WIDTH_CH, Math.min(label.length, MAX_HEADER_CH) + 2, longest + 1));
}

export function deriveView(state: ResultsWebviewState): ModelView {
  const { model } = state;
  const rows = model.inputs.length;
  const batchOfRow = new Int32Array(rows).fill(-1);
  model.batches.forEach((batch, position) => {
    batchOfRow.fill(position, Math.max(0, batch.startRow), Math.min(rows, batch.endRow));
  });
  let scoredRows = 0;
  for (const p of model.predictions) if (p !== null) scoredRows++;

  const columns: GridColumn[] = [{ label: '#', title: 'Row in this run (1-based)', cls: 'rownum', widthCh: String(rows).length + 3 }];
  if (model.source.rowLines) {
    const maxLine = model.source.rowLines.reduce((m, l) => Math.max(m, l), 0);
    columns.push({ label: 'Line', title: `Line in ${model.source.fileName}`, cls: 'line', widthCh: Math.max(4, String(maxLine).length) + 1 });
  }
  const numericInputs = model.inputColumns.map((_, c) => isNumericSample(sampleOf(model.inputs, c)));
  const numericOutputs = model.outputColumns.map((_, c) => isNumericSample(sampleOf(model.predictions, c)));
  // Predictions first: they are what the user came for, and stay visible however wide the inputs are.
  model.outputColumns.forEach((name, c) => columns.push({
    label: name, title: `Prediction column ${name}`, cls: numericOutputs[c] ? 'prediction num' : 'prediction',
    widthCh: widthOf(name, sampleOf(model.predictions, c)),
  }));
  model.inputColumns.forEach((name, c) => columns.push({
    label: name, title: `Input column ${name}`, cls: numericInputs[c] ? 'input num' : 'input',
    widthCh: widthOf(name, sampleOf(model.inputs, c)),
  }));

  return {
    model,
    summaries: state.summaries,
    rowIndexes: Array.from({ length: rows }, (_, i) => i),
    batchOfRow,
    failedBatches: model.batches.filter(b => !b.ok),
    scoredRows,
    columns,
    numericInputs,
    numericOutputs,
  };
}

/** The CSS custom properties that size a grid's columns: `--grid-cols` and `--grid-width`. */
export function gridSizeVars(columns: readonly GridColumn[]): Record<string, string> {
  // A cell adds 12px padding and a 1px border (see .cell in webview.css); widths are in the grid font's ch.
  const widths = columns.map(c => `calc(${c.widthCh}ch + 13px)`);
  const total = columns.reduce((sum, c) => sum + c.widthCh, 0);
  return { '--grid-cols': widths.join(' '), '--grid-width': `calc(${total}ch + ${columns.length * 13}px)` };
}
