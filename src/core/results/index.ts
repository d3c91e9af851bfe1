// Pure helpers behind the results panel: summaries for the webview, exports, the redaction gate, and the
// place a Re-run keeps.
export { summarizeColumn, summarizePredictions } from './summary';
export { csvField, type CsvExportOptions, resultsToCsv } from './exportCsv';
export { resultsToJson, type ExportedRow } from './exportJson';
export { mColumnType, mNumber, mText, mValue, resultsToMTable } from './mTable';
export { describeError, describeRowRange, exportColumns, rowErrors, uniqueNames, type ExportColumns } from './columns';
export { redactResultsModel } from './redactModel';
export { viewAfterRerun } from './viewState';
