// Resume of a cancelled or stopped Score File run: the output's rows are read back and compared with the input's
// first rows (the input columns as written, row by row), so a run only continues an output that really came from
// this input; then the input continues from the first row not written. A partial last line (the run was killed
// while writing) is cut off first. The rows read back also feed the run's summary and first rows. Retry Failed
// Rows reads an earlier output back the same way (EarlierOutput) to copy its scored rows.
import * as fs from 'node:fs';
import { pipeline } from 'node:stream';
import { parse as createCsvParser } from 'csv-parse';
import { normalizeMaxRecordBytes } from '../rows/formats';
import { csvParseOptions, type CsvDelimiter } from '../rows/parseCsv';
import { lineSplitter, type RowStream, type SourceRow, StreamCursor } from '../rows/rowStream';
import { asReadBack, CSV_EOL, delimitedField, EXTRA_COLUMN, type OutputFormat, type OutputLayout, outputLayout } from './outputFile';

export class ResumeMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResumeMismatchError';
  }
}

export interface ResumePoint {
  /** Output rows that match the input's first rows: the run continues at input row `rows + 1`. */
  rows: number;
  /** The output's columns; undefined when the output is empty (the run starts from the beginning). */
  layout: OutputLayout | undefined;
}

export interface OutputReadOptions {
  format: OutputFormat;
  neutralizeFormulas: boolean;
  /** The output signature's names: predictions are looked up by them when the header's columns match in number. */
  outputColumns?: readonly string[];
  maxRecordBytes?: number;
}

export interface VerifyOptions extends OutputReadOptions {
  /** The output's columns, once known (before the first onRow). */
  onLayout(layout: OutputLayout): void;
  /** Each verified row with its predictions as read back (numbers as numbers) or null and its error text. */
  onRow(row: SourceRow, prediction: unknown[] | null, error: string | undefined): void;
}

/** Compares the output with the input's first rows and leaves `reader` at the first row not written. */
export async function verifyOutput(outputPath: string, reader: RowStream, options: VerifyOptions): Promise<ResumePoint> {
  const size = await cutPartialLastLine(outputPath, normalizeMaxRecordBytes(options.maxRecordBytes));
  if (size === 0) return { rows: 0, layout: undefined };
  const output = await EarlierOutput.open(outputPath, reader, options, 'Score the file again instead of resuming.');
  if (output.layout) options.onLayout(output.layout);
  let rows = 0;
  for (let row = await output.next(); row !== undefined; row = await output.next()) {
    if (rows === 0 && options.format === 'jsonl' && output.layout) options.onLayout(output.layout);
    options.onRow(row.source, row.prediction, row.error);
    rows++;
  }
  return { rows, layout: output.layout };
}

/** One row of an earlier output, matched with its input row. */
export interface EarlierRow extends ReadBack {
  source: SourceRow;
  /** The record as it is in the file, line end included (to copy it as it is). */
  text: string;
}

/**
 * An earlier output file read back row by row, each row compared with the input's next row (Resume, and Retry
 * Failed Rows, which copies the rows that were scored): a row that does not match fails with ResumeMismatchError.
 */
export class EarlierOutput {
  /** CSV: known once opened; JSON Lines: once the first row is read. Undefined for an empty file. */
  layout: OutputLayout | undefined;
  /** CSV: the header record as it is in the file. */
  headerText = '';
  private rows = 0;

  private constructor(
    private readonly records: StreamCursor<string[] | string>,
    private readonly reader: RowStream,
    private readonly options: OutputReadOptions,
    private readonly mismatch: (why: string) => ResumeMismatchError,
  ) {}

  static async open(outputPath: string, reader: RowStream, options: OutputReadOptions, advice: string): Promise<EarlierOutput> {
    const name = outputPath.split(/[\\/]/).pop() ?? outputPath;
    const mismatch = (why: string): ResumeMismatchError => new ResumeMismatchError(`${name} ${why}. ${advice}`);
    const delimiter = (reader.delimiter ?? ',') as CsvDelimiter;
    const records = options.format === 'csv' ? cursorOver<string[]>(outputPath, csvParser(delimiter, options.maxRecordBytes)) : cursorOver<string>(outputPath, lineSplitter(normalizeMaxRecordBytes(options.maxRecordBytes)));
    const output = new EarlierOutput(records, reader, options, mismatch);
    if (options.format === 'csv') {
      const header = (await records.next()) as string[] | null;
      if (header === null) return output;
      output.layout = csvLayout(header, reader, options);
      if (!output.layout) throw mismatch('does not start with the input\'s columns followed by prediction columns and "error": it was not written from this file');
      output.headerText = csvRecordText(header, delimiter);
    }
    return output;
  }

  /** The next row with its input row taken from the reader; undefined at the end of the file. */
  async next(): Promise<EarlierRow | undefined> {
    const { reader, layout: known } = this;
    let record = await this.records.next();
    while (typeof record === 'string' && record.trim() === '') record = await this.records.next();
    if (record === null) return undefined;
    const [source] = await reader.take(1);
    if (!source) throw this.mismatch('has more rows than the input: it was not written from this file');
    const values = typeof record === 'string' ? parseJsonLine(record) : record;
    if (!known && values && !Array.isArray(values)) this.layout = jsonLayout(values, source, this.options);
    const read = this.layout && values ? compare(values, source, this.layout, this.options.neutralizeFormulas) : undefined;
    if (!read) {
      reader.putBack([source]);
      throw this.mismatch(`row ${this.rows + 1} does not match row ${this.rows + 1} of the input (line ${source.line}): the output was written from another file, or the input changed`);
    }
    this.rows++;
    const text = typeof record === 'string' ? `${record}\n` : csvRecordText(record, reader.delimiter ?? ',');
    return { ...read, source, text };
  }
}

/** A record read back, written again as it was: each field as read, quoted where needed, nothing neutralised again. */
function csvRecordText(fields: readonly string[], delimiter: string): string {
  return fields.map((field) => delimitedField(field, delimiter, false)).join(delimiter) + CSV_EOL;
}

interface ReadBack {
  prediction: unknown[] | null;
  error: string | undefined;
}

/** The row's predictions and error when the output record's input columns are the input row's; else undefined. */
function compare(values: string[] | Record<string, unknown>, source: SourceRow, layout: OutputLayout, neutralizeFormulas: boolean): ReadBack | undefined {
  const { sourceColumns, outputs, error } = layout;
  if (Array.isArray(values)) {
    const extraColumns = layout.extra ? 1 : 0;
    if (values.length !== sourceColumns.length + outputs.length + extraColumns + 1) return undefined;
    for (let c = 0; c < sourceColumns.length; c++) {
      if (values[c] !== asReadBack(source.row[sourceColumns[c]], layout.delimiter, neutralizeFormulas)) return undefined;
    }
    const errorText = values[values.length - 1];
    if (errorText !== '') return { prediction: null, error: errorText };
    return { prediction: values.slice(sourceColumns.length, sourceColumns.length + outputs.length).map(valueOfCsvText), error: undefined };
  }
  for (const key of Object.keys(source.row)) {
    if (JSON.stringify(values[key]) !== JSON.stringify(source.row[key])) return undefined;
  }
  const errorText = values[error];
  if (typeof errorText === 'string' && errorText !== '') return { prediction: null, error: errorText };
  return { prediction: outputs.map((name) => values[name] ?? null), error: undefined };
}

/** prediction_extra, or the name it gets when a column already has it ("prediction_extra (prediction)"). */
const EXTRA_NAME = new RegExp(`^${EXTRA_COLUMN}( \\(prediction( \\d+)?\\))?$`);

/** The header must be the input's columns (as the output names them), then predictions, then the error column. */
function csvLayout(header: string[], reader: RowStream, options: OutputReadOptions): OutputLayout | undefined {
  const inputs = outputLayout('csv', reader.delimiter ?? ',', reader.columns, [], options.neutralizeFormulas).inputs;
  const written = header.slice(0, inputs.length);
  const readBack = inputs.map((name) => asReadBack(name, reader.delimiter ?? ',', options.neutralizeFormulas));
  if (header.length < inputs.length + 1 || written.some((name, i) => name !== readBack[i])) return undefined;
  let outputs = header.slice(inputs.length, -1);
  // The column for prediction keys that came after the header (written when the endpoint answers with objects).
  const withExtra = outputs.length > 0 && EXTRA_NAME.test(outputs[outputs.length - 1]);
  if (withExtra) outputs = outputs.slice(0, -1);
  const predictionNames = options.outputColumns?.length === outputs.length ? [...options.outputColumns] : outputs;
  const layout = outputLayout('csv', reader.delimiter ?? ',', reader.columns, predictionNames, options.neutralizeFormulas, withExtra);
  return layout.outputs.length === outputs.length && /^error\b/.test(header[header.length - 1]) ? layout : undefined;
}

/** JSON Lines: the keys after the input row's are the predictions, the last one the error. */
function jsonLayout(values: Record<string, unknown>, source: SourceRow, options: OutputReadOptions): OutputLayout | undefined {
  const own = new Set(Object.keys(source.row));
  const added = Object.keys(values).filter((key) => !own.has(key));
  if (added.length < 1) return undefined;
  const outputs = added.slice(0, -1);
  const predictionNames = options.outputColumns?.length === outputs.length ? [...options.outputColumns] : outputs;
  return { ...outputLayout('jsonl', ',', Object.keys(source.row), predictionNames, options.neutralizeFormulas), outputs, error: added[added.length - 1] };
}

/** CSV text back to a value for the summary: empty → null, a number's text → the number, else the text. */
export function valueOfCsvText(text: string): unknown {
  if (text === '') return null;
  const number = Number(text);
  return Number.isFinite(number) && String(number) === text ? number : text;
}

function parseJsonLine(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function csvParser(delimiter: CsvDelimiter, maxRecordBytes: number | undefined): NodeJS.ReadWriteStream {
  return createCsvParser({ ...csvParseOptions(delimiter, undefined, maxRecordBytes), skip_empty_lines: true, bom: false });
}

function cursorOver<T>(filePath: string, transform: NodeJS.ReadWriteStream): StreamCursor<T> {
  const cursor = new StreamCursor<T>(transform as unknown as import('node:stream').Readable);
  pipeline(fs.createReadStream(filePath), transform, (error) => {
    if (error) cursor.fail(error);
  });
  return cursor;
}

/**
 * A run killed while writing leaves a partial last line: cut the file after its last line break (searched in the
 * last `maxBytes`). Returns the size after the cut.
 */
async function cutPartialLastLine(filePath: string, maxBytes: number): Promise<number> {
  const handle = await fs.promises.open(filePath, 'r+');
  try {
    const { size } = await handle.stat();
    if (size === 0) return 0;
    const length = Math.min(size, maxBytes + 2);
    const tail = Buffer.alloc(length);
    await handle.read(tail, 0, length, size - length);
    if (tail[length - 1] === 10) return size;
    const lastBreak = tail.lastIndexOf(10);
    const keep = lastBreak === -1 ? 0 : size - length + lastBreak + 1;
    await handle.truncate(keep);
    return keep;
  } finally {
    await handle.close();
  }
}
