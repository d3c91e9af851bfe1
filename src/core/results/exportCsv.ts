// CSV export of a run, in the grid's column order: the prediction columns, the input columns (as sent:
// numbers and booleans as such, dates in ISO 8601), and an error column that says why a row has no prediction. RFC 4180: comma separated, CRLF line ends, a field is quoted when it holds a
// comma, a quote, a line break or edge spaces, and quotes inside are doubled. Text that a spreadsheet
// would run as a formula (column names and values come from data files and endpoints) is neutralised by
// default with the OWASP rule; numbers, and text that is just a number, are written as they are.
import type { ResultsModel } from './model';
import { exportColumns, rowErrors } from './columns';

export interface CsvExportOptions {
  /**
   * Prefix `'` to text starting with `=`, `+`, `-`, `@`, tab or carriage return, so that Excel and other
   * spreadsheets show it instead of running it (`=HYPERLINK(…)`). Default true.
   */
  neutralizeFormulas?: boolean;
}

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;
// OWASP "CSV Injection": the characters a spreadsheet reads as the start of a formula.
const FORMULA_START = /^[=+\-@\t\r]/;
// `-2`, `+1.5`, `-1,234.5`, `-1,5`, `-3e-7`: a spreadsheet reads these as numbers, never as a call.
const NUMBER_TEXT = /^[-+]?(?:\d+(?:[.,]\d+)*|\.\d+)(?:[eE][-+]?\d+)?$/;

/**
 * The text a CSV field held before csvField neutralised it (`'=SUM(A1)` → `=SUM(A1)`), for showing a written file's
 * values as the run had them. A value that really began with `'` and a formula character reads back without the `'`.
 */
export function withoutFormulaGuard(text: string): string {
  const rest = text.slice(1);
  return text.startsWith("'") && FORMULA_START.test(rest) && !NUMBER_TEXT.test(rest) ? rest : text;
}

/** Text of one CSV field: null/undefined → empty, objects → JSON, strings quoted when needed. */
export function csvField(value: unknown, options: CsvExportOptions = {}): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  let text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  if (options.neutralizeFormulas !== false && FORMULA_START.test(text) && !NUMBER_TEXT.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function resultsToCsv(model: ResultsModel, options: CsvExportOptions = {}): string {
  const columns = exportColumns(model);
  const errors = rowErrors(model);
  const width = columns.outputs.length;
  const field = (value: unknown): string => csvField(value, options);
  const lines: string[] = [[...columns.outputs, ...columns.inputs, columns.error].map(field).join(',')];
  for (let row = 0; row < model.inputs.length; row++) {
    const input = model.inputs[row];
    const prediction = model.predictions[row];
    const fields: string[] = [];
    for (let c = 0; c < width; c++) fields.push(field(prediction?.[c]));
    for (let c = 0; c < columns.inputs.length; c++) fields.push(field(input[c]));
    fields.push(field(errors[row]));
    lines.push(fields.join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
