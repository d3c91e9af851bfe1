// Converts raw cell values (CSV text or JSON values) to what an endpoint's input signature expects.
// The converter is chosen once per column so the per-value work is a few comparisons, not a regex.

/** A value that cannot be converted; the message quotes the value and names the type. */
export class CoercionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CoercionError';
  }
}

export type Coercer = (value: unknown) => unknown;

/**
 * How numeric dates such as 10/03/2024 are read. 'iso' (the default) refuses them as ambiguous: the user says
 * which order the file uses (setting `fabricMl.scoring.dateFormat`), or writes ISO 8601.
 */
export type DateOrder = 'iso' | 'dayFirst' | 'monthFirst';

export interface CoerceOptions {
  dateOrder?: DateOrder;
  /** Called once per value read in the configured day/month order, so the caller can say which form was assumed. */
  onDateOrderUsed?: () => void;
}

export type TypeFamily = 'double' | 'long' | 'boolean' | 'string' | 'datetime';

const FAMILY_BY_TYPE: Record<string, TypeFamily> = {
  double: 'double',
  float: 'double',
  number: 'double',
  float32: 'double',
  float64: 'double',
  long: 'long',
  int: 'long',
  integer: 'long',
  int32: 'long',
  int64: 'long',
  boolean: 'boolean',
  bool: 'boolean',
  string: 'string',
  datetime: 'datetime',
  date: 'datetime',
  timestamp: 'datetime',
};

/** The converter for a Fabric signature type, or undefined when the type is not one we convert. */
export function coercerFor(fabricType: string, options: CoerceOptions = {}): Coercer | undefined {
  const typeName = fabricType.trim().toLowerCase();
  switch (FAMILY_BY_TYPE[typeName]) {
    case 'double':
      return (value) => toDouble(value, typeName);
    case 'long':
      return (value) => toLong(value, typeName);
    case 'boolean':
      return (value) => toBoolean(value, typeName);
    case 'string':
      return toText;
    case 'datetime':
      return cachedDateTimeCoercer(typeName, options);
    default:
      return undefined;
  }
}

/**
 * Converts one value for a signature type. Empty text, null and undefined become null; unknown types
 * pass the value through unchanged. Throws CoercionError on a value that does not fit the type.
 */
export function coerceValue(value: unknown, fabricType: string): unknown {
  const coercer = coercerFor(fabricType);
  return coercer ? coercer(value) : value;
}

/** Quotes a value for a message, shortened so one huge cell does not flood it. */
export function quoteValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

function notA(value: unknown, typeName: string, hint = ''): CoercionError {
  const article = /^[aeiou]/.test(typeName) ? 'an' : 'a';
  return new CoercionError(`${quoteValue(value)} is not ${article} ${typeName}${hint}`);
}

function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

/**
 * A decimal number in plain or exponent notation: digits, sign, point and e/E only. Number() alone
 * would also accept "0x1F", "Infinity" and "  " (as 0); a comma (thousands separator) is refused.
 */
function parseDecimalText(text: string): number | undefined {
  let hasDigit = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) hasDigit = true;
    else if (c !== 43 && c !== 45 && c !== 46 && c !== 101 && c !== 69) return undefined;
  }
  if (!hasDigit) return undefined;
  const parsed = Number(text);
  return Number.isFinite(parsed) ? parsed : undefined;
}

function toNumber(value: unknown): number | null | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return null;
    return parseDecimalText(text);
  }
  if (isEmpty(value)) return null;
  return undefined;
}

function toDouble(value: unknown, typeName: string): number | null {
  const parsed = toNumber(value);
  if (parsed === undefined) {
    throw notA(value, typeName, typeof value === 'string' && value.includes(',') ? ' (write numbers without thousands separators, with a point for decimals)' : '');
  }
  return parsed;
}

function toLong(value: unknown, typeName: string): number | null {
  const parsed = toNumber(value);
  if (parsed === null) return null;
  if (parsed === undefined || !Number.isInteger(parsed)) throw notA(value, typeName);
  if (!Number.isSafeInteger(parsed)) throw notA(value, typeName, ' (too large to send exactly)');
  return parsed;
}

function toBoolean(value: unknown, typeName: string): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (value === 1) return true;
    if (value === 0) return false;
    throw notA(value, typeName);
  }
  if (typeof value === 'string') {
    // Exact spellings first: they are by far the most common.
    switch (value) {
      case 'true':
      case 'TRUE':
      case 'True':
      case '1':
        return true;
      case 'false':
      case 'FALSE':
      case 'False':
      case '0':
        return false;
      case '':
        return null;
    }
    switch (value.trim().toLowerCase()) {
      case 'true':
      case '1':
      case 'yes':
        return true;
      case 'false':
      case '0':
      case 'no':
        return false;
      case '':
        return null;
    }
    throw notA(value, typeName, ' (use true/false, 1/0 or yes/no)');
  }
  if (isEmpty(value)) return null;
  throw notA(value, typeName);
}

function toText(value: unknown): string | null {
  if (typeof value === 'string') return value === '' ? null : value;
  if (value === null || value === undefined) return null;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Date columns repeat the same text a lot, and Date.parse + toISOString is the slowest conversion. */
function cachedDateTimeCoercer(typeName: string, options: CoerceOptions): Coercer {
  const cache = new Map<string, string | null>();
  return (value) => {
    if (typeof value !== 'string') return toDateTime(value, typeName);
    const hit = cache.get(value);
    if (hit !== undefined) {
      if (hit !== null && NUMERIC_DATE.test(value.trim())) options.onDateOrderUsed?.();
      return hit;
    }
    const converted = toDateTime(inDateOrder(value, typeName, options), typeName);
    if (cache.size < 10_000) cache.set(value, converted);
    return converted;
  };
}

/** A date written with numbers only, day and month in some order: 10/03/2024, 3.10.24, 10-03-2024 09:30. */
const NUMERIC_DATE = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4}|\d{2})(?=$|[ T])/;

/**
 * Rewrites a numeric date to ISO 8601 in the configured order, or refuses it when no order is configured:
 * `10/03/2024` is 10 March in most of the world and October 3 in the US, and guessing would send a wrong date.
 */
function inDateOrder(value: string, typeName: string, options: CoerceOptions): string {
  const text = value.trim();
  const m = NUMERIC_DATE.exec(text);
  if (!m) return value;
  const order = options.dateOrder ?? 'iso';
  if (order === 'iso') {
    throw notA(value, typeName, ' (day and month order is ambiguous: write ISO 8601 such as 2024-03-10, or set "fabricMl.scoring.dateFormat" to dayFirst or monthFirst)');
  }
  const [first, second] = [Number(m[1]), Number(m[2])];
  const [day, month] = order === 'dayFirst' ? [first, second] : [second, first];
  const year = m[3].length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > 31) throw notA(value, typeName, ` (read as ${order === 'dayFirst' ? 'day/month/year' : 'month/day/year'}, there is no month ${month} or day ${day})`);
  options.onDateOrderUsed?.();
  const rest = text.slice(m[0].length).replace(/^ /, 'T');
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}${rest}`;
}

function toDateTime(value: unknown, typeName: string): string | null {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw notA(value, typeName);
    return value.toISOString();
  }
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return null;
    // Date.parse reads bare numbers such as "12" as dates; a plain number is almost always a mistake
    // here (a four-digit year is the exception).
    if (text.length !== 4 && parseDecimalText(text) !== undefined) throw notA(value, typeName, ' (use ISO 8601, e.g. 2024-01-31T09:30:00Z)');
    const parsed = Date.parse(text);
    if (Number.isNaN(parsed) || !isRealCalendarDay(text)) throw notA(value, typeName, ' (use ISO 8601, e.g. 2024-01-31T09:30:00Z)');
    return toIsoText(text, asUtcWallClock(text, parsed));
  }
  if (isEmpty(value)) return null;
  throw notA(value, typeName, ' (use ISO 8601 text, e.g. 2024-01-31T09:30:00Z)');
}

// An explicit zone: an offset or Z right after a time, or a zone name at the end ("… GMT", "… UTC+1").
const EXPLICIT_ZONE = /(?:\d:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:z|[+-]\d{2}(?::?\d{2})?)|\b(?:utc|gmt|z)(?:\s*[+-]\d{1,4})?)\s*$/i;
const ISO_DATE_ONLY = /^\d{4}(?:-\d{2}-\d{2})?$/;
const ISO_LOCAL_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/**
 * Date.parse reads text without a zone ("2024-03-01 10:00", "03/01/2024") as the machine's local time,
 * which would make the value sent depend on where VS Code runs. Such text is read again as UTC wall-clock
 * time, like a bare ISO date already is, so a file scores the same everywhere (and as in Dataflow).
 * Reading it as UTC (rather than shifting by the local offset) also keeps times that do not exist locally
 * (a daylight-saving gap) intact.
 */
function asUtcWallClock(text: string, parsed: number): number {
  if (ISO_DATE_ONLY.test(text) || EXPLICIT_ZONE.test(text)) return parsed;
  const utc = ISO_LOCAL_DATE_TIME.test(text) ? Date.parse(`${text.replace(' ', 'T')}Z`) : Date.parse(`${text} UTC`);
  return Number.isNaN(utc) ? parsed - new Date(parsed).getTimezoneOffset() * 60_000 : utc;
}

/** V8 rolls "2024-02-30" over to March 1; a day that does not exist in its month is refused instead. */
function isRealCalendarDay(text: string): boolean {
  if (text.length < 10 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45) return true;
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return true;
  return new Date(Date.UTC(year, month - 1, day)).getUTCDate() === day;
}

const ISO_DATE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9];
const ISO_TIME_DIGITS = [11, 12, 14, 15, 17, 18];
const ISO_MILLISECOND_DIGITS = [20, 21, 22];

function digitsAt(text: string, positions: readonly number[]): boolean {
  for (const p of positions) {
    const c = text.charCodeAt(p);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The ISO string of a parsed time. Text already in (or one step from) toISOString's UTC form is
 * returned without formatting, which is the slowest part of converting a date column.
 */
function toIsoText(text: string, time: number): string {
  const length = text.length;
  if (length >= 10 && text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && digitsAt(text, ISO_DATE_DIGITS)) {
    // A bare ISO date is read as UTC midnight.
    if (length === 10) return `${text}T00:00:00.000Z`;
    const utcTime =
      (length === 20 || length === 24) &&
      text.charCodeAt(10) === 84 /* T */ &&
      text.charCodeAt(13) === 58 &&
      text.charCodeAt(16) === 58 &&
      text.charCodeAt(length - 1) === 90 /* Z */ &&
      digitsAt(text, ISO_TIME_DIGITS) &&
      text.slice(11, 13) < '24' &&
      (length === 20 || (text.charCodeAt(19) === 46 && digitsAt(text, ISO_MILLISECOND_DIGITS)));
    if (utcTime) return length === 24 ? text : `${text.slice(0, 19)}.000Z`;
  }
  return new Date(time).toISOString();
}

/** The family of a Fabric signature type (what its values are converted to), or undefined when not converted. */
export function signatureTypeFamily(fabricType: string): TypeFamily | undefined {
  return FAMILY_BY_TYPE[fabricType.trim().toLowerCase()];
}
