// Rows of a data file read one batch at a time, for Score File to file: nothing is read until a batch is asked
// for, so a pipeline that stops asking (its queue is full) stops the reading; the streams' own buffers (one 64 KB
// chunk of file, a few parsed records) are all that is read ahead. CSV/TSV, JSON Lines and JSON documents (an array
// of objects, cut into its elements by jsonArrayStream.ts) are all streamed.
import * as fs from 'node:fs';
import { pipeline, type Readable, Transform } from 'node:stream';
import { parse as createCsvParser } from 'csv-parse';
import { parse as parseCsvSync } from 'csv-parse/sync';
import { normalizeMaxRecordBytes, NO_FILE_ROWS, recordTooLarge, RowsParseError, type SourceFormat } from './formats';
import { CsvRecordCollector, csvParseOptions, detectDelimiter, firstNonBlankLine, type CsvDelimiter } from './parseCsv';
import { JsonArraySplitter, jsonArraySplitter, type JsonElementText, rowOfElement } from './jsonArrayStream';
import { JsonLinesCollector } from './parseJson';
import { countDataRows, lineLengthGuard, readTextHead } from './streamFile';

/**
 * Bytes read at a time. csv-parse turns a whole chunk into records in one go; 16 KB (about 200 rows) keeps each
 * such slice of work to a millisecond or two, so answers from Fabric are not left waiting behind the parser.
 */
const READ_CHUNK_BYTES = 16 * 1024;

export interface SourceRow {
  /** The row as read: CSV text fields by header name, or the JSON object. */
  row: Record<string, unknown>;
  /** 1-based line where the row starts. */
  line: number;
}

export interface RowStreamOptions {
  maxRecordBytes?: number;
}

/** Reads a file's rows in batches. The header (CSV) or first row's keys (JSON) are known after open(). */
export interface RowStream {
  /** CSV: the header; JSON: the keys of the rows read so far (grows as rows add keys). */
  readonly columns: string[];
  /** CSV/TSV only. */
  readonly delimiter?: CsvDelimiter;
  /** Rows handed out so far. */
  readonly rowsRead: number;
  /**
   * Records cut out of the file so far: handed out, or waiting in the reader's buffers (about one read chunk's
   * worth). What the reader holds is `rowsParsed - rowsRead`: the measure of its memory, counted, not timed.
   */
  readonly rowsParsed: number;
  /** Bytes of the file consumed so far (for progress and ETA). */
  readonly bytesRead: number;
  readonly totalBytes: number;
  /** Up to `count` rows; fewer only at the end of the file. */
  take(count: number): Promise<SourceRow[]>;
  /** Gives rows back: the next take() starts with them (Resume reads a little ahead while it compares). */
  putBack(rows: SourceRow[]): void;
  close(): void;
}

/** Files up to this size are counted exactly for the "score N rows?" question; larger ones are estimated. */
const EXACT_COUNT_BYTES = 1024 * 1024;

/**
 * The data rows of a file for the confirmation, without a second full parse of a large file: counted exactly up
 * to 1 MB, else the file size divided by the average length of the rows (lines, records, array elements) in its
 * first 64 KB.
 */
export async function estimateDataRows(filePath: string, format: SourceFormat, options: RowStreamOptions = {}): Promise<{ rows: number; exact: boolean }> {
  const { size } = await fs.promises.stat(filePath);
  if (size <= EXACT_COUNT_BYTES) return { rows: await countDataRows(filePath, format, options), exact: true };
  const head = await readTextHead(filePath, format);
  const sample = format === 'jsonl' ? jsonLinesSample(head) : format === 'json' ? jsonArraySample(head, options.maxRecordBytes) : csvSample(head, format === 'tsv' ? '\t' : detectDelimiter(firstNonBlankLine(head)));
  if (!sample || sample.rows === 0) return { rows: await countDataRows(filePath, format, options), exact: true };
  return { rows: Math.max(1, Math.round(((size - sample.headerBytes) * sample.rows) / sample.bytes)), exact: false };
}

interface HeadSample {
  /** Data rows wholly inside the sample, and the bytes they take. */
  rows: number;
  bytes: number;
  headerBytes: number;
}

function jsonLinesSample(head: string): HeadSample {
  const text = head.slice(0, head.lastIndexOf('\n') + 1);
  const rows = text.split('\n').filter((line) => line.trim() !== '').length;
  return { rows, bytes: Buffer.byteLength(text), headerBytes: 0 };
}

/** The array elements wholly inside the first 64 KB; a syntax error there fails now, before anything is sent. */
function jsonArraySample(head: string, maxRecordBytes: number | undefined): HeadSample {
  let rows = 0;
  let end = 0;
  new JsonArraySplitter((element) => {
    rows++;
    end = element.end;
  }, maxRecordBytes).push(head);
  return { rows, bytes: Buffer.byteLength(head.slice(0, end)), headerBytes: 0 };
}

/** The records of the first 64 KB, cut at a line break that is not inside a quoted value. */
function csvSample(head: string, delimiter: CsvDelimiter): HeadSample | undefined {
  let end = head.lastIndexOf('\n');
  for (let attempt = 0; attempt < 20 && end > 0; attempt++) {
    const text = head.slice(0, end + 1);
    try {
      const records = parseCsvSync(text, { ...csvParseOptions(delimiter, undefined, undefined), skip_empty_lines: true }) as string[][];
      if (records.length < 2) return undefined;
      const headerBytes = Buffer.byteLength(firstNonBlankLine(text)) + 1;
      return { rows: records.length - 1, bytes: Buffer.byteLength(text) - headerBytes, headerBytes };
    } catch {
      end = head.lastIndexOf('\n', end - 1);
    }
  }
  return undefined;
}

/** Opens a file for batch reading; fails with RowsParseError when it is empty, binary or malformed at the header. */
export async function openRowStream(filePath: string, format: SourceFormat, options: RowStreamOptions = {}): Promise<RowStream> {
  const totalBytes = (await fs.promises.stat(filePath)).size;
  const head = await readTextHead(filePath, format);
  let stream: BaseRowStream;
  if (format === 'csv' || format === 'tsv') {
    const delimiter = format === 'tsv' ? '\t' : detectDelimiter(firstNonBlankLine(head));
    stream = new CsvRowStream(filePath, delimiter, totalBytes, options.maxRecordBytes);
  } else if (format === 'jsonl') {
    stream = new JsonLinesRowStream(filePath, totalBytes, options.maxRecordBytes);
  } else {
    stream = new JsonDocumentRowStream(filePath, totalBytes, options.maxRecordBytes);
  }
  // The first row is read now: an empty file fails before anything is sent, and the columns are known.
  await stream.peek();
  return stream;
}

/** Pulls objects out of an object-mode stream without a promise per chunk of data. */
export class StreamCursor<T> {
  private ended = false;
  private failure: unknown;
  private wake: (() => void) | undefined;

  constructor(private readonly stream: Readable) {
    const wakeUp = (): void => {
      const wake = this.wake;
      this.wake = undefined;
      wake?.();
    };
    stream.on('readable', wakeUp);
    stream.on('end', () => {
      this.ended = true;
      wakeUp();
    });
    stream.on('error', (error) => {
      this.failure ??= error;
      wakeUp();
    });
  }

  async next(): Promise<T | null> {
    for (;;) {
      // Records parsed before a failure are handed out first: the rows before a malformed record are good rows.
      const value = this.stream.read() as T | null;
      if (value !== null) return value;
      if (this.failure !== undefined) throw this.failure;
      if (this.ended) return null;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  fail(error: unknown): void {
    this.failure ??= error;
  }
}

/** Counts the bytes that went by (the file read stream's own count runs a chunk ahead of the parser). */
function byteCounter(onBytes: (n: number) => void): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      onBytes(chunk.length);
      done(null, chunk);
    },
  });
}

abstract class BaseRowStream implements RowStream {
  columns: string[] = [];
  rowsRead = 0;
  bytesRead = 0;
  protected parsed = 0;
  protected pending: SourceRow[] = [];
  protected finished = false;
  /** Why reading stopped (a malformed record), thrown once the rows before it are taken. */
  private failure: unknown;

  constructor(readonly totalBytes: number) {}

  get rowsParsed(): number {
    return this.parsed;
  }

  /** Reads until at least one row is pending or the file ended. */
  protected abstract fill(): Promise<void>;
  abstract close(): void;

  async peek(): Promise<void> {
    await this.fill();
    if (this.pending.length === 0) throw new RowsParseError(NO_FILE_ROWS);
  }

  putBack(rows: SourceRow[]): void {
    this.pending.unshift(...rows);
    this.rowsRead -= rows.length;
  }

  async take(count: number): Promise<SourceRow[]> {
    const out: SourceRow[] = [];
    while (out.length < count) {
      if (this.pending.length === 0) {
        // A malformed record: the rows before it are handed out first, the error comes with the next take().
        if (this.failure !== undefined) {
          if (out.length > 0) break;
          throw this.failure;
        }
        if (this.finished) break;
        try {
          await this.fill();
        } catch (error) {
          this.failure = error;
          continue;
        }
        if (this.pending.length === 0) break;
      }
      const room = count - out.length;
      const taken = this.pending.length <= room ? this.pending.splice(0) : this.pending.splice(0, room);
      for (const row of taken) out.push(row);
    }
    this.rowsRead += out.length;
    return out;
  }
}

class CsvRowStream extends BaseRowStream {
  private readonly collector: CsvRecordCollector;
  private readonly parser: ReturnType<typeof createCsvParser>;
  private readonly cursor: StreamCursor<string[]>;
  private readonly input: fs.ReadStream;

  constructor(filePath: string, readonly delimiter: CsvDelimiter, totalBytes: number, maxRecordBytes: number | undefined) {
    super(totalBytes);
    this.collector = new CsvRecordCollector({ maxRecordBytes });
    this.input = fs.createReadStream(filePath, { highWaterMark: READ_CHUNK_BYTES });
    const parser = createCsvParser(csvParseOptions(delimiter, undefined, maxRecordBytes));
    this.parser = parser;
    this.cursor = new StreamCursor(parser);
    pipeline(this.input, byteCounter((n) => (this.bytesRead += n)), lineLengthGuard(normalizeMaxRecordBytes(maxRecordBytes)), parser, (error) => {
      if (error) this.cursor.fail(error);
    });
  }

  override get rowsParsed(): number {
    // The header and blank lines are records too: a slight overcount, never an undercount.
    return this.parser.info.records;
  }

  protected async fill(): Promise<void> {
    const { collector } = this;
    while (this.pending.length === 0 && !this.finished) {
      let record: string[] | null;
      try {
        record = await this.cursor.next();
      } catch (error) {
        throw collector.translateError(error) ?? error;
      }
      if (record === null) {
        this.finished = true;
        if (collector.columns === undefined) throw new RowsParseError('The file is empty: there is no header line.');
        break;
      }
      collector.accept(record);
      if (collector.columns && this.columns.length === 0) this.columns = collector.columns;
      if (collector.rows.length > 0) {
        this.pending.push({ row: collector.rows[0], line: collector.rowLines[0] });
        collector.rows.length = 0;
        collector.rowLines.length = 0;
      }
    }
  }

  close(): void {
    this.finished = true;
    this.input.destroy();
  }
}

class JsonLinesRowStream extends BaseRowStream {
  private readonly collector: JsonLinesCollector;
  private readonly cursor: StreamCursor<string>;
  private readonly input: fs.ReadStream;
  private lineNumber = 0;
  private readonly seen = new Set<string>();

  constructor(filePath: string, totalBytes: number, maxRecordBytes: number | undefined) {
    super(totalBytes);
    this.collector = new JsonLinesCollector({ maxRecordBytes });
    this.input = fs.createReadStream(filePath, { highWaterMark: READ_CHUNK_BYTES });
    const lines = lineSplitter(normalizeMaxRecordBytes(maxRecordBytes), () => this.parsed++);
    this.cursor = new StreamCursor(lines);
    pipeline(this.input, byteCounter((n) => (this.bytesRead += n)), lines, (error) => {
      if (error) this.cursor.fail(error);
    });
  }

  protected async fill(): Promise<void> {
    const { collector } = this;
    while (this.pending.length === 0 && !this.finished) {
      const line = await this.cursor.next();
      if (line === null) {
        this.finished = true;
        break;
      }
      collector.addLine(line, ++this.lineNumber);
      if (collector.rows.length > 0) {
        const row = collector.rows[0];
        for (const key of Object.keys(row)) {
          if (!this.seen.has(key)) {
            this.seen.add(key);
            this.columns.push(key);
          }
        }
        this.pending.push({ row, line: collector.rowLines[0] });
        collector.rows.length = 0;
        collector.rowLines.length = 0;
      }
    }
  }

  close(): void {
    this.finished = true;
    this.input.destroy();
  }
}

/** Lines of UTF-8 text (LF, a CR before it dropped), failing at a line longer than `limit`. */
export function lineSplitter(limit: number, onLine?: () => void): Transform {
  let partial = '';
  let line = 0;
  const decoder = new TextDecoder();
  return new Transform({
    readableObjectMode: true,
    transform(chunk: Buffer, _encoding, done) {
      const text = partial + decoder.decode(chunk, { stream: true });
      let start = 0;
      for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
        line++;
        const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
        onLine?.();
        this.push(text.slice(start, end));
        start = newline + 1;
      }
      partial = text.slice(start);
      if (partial.length > limit) return done(recordTooLarge(line + 1, 'the line', limit));
      done();
    },
    flush(done) {
      const rest = partial + decoder.decode();
      if (rest !== '') {
        onLine?.();
        this.push(rest.endsWith('\r') ? rest.slice(0, -1) : rest);
      }
      done();
    },
  });
}

/** A JSON document's rows, cut out of the array element by element as the file is read (a chunk at a time). */
class JsonDocumentRowStream extends BaseRowStream {
  private readonly cursor: StreamCursor<JsonElementText>;
  private readonly input: fs.ReadStream;
  private readonly seen = new Set<string>();

  constructor(filePath: string, totalBytes: number, maxRecordBytes: number | undefined) {
    super(totalBytes);
    this.input = fs.createReadStream(filePath, { highWaterMark: READ_CHUNK_BYTES });
    const elements = jsonArraySplitter(maxRecordBytes, () => this.parsed++);
    this.cursor = new StreamCursor(elements);
    pipeline(this.input, byteCounter((n) => (this.bytesRead += n)), elements, (error) => {
      if (error) this.cursor.fail(error);
    });
  }

  protected async fill(): Promise<void> {
    while (this.pending.length === 0 && !this.finished) {
      const element = await this.cursor.next();
      if (element === null) {
        this.finished = true;
        break;
      }
      const row = rowOfElement(element);
      // Columns are the keys in first-seen order, growing as rows add keys (as for JSON Lines).
      for (const key of Object.keys(row)) {
        if (!this.seen.has(key)) {
          this.seen.add(key);
          this.columns.push(key);
        }
      }
      this.pending.push({ row, line: element.line });
    }
  }

  close(): void {
    this.finished = true;
    this.input.destroy();
  }
}
