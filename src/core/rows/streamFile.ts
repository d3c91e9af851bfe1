// Rows from a file on disk (Score File), read as a stream so that a large file is not held twice in
// memory and reading stops as soon as `maxRows` rows are in. JSON documents are read whole: a JSON
// array cannot be cut into rows before it is known to be valid.
import * as fs from 'node:fs';
import { Transform } from 'node:stream';
import { parse as createCsvParser } from 'csv-parse';
import { normalizeMaxRecordBytes, type ParsedTable, recordTooLarge, RowsParseError, type SourceFormat } from './formats';
import { JsonSyntaxError, LineIndex, scanJsonDocument } from './jsonScan';
import { type CsvDelimiter, CsvRecordCollector, csvParseOptions, detectDelimiter, firstNonBlankLine, stripBom } from './parseCsv';
import { JsonLinesCollector, parseJsonText } from './parseJson';
import { normalizeMaxRows } from './parseRows';
import { checkTextBytes, TEXT_CHECK_BYTES } from './textCheck';

export interface FileLimits {
  /** Largest CSV record, JSON row or JSON Lines line (default 1 MB): a file without line breaks fails there. */
  maxRecordBytes?: number;
}

export interface FileRowsOptions extends FileLimits {
  /** Read at most this many rows (all when absent). */
  maxRows?: number;
  /** Stops reading; the promise then rejects with an error named "AbortError". */
  signal?: AbortSignal;
}

/** Reads rows from a file, streamed. Errors are the same RowsParseError as for editor text. */
export async function parseRowsFromFile(filePath: string, format: SourceFormat, options: FileRowsOptions = {}): Promise<ParsedTable> {
  const { signal } = options;
  const maxRows = normalizeMaxRows(options.maxRows);
  const { maxRecordBytes } = options;
  throwIfAborted(signal);
  const head = await readTextHead(filePath, format);
  switch (format) {
    case 'csv':
    case 'tsv': {
      const delimiter = format === 'tsv' ? '\t' : detectDelimiter(firstNonBlankLine(head));
      const collector = new CsvRecordCollector({ maxRows, maxRecordBytes });
      throwIfAborted(signal);
      await streamCsv(filePath, delimiter, collector, signal);
      return collector.finish(delimiter);
    }
    case 'json': {
      const text = await readWholeFile(filePath, signal);
      return parseJsonText(text, { maxRows, maxRecordBytes });
    }
    case 'jsonl': {
      const collector = new JsonLinesCollector({ maxRows, maxRecordBytes });
      await streamLines(filePath, collector, signal, maxRecordBytes);
      return collector.finish();
    }
  }
}

/**
 * Counts the data rows of a file (header and blank lines excluded; CSV records with quoted line breaks
 * count once), for the "score N rows?" confirmation. Throws RowsParseError when the file is malformed.
 */
export async function countDataRows(filePath: string, format: SourceFormat, limits: FileLimits = {}): Promise<number> {
  const { maxRecordBytes } = limits;
  const head = await readTextHead(filePath, format);
  switch (format) {
    case 'csv':
    case 'tsv': {
      const delimiter = format === 'tsv' ? '\t' : detectDelimiter(firstNonBlankLine(head));
      const collector = new CsvRecordCollector({ countOnly: true, maxRecordBytes });
      await streamCsv(filePath, delimiter, collector, undefined);
      return collector.dataRecordCount;
    }
    case 'json': {
      const text = stripBom(await fs.promises.readFile(filePath, 'utf8'));
      try {
        const shape = scanJsonDocument(text);
        return shape.kind === 'array' ? (shape.elements?.length ?? 0) : shape.kind === 'object' ? 1 : 0;
      } catch (error) {
        if (!(error instanceof JsonSyntaxError)) throw error;
        const { line, column } = new LineIndex(text).position(error.offset);
        throw new RowsParseError(`Line ${line}, column ${column}: ${error.message}.`, { line, column });
      }
    }
    case 'jsonl': {
      const collector = new JsonLinesCollector({ countOnly: true, maxRecordBytes });
      await streamLines(filePath, collector, undefined, maxRecordBytes);
      return collector.dataLineCount;
    }
  }
}

/**
 * The first 64 KB of the file as text, after checking that they are text (no NUL byte, valid UTF-8): a binary file
 * is refused before any parser quotes its bytes. The CSV delimiter is judged from the header line in it.
 */
export async function readTextHead(filePath: string, format: SourceFormat): Promise<string> {
  const handle = await fs.promises.open(filePath, 'r');
  try {
    const head = Buffer.alloc(TEXT_CHECK_BYTES);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const bytes = head.subarray(0, bytesRead);
    checkTextBytes(bytes, format, bytesRead < head.length);
    // TextDecoder drops a UTF-8 BOM and tolerates a character cut at the end of the chunk.
    return new TextDecoder().decode(bytes);
  } finally {
    await handle.close();
  }
}

function streamCsv(filePath: string, delimiter: CsvDelimiter, collector: CsvRecordCollector, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const input = fs.createReadStream(filePath);
    const guard = lineLengthGuard(normalizeMaxRecordBytes(collector.maxRecordBytes));
    const parser = createCsvParser(csvParseOptions(delimiter, collector.onRecord, collector.maxRecordBytes));
    let settled = false;
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      input.destroy();
      guard.destroy();
      parser.destroy();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = (): void => settle(abortError(signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    input.on('error', (error) => settle(error));
    guard.on('error', (error) => settle(error));
    // The collector stops the parser by throwing once it has what it needs; that is not an error.
    parser.on('error', (error) => settle(collector.translateError(error)));
    parser.on('end', () => settle());
    // Records are kept by the collector; nothing is pushed downstream, but the stream must flow to end.
    parser.resume();
    input.pipe(guard).pipe(parser);
  });
}

/**
 * Passes whole lines on and fails at the first line longer than `limit`: the bytes of an unfinished line are held
 * (at most `limit` of them), so a file without line breaks stops after `limit` bytes and csv-parse, which reads
 * character by character (~0.3 s per MB), never sees it.
 */
export function lineLengthGuard(limit: number): Transform {
  let line = 1;
  let held: Buffer[] = [];
  let lineLength = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      let start = 0;
      for (let newline = chunk.indexOf(10, start); newline !== -1; newline = chunk.indexOf(10, start)) {
        if (lineLength + newline - start > limit) return done(recordTooLarge(line, 'the line', limit));
        line++;
        lineLength = 0;
        start = newline + 1;
      }
      lineLength += chunk.length - start;
      if (lineLength > limit) return done(recordTooLarge(line, 'the line', limit));
      if (start === 0) {
        held.push(chunk);
        return done();
      }
      const complete = Buffer.concat([...held, chunk.subarray(0, start)]);
      held = start < chunk.length ? [chunk.subarray(start)] : [];
      done(null, complete);
    },
    flush(done) {
      done(null, held.length ? Buffer.concat(held) : undefined);
    },
  });
}

/**
 * Hands the file's lines (split at LF, a CR before it dropped, as for editor text) to the collector. Unlike
 * readline, a line is never held beyond the record limit: a file without line breaks fails after 1 MB, not at the end.
 */
async function streamLines(filePath: string, collector: JsonLinesCollector, signal: AbortSignal | undefined, maxRecordBytes: number | undefined): Promise<void> {
  const limit = normalizeMaxRecordBytes(maxRecordBytes);
  const input = fs.createReadStream(filePath, { encoding: 'utf8', signal });
  const withoutCr = (line: string): string => (line.endsWith('\r') ? line.slice(0, -1) : line);
  let lineNumber = 0;
  let partial = '';
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      let start = 0;
      for (let newline = chunk.indexOf('\n'); newline !== -1; newline = chunk.indexOf('\n', start)) {
        const line = partial + chunk.slice(start, newline);
        partial = '';
        start = newline + 1;
        if (!collector.addLine(withoutCr(line), ++lineNumber)) return;
      }
      partial += chunk.slice(start);
      if (partial.length > limit) throw recordTooLarge(lineNumber + 1, 'the line', limit);
    }
    if (partial !== '') collector.addLine(withoutCr(partial), ++lineNumber);
  } catch (error) {
    throwIfAborted(signal);
    throw error;
  } finally {
    input.destroy();
  }
  throwIfAborted(signal);
}

async function readWholeFile(filePath: string, signal: AbortSignal | undefined): Promise<string> {
  try {
    return await fs.promises.readFile(filePath, { encoding: 'utf8', signal });
  } catch (error) {
    throwIfAborted(signal);
    throw error;
  }
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal);
}

function abortError(signal: AbortSignal | undefined): Error {
  const error = new Error('Reading the file was cancelled.', { cause: signal?.reason });
  error.name = 'AbortError';
  return error;
}
