// CSV export of a run: the input columns, the prediction columns, and an error column that says why a
// row has no prediction. RFC 4180: comma separated, CRLF line ends, a field is quoted when it holds a
// comma, a quote, a line break or edge spaces, and quotes inside are doubled. Values are written as
// they are (no formula-prefix mangling), so the file re-imports into Dataflow without changes.
import type { ResultsModel } from '../../protocol/results';
import { exportColumns, rowErrors } from './columns';

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** Text of one CSV field: null/undefined → empty, objects → JSON, strings quoted when needed. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value
    : typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint' ? String(value)
      : JSON.stringify(value) ?? String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function resultsToCsv(model: ResultsModel): string {
  const columns = exportColumns(model);
  const errors = rowErrors(model);
  const width = columns.outputs.length;
  const lines: string[] = [[...columns.inputs, ...columns.outputs, columns.error].map(csvField).join(',')];
  for (let row = 0; row < model.inputs.length; row++) {
    const input = model.inputs[row];
    const prediction = model.predictions[row];
    const fields: string[] = [];
    for (let c = 0; c < columns.inputs.length; c++) fields.push(csvField(input[c]));
    for (let c = 0; c < width; c++) fields.push(csvField(prediction?.[c]));
    fields.push(csvField(errors[row]));
    lines.push(fields.join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
