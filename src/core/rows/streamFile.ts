// Rows from a file on disk (Score File), read as a stream so that a large file is not held twice in
// memory and reading stops as soon as `maxRows` rows are in. JSON documents are read whole: a JSON
// array cannot be cut into rows before it is known to be valid.
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import { parse as createCsvParser } from 'csv-parse';
import { type ParsedTable, RowsParseError, type SourceFormat } from './formats';
import { JsonSyntaxError, LineIndex, scanJsonDocument } from './jsonScan';
import { type CsvDelimiter, CsvRecordCollector, csvParseOptions, detectDelimiter, firstNonBlankLine, stripBom } from './parseCsv';
import { JsonLinesCollector, parseJsonText } from './parseJson';
import { normalizeMaxRows } from './parseRows';

export interface FileRowsOptions {
  /** Read at most this many rows (all when absent). */
  maxRows?: number;
  /** Stops reading; the promise then rejects with an error named "AbortError". */
  signal?: AbortSignal;
}

/** Reads rows from a file, streamed. Errors are the same RowsParseError as for editor text. */
export async function parseRowsFromFile(filePath: string, format: SourceFormat, options: FileRowsOptions = {}): Promise<ParsedTable> {
  const { signal } = options;
  const maxRows = normalizeMaxRows(options.maxRows);
  throwIfAborted(signal);
  switch (format) {
    case 'csv':
    case 'tsv': {
      const delimiter = format === 'tsv' ? '\t' : await detectFileDelimiter(filePath);
      const collector = new CsvRecordCollector({ maxRows });
      throwIfAborted(signal);
      await streamCsv(filePath, delimiter, collector, signal);
      return collector.finish(delimiter);
    }
    case 'json': {
      const text = await readWholeFile(filePath, signal);
      return parseJsonText(text, { maxRows });
    }
    case 'jsonl': {
      const collector = new JsonLinesCollector({ maxRows });
      await streamLines(filePath, collector, signal);
      return collector.finish();
    }
  }
}

/**
 * Counts the data rows of a file (header and blank lines excluded; CSV records with quoted line breaks
 * count once), for the "score N rows?" confirmation. Throws RowsParseError when the file is malformed.
 */
export async function countDataRows(filePath: string, format: SourceFormat): Promise<number> {
  switch (format) {
    case 'csv':
    case 'tsv': {
      const delimiter = format === 'tsv' ? '\t' : await detectFileDelimiter(filePath);
      const collector = new CsvRecordCollector({ countOnly: true });
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
      const collector = new JsonLinesCollector({ countOnly: true });
      await streamLines(filePath, collector, undefined);
      return collector.dataLineCount;
    }
  }
}

/** The delimiter, judged from the header line at the top of the file. */
async function detectFileDelimiter(filePath: string): Promise<CsvDelimiter> {
  const handle = await fs.promises.open(filePath, 'r');
  try {
    const head = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    // TextDecoder drops a UTF-8 BOM and tolerates a character cut at the end of the chunk.
    return detectDelimiter(firstNonBlankLine(new TextDecoder().decode(head.subarray(0, bytesRead))));
  } finally {
    await handle.close();
  }
}

function streamCsv(filePath: string, delimiter: CsvDelimiter, collector: CsvRecordCollector, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const input = fs.createReadStream(filePath);
    const parser = createCsvParser(csvParseOptions(delimiter, collector.onRecord));
    let settled = false;
    const settle = (error?: Error): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      input.destroy();
      parser.destroy();
      if (error) reject(error);
      else resolve();
    };
    const onAbort = (): void => settle(abortError(signal));
    signal?.addEventListener('abort', onAbort, { once: true });
    input.on('error', (error) => settle(error));
    // The collector stops the parser by throwing once it has what it needs; that is not an error.
    parser.on('error', (error) => settle(collector.translateError(error)));
    parser.on('end', () => settle());
    // Records are kept by the collector; nothing is pushed downstream, but the stream must flow to end.
    parser.resume();
    input.pipe(parser);
  });
}

async function streamLines(filePath: string, collector: JsonLinesCollector, signal: AbortSignal | undefined): Promise<void> {
  const input = fs.createReadStream(filePath, { encoding: 'utf8' });
  const lines = readline.createInterface({ input, crlfDelay: Infinity, signal });
  let lineNumber = 0;
  try {
    for await (const line of lines) {
      lineNumber++;
      if (!collector.addLine(line, lineNumber)) break;
    }
  } catch (error) {
    throwIfAborted(signal);
    throw error;
  } finally {
    lines.close();
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
