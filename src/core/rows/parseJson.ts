// JSON and JSON Lines → rows. A JSON document is an array of objects or one object. A selection is
// first read on its own (an object, an array, or a few comma-separated objects copied out of an
// array); when it is not valid JSON by itself, the top-level array elements it touches are taken.
import {
  describeJsonKind,
  isPlainObject,
  NO_FILE_ROWS,
  NO_SELECTED_ROWS,
  normalizeMaxRecordBytes,
  type OneBasedLines,
  type ParsedTable,
  recordTooLarge,
  RowsParseError,
  unionOfKeys,
} from './formats';
import { type JsonSpan, JsonSyntaxError, LineIndex, scanJsonDocument, scanJsonSequence } from './jsonScan';
import { stripBom } from './parseCsv';

export interface JsonParseOptions {
  lines?: OneBasedLines;
  maxRows?: number;
  /** Largest JSON row (an array element, the one object, or a JSON Lines line); default 1 MB. */
  maxRecordBytes?: number;
}

/** Parses a JSON document: an array of objects or a single object. */
export function parseJsonText(text: string, options: JsonParseOptions = {}): ParsedTable {
  const body = stripBom(text);
  const index = new LineIndex(body);
  const limit = normalizeMaxRecordBytes(options.maxRecordBytes);
  if (options.lines) return parseJsonSelection(body, index, options.lines, limit);

  const shape = scanOrThrow(body, index, 0, body.length);
  if (shape.kind === 'object') {
    checkRowSize(shape.span, index, limit);
    return buildTable([parseValue(body, shape.span, index) as Record<string, unknown>], [index.lineOf(shape.span.start)]);
  }
  if (shape.kind !== 'array') {
    throw new RowsParseError(
      `Line ${index.lineOf(shape.span.start)}: expected an array of objects or one object, found ${describeJsonKind(parseValue(body, shape.span, index))}.`,
      { line: index.lineOf(shape.span.start) },
    );
  }
  const elements = shape.elements ?? [];
  const take = options.maxRows === undefined ? elements.length : Math.min(options.maxRows, elements.length);
  if (take === 0) throw new RowsParseError(NO_FILE_ROWS);
  for (let i = 0; i < take; i++) checkRowSize(elements[i], index, limit);
  // One JSON.parse of the whole text is faster than one per element when all of them are wanted.
  const all = take === elements.length ? (parseValue(body, shape.span, index) as unknown[]) : undefined;
  const rows: Record<string, unknown>[] = [];
  const rowLines: number[] = [];
  for (let i = 0; i < take; i++) {
    const value = all ? all[i] : parseValue(body, elements[i], index);
    const line = index.lineOf(elements[i].start);
    rows.push(requireObjectElement(value, i, line));
    rowLines.push(line);
  }
  return buildTable(rows, rowLines);
}

/** A row over the limit fails before it is parsed (JSON.parse of a huge value costs time and memory). */
function checkRowSize(span: JsonSpan, index: LineIndex, limit: number): void {
  if (span.end - span.start > limit) throw recordTooLarge(index.lineOf(span.start), 'a row', limit);
}

function parseJsonSelection(body: string, index: LineIndex, lines: OneBasedLines, limit: number): ParsedTable {
  if (lines.first > index.lineCount) throw new RowsParseError(NO_SELECTED_ROWS);
  const start = index.lineStart(lines.first);
  const end = index.lineEnd(Math.min(lines.last, index.lineCount), body);
  if (body.slice(start, end).trim() === '') throw new RowsParseError(NO_SELECTED_ROWS);

  const fromFragment = objectsFromFragment(body, index, start, end, limit);
  if (fromFragment) return buildTable(fromFragment.rows, fromFragment.rowLines);

  const shape = scanOrThrow(body, index, 0, body.length);
  const overlaps = (span: JsonSpan): boolean =>
    index.lineOf(span.start) <= lines.last && index.lineOf(Math.max(span.start, span.end - 1)) >= lines.first;
  if (shape.kind === 'object') {
    if (!overlaps(shape.span)) throw new RowsParseError(NO_SELECTED_ROWS);
    checkRowSize(shape.span, index, limit);
    return buildTable([parseValue(body, shape.span, index) as Record<string, unknown>], [index.lineOf(shape.span.start)]);
  }
  if (shape.kind !== 'array') {
    const line = index.lineOf(shape.span.start);
    throw new RowsParseError(`Line ${line}: expected an array of objects or one object.`, { line });
  }
  const rows: Record<string, unknown>[] = [];
  const rowLines: number[] = [];
  const elements = shape.elements ?? [];
  for (let i = 0; i < elements.length; i++) {
    if (!overlaps(elements[i])) continue;
    checkRowSize(elements[i], index, limit);
    const line = index.lineOf(elements[i].start);
    rows.push(requireObjectElement(parseValue(body, elements[i], index), i, line));
    rowLines.push(line);
  }
  if (rows.length === 0) throw new RowsParseError(NO_SELECTED_ROWS);
  return buildTable(rows, rowLines);
}

/** The selected text read on its own, when it is one object, an array of objects, or objects separated by commas. */
function objectsFromFragment(
  body: string,
  index: LineIndex,
  start: number,
  end: number,
  limit: number,
): { rows: Record<string, unknown>[]; rowLines: number[] } | undefined {
  let spans: JsonSpan[] | undefined;
  try {
    const shape = scanJsonDocument(body, start, end);
    if (shape.kind === 'object') spans = [shape.span];
    else if (shape.kind === 'array') spans = shape.elements;
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error;
  }
  if (!spans) {
    try {
      spans = scanJsonSequence(body, start, end);
    } catch (error) {
      if (!(error instanceof JsonSyntaxError)) throw error;
      return undefined;
    }
  }
  if (spans.length === 0) return undefined;
  const rows: Record<string, unknown>[] = [];
  const rowLines: number[] = [];
  for (const span of spans) {
    checkRowSize(span, index, limit);
    const value = parseValue(body, span, index);
    if (!isPlainObject(value)) return undefined;
    rows.push(value);
    rowLines.push(index.lineOf(span.start));
  }
  return { rows, rowLines };
}

function scanOrThrow(body: string, index: LineIndex, start: number, end: number): ReturnType<typeof scanJsonDocument> {
  try {
    return scanJsonDocument(body, start, end);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw syntaxErrorAt(error, index);
    throw error;
  }
}

function syntaxErrorAt(error: JsonSyntaxError, index: LineIndex): RowsParseError {
  const { line, column } = index.position(error.offset);
  return new RowsParseError(`Line ${line}, column ${column}: ${error.message}.`, { line, column });
}

function parseValue(body: string, span: JsonSpan, index: LineIndex): unknown {
  try {
    return JSON.parse(body.slice(span.start, span.end));
  } catch (error) {
    // The scanner accepted this text, so this should not happen; keep the engine's words and our line.
    const line = index.lineOf(span.start);
    throw new RowsParseError(`Line ${line}: ${(error as Error).message}`, { line });
  }
}

function requireObjectElement(value: unknown, elementIndex: number, line: number): Record<string, unknown> {
  if (isPlainObject(value)) return value;
  throw new RowsParseError(
    `Line ${line}: array element at index ${elementIndex} is ${describeJsonKind(value)}, not an object.`,
    { line },
  );
}

function buildTable(rows: Record<string, unknown>[], rowLines: number[]): ParsedTable {
  const { columns, incompleteRows } = unionOfKeys(rows);
  const warnings: string[] = [];
  if (incompleteRows > 0) {
    warnings.push(
      `${incompleteRows} ${incompleteRows === 1 ? 'row lacks' : 'rows lack'} some of the ${columns.length} keys; the missing values are empty.`,
    );
  }
  return { columns, rows, rowLines, warnings };
}

/** Collects JSON Lines rows line by line (used for editor text and for streamed files). */
export class JsonLinesCollector {
  readonly rows: Record<string, unknown>[] = [];
  readonly rowLines: number[] = [];
  dataLineCount = 0;

  constructor(private readonly options: JsonParseOptions & { countOnly?: boolean } = {}) {}

  /** Adds one physical line (1-based number); returns false once no further line is wanted. */
  addLine(lineText: string, lineNumber: number): boolean {
    const lines = this.options.lines;
    if (lines) {
      if (lineNumber < lines.first) return true;
      if (lineNumber > lines.last) return false;
    }
    const text = lineNumber === 1 ? stripBom(lineText) : lineText;
    const limit = normalizeMaxRecordBytes(this.options.maxRecordBytes);
    if (text.length > limit) throw recordTooLarge(lineNumber, 'the line', limit);
    if (text.trim() === '') return true;
    this.dataLineCount++;
    if (this.options.countOnly) return true;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw lineSyntaxError(text, lineNumber, error as Error);
    }
    if (!isPlainObject(value)) {
      throw new RowsParseError(`Line ${lineNumber}: expected a JSON object, found ${describeJsonKind(value)}.`, {
        line: lineNumber,
      });
    }
    this.rows.push(value);
    this.rowLines.push(lineNumber);
    if (lines) return lineNumber < lines.last;
    return this.options.maxRows === undefined || this.rows.length < this.options.maxRows;
  }

  finish(): ParsedTable {
    if (this.rows.length === 0) throw new RowsParseError(this.options.lines ? NO_SELECTED_ROWS : NO_FILE_ROWS);
    return buildTable(this.rows, this.rowLines);
  }
}

function lineSyntaxError(text: string, lineNumber: number, parseError: Error): RowsParseError {
  try {
    scanJsonDocument(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      const column = error.offset + 1;
      return new RowsParseError(`Line ${lineNumber}, column ${column}: ${error.message}.`, { line: lineNumber, column });
    }
  }
  return new RowsParseError(`Line ${lineNumber}: ${parseError.message}`, { line: lineNumber });
}

/** Parses JSON Lines text: one object per non-blank line. */
export function parseJsonLinesText(text: string, options: JsonParseOptions = {}): ParsedTable {
  const collector = new JsonLinesCollector(options);
  let lineNumber = 1;
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const stop = newline === -1 ? text.length : newline;
    const lineText = text.charCodeAt(stop - 1) === 13 && stop > start ? text.slice(start, stop - 1) : text.slice(start, stop);
    if (!collector.addLine(lineText, lineNumber)) break;
    if (newline === -1) break;
    start = newline + 1;
    lineNumber++;
  }
  return collector.finish();
}
