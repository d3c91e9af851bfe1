// A shown run's rows, held by column instead of as one array per row: a column whose values are all numbers
// (or null) is a Float64Array, any other column one plain array of its values. A 100 000-row run of ten numeric
// columns then takes about 9 MB in the extension host instead of about 30 MB of row arrays and boxed numbers,
// and the results page is sent only the page of rows it shows (RowsPage), cut from here.
import type { ResultsModel, RowsPage } from './model';

/** What a number column keeps beside each value: a value, null, or nothing at all (a row shorter than the header). */
const VALUE = 0;
const NULL = 1;
const MISSING = 2;

type Column =
  | { kind: 'number'; values: Float64Array; states: Uint8Array }
  | { kind: 'any'; values: unknown[] };

function isNumberColumn(rows: ReadonlyArray<ReadonlyArray<unknown> | null>, column: number): boolean {
  for (const row of rows) {
    const value = row?.[column];
    if (value !== null && value !== undefined && typeof value !== 'number') return false;
  }
  return true;
}

function columnOf(rows: ReadonlyArray<ReadonlyArray<unknown> | null>, column: number): Column {
  if (!isNumberColumn(rows, column)) return { kind: 'any', values: rows.map(row => row?.[column]) };
  const values = new Float64Array(rows.length);
  const states = new Uint8Array(rows.length);
  rows.forEach((row, i) => {
    const value = row?.[column];
    if (typeof value === 'number') values[i] = value;
    else states[i] = value === null ? NULL : MISSING;
  });
  return { kind: 'number', values, states };
}

function valueAt(column: Column, row: number): unknown {
  if (column.kind === 'any') return column.values[row];
  const state = column.states[row];
  return state === VALUE ? column.values[row] : state === NULL ? null : undefined;
}

/** How many values row i had (rows of a ragged file are shorter or longer than the header). */
function widthsOf(rows: ReadonlyArray<ReadonlyArray<unknown> | null>): Uint16Array | number {
  const first = rows.find(r => r !== null)?.length ?? 0;
  if (rows.every(r => r === null || r.length === first)) return first;
  return Uint16Array.from(rows, r => Math.min(r?.length ?? 0, 0xffff));
}

function columnCount(rows: ReadonlyArray<ReadonlyArray<unknown> | null>, declared: number): number {
  let count = declared;
  for (const row of rows) if (row && row.length > count) count = row.length;
  return count;
}

export class ColumnarRows {
  readonly length: number;
  private readonly inputs: Column[];
  private readonly inputWidths: Uint16Array | number;
  private readonly predictions: Column[];
  private readonly predictionWidths: Uint16Array | number;
  /** 1 where the row has predictions (its batch succeeded). */
  private readonly scored: Uint8Array;
  private readonly lines: Int32Array | undefined;

  private constructor(model: Pick<ResultsModel, 'inputs' | 'predictions' | 'source' | 'inputColumns' | 'outputColumns'>) {
    const { inputs, predictions } = model;
    this.length = inputs.length;
    this.inputs = Array.from({ length: columnCount(inputs, model.inputColumns.length) }, (_, c) => columnOf(inputs, c));
    this.inputWidths = widthsOf(inputs);
    this.predictions = Array.from({ length: columnCount(predictions, model.outputColumns.length) }, (_, c) => columnOf(predictions, c));
    this.predictionWidths = widthsOf(predictions);
    this.scored = Uint8Array.from(predictions, p => (p === null ? 0 : 1));
    this.lines = model.source.rowLines ? Int32Array.from(model.source.rowLines) : undefined;
  }

  static fromModel(model: Pick<ResultsModel, 'inputs' | 'predictions' | 'source' | 'inputColumns' | 'outputColumns'>): ColumnarRows {
    return new ColumnarRows(model);
  }

  get hasLines(): boolean {
    return this.lines !== undefined;
  }

  /** Rows with predictions. */
  get scoredRows(): number {
    let count = 0;
    for (const s of this.scored) count += s;
    return count;
  }

  /** The 1-based source line where row i starts, when the rows came from a text file. */
  lineOf(row: number): number | undefined {
    return this.lines && row >= 0 && row < this.length ? this.lines[row] : undefined;
  }

  inputRow(row: number): unknown[] {
    return rowOf(this.inputs, this.inputWidths, row);
  }

  predictionRow(row: number): unknown[] | null {
    return this.scored[row] ? rowOf(this.predictions, this.predictionWidths, row) : null;
  }

  /** Rows start … end (end exclusive), brought into range. */
  page(start: number, end: number): RowsPage & { lines?: number[] } {
    const from = Math.max(0, Math.min(start, this.length));
    const to = Math.max(from, Math.min(end, this.length));
    const rows = Array.from({ length: to - from }, (_, i) => from + i);
    return {
      start: from,
      inputs: rows.map(r => this.inputRow(r)),
      predictions: rows.map(r => this.predictionRow(r)),
      ...(this.lines ? { lines: Array.from(this.lines.subarray(from, to)) } : {}),
    };
  }

  /** About `count` rows spread evenly over the run (first and last included): what column widths are guessed from. */
  sample(count: number): Pick<RowsPage, 'inputs' | 'predictions' | 'lines'> {
    const step = Math.max(1, Math.ceil(this.length / Math.max(1, count)));
    const rows: number[] = [];
    for (let r = 0; r < this.length; r += step) rows.push(r);
    if (this.length > 0 && rows[rows.length - 1] !== this.length - 1) rows.push(this.length - 1);
    const lines = this.lines;
    return {
      inputs: rows.map(r => this.inputRow(r)), predictions: rows.map(r => this.predictionRow(r)),
      ...(lines ? { lines: rows.map(r => lines[r]) } : {}),
    };
  }

  /** The rows as the model's row arrays again (for an export or the storage copy; the caller drops them after). */
  toRows(): Pick<ResultsModel, 'inputs' | 'predictions'> & { rowLines?: number[] } {
    const all = this.page(0, this.length);
    return { inputs: all.inputs, predictions: all.predictions, ...(all.lines ? { rowLines: all.lines } : {}) };
  }
}

function rowOf(columns: readonly Column[], widths: Uint16Array | number, row: number): unknown[] {
  const width = typeof widths === 'number' ? widths : widths[row];
  const values = new Array<unknown>(width);
  for (let c = 0; c < width; c++) values[c] = valueAt(columns[c], row);
  return values;
}
