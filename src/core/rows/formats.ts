// Shared shapes of the rows pipeline: which formats we read, what a parsed table looks like, and the
// error that tells the user where their data is broken.

export type SourceFormat = 'csv' | 'tsv' | 'json' | 'jsonl';

const FORMAT_BY_EXTENSION: Record<string, SourceFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/** The format implied by a file name's extension (case-insensitive), or undefined when unsupported. */
export function formatFromFileName(fileName: string): SourceFormat | undefined {
  const dot = fileName.lastIndexOf('.');
  const slash = Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\'));
  if (dot <= slash) return undefined;
  return FORMAT_BY_EXTENSION[fileName.slice(dot).toLowerCase()];
}

/**
 * Editor lines, 0-based inclusive (as vscode Selection start.line/end.line).
 * A selection that ends at character 0 of a line usually does not mean that line; the caller decides
 * whether to pass `end.line - 1` in that case.
 */
export interface LineRange {
  startLine: number;
  endLine: number;
}

export interface ParsedTable {
  /** Header names (CSV) or the union of object keys in first-seen order (JSON). */
  columns: string[];
  /** Raw values: strings for CSV, JSON values for JSON. A key may be absent in JSON rows. */
  rows: Record<string, unknown>[];
  /** 1-based source line where each row starts (parallel to `rows`). */
  rowLines: number[];
  /** The field delimiter that was used (CSV/TSV only). */
  delimiter?: string;
  warnings: string[];
}

/** Bad input: the message names the line (and column where known) in words, e.g. "Line 7: …". */
export class RowsParseError extends Error {
  /** 1-based line of the problem, when known. */
  line?: number;
  /** 1-based column (CSV field number or JSON character column), when known. */
  column?: number;

  constructor(message: string, where?: { line?: number; column?: number }) {
    super(message);
    this.name = 'RowsParseError';
    if (where?.line !== undefined) this.line = where.line;
    if (where?.column !== undefined) this.column = where.column;
  }
}

export interface ParseRowsOptions {
  /** Rows that start on these lines; the CSV header still comes from the top of the document. */
  selection?: LineRange;
  /** Without a selection, read at most this many rows (all rows when absent). Ignored with a selection. */
  maxRows?: number;
  /** Largest CSV record, JSON row or JSON Lines line (default DEFAULT_MAX_RECORD_BYTES). */
  maxRecordBytes?: number;
}

/** 1 MB: far above any real row, far below a whole file without line breaks. */
export const DEFAULT_MAX_RECORD_BYTES = 1024 * 1024;
/** The setting that changes the limit, named in the message so the user can find it. */
export const MAX_RECORD_BYTES_SETTING = 'fabricMl.scoring.maxRecordBytes';

export function normalizeMaxRecordBytes(limit: number | undefined): number {
  return limit !== undefined && Number.isFinite(limit) && limit >= 1 ? Math.floor(limit) : DEFAULT_MAX_RECORD_BYTES;
}

/** `1 MB`, `512 KB`, `1.5 MB`, `900 bytes`. */
export function formatBytes(bytes: number): string {
  const [size, unit] = bytes >= 1024 * 1024 ? [bytes / (1024 * 1024), 'MB'] : bytes >= 1024 ? [bytes / 1024, 'KB'] : [bytes, 'bytes'];
  return `${Number.isInteger(size) ? size : size.toFixed(1)} ${unit}`;
}

/** The error for a record over the limit; `what` says what a record is in this format ("a record", "a row"). */
export function recordTooLarge(line: number, what: string, limit: number): RowsParseError {
  return new RowsParseError(
    `Line ${line}: ${what} is larger than ${formatBytes(limit)}, the limit set by "${MAX_RECORD_BYTES_SETTING}". `
      + 'Check that the file holds one row per line (per array element in JSON), or raise the setting.',
    { line },
  );
}

/** The 1-based number of the first line of `text` longer than `limit` characters, or undefined. */
export function firstLineLongerThan(text: string, limit: number): number | undefined {
  let line = 1;
  for (let start = 0; start < text.length; line++) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    if (end - start > limit) return line;
    if (newline === -1) return undefined;
    start = newline + 1;
  }
  return undefined;
}

const MESSAGE_TEXT_MAX = 40;
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
const NAMED_CONTROL: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * Text from a data file as it may appear in a message: control characters escaped (`\t`, `\u0000`), cut to 40
 * characters, so a binary file's bytes or a huge cell never reach a notification or a log raw.
 */
export function textForMessage(text: string, max = MESSAGE_TEXT_MAX): string {
  const chars = Array.from(text);
  const shown = chars.length > max ? chars.slice(0, max - 1) : chars;
  let out = '';
  for (const ch of shown) {
    if (!CONTROL.test(ch)) out += ch;
    else out += NAMED_CONTROL[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;
  }
  return chars.length > max ? `${out}…` : out;
}

/** 1-based inclusive line bounds, the way the parsers count lines. */
export interface OneBasedLines {
  first: number;
  last: number;
}

export function toOneBasedLines(selection: LineRange): OneBasedLines {
  const a = selection.startLine + 1;
  const b = selection.endLine + 1;
  return a <= b ? { first: a, last: b } : { first: b, last: a };
}

export const NO_SELECTED_ROWS = 'The selection has no data rows.';
export const NO_FILE_ROWS = 'The file has no data rows.';

/** Internal signal used to stop a parser once enough rows are collected. */
export class StopParsing extends Error {
  constructor() {
    super('stop');
    this.name = 'StopParsing';
  }
}

/** Columns as the union of keys in first-seen order, plus how many rows lack some of them. */
export function unionOfKeys(rows: readonly Record<string, unknown>[]): { columns: string[]; incompleteRows: number } {
  const seen = new Set<string>();
  const columns: string[] = [];
  const keyCounts: number[] = new Array<number>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    let count = 0;
    for (const key in rows[i]) {
      count++;
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
    keyCounts[i] = count;
  }
  let incompleteRows = 0;
  for (const count of keyCounts) if (count < columns.length) incompleteRows++;
  return { columns, incompleteRows };
}

/** Describes a JSON value's kind in words for error messages. */
export function describeJsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    default:
      return 'an object';
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
