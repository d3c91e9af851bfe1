// The results model: one scoring run as the extension keeps, exports and shows it. It lives in core (the
// exports and summaries are computed from it in plain Node); src/protocol re-exports these types for the
// webview. Serialisable, and never holds a secret: it is posted to the webview and persisted in its state.
import type { BatchOutcome } from '../fabric/types';

/** One scoring run as the results panel shows it. */
export interface ResultsModel {
  runId: string;
  endpoint: { id: string; name: string; version?: string; scoreUrl: string };
  /** `rowLines[i]` is the 1-based line in the source file where row i starts. */
  source: { fileName: string; rowLines?: number[] };
  inputColumns: string[];
  /** From the version's output signature, else `prediction_1..n`. */
  outputColumns: string[];
  /**
   * Row i's values, ordered as `inputColumns`: as sent (converted to the input signature's types) for the
   * columns the signature takes, as read from the file for the others.
   */
  inputs: unknown[][];
  /**
   * The input signature's type of each input column as sent (`double`, `long`, `boolean`, `string`,
   * `datetime`, …); null for a column sent as it is in the file or not sent. Absent: no signature was used.
   */
  inputTypes?: Array<string | null>;
  /** Row i's prediction values ordered as `outputColumns`, or null when its batch failed or never ran. */
  predictions: (unknown[] | null)[];
  /** startRow/endRow are zero-based, end exclusive. `exchange` has Authorization redacted. */
  batches: BatchOutcome[];
  /** ISO 8601. */
  startedAt: string;
  durationMs: number;
  tokenRequests: number;
  cancelled: boolean;
  warnings: string[];
  /** Set when Fabric's engine produced the table (Run in Fabric): the page says so instead of naming an endpoint run. */
  evaluatedBy?: { dataflow: string; query: string };
  /** Score File to file: every row is in this file; `inputs` holds only its first rows. */
  outputFile?: OutputFileInfo;
}

/**
 * A run as the results page receives it: everything but its rows, which the page asks for a page at a time
 * (RowsPage). The run itself stays with the extension, held by column (columnarRows.ts).
 */
export interface ResultsRunView extends Omit<ResultsModel, 'inputs' | 'predictions' | 'source'> {
  /** `batchLines`: [row, line] of the first and last row of every batch, when the rows have source lines. */
  source: { fileName: string; hasLines: boolean; batchLines?: Array<[row: number, line: number]> };
  rowCount: number;
  /** Rows with predictions. */
  scoredRows: number;
}

/** Rows start … start + inputs.length - 1 of a run, as the page asks for them. */
export interface RowsPage {
  start: number;
  /** As `ResultsModel.inputs`. */
  inputs: unknown[][];
  /** As `ResultsModel.predictions`. */
  predictions: (unknown[] | null)[];
  /** The source line of each row, when the rows came from a text file; null for a row read back from an output file. */
  lines?: Array<number | null>;
  /** Why a row read back from an output file has no prediction (its error column); null for the others. */
  errors?: Array<string | null>;
}

export interface OutputFileInfo {
  /** Absolute path on the local disk (opened by the extension, shown by name). */
  path: string;
  fileName: string;
  /** Rows in the file (the summaries cover all of them). */
  rowsWritten: number;
  /** False when the run was cancelled or stopped: Resume can continue it. */
  complete: boolean;
  /** Rows of the file written with an error (their batch failed): Retry Failed Rows sends them again. */
  failedRows?: number;
  /** CSV output: its field delimiter (the input's), so that the results page can read rows back from the file. */
  delimiter?: string;
}

export interface HistogramBin {
  /** Inclusive lower bound. */
  from: number;
  /** Upper bound: exclusive, except for the last bin; equal to `from` for a one-value bin. */
  to: number;
  count: number;
}

interface ColumnSummaryBase {
  column: string;
  /** Rows with a non-null value in this column. */
  count: number;
  /** Scored rows whose value is null or missing. */
  nulls: number;
  /** Rows without a prediction (their batch failed or never ran). */
  unscored: number;
}

export interface NumberColumnSummary extends ColumnSummaryBase {
  kind: 'number';
  min: number;
  max: number;
  mean: number;
  histogram: HistogramBin[];
  /** Set when the bars were scaled from a uniform sample of this many values (a file run's summary): not exact. */
  histogramSample?: number;
}

export interface LabelColumnSummary extends ColumnSummaryBase {
  kind: 'label';
  distinct: number;
  /** Most frequent first, at most MAX_SUMMARY_CLASSES; ties keep first-seen order. */
  classes: Array<{ label: string; count: number }>;
  /** Values that fall in the classes not listed. */
  otherCount: number;
}

export interface EmptyColumnSummary extends ColumnSummaryBase {
  kind: 'empty';
}

export type ColumnSummary = NumberColumnSummary | LabelColumnSummary | EmptyColumnSummary;

export const MAX_SUMMARY_CLASSES = 12;
