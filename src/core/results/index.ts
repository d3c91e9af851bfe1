// The results model and the pure helpers behind the results panel: summaries for the webview, exports and
// the redaction gate.
export { summarizeColumn, summarizePredictions } from './summary';
export { csvField, type CsvExportOptions, resultsToCsv } from './exportCsv';
export { resultsToJson, type ExportedRow } from './exportJson';
export { mColumnType, mDateTimeZone, mNumber, mText, mValue, resultsToMTable } from './mTable';
export { exportColumns, rowErrors, uniqueNames, type ExportColumns } from './columns';
export { redactResultsModel } from './redactModel';
export { MAX_SUMMARY_CLASSES, type ColumnSummary, type HistogramBin, type ResultsModel, type ResultsRunView, type RowsPage } from './model';
export { ColumnarRows } from './columnarRows';
export { MAX_PAGE_ROWS, ShownRun } from './shownRun';
export { buildResultsModel, describeInputProblems, describeRunOutcome, outputColumnNames, withRowsNotSent, type FinishedRun, type RunOutcomeText } from './runOutcome';
