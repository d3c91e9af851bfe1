// "Copy as M #table": the run as a Power Query M table literal that can be pasted as a query, e.g. to
// build a Dataflow against known predictions. Column types come from the values (Int64.Type, number,
// text, logical, nullable when a null occurs, any when mixed); text and column names are escaped by the M
// generators' own functions, so any value a data file or an endpoint returns stays a literal and never becomes code.
import type { ResultsModel } from './model';
import { mIdentifier, mText } from '../mcode/mText';
import { exportColumns, rowErrors } from './columns';

// The one quoting of M text and identifiers the product has (src/core/mcode): a private keyword list here once
// missed `optional`, which broke the table type.
export { mText };

/** An M number literal; JavaScript's shortest round-trip form is valid M (`1e+21`, `0.1`, `-3`). */
export function mNumber(value: number): string {
  if (Number.isNaN(value)) return '#nan';
  if (value === Infinity) return '#infinity';
  if (value === -Infinity) return '-#infinity';
  return Object.is(value, -0) ? '0' : String(value);
}

/** An M literal for a JSON-ish value; arrays and objects become their JSON text. */
export function mValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number') return mNumber(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') return mText(value);
  return mText(JSON.stringify(value) ?? String(value));
}

type ValueKind = 'none' | 'integer' | 'number' | 'text' | 'logical' | 'any';

function mergeKinds(seen: ValueKind, next: Exclude<ValueKind, 'none' | 'any'>): ValueKind {
  if (seen === 'none' || seen === next) return next;
  if ((seen === 'integer' && next === 'number') || (seen === 'number' && next === 'integer')) return 'number';
  return 'any';
}

const M_TYPE_OF_KIND: Record<ValueKind, string> = { none: 'any', integer: 'Int64.Type', number: 'number', text: 'text', logical: 'logical', any: 'any' };

/** The M type of a column from its values. */
export function mColumnType(values: Iterable<unknown>): string {
  let sawNull = false;
  let kind: ValueKind = 'none';
  for (const value of values) {
    if (value === null || value === undefined) sawNull = true;
    else if (typeof value === 'number') kind = mergeKinds(kind, Number.isSafeInteger(value) ? 'integer' : 'number');
    else if (typeof value === 'boolean') kind = mergeKinds(kind, 'logical');
    else kind = mergeKinds(kind, 'text');
    if (kind === 'any') return 'any';
  }
  const name = M_TYPE_OF_KIND[kind];
  return sawNull && name !== 'any' ? `nullable ${name}` : name;
}

function* columnValues(rows: ReadonlyArray<ReadonlyArray<unknown> | null>, index: number): Generator<unknown> {
  for (const row of rows) yield row ? row[index] : null;
}

/** The whole run (inputs, predictions, error column) as one `#table(type table […], {…})` expression. */
export function resultsToMTable(model: ResultsModel): string {
  const columns = exportColumns(model);
  const errors = rowErrors(model);
  const types = [
    ...columns.inputs.map((name, c) => `${mIdentifier(name)} = ${mColumnType(columnValues(model.inputs, c))}`),
    ...columns.outputs.map((name, c) => `${mIdentifier(name)} = ${mColumnType(columnValues(model.predictions, c))}`),
    `${mIdentifier(columns.error)} = nullable text`,
  ];
  const rows = model.inputs.map((input, i) => {
    const prediction = model.predictions[i];
    const values = [
      ...columns.inputs.map((_, c) => mValue(input[c])),
      ...columns.outputs.map((_, c) => mValue(prediction?.[c])),
      mValue(errors[i]),
    ];
    return `        {${values.join(', ')}}`;
  });
  return `#table(\n    type table [${types.join(', ')}],\n    {\n${rows.join(',\n')}\n    }\n)\n`;
}
