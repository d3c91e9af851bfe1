// "Copy as M #table": the run as a Power Query M table literal that can be pasted as a query, e.g. to
// build a Dataflow against known predictions. Column types come from the values (Int64.Type, number,
// text, logical, nullable when a null occurs, any when mixed); text is escaped per the M spec, so any
// value a data file or an endpoint returns stays a literal and never becomes code.
import type { ResultsModel } from '../../protocol/results';
import { exportColumns, rowErrors } from './columns';

/** M keywords (and `#`-keywords need no listing: they are never regular identifiers). */
const KEYWORDS = new Set([
  'and', 'as', 'each', 'else', 'error', 'false', 'if', 'in', 'is', 'let', 'meta', 'not', 'null', 'or',
  'otherwise', 'section', 'shared', 'then', 'true', 'try', 'type',
]);

const NAMED_ESCAPES: Record<string, string> = { '\r\n': '#(cr,lf)', '\r': '#(cr)', '\n': '#(lf)', '\t': '#(tab)' };

/**
 * An M text literal. Doubles quotes, writes `#(` as `#(#)(` (otherwise it starts an escape), and
 * writes control characters and line/paragraph separators as escapes so the literal stays on one line.
 */
export function mText(value: string): string {
  const escaped = value.replace(/\r\n|[\u0000-\u001f\u007f-\u009f\u2028\u2029"]|#\(/g, match => {
    if (match === '"') return '""';
    if (match === '#(') return '#(#)(';
    return NAMED_ESCAPES[match] ?? `#(${match.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`;
  });
  return `"${escaped}"`;
}

/** A field name in a record or table type: bare when it is a plain identifier, else `#"…"`. */
export function mFieldName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !KEYWORDS.has(name) ? name : `#${mText(name)}`;
}

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
    ...columns.inputs.map((name, c) => `${mFieldName(name)} = ${mColumnType(columnValues(model.inputs, c))}`),
    ...columns.outputs.map((name, c) => `${mFieldName(name)} = ${mColumnType(columnValues(model.predictions, c))}`),
    `${mFieldName(columns.error)} = nullable text`,
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
