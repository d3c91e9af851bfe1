// A run as the results panel keeps it while it is shown: what the page is told about the run (ResultsRunView)
// and its rows by column (ColumnarRows). The model's row arrays are not kept: an export or the storage copy
// builds them again for as long as it needs them.
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

export class ShownRun {
  private constructor(readonly view: ResultsRunView, readonly rows: ColumnarRows) {}

  /** `model` must already have passed the redaction gate: the view is posted to the page as it is. */
  static of(model: ResultsModel): ShownRun {
    const rows = ColumnarRows.fromModel(model);
    const { inputs: _inputs, predictions: _predictions, source, ...rest } = model;
    const view: ResultsRunView = {
      ...rest, source: { fileName: source.fileName, hasLines: rows.hasLines, ...batchLinesOf(model, rows) },
      rowCount: rows.length, scoredRows: rows.scoredRows,
    };
    return new ShownRun(view, rows);
  }

  get runId(): string {
    return this.view.runId;
  }

  /** Rows start … end (end exclusive), at most MAX_PAGE_ROWS of them. */
  page(start: number, end: number): RowsPage {
    return this.rows.page(start, Math.min(end, start + MAX_PAGE_ROWS));
  }

  /** The whole run as a model again. */
  toModel(): ResultsModel {
    const { source, rowCount: _rowCount, scoredRows: _scoredRows, ...rest } = this.view;
    // batchLines is derived from the rows' lines, which come back from the rows.
    const { inputs, predictions, rowLines } = this.rows.toRows();
    return { ...rest, source: { fileName: source.fileName, ...(rowLines ? { rowLines } : {}) }, inputs, predictions };
  }
}
