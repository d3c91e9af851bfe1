// A run as the results panel keeps it while it is shown: what the page is told about the run (ResultsRunView)
// and its rows by column (ColumnarRows). The model's row arrays are not kept: an export or the storage copy
// builds them again for as long as it needs them. A Score File to file run holds its first rows here and the
// others stay in its output file, read back a page at a time (OutputFileRows), so the grid reaches every row.
import { outputFormatOf } from '../scoreFile/outputFile';
import { OutputFileRows } from '../scoreFile/outputRows';
import { ColumnarRows } from './columnarRows';
import type { ResultsModel, ResultsRunView, RowsPage } from './model';

/** At most this many rows go to the page in one answer: a screenful is about 50. */
export const MAX_PAGE_ROWS = 1000;

/** The source lines of each batch's first and last row: what the Batches and Request/response tabs show. */
function batchLinesOf(model: Pick<ResultsModel, 'batches'>, rows: ColumnarRows): { batchLines?: Array<[number, number]> } {
  if (!rows.hasLines) return {};
  const at = new Map<number, number>();
  for (const batch of model.batches) {
    for (const row of [batch.startRow, batch.endRow - 1]) {
      const line = rows.lineOf(row);
      if (line !== undefined) at.set(row, line);
    }
  }
  return { batchLines: [...at] };
}

/** The output file's rows past those the model holds, when there are more and the file can be read back. */
function outputRowsOf(model: ResultsModel, held: number): OutputFileRows | undefined {
  const file = model.outputFile;
  if (!file || file.rowsWritten <= held) return undefined;
  const format = outputFormatOf(file.path);
  if (format === 'csv' && file.delimiter === undefined) return undefined;
  return OutputFileRows.open(file.path, { format, delimiter: file.delimiter ?? ',', inputs: model.inputColumns, outputs: model.outputColumns }, file.rowsWritten);
}

export class ShownRun {
  private constructor(readonly view: ResultsRunView, readonly rows: ColumnarRows, readonly fileRows: OutputFileRows | undefined) {}

  /** `model` must already have passed the redaction gate: the view is posted to the page as it is. */
  static of(model: ResultsModel): ShownRun {
    const rows = ColumnarRows.fromModel(model);
    const fileRows = outputRowsOf(model, rows.length);
    const { inputs: _inputs, predictions: _predictions, source, ...rest } = model;
    const file = model.outputFile;
    const view: ResultsRunView = {
      ...rest, source: { fileName: source.fileName, hasLines: rows.hasLines, ...batchLinesOf(model, rows) },
      rowCount: fileRows ? fileRows.length : rows.length,
      scoredRows: fileRows && file ? file.rowsWritten - (file.failedRows ?? 0) : rows.scoredRows,
    };
    return new ShownRun(view, rows, fileRows);
  }

  get runId(): string {
    return this.view.runId;
  }

  /** The first rows, held here: what the page paints first. */
  firstPage(count: number): RowsPage {
    return this.rows.page(0, count);
  }

  /** Rows start … end (end exclusive), at most MAX_PAGE_ROWS of them; rows past those held come from the output file. */
  async page(start: number, end: number): Promise<RowsPage> {
    const to = Math.min(end, start + MAX_PAGE_ROWS, this.view.rowCount);
    const held = this.rows.length;
    if (!this.fileRows || to <= held) return this.rows.page(start, to);
    const fromFile = await this.fileRows.page(Math.max(start, held), to);
    if (start >= held) return { ...fromFile, ...(this.rows.hasLines ? { lines: fromFile.inputs.map(() => null) } : {}) };
    const first = this.rows.page(start, held);
    return {
      start: first.start,
      inputs: [...first.inputs, ...fromFile.inputs],
      predictions: [...first.predictions, ...fromFile.predictions],
      ...(first.lines ? { lines: [...first.lines, ...fromFile.inputs.map(() => null)] } : {}),
      errors: [...first.inputs.map(() => null), ...fromFile.errors],
    };
  }

  /** The run as a model again: the rows held (a file run's other rows stay in its file). */
  toModel(): ResultsModel {
    const { source, rowCount: _rowCount, scoredRows: _scoredRows, ...rest } = this.view;
    // batchLines is derived from the rows' lines, which come back from the rows.
    const { inputs, predictions, rowLines } = this.rows.toRows();
    return { ...rest, source: { fileName: source.fileName, ...(rowLines ? { rowLines } : {}) }, inputs, predictions };
  }
}
