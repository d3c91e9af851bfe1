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
