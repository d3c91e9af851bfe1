// The rows of a Score File output read back a page at a time, so that the results page can show every row of a
// million-row run without the extension holding them: one pass over the file notes where every PAGE_ROWS-th record
// starts (CSV: quote-aware, since a quoted field may hold a line break; JSON Lines: one record per line), then a
// page is read from its offset and parsed. Only the offsets are held: 1 000 000 rows → 10 000 numbers.
import * as fs from 'node:fs';
import { parse as parseCsv } from 'csv-parse/sync';
import type { RowsPage } from '../results/model';
import type { OutputFormat } from './outputFile';
import { withoutFormulaGuard } from '../results/exportCsv';
import { valueOfCsvText } from './resume';

export interface OutputRowsColumns {
  format: OutputFormat;
  delimiter: string;
  /** Input columns, as written (the model's inputColumns). */
  inputs: readonly string[];
  /** Prediction columns, as written (the model's outputColumns). */
  outputs: readonly string[];
}

/** A page of rows read back from the output: values as the file holds them, and why a row has no prediction. */
export type OutputRowsPage = RowsPage & { errors: Array<string | null> };

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
/** Bytes read at a time: while indexing, and for a page (about 100 rows of a wide CSV). */
const CHUNK_BYTES = 256 * 1024;
const PAGE_CHUNK_BYTES = 64 * 1024;

/** Splits bytes into records (ends at LF outside quotes for CSV), carrying the quote state across chunks. */
class RecordScanner {
  private inQuotes = false;
  /** Bytes of the current record seen so far, other than line ends. */
  private pending = false;

  constructor(private readonly quoteAware: boolean) {}

  /** Calls `onEnd(position after the LF)` for each record that ends in `chunk`; blank lines are not records. */
  scan(chunk: Buffer, onEnd: (endInChunk: number) => boolean | void): void {
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i];
      if (this.quoteAware && byte === QUOTE) this.inQuotes = !this.inQuotes;
      if (byte === LF && !this.inQuotes) {
        const wasRecord = this.pending;
        this.pending = false;
        if (wasRecord && onEnd(i + 1) === true) return;
      } else if (byte !== CR) {
        this.pending = true;
      }
    }
  }

  /** Whether bytes after the last line end make a last record (a file written without a final line end). */
  get hasPartialRecord(): boolean {
    return this.pending;
  }
}

export class OutputFileRows {
  /** Byte offset where data record k × pageRows starts. */
  private offsets: number[] = [];
  private records = 0;
  private readonly indexed: Promise<void>;

  private constructor(
    private readonly filePath: string,
    private readonly columns: OutputRowsColumns,
    /** Rows the run wrote: what the page is told it can scroll through. */
    readonly length: number,
    private readonly pageRows: number,
  ) {
    this.indexed = this.index();
    // A failed index is reported by page(); it must not go unhandled meanwhile.
    this.indexed.catch(() => undefined);
  }

  /** Starts indexing the file in the background; `rowsWritten` is what the run says it wrote. */
  static open(filePath: string, columns: OutputRowsColumns, rowsWritten: number, pageRows = 100): OutputFileRows {
    return new OutputFileRows(filePath, columns, rowsWritten, pageRows);
  }

  /** Resolves when the file is indexed; rejects when it cannot be read or no longer holds the run's rows. */
  ready(): Promise<void> {
    return this.indexed;
  }

  /** Rows start … end - 1 (in range), read from the file. */
  async page(start: number, end: number): Promise<OutputRowsPage> {
    await this.indexed;
    const from = Math.max(0, Math.min(start, this.records));
    const to = Math.max(from, Math.min(end, this.records));
    if (to === from) return { start: from, inputs: [], predictions: [], errors: [] };
    const block = Math.floor(from / this.pageRows);
    const skip = from - block * this.pageRows;
    const text = await this.readRecords(this.offsets[block], skip + to - from);
    const records = this.columns.format === 'csv' ? this.parseCsv(text) : this.parseJsonLines(text);
    const rows = records.slice(skip, skip + to - from);
    return {
      start: from,
      inputs: rows.map(r => r.inputs),
      predictions: rows.map(r => r.prediction),
      errors: rows.map(r => r.error),
    };
  }

  private async index(): Promise<void> {
    const scanner = new RecordScanner(this.columns.format === 'csv');
    // CSV: record 0 is the header, checked below; JSON Lines has none.
    let record = this.columns.format === 'csv' ? -1 : 0;
    let position = 0;
    let headerEnd = -1;
    const offsets: number[] = this.columns.format === 'csv' ? [] : [0];
    for await (const chunk of fs.createReadStream(this.filePath, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
      scanner.scan(chunk, end => {
        record++;
        if (record === 0) headerEnd = position + end;
        if (record % this.pageRows === 0) offsets.push(position + end);
      });
      position += chunk.length;
    }
    if (scanner.hasPartialRecord) record++;
    // The offset pushed after the last whole block points past the last record: harmless, never read.
    if (this.columns.format === 'csv') await this.checkHeader(headerEnd);
    if (record !== this.length) {
      throw new Error(`${this.fileName()} has changed since the run wrote it: it held ${this.length.toLocaleString('en-US')} rows, it now holds ${Math.max(0, record).toLocaleString('en-US')}.`);
    }
    this.offsets = offsets;
    this.records = record;
  }

  private async checkHeader(headerEnd: number): Promise<void> {
    const text = await this.readBytes(0, Math.max(0, headerEnd));
    const [header] = parseCsv(text, { delimiter: this.columns.delimiter, relax_column_count: true, bom: true }) as string[][];
    const expected = [...this.columns.inputs, ...this.columns.outputs];
    if (!header || expected.some((name, i) => header[i] !== name)) {
      throw new Error(`${this.fileName()} no longer starts with the columns the run wrote (${expected.slice(0, 3).join(', ')}…).`);
    }
  }

  /** The text of `count` records from byte `offset` (fewer at the end of the file). */
  private async readRecords(offset: number, count: number): Promise<string> {
    const scanner = new RecordScanner(this.columns.format === 'csv');
    const handle = await fs.promises.open(this.filePath, 'r');
    try {
      const parts: Buffer[] = [];
      let found = 0;
      let position = offset;
      while (found < count) {
        const buffer = Buffer.alloc(PAGE_CHUNK_BYTES);
        const { bytesRead } = await handle.read(buffer, 0, PAGE_CHUNK_BYTES, position);
        if (bytesRead === 0) break;
        let cut = bytesRead;
        scanner.scan(buffer.subarray(0, bytesRead), end => {
          found++;
          if (found < count) return false;
          cut = end;
          return true;
        });
        parts.push(buffer.subarray(0, cut));
        position += bytesRead;
      }
      return Buffer.concat(parts).toString('utf8');
    } finally {
      await handle.close();
    }
  }

  private async readBytes(offset: number, length: number): Promise<string> {
    const handle = await fs.promises.open(this.filePath, 'r');
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
  }

  /** CSV records: the input columns, the prediction columns, then (after prediction_extra, if any) the error column last. */
  private parseCsv(text: string): ReadBackRow[] {
    const records = parseCsv(text, { delimiter: this.columns.delimiter, relax_column_count: true, skip_empty_lines: true }) as string[][];
    const inputCount = this.columns.inputs.length;
    const outputCount = this.columns.outputs.length;
    return records.map(fields => {
      const error = fields.length > inputCount + outputCount ? fields[fields.length - 1] : '';
      return {
        inputs: fields.slice(0, inputCount).map(cellOf),
        prediction: error ? null : fields.slice(inputCount, inputCount + outputCount).map(cellOf),
        error: error ? withoutFormulaGuard(error) : null,
      };
    });
  }

  /** JSON Lines: an object per line, the error under its last key (written last). */
  private parseJsonLines(text: string): ReadBackRow[] {
    return text.split('\n').filter(line => line.trim() !== '').map(line => {
      const record = JSON.parse(line) as Record<string, unknown>;
      const keys = Object.keys(record);
      const error = record[keys[keys.length - 1]];
      const failed = typeof error === 'string' && error !== '';
      return {
        inputs: this.columns.inputs.map(name => record[name] ?? null),
        prediction: failed ? null : this.columns.outputs.map(name => record[name] ?? null),
        error: failed ? error : null,
      };
    });
  }

  private fileName(): string {
    return this.filePath.split(/[\\/]/).pop() ?? this.filePath;
  }
}

/** A CSV field as the run had the value: the formula guard the writer added taken off, numbers as numbers. */
function cellOf(text: string): unknown {
  return valueOfCsvText(withoutFormulaGuard(text));
}

interface ReadBackRow {
  inputs: unknown[];
  prediction: unknown[] | null;
  error: string | null;
}
