// "Copy as M #table": the run as a Power Query M table literal that can be pasted as a query, e.g. to
// build a Dataflow against known predictions. Columns in the grid's order (predictions, inputs, error).
// An input column the signature typed gets that type (double → number, long → Int64.Type, boolean →
// logical, string → text, datetime → datetimezone, as the values were sent); other columns are typed from
// their values (Int64.Type, number, text, logical, any when mixed); nullable when a null occurs. Text and
// column names are escaped by the M generators' own functions, so any value a data file or an endpoint
// returns stays a literal and never becomes code.
import type { ResultsModel } from './model';
import { mIdentifier, mText } from '../mcode/mText';
import { signatureTypeFamily, type TypeFamily } from '../rows';
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

// What the scoring sends for a datetime column (src/core/rows/coerce.ts): ISO 8601 in UTC.
const ISO_UTC = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)Z$/;

/** `#datetimezone(…)` for an ISO 8601 UTC text as sent, or undefined for any other value. */
export function mDateTimeZone(value: unknown): string | undefined {
  const parts = typeof value === 'string' ? ISO_UTC.exec(value) : null;
  if (!parts) return undefined;
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number);
  return `#datetimezone(${year}, ${month}, ${day}, ${hour}, ${minute}, ${second}, 0, 0)`;
}

const M_TYPE_OF_FAMILY: Record<TypeFamily, string> = { double: 'number', long: 'Int64.Type', boolean: 'logical', string: 'text', datetime: 'datetimezone' };

/** Whether every value of a column fits the M type of its signature family (what makes the typed literal valid). */
function fitsFamily(family: TypeFamily, value: unknown): boolean {
  if (value === null || value === undefined) return true;
  switch (family) {
    case 'double': return typeof value === 'number';
    case 'long': return typeof value === 'number' && Number.isSafeInteger(value);
    case 'boolean': return typeof value === 'boolean';
    case 'string': return typeof value === 'string';
    case 'datetime': return mDateTimeZone(value) !== undefined;
  }
}

interface MColumn {
  type: string;
  literal: (value: unknown) => string;
}

/** How one column is typed and written: by its signature type when its values fit it, else from its values. */
function mColumn(rows: ReadonlyArray<ReadonlyArray<unknown> | null>, index: number, signatureType: string | null | undefined): MColumn {
  const family = signatureType ? signatureTypeFamily(signatureType) : undefined;
  if (family) {
    let sawNull = false;
    let fits = true;
    for (const value of columnValues(rows, index)) {
      if (value === null || value === undefined) sawNull = true;
      else if (!fitsFamily(family, value)) { fits = false; break; }
    }
    if (fits) {
      const type = `${sawNull ? 'nullable ' : ''}${M_TYPE_OF_FAMILY[family]}`;
      return { type, literal: family === 'datetime' ? v => mDateTimeZone(v) ?? 'null' : mValue };
    }
  }
  return { type: mColumnType(columnValues(rows, index)), literal: mValue };
}

function* columnValues(rows: ReadonlyArray<ReadonlyArray<unknown> | null>, index: number): Generator<unknown> {
  for (const row of rows) yield row ? row[index] : null;
}

/** The whole run (predictions, inputs, error column) as one `#table(type table […], {…})` expression. */
export function resultsToMTable(model: ResultsModel): string {
  const columns = exportColumns(model);
  const errors = rowErrors(model);
  const outputs = columns.outputs.map((_, c) => mColumn(model.predictions, c, undefined));
  const inputs = columns.inputs.map((_, c) => mColumn(model.inputs, c, model.inputTypes?.[c]));
  const types = [
    ...columns.outputs.map((name, c) => `${mIdentifier(name)} = ${outputs[c].type}`),
    ...columns.inputs.map((name, c) => `${mIdentifier(name)} = ${inputs[c].type}`),
    `${mIdentifier(columns.error)} = nullable text`,
  ];
  const rows = model.inputs.map((input, i) => {
    const prediction = model.predictions[i];
    const values = [
      ...outputs.map((column, c) => column.literal(prediction?.[c])),
      ...inputs.map((column, c) => column.literal(input[c])),
      mValue(errors[i]),
    ];
    return `        {${values.join(', ')}}`;
  });
  return `#table(\n    type table [${types.join(', ')}],\n    {\n${rows.join(',\n')}\n    }\n)\n`;
}
