// Display text for values and run facts. Everything here returns plain strings that templates bind as
// text, so no value from a data file or an endpoint is ever parsed as markup.

/** A cell's text: the value as the endpoint or file gave it (no rounding, no locale). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? String(value);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A statistic, e.g. a mean: at most 6 significant digits. */
export function formatStat(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { maximumSignificantDigits: 6 });
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

const INDENT = '  ';

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value !== 'object';
}

/** JSON with objects indented and arrays of plain values kept on one line (a row of inputs stays a row). */
export function prettyJson(value: unknown, indent = ''): string {
  if (isPrimitive(value)) return JSON.stringify(value) ?? 'null';
  const inner = indent + INDENT;
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    if (value.every(isPrimitive)) return `[${value.map(v => JSON.stringify(v) ?? 'null').join(', ')}]`;
    return `[\n${value.map(v => inner + prettyJson(v, inner)).join(',\n')}\n${indent}]`;
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${JSON.stringify(k)}: ${prettyJson(v, inner)}`).join(',\n')}\n${indent}}`;
}

/** Pretty JSON when the text is JSON and small enough to reformat quickly, else the text itself. */
export function prettyBody(text: string | undefined): string {
  if (text === undefined || text === '') return '(no body)';
  if (text.length > 1_000_000) return text;
  try {
    return prettyJson(JSON.parse(text));
  } catch {
    return text;
  }
}
