// The output file of Score File: CSV (the input's columns as read, then the prediction columns, then, when the
// endpoint answers with objects, "prediction_extra" for keys that first appear after the header was written, then
// an "error" column that says why a row has no prediction; the input's delimiter; RFC 4180 quoting; formula-like
// text neutralised as in CSV export) or JSON Lines (each input object with its predictions, any later keys, and
// "error" added). Written
// through a stream that is waited on when its buffer is full, so a slow disk slows the run instead of filling memory.
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SourceFormat } from '../rows/formats';
import type { SourceRow } from '../rows/rowStream';
import { uniqueNames } from '../results/columns';
import { csvField } from '../results/exportCsv';

export type OutputFormat = 'csv' | 'jsonl';

/** Line end of every CSV record (RFC 4180, as CSV export writes); JSON Lines end with LF. */
export const CSV_EOL = '\r\n';

export interface OutputLayout {
  format: OutputFormat;
  /** CSV field delimiter: the input's. */
  delimiter: string;
  /** The input's columns, as the rows are keyed. */
  sourceColumns: string[];
  /** Names written for them (unique among all columns of the output). */
  inputs: string[];
  /** The prediction columns as the endpoint names them (predictions are looked up by these). */
  predictionNames: string[];
  /** Names written for them (a name that repeats an input column gets a suffix). */
  outputs: string[];
  /**
   * CSV only: the column that holds, as a JSON object, the prediction keys that first appeared after the header was
   * written (undefined when the endpoint's first answer was plain values: such answers have no keys).
   */
  extra?: string;
  /** The column that says why a row has no prediction. */
  error: string;
  neutralizeFormulas: boolean;
}

/** The name of the CSV column for prediction keys that come after the header (a suffix when a column has it). */
export const EXTRA_COLUMN = 'prediction_extra';

export function outputLayout(format: OutputFormat, delimiter: string, sourceColumns: readonly string[], predictionNames: readonly string[], neutralizeFormulas = true, withExtra = false): OutputLayout {
  const taken = new Set<string>();
  const inputs = format === 'csv' ? uniqueNames(sourceColumns, 'input', taken) : [...sourceColumns];
  if (format === 'jsonl') for (const name of inputs) taken.add(name);
  const outputs = uniqueNames(predictionNames, 'prediction', taken);
  const [extra] = format === 'csv' && withExtra ? uniqueNames([EXTRA_COLUMN], 'prediction', taken) : [];
  const [error] = uniqueNames(['error'], 'scoring', taken);
  return { format, delimiter, sourceColumns: [...sourceColumns], inputs, predictionNames: [...predictionNames], outputs, ...(extra ? { extra } : {}), error, neutralizeFormulas };
}

/** `data.csv` → `data.scored.csv`, `events.jsonl` → `events.scored.jsonl`, next to the input. */
export function defaultOutputPath(inputPath: string, inputFormat: SourceFormat, format: OutputFormat): string {
  const extension = format === 'jsonl' ? '.jsonl' : inputFormat === 'tsv' ? '.tsv' : '.csv';
  const parsed = path.parse(inputPath);
  return path.join(parsed.dir, `${parsed.name}.scored${extension}`);
}

/** The output format that fits an output path (JSON Lines for .jsonl/.ndjson, CSV otherwise). */
export function outputFormatOf(outputPath: string): OutputFormat {
  return /\.(jsonl|ndjson)$/i.test(outputPath) ? 'jsonl' : 'csv';
}

/** Text of one CSV field with the file's delimiter: csvField's quoting, plus quotes when the value holds `;` or a tab. */
export function delimitedField(value: unknown, delimiter: string, neutralizeFormulas: boolean): string {
  const text = csvField(value, { neutralizeFormulas });
  return delimiter !== ',' && !text.startsWith('"') && text.includes(delimiter) ? `"${text}"` : text;
}

/** The text a CSV reader gets back for a value written by delimitedField (to compare an output with its input). */
export function asReadBack(value: unknown, delimiter: string, neutralizeFormulas: boolean): string {
  const text = delimitedField(value, delimiter, neutralizeFormulas);
  return text.startsWith('"') ? text.slice(1, -1).replace(/""/g, '"') : text;
}

export function encodeHeader(layout: OutputLayout): string {
  if (layout.format === 'jsonl') return '';
  const { delimiter, neutralizeFormulas } = layout;
  return [...layout.inputs, ...layout.outputs, ...(layout.extra ? [layout.extra] : []), layout.error].map((name) => delimitedField(name, delimiter, neutralizeFormulas)).join(delimiter) + CSV_EOL;
}

/**
 * Rows of one batch as output text: `predictions[i]` in layout.predictionNames order, or null with `error`.
 * `extras[i]`: the row's prediction keys that are not among the layout's (JSON Lines: added to the object under
 * the names given; CSV: JSON in the extra column).
 */
export function encodeRows(layout: OutputLayout, rows: readonly SourceRow[], predictions: ReadonlyArray<readonly unknown[] | null>, error: string | undefined, extras?: ReadonlyArray<Record<string, unknown> | undefined>): string {
  let text = '';
  const width = layout.outputs.length;
  if (layout.format === 'jsonl') {
    for (let i = 0; i < rows.length; i++) {
      const record: Record<string, unknown> = { ...rows[i].row };
      const prediction = predictions[i];
      for (let c = 0; c < width; c++) record[layout.outputs[c]] = prediction ? prediction[c] ?? null : null;
      const extra = extras?.[i];
      if (extra) Object.assign(record, extra);
      record[layout.error] = prediction ? null : error ?? null;
      text += JSON.stringify(record) + '\n';
    }
    return text;
  }
  const { delimiter, neutralizeFormulas, sourceColumns } = layout;
  const field = (value: unknown): string => delimitedField(value, delimiter, neutralizeFormulas);
  for (let i = 0; i < rows.length; i++) {
    const { row } = rows[i];
    const prediction = predictions[i];
    let line = '';
    for (let c = 0; c < sourceColumns.length; c++) line += (c > 0 ? delimiter : '') + field(row[sourceColumns[c]]);
    for (let c = 0; c < width; c++) line += delimiter + field(prediction ? prediction[c] : null);
    if (layout.extra) {
      const extra = extras?.[i];
      line += delimiter + field(extra ? JSON.stringify(extra) : null);
    }
    line += delimiter + field(prediction ? null : error) + CSV_EOL;
    text += line;
  }
  return text;
}

/** Output text is handed to the file in pieces of about this size: one write per batch cost more than the encoding. */
const WRITE_CHUNK_CHARS = 256 * 1024;

/** Appends text to the output file, waiting when the stream's buffer is full (back-pressure from the disk). */
export class OutputWriter {
  private failure: Error | undefined;
  private buffered = '';

  private constructor(private readonly stream: fs.WriteStream) {
    stream.on('error', (error) => {
      this.failure ??= error;
    });
  }

  /** Opens the file: truncated for a new run, appended to for Resume. */
  static async open(filePath: string, append: boolean): Promise<OutputWriter> {
    const stream = fs.createWriteStream(filePath, { flags: append ? 'a' : 'w' });
    await once(stream, 'open');
    return new OutputWriter(stream);
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    this.buffered += text;
    if (this.buffered.length >= WRITE_CHUNK_CHARS) await this.flush();
  }

  /** Hands what is buffered to the file (a cancelled run's rows are on disk when the run returns). */
  async flush(): Promise<void> {
    const text = this.buffered;
    this.buffered = '';
    if (text !== '' && !this.stream.write(text)) await once(this.stream, 'drain');
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    if (this.stream.closed) return;
    await this.flush();
    const closed = once(this.stream, 'close');
    this.stream.end();
    await closed;
    if (this.failure) throw this.failure;
  }
}
