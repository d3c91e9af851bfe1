// CSV/TSV → rows with csv-parse. The header always comes from the first record of the document; a
// selection keeps the records that start on a selected line. Line numbers are counted here (blank
// lines and line breaks inside quoted values) rather than taken from csv-parse's `info.lines`, which
// counts a CRLF inside a quoted field as two lines.
import { parse as parseSync } from 'csv-parse/sync';
import type { CsvError, Options as CsvParseOptions } from 'csv-parse';
import {
  firstLineLongerThan,
  NO_FILE_ROWS,
  NO_SELECTED_ROWS,
  normalizeMaxRecordBytes,
  type OneBasedLines,
  type ParsedTable,
  recordTooLarge,
  RowsParseError,
  StopParsing,
  textForMessage,
} from './formats';
import { TEXT_CHECK_BYTES } from './textCheck';

export type CsvDelimiter = ',' | ';' | '\t';

const CANDIDATE_DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t'];

/** Picks the delimiter that occurs most often outside quotes in the header line (comma on a tie). */
export function detectDelimiter(headerLine: string): CsvDelimiter {
  const counts = [0, 0, 0];
  let quoted = false;
  for (let i = 0; i < headerLine.length; i++) {
    const ch = headerLine[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted) {
      const index = CANDIDATE_DELIMITERS.indexOf(ch as CsvDelimiter);
      if (index >= 0) counts[index]++;
    }
  }
  let best = 0;
  for (let i = 1; i < counts.length; i++) if (counts[i] > counts[best]) best = i;
  return CANDIDATE_DELIMITERS[best];
}

/** The first non-blank physical line (where the header is), without its line break. */
export function firstNonBlankLine(text: string): string {
  let start = 0;
  while (start < text.length) {
    let end = start;
    while (end < text.length && text[end] !== '\n' && text[end] !== '\r') end++;
    const line = text.slice(start, end);
    if (line.trim() !== '') return line;
    start = end + 1;
  }
  return '';
}

export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

export interface CsvCollectOptions {
  /** 1-based inclusive lines: keep only records that start there. */
  lines?: OneBasedLines;
  /** Without `lines`: stop after this many rows. */
  maxRows?: number;
  /** Count data records without building row objects (for countDataRows). */
  countOnly?: boolean;
  /** Largest record csv-parse reads before it stops (default 1 MB). */
  maxRecordBytes?: number;
}

/**
 * Receives every record from csv-parse in order — blank lines included, as records of one empty field —
 * keeps the header and the wanted rows, and knows on which line each record started.
 */
export class CsvRecordCollector {
  columns: string[] | undefined;
  readonly rows: Record<string, unknown>[] = [];
  readonly rowLines: number[] = [];
  dataRecordCount = 0;
  /** True once no later record can be wanted. */
  done = false;
  private emptyFieldRecords = 0;
  private hasProtoColumn = false;
  /** Line on which the next record starts. */
  private nextRecordLine = 1;

  constructor(private readonly options: CsvCollectOptions = {}) {}

  get maxRecordBytes(): number | undefined {
    return this.options.maxRecordBytes;
  }

  accept(record: string[]): void {
    const startLine = this.nextRecordLine;
    let breaks = 0;
    for (let i = 0; i < record.length; i++) {
      const field = record[i];
      if (field.length > 0 && (field.indexOf('\n') !== -1 || field.indexOf('\r') !== -1)) breaks += countLineBreaks(field);
    }
    this.nextRecordLine = startLine + breaks + 1;

    const lines = this.options.lines;
    if (lines !== undefined && startLine > lines.last) {
      this.done = true;
      return;
    }
    if (record.length === 1 && record[0].trim() === '') return; // a blank line
    const columns = this.columns;
    if (columns === undefined) {
      this.columns = headerNames(record, startLine);
      this.hasProtoColumn = this.columns.includes('__proto__');
      return;
    }
    if (lines !== undefined && startLine < lines.first) return;
    if (isAllEmpty(record)) {
      this.emptyFieldRecords++;
      return;
    }
    if (record.length !== columns.length) {
      throw new RowsParseError(
        `Line ${startLine}: expected ${columns.length} fields like the header, found ${record.length}.`,
        { line: startLine },
      );
    }
    this.dataRecordCount++;
    if (!this.options.countOnly) {
      const row: Record<string, unknown> = {};
      if (this.hasProtoColumn) {
        // A column named "__proto__" must become a field, not the row's prototype.
        for (let i = 0; i < columns.length; i++) Object.defineProperty(row, columns[i], { value: record[i], enumerable: true, writable: true, configurable: true });
      } else {
        for (let i = 0; i < columns.length; i++) row[columns[i]] = record[i];
      }
      this.rows.push(row);
      this.rowLines.push(startLine);
    }
    if (lines === undefined && this.options.maxRows !== undefined && this.dataRecordCount >= this.options.maxRows) this.done = true;
    if (lines !== undefined && this.nextRecordLine > lines.last) this.done = true;
  }

  /** csv-parse `on_record` hook: hands each record to accept() and stops the parser when done. */
  readonly onRecord = (record: string[]): null => {
    this.accept(record);
    if (this.done) throw new StopParsing();
    return null;
  };

  /** Turns what csv-parse threw into a user-facing error, or undefined when the error can be ignored. */
  translateError(error: unknown): Error | undefined {
    if (error instanceof StopParsing) return undefined;
    if (error instanceof RowsParseError) return error;
    if (!isCsvError(error)) return error instanceof Error ? error : new Error(String(error));
    const line = this.nextRecordLine;
    // A broken record after the selection does not concern the selected rows.
    if (this.options.lines !== undefined && this.columns !== undefined && line > this.options.lines.last) return undefined;
    const fieldIndex = typeof error.index === 'number' ? error.index : undefined;
    const column = fieldIndex !== undefined ? fieldIndex + 1 : undefined;
    const columnWords = column !== undefined ? this.columnInWords(column) : 'a column';
    switch (error.code) {
      case 'CSV_QUOTE_NOT_CLOSED':
        return new RowsParseError(`Line ${line}: unclosed quote in ${columnWords}.`, { line, column });
      case 'INVALID_OPENING_QUOTE':
        return new RowsParseError(
          `Line ${line}: a quote inside the unquoted value of ${columnWords}; quote the whole value and double the inner quote ("").`,
          { line, column },
        );
      case 'CSV_INVALID_CLOSING_QUOTE':
      case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
        return new RowsParseError(`Line ${line}: unexpected text after the closing quote in ${columnWords}.`, { line, column });
      case 'CSV_MAX_RECORD_SIZE':
        return recordTooLarge(line, 'a record', normalizeMaxRecordBytes(this.options.maxRecordBytes));
      default:
        return new RowsParseError(`Line ${line}: ${textForMessage(error.message, 200)}`, { line, column });
    }
  }

  /** The final table, or an error when nothing was found. */
  finish(delimiter: string): ParsedTable {
    if (this.columns === undefined) {
      throw new RowsParseError(this.options.lines ? NO_SELECTED_ROWS : 'The file is empty: there is no header line.');
    }
    if (this.rows.length === 0) throw new RowsParseError(this.options.lines ? NO_SELECTED_ROWS : NO_FILE_ROWS);
    const warnings: string[] = [];
    if (this.emptyFieldRecords > 0) {
      warnings.push(`Skipped ${this.emptyFieldRecords} ${this.emptyFieldRecords === 1 ? 'row' : 'rows'} whose fields are all empty.`);
    }
    return { columns: this.columns, rows: this.rows, rowLines: this.rowLines, delimiter, warnings };
  }

  private columnInWords(column: number): string {
    const name = this.columns?.[column - 1];
    return name !== undefined ? `column ${column} (${textForMessage(name)})` : `column ${column}`;
  }
}

function countLineBreaks(field: string): number {
  let count = 0;
  for (let i = 0; i < field.length; i++) {
    const c = field.charCodeAt(i);
    if (c === 10) count++;
    else if (c === 13 && field.charCodeAt(i + 1) !== 10) count++;
  }
  return count;
}

/** Spreadsheet exports often end with rows like ",,,,": they carry no data. */
function isAllEmpty(record: string[]): boolean {
  for (let i = 0; i < record.length; i++) if (record[i] !== '') return false;
  return true;
}

function headerNames(record: string[], line: number): string[] {
  const firstIndexByName = new Map<string, number>();
  for (let i = 0; i < record.length; i++) {
    const name = record[i].trim();
    if (name === '') {
      throw new RowsParseError(`Line ${line}: column ${i + 1} of the header has no name.`, { line, column: i + 1 });
    }
    const earlier = firstIndexByName.get(name);
    if (earlier !== undefined) {
      throw new RowsParseError(
        `Line ${line}: the header names "${textForMessage(name)}" twice (columns ${earlier + 1} and ${i + 1}).`,
        { line, column: i + 1 },
      );
    }
    firstIndexByName.set(name, i);
  }
  return record.slice();
}

function isCsvError(error: unknown): error is CsvError & { index?: unknown } {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && (code.startsWith('CSV_') || code === 'INVALID_OPENING_QUOTE');
}

/** csv-parse options shared by the in-memory and the streamed parser. */
export function csvParseOptions(delimiter: CsvDelimiter, onRecord: CsvRecordCollector['onRecord'] | undefined, maxRecordBytes: number | undefined): CsvParseOptions {
  return {
    delimiter,
    // A file without line breaks is one record: stop at the limit instead of reading it all.
    max_record_size: normalizeMaxRecordBytes(maxRecordBytes),
    bom: true,
    // Field counts are checked by the collector, only for the rows that were asked for.
    relax_column_count: true,
    // Blank lines arrive as one-field records so the collector can count lines itself.
    skip_empty_lines: false,
    // TSV has no quoting rules of its own: a quote inside a value is just a character.
    relax_quotes: delimiter === '\t',
    ...(onRecord ? { on_record: onRecord as CsvParseOptions['on_record'] } : {}),
  };
}

/** Offset just past the line break that ends a 1-based line (the text length when there is none). */
function offsetAfterLine(text: string, line: number): number {
  let offset = 0;
  for (let n = 0; n < line; n++) {
    const newline = text.indexOf('\n', offset);
    if (newline === -1) return text.length;
    offset = newline + 1;
  }
  return offset;
}

/**
 * Parses CSV or TSV text (a whole editor document). Only the lines that can hold the wanted rows are
 * parsed: through the selection's last line, or about `maxRows` lines, reading further only when a
 * quoted value runs past that point or blank lines left too few rows.
 */
export function parseCsvText(text: string, forceTab: boolean, options: CsvCollectOptions): ParsedTable {
  const body = stripBom(text);
  // The header's first 64 KB are plenty to see the delimiter, and a document without line breaks is not scanned whole.
  const delimiter: CsvDelimiter = forceTab ? '\t' : detectDelimiter(firstNonBlankLine(body.slice(0, TEXT_CHECK_BYTES)));
  let throughLine = options.lines ? options.lines.last : options.maxRows !== undefined ? options.maxRows + 1 : Infinity;
  for (;;) {
    const cut = Number.isFinite(throughLine) ? offsetAfterLine(body, throughLine) : body.length;
    const source = cut >= body.length ? body : body.slice(0, cut);
    // A line over the limit is a record over it: say so before csv-parse reads a megabyte character by character.
    const limit = normalizeMaxRecordBytes(options.maxRecordBytes);
    const longLine = firstLineLongerThan(source, limit);
    if (longLine !== undefined) throw recordTooLarge(longLine, 'the line', limit);
    let records: string[][];
    try {
      // Without a per-record callback: csv-parse's on_record builds a context object per record,
      // which costs more than the parsing itself on large selections.
      records = parseSync(source, csvParseOptions(delimiter, undefined, options.maxRecordBytes)) as string[][];
    } catch (error) {
      if (cut < body.length && isCsvError(error) && error.code === 'CSV_QUOTE_NOT_CLOSED') {
        throughLine *= 2;
        continue;
      }
      return parseCsvLocatingErrors(source, delimiter, options);
    }
    const collector = new CsvRecordCollector(options);
    for (let i = 0; i < records.length && !collector.done; i++) collector.accept(records[i]);
    if (cut < body.length && !options.lines && !collector.done) {
      throughLine *= 2;
      continue;
    }
    return collector.finish(delimiter);
  }
}

/** The slower path, taken only when csv-parse reports an error: follow it record by record to say where. */
function parseCsvLocatingErrors(source: string, delimiter: CsvDelimiter, options: CsvCollectOptions): ParsedTable {
  const collector = new CsvRecordCollector(options);
  try {
    parseSync(source, csvParseOptions(delimiter, collector.onRecord, options.maxRecordBytes));
  } catch (error) {
    const translated = collector.translateError(error);
    if (translated) throw translated;
  }
  return collector.finish(delimiter);
}
