// Pure helpers behind the results panel: summaries for the webview, exports, and the redaction gate.
export { summarizeColumn, summarizePredictions } from './summary';
export { csvField, resultsToCsv } from './exportCsv';
export { resultsToJson, type ExportedRow } from './exportJson';
export { mColumnType, mFieldName, mNumber, mText, mValue, resultsToMTable } from './mTable';
export { describeError, describeRowRange, exportColumns, rowErrors, uniqueNames, type ExportColumns } from './columns';
export { redactResultsModel } from './redactModel';
