// Score File to file: read → map → batch → score → write, streamed. A batch is read only when the pipeline has
// room for it (at most `maxQueuedBatches` batches between the reader and the writer, in flight or waiting for
// their turn to be written), so memory stays flat whatever the file's size; batches are written in input order.
// A failed batch writes its rows with the reason in the error column. Cancelling stops at a row boundary (the
// batches before the first unfinished one are written, nothing after it); a failure every batch would repeat
// (401/403/404, sign-in) stops the same way, and Resume continues from the first row not written.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EndpointRef, SignatureField } from '../endpoints/model';
import { BatchSender, type SentBatch } from '../fabric/batchSender';
import type { BatchScorer } from '../fabric/fabricClient';
import type { BatchOutcome, Orientation } from '../fabric/types';
import { RowsParseError, type SourceFormat, textForMessage } from '../rows/formats';
import { openRowStream, type RowStream, type SourceRow } from '../rows/rowStream';
import { MappingError, mapToSignature } from '../rows/signatureMapping';
import type { DateOrder } from '../rows/coerce';
import { uniqueNames } from '../results/columns';
import type { ColumnSummary } from '../results/model';
import { describeError, linesText, rowsText } from '../text';
import { encodeHeader, encodeRows, type OutputFormat, type OutputLayout, outputLayout, OutputWriter } from './outputFile';
import { EarlierOutput, verifyOutput } from './resume';
import { type RetryCounts, type RetryGroup, RetryGroups, retryMessage } from './retryFailed';
import { StreamingSummary } from './streamingSummary';

export interface ScoreFileRequest {
  ref: EndpointRef;
  inputPath: string;
  inputFormat: SourceFormat;
  outputPath: string;
  outputFormat: OutputFormat;
  /** The endpoint's input signature: columns matched by name and values converted, per batch. */
  signature?: SignatureField[];
  /** The output signature's names. */
  outputColumns?: string[];
  /** How numeric dates such as 10/03/2024 are read (the `fabricMl.scoring.dateFormat` setting). */
  dateOrder?: DateOrder;
  batchSize: number;
  concurrency: number;
  /** Adaptive concurrency up to this maximum (fixed `concurrency` when absent). */
  maxConcurrency?: number;
  orientation: Orientation;
  maxRecordBytes?: number;
  /** CSV output: prefix `'` to formula-like text (default true), as CSV export does. */
  neutralizeFormulas?: boolean;
  /** Continue the output file from its first row not written, after checking it matches the input. */
  resume?: boolean;
  /**
   * Retry Failed Rows: this earlier output of the same input is read back; its rows with an error are sent again
   * and the others copied, all into `outputPath` (a new file).
   */
  retryFailedOf?: string;
  /** Batches between reader and writer (default: twice the most in flight, plus 2). */
  maxQueuedBatches?: number;
  /** Rows kept for the results panel (default 200). */
  firstRows?: number;
  signal?: AbortSignal;
  onProgress?: (progress: FileProgress) => void;
}

export interface FileProgress {
  /** Rows in the output file (resumed rows included). */
  rowsWritten: number;
  rowsPerSecond: number;
  /** Seconds left, estimated from the share of the file read; undefined until there is a rate. */
  etaSeconds: number | undefined;
  failedBatches: number;
  concurrency: number;
}

export interface FirstRow {
  /** 1-based line of the input file where the row starts. */
  line: number;
  /** The input's values in layout.sourceColumns order. */
  inputs: unknown[];
  prediction: unknown[] | null;
  error?: string;
}

export interface ScoreFileResult {
  outputPath: string;
  layout: OutputLayout | undefined;
  /** Rows in the output file, resumed rows included. */
  rowsWritten: number;
  /** Rows that were already in the output when this run resumed it. */
  resumedRows: number;
  failedBatches: number;
  failedRows: number;
  /** True when every row of the input is in the output. */
  complete: boolean;
  cancelled: boolean;
  /** Why the run stopped before the end (a failure every batch would repeat). */
  stoppedBy?: string;
  /** A malformed record part-way through the input ("Line 5001: unclosed quote in column 8 (note)."): the rows before it are written. */
  malformedInput?: string;
  /** Over every row of the output (resumed rows included). */
  summaries: ColumnSummary[];
  firstRows: FirstRow[];
  /** Outcomes of the batches of the first rows sent by this run (the raw exchanges of the rest are not kept). */
  firstBatches: BatchOutcome[];
  warnings: string[];
  durationMs: number;
  tokenRequests: number;
  peakConcurrency: number;
  throttledResponses: number;
  /** The most rows read from the input and not yet written (back-pressure kept it at most maxQueuedBatches × batchSize). */
  maxRowsAhead: number;
  /** The most rows cut out of the input file and not yet written: maxRowsAhead plus what the reader holds in its buffers. */
  maxRowsParsedAhead: number;
  /** Retry Failed Rows: rows sent again, failed again and copied. */
  retry?: RetryCounts;
  /** What the run did, for a notification: "Scored all 1,000 rows into data.scored.csv." */
  message: string;
}

/** A prediction key that was not among the output's columns when it first came. */
interface LateKey {
  firstRow: number;
  firstLine: number;
  rows: number;
  /** JSON Lines: the name it is written under (a suffix when an input column or the error column has it). */
  writtenAs: string;
}

interface FileBatch {
  index: number;
  startRow: number;
  rows: SourceRow[];
  sent?: SentBatch;
  /** Rows that cannot be sent (values that do not convert): written with this error. */
  mappingError?: string;
  /** Retry Failed Rows: rows scored in the earlier output, copied from it. */
  copied?: RetryGroup['copied'];
}

const MAX_WARNINGS = 20;

export async function scoreFileToFile(client: BatchScorer, request: ScoreFileRequest): Promise<ScoreFileResult> {
  const started = performance.now();
  if (path.resolve(request.inputPath) === path.resolve(request.outputPath)) throw new Error('The output file must not be the input file.');
  const reader = await openRowStream(request.inputPath, request.inputFormat, { maxRecordBytes: request.maxRecordBytes });
  try {
    // Missing required columns are the same for every batch: say so before anything is sent or written.
    const { columns, ignoredColumns } = mapToSignature({ columns: reader.columns, rows: [], rowLines: [], warnings: [] }, request.signature);
    const run = new FileRun(client, request, columns, reader, started);
    if (ignoredColumns.length) run.warn(`Not sent (not in the input signature): ${ignoredColumns.join(', ')}`);
    return await run.run();
  } finally {
    reader.close();
  }
}

/** One run's state: the sender, the layout once known, the summary and the counters. */
class FileRun {
  private readonly batchSize: number;
  private readonly sender: BatchSender;
  private readonly neutralize: boolean;
  private layout: OutputLayout | undefined;
  private summary: StreamingSummary | undefined;
  private readonly firstRows: FirstRow[] = [];
  private readonly firstBatches: BatchOutcome[] = [];
  private readonly warnings = new Set<string>();
  private writer: OutputWriter | undefined;
  private concurrency: number;
  private rowsWritten = 0;
  private resumedRows = 0;
  private failedBatches = 0;
  private failedRows = 0;
  private maxRowsAhead = 0;
  private maxRowsParsedAhead = 0;
  private stoppedBy: string | undefined;
  private malformedInput: string | undefined;
  /** Prediction keys that first came after the output's columns were set, by key. */
  private readonly lateKeys = new Map<string, LateKey>();
  /** CSV output of JSON rows: input keys that first came after the header was written, by key. */
  private readonly lateInputKeys = new Map<string, LateKey>();
  private readonly firstRowLimit: number;
  /** Set when the layout was chosen by this run: the CSV header goes out with the first batch. */
  private needsHeader = false;
  /** The header as written (Retry Failed Rows copies the earlier output's); else encoded from the layout. */
  private headerText: string | undefined;
  private retry: RetryGroups | undefined;
  private readonly retryCounts: RetryCounts = { retried: 0, failedAgain: 0, copied: 0 };
  /** Retry Failed Rows: the earlier output ended before the input did. */
  private earlierOutputShort = false;
  /** The share of the file already written when this run resumed it (the ETA counts only this run's work). */
  private resumedShare: number | undefined;

  constructor(
    client: BatchScorer,
    private readonly request: ScoreFileRequest,
    mappedColumns: string[],
    private readonly reader: RowStream,
    private readonly started: number,
  ) {
    this.batchSize = Math.max(1, Math.floor(request.batchSize));
    this.neutralize = request.neutralizeFormulas !== false;
    this.concurrency = Math.max(1, Math.floor(request.concurrency));
    this.firstRowLimit = request.firstRows ?? 200;
    this.sender = new BatchSender(
      client,
      { ref: request.ref, columns: mappedColumns, orientation: request.orientation, outputColumns: request.outputColumns, concurrency: this.concurrency, maxConcurrency: request.maxConcurrency, onConcurrency: (limit) => (this.concurrency = limit),
        remainingBatches: () => this.remainingBatchesEstimate() },
      request.signal,
    );
  }

  warn(warning: string): void {
    if (this.warnings.size < MAX_WARNINGS) this.warnings.add(warning);
  }

  async run(): Promise<ScoreFileResult> {
    const { request } = this;
    try {
      if (request.resume) await this.resume();
      if (request.retryFailedOf !== undefined) await this.openEarlierOutput(request.retryFailedOf);
      // The token before the file: a sign-in failure leaves an earlier output as it was.
      await this.sender.start();
      this.writer = await OutputWriter.open(request.outputPath, request.resume === true && this.layout !== undefined);
      await this.pump();
    } finally {
      this.sender.dispose();
      await this.writer?.close();
    }
    return this.result();
  }

  private async resume(): Promise<void> {
    const { request } = this;
    if (!fs.existsSync(request.outputPath)) return;
    const point = await verifyOutput(request.outputPath, this.reader, {
      format: request.outputFormat,
      neutralizeFormulas: this.neutralize,
      outputColumns: request.outputColumns,
      maxRecordBytes: request.maxRecordBytes,
      onLayout: (layout) => this.useLayout(layout),
      onRow: (row, prediction, error) => this.account(row, prediction, error),
    });
    this.resumedRows = point.rows;
    this.rowsWritten = point.rows;
  }

  private async openEarlierOutput(earlierPath: string): Promise<void> {
    const { request } = this;
    if (path.resolve(earlierPath) === path.resolve(request.outputPath)) throw new Error('Retry Failed Rows writes a new file: the output must not be the earlier output.');
    const earlier = await EarlierOutput.open(earlierPath, this.reader, {
      format: request.outputFormat,
      neutralizeFormulas: this.neutralize,
      outputColumns: request.outputColumns,
      maxRecordBytes: request.maxRecordBytes,
    }, 'Score the file again instead of retrying its failed rows.');
    this.retry = new RetryGroups(earlier);
    this.adoptEarlierLayout();
  }

  /** The new file has the earlier output's columns (CSV: known from its header; JSON Lines: from its first row). */
  private adoptEarlierLayout(): void {
    const earlier = this.retry?.output;
    if (this.layout || !earlier?.layout) return;
    this.useLayout(earlier.layout, true);
    if (earlier.headerText) this.headerText = earlier.headerText;
  }

  /** The next rows to send (or, for Retry Failed Rows, to copy): a batch, or none at the end of the input. */
  private async nextGroup(): Promise<RetryGroup> {
    if (!this.retry) return { rows: await this.take() };
    const group = await this.retry.next(this.batchSize);
    this.adoptEarlierLayout();
    if (group) return group;
    this.earlierOutputShort = (await this.take()).length > 0;
    return { rows: [] };
  }

  /** Reads a batch only when the pipeline has room, sends it, and writes finished batches in input order. */
  private async pump(): Promise<void> {
    const { request, sender } = this;
    const slots = Math.max(sender.limiter.limit, request.maxConcurrency ?? 0);
    const maxQueued = Math.max(1, request.maxQueuedBatches ?? slots * 2 + 2);
    const queue: Array<Promise<FileBatch>> = [];
    let index = 0;
    let startRow = this.rowsWritten;
    let writing = true;
    while (!sender.stopped) {
      while (queue.length >= maxQueued && writing) writing = await this.writeNext(queue);
      if (!writing || sender.stopped) break;
      const { rows, copied } = await this.nextGroup();
      if (rows.length === 0) break;
      this.maxRowsAhead = Math.max(this.maxRowsAhead, startRow + rows.length - this.rowsWritten);
      this.noteRowsHeld();
      queue.push(copied ? Promise.resolve({ index, startRow, rows, copied }) : this.send(index++, startRow, rows));
      startRow += rows.length;
    }
    while (queue.length > 0 && writing) writing = await this.writeNext(queue);
    // Batches after the stop are abandoned: settle them so that nothing is left running.
    await Promise.all(queue);
  }

  /**
   * The next batch's rows. A malformed record ends the reading, not the run: the rows before it (handed out first
   * by the reader) are scored and written, and the run stops there like a cancel, so Resume continues from the
   * malformed row once the file is fixed.
   */
  private async take(): Promise<SourceRow[]> {
    try {
      return await this.reader.take(this.batchSize);
    } catch (error) {
      if (!(error instanceof RowsParseError)) throw error;
      this.malformedInput = error.message;
      return [];
    }
  }

  private async send(index: number, startRow: number, rows: SourceRow[]): Promise<FileBatch> {
    let mapped;
    try {
      // A batch's values that do not convert fail that batch only; its rows are written with the reason.
      mapped = mapToSignature({ columns: this.reader.columns, rows: rows.map((r) => r.row), rowLines: rows.map((r) => r.line), warnings: [] }, this.request.signature, { dateOrder: this.request.dateOrder });
    } catch (error) {
      const detail = error instanceof MappingError && error.problems.length ? `: ${error.problems.join('; ')}` : '';
      const message = error instanceof Error ? error.message : String(error);
      return { index, startRow, rows, mappingError: `${batchText(index, startRow, rows)} not sent: ${message}${detail}` };
    }
    for (const warning of mapped.warnings) this.warn(warning);
    return { index, startRow, rows, sent: await this.sender.send(index, startRow, mapped.rows) };
  }

  /** Writes the oldest batch when it is done; false when the run stops there (cancelled or a repeating failure). */
  private async writeNext(queue: Array<Promise<FileBatch>>): Promise<boolean> {
    const batch = await (queue.shift() as Promise<FileBatch>);
    this.noteRowsHeld();
    const outcome = batch.sent?.outcome;
    // A cancel, or a failure every batch would repeat: stop at this row boundary so that Resume sends it again.
    if (outcome && !outcome.ok && (outcome.error?.kind === 'aborted' || this.sender.stopReason !== undefined)) {
      if (this.sender.stopReason) this.stoppedBy = describeError(this.sender.stopReason.info);
      return false;
    }
    if (batch.copied) return this.writeCopied(batch.copied);
    if (outcome && batch.startRow < this.firstRowLimit) this.firstBatches.push(outcome);
    const result = batch.sent?.result;
    // A CSV's header is written once, with the first batch: when the endpoint answers with objects (or the first
    // batch failed, so the shape is not known yet), the CSV gets a prediction_extra column for keys that first come
    // later. A data engineer loading the file into a table expects a fixed set of columns and every value kept; a
    // JSON object in one last prediction column keeps both (Json.Document expands it), where a warning alone would
    // mean scoring the file again. JSON Lines has no header: later keys are written on the rows that have them.
    if (!this.layout) this.useLayout(outputLayout(this.request.outputFormat, this.reader.delimiter ?? ',', this.reader.columns, predictionNames(this.request.outputColumns, result), this.neutralize, !result || result.columns !== undefined), true);
    const layout = this.layout as OutputLayout;
    let predictions: Array<unknown[] | null>;
    let extras: Array<Record<string, unknown> | undefined> | undefined;
    let error: string | undefined;
    if (result) {
      predictions = alignPredictions(layout.predictionNames, result.columns, result.predictions);
      extras = this.lateValues(layout, batch, result.columns, result.predictions);
    } else {
      predictions = batch.rows.map(() => null);
      error = batch.mappingError ?? failureText(batch);
      this.failedBatches++;
      this.failedRows += batch.rows.length;
    }
    await this.writeHeader();
    this.noteLateInputKeys(layout, batch);
    await this.writer?.write(encodeRows(layout, batch.rows, predictions, error, extras));
    for (let i = 0; i < batch.rows.length; i++) this.account(batch.rows[i], predictions[i], error);
    this.rowsWritten += batch.rows.length;
    if (this.retry) {
      this.retryCounts.retried += batch.rows.length;
      if (error !== undefined) this.retryCounts.failedAgain += batch.rows.length;
    }
    this.reportProgress();
    return true;
  }

  private async writeHeader(): Promise<void> {
    if (!this.needsHeader || !this.layout) return;
    this.needsHeader = false;
    await this.writer?.write(this.headerText ?? encodeHeader(this.layout));
  }

  /** Retry Failed Rows: rows scored in the earlier output, written as they are there. */
  private async writeCopied(rows: NonNullable<FileBatch['copied']>): Promise<boolean> {
    await this.writeHeader();
    let text = '';
    for (const row of rows) {
      text += row.text;
      this.account(row.source, row.prediction, row.error);
    }
    await this.writer?.write(text);
    this.rowsWritten += rows.length;
    this.retryCounts.copied += rows.length;
    this.reportProgress();
    return true;
  }

  /**
   * Each row's values of prediction keys that are not among the layout's (JSON Lines: under the names they are
   * written as), noting where each key first came; undefined when the batch has none.
   */
  private lateValues(layout: OutputLayout, batch: FileBatch, batchColumns: string[] | undefined, rows: unknown[][]): Array<Record<string, unknown> | undefined> | undefined {
    if (!batchColumns) return undefined;
    const known = new Set(layout.predictionNames);
    const late = batchColumns.flatMap((name, c) => (known.has(name) ? [] : [{ name, c }]));
    if (late.length === 0) return undefined;
    return rows.map((row, i) => {
      let values: Record<string, unknown> | undefined;
      for (const { name, c } of late) {
        // A key missing from a row reads as null: only the rows that have a value carry it.
        if (row[c] === null || row[c] === undefined) continue;
        const key = this.noteLateKey(layout, name, batch.startRow + i, batch.rows[i].line);
        (values ??= {})[key] = row[c];
      }
      return values;
    });
  }

  private noteLateKey(layout: OutputLayout, name: string, row: number, line: number): string {
    let late = this.lateKeys.get(name);
    if (!late) {
      const taken = new Set([...layout.sourceColumns, ...layout.outputs, layout.error, ...[...this.lateKeys.values()].map((k) => k.writtenAs)]);
      const [writtenAs] = layout.format === 'jsonl' ? uniqueNames([name], 'prediction', taken) : [name];
      late = { firstRow: row, firstLine: line, rows: 0, writtenAs };
      this.lateKeys.set(name, late);
    }
    late.rows++;
    return late.writtenAs;
  }

  /** One warning per late key (input or prediction): where it first came and where its values are, or that they are not in a CSV. */
  private lateKeyWarnings(file: string): string[] {
    const layout = this.layout;
    if (!layout) return [];
    const inputKeys = [...this.lateInputKeys].map(([name, late]) => `Input key "${textForMessage(name)}" first came in row ${(late.firstRow + 1).toLocaleString('en-US')} (line ${late.firstLine.toLocaleString('en-US')}), after the header of ${file} was written: its values (${late.rows.toLocaleString('en-US')} ${late.rows === 1 ? 'row' : 'rows'}) are not in the file. Score into a .jsonl file to keep every key.`);
    return [...inputKeys, ...[...this.lateKeys].map(([name, late]) => {
      const where = `Prediction key "${textForMessage(name)}" first came in row ${(late.firstRow + 1).toLocaleString('en-US')} (line ${late.firstLine.toLocaleString('en-US')}), after the output's columns were set by the first batch`;
      const rows = `${late.rows.toLocaleString('en-US')} ${late.rows === 1 ? 'row' : 'rows'}`;
      if (layout.format === 'jsonl') return `${where}: it is in ${file} as "${textForMessage(late.writtenAs)}" on the ${rows} that have it; the summary does not cover it.`;
      if (layout.extra) return `${where}: its values (${rows}) are in the "${layout.extra}" column of ${file} as JSON.`;
      return `${where}, whose predictions had no keys: its values (${rows}) are not in ${file}. Score into a .jsonl file to keep every key.`;
    })];
  }

  /**
   * JSON rows into a CSV: the header holds the keys read before the first batch was written. A key that first
   * comes later cannot get a column any more; it is still sent when the signature names it, and a warning says
   * which key and from which row its values are not in the file.
   */
  private noteLateInputKeys(layout: OutputLayout, batch: FileBatch): void {
    if (layout.format !== 'csv' || this.reader.columns.length <= layout.sourceColumns.length) return;
    const known = new Set(layout.sourceColumns);
    batch.rows.forEach((source, i) => {
      for (const key of Object.keys(source.row)) {
        if (known.has(key)) continue;
        const late = this.lateInputKeys.get(key) ?? { firstRow: batch.startRow + i, firstLine: source.line, rows: 0, writtenAs: key };
        late.rows++;
        this.lateInputKeys.set(key, late);
      }
    });
  }

  /** Counts (never times) how far the reader's parsing ran ahead of the output file. */
  private noteRowsHeld(): void {
    this.maxRowsParsedAhead = Math.max(this.maxRowsParsedAhead, this.reader.rowsParsed - this.rowsWritten);
  }

  private useLayout(layout: OutputLayout, headerToWrite = false): void {
    this.layout = layout;
    this.summary = new StreamingSummary(layout.outputs);
    this.needsHeader = headerToWrite && layout.format === 'csv';
  }

  /** Adds a written (or verified) row to the summary and, among the first ones, to the panel's rows. */
  private account(row: SourceRow, prediction: unknown[] | null, error: string | undefined): void {
    this.summary?.addRow(prediction);
    if (this.firstRows.length < this.firstRowLimit && this.layout) {
      this.firstRows.push({ line: row.line, inputs: this.layout.sourceColumns.map((c) => row.row[c]), prediction, ...(error ? { error } : {}) });
    }
  }

  /**
   * Batches still to send, estimated from the share of the file read (rows read so far over the bytes they took):
   * near the end of a run the concurrency controller stops probing above the endpoint's known capacity.
   */
  private remainingBatchesEstimate(): number | undefined {
    const { reader } = this;
    if (reader.totalBytes <= 0 || reader.bytesRead <= 0 || reader.rowsRead === 0) return undefined;
    const estimatedRows = (reader.rowsRead * reader.totalBytes) / reader.bytesRead;
    return Math.max(0, Math.ceil((estimatedRows - this.rowsWritten) / this.batchSize));
  }

  private reportProgress(): void {
    const { reader } = this;
    const seconds = (performance.now() - this.started) / 1000;
    const rowsThisRun = this.rowsWritten - this.resumedRows;
    // The share of the file written: the share of bytes read, scaled by the share of rows read that are written.
    const readShare = reader.totalBytes > 0 ? reader.bytesRead / reader.totalBytes : 1;
    const writtenShare = reader.rowsRead > 0 ? (readShare * this.rowsWritten) / reader.rowsRead : 0;
    this.resumedShare ??= reader.rowsRead > 0 ? (readShare * this.resumedRows) / reader.rowsRead : 0;
    const shareThisRun = writtenShare - this.resumedShare;
    this.request.onProgress?.({
      rowsWritten: this.rowsWritten,
      rowsPerSecond: seconds > 0 ? rowsThisRun / seconds : 0,
      etaSeconds: shareThisRun > 0 ? (seconds * Math.max(0, 1 - writtenShare)) / shareThisRun : undefined,
      failedBatches: this.failedBatches,
      concurrency: this.concurrency,
    });
  }

  private result(): ScoreFileResult {
    const cancelled = this.request.signal?.aborted === true;
    const complete = !cancelled && this.stoppedBy === undefined && this.malformedInput === undefined && !this.earlierOutputShort;
    const file = path.basename(this.request.outputPath);
    const n = this.rowsWritten;
    const message = this.message(complete, cancelled, file);
    return {
      outputPath: this.request.outputPath,
      layout: this.layout,
      rowsWritten: n,
      resumedRows: this.resumedRows,
      failedBatches: this.failedBatches,
      failedRows: this.failedRows,
      complete,
      cancelled,
      stoppedBy: this.stoppedBy,
      malformedInput: this.malformedInput,
      summaries: this.summary?.finish() ?? [],
      firstRows: this.firstRows,
      firstBatches: this.firstBatches,
      // The results page lists warnings: it says there why the output is incomplete.
      warnings: [
        ...(this.malformedInput ? [`Input stopped at a malformed record: ${this.malformedInput} The rows before it are in ${file}; fix the file, then Resume.`] : []),
        ...this.lateKeyWarnings(file),
        ...this.warnings,
      ],
      durationMs: Math.round(performance.now() - this.started),
      tokenRequests: this.sender.tokenRequestsMade,
      peakConcurrency: this.sender.limiter.peak,
      throttledResponses: this.sender.limiter.throttles,
      maxRowsAhead: this.maxRowsAhead,
      maxRowsParsedAhead: this.maxRowsParsedAhead,
      ...(this.retry ? { retry: { ...this.retryCounts } } : {}),
      message,
    };
  }

  /** What the run did, for its notification. */
  private message(complete: boolean, cancelled: boolean, file: string): string {
    const n = this.rowsWritten;
    const count = (value: number): string => value.toLocaleString('en-US');
    const failed = this.failedBatches > 0 ? ` ${this.failedBatches} failed ${this.failedBatches === 1 ? 'batch' : 'batches'} (${count(this.failedRows)} rows) say why in the "${this.layout?.error ?? 'error'}" column.` : '';
    const written = n > 0 ? `rows 1–${count(n)} written to ${file}, ${count(n + 1)}… not scored` : `no row written to ${file}`;
    const resumeAt = `continues from row ${count(n + 1)}.`;
    if (this.retry && !cancelled && this.stoppedBy === undefined && this.malformedInput === undefined) {
      const earlierFile = path.basename(this.request.retryFailedOf ?? '');
      const retried = retryMessage(this.retryCounts, file, earlierFile);
      return complete ? retried : `${retried} ${earlierFile} ends at row ${count(n)}, before the input does: Resume ${resumeAt}`;
    }
    if (complete) return `Scored ${this.resumedRows > 0 ? `the remaining ${count(n - this.resumedRows)} rows (${count(n)} in all)` : `all ${count(n)} rows`} into ${file}.${failed}`;
    if (cancelled) return `Cancelled: ${written}. Resume ${resumeAt}${failed}`;
    if (this.stoppedBy !== undefined) return `Stopped: ${written}: ${this.stoppedBy}. Resume ${resumeAt}${failed}`;
    return `Stopped at a malformed record: ${written}. ${this.malformedInput} Fix the file, then Resume ${resumeAt}${failed}`;
  }
}

/** The output's prediction columns: the output signature's, else the first answer's names or `prediction_1..n`. */
function predictionNames(outputColumns: string[] | undefined, result: SentBatch['result']): string[] {
  if (result?.columns?.length) return result.columns;
  if (outputColumns?.length) return outputColumns;
  const width = result?.predictions.reduce((w, p) => Math.max(w, p.length), 0) ?? 1;
  return width <= 1 ? ['prediction'] : Array.from({ length: width }, (_, i) => `prediction_${i + 1}`);
}

/** Predictions in the layout's column order (object predictions by name, value predictions by position). */
function alignPredictions(names: readonly string[], batchColumns: string[] | undefined, rows: unknown[][]): unknown[][] {
  if (!batchColumns) return rows.map((row) => names.map((_, c) => (row[c] === undefined ? null : row[c])));
  const at = names.map((name) => batchColumns.indexOf(name));
  return rows.map((row) => at.map((i) => (i >= 0 && row[i] !== undefined ? row[i] : null)));
}

/** "Batch 3 (rows 41–60, lines 42–61)", worded as the results page and the exports word a batch. */
function batchText(index: number, startRow: number, rows: readonly SourceRow[]): string {
  const range = rowsText({ startRow, endRow: startRow + rows.length });
  const lines = linesText({ startRow: 0, endRow: rows.length }, rows.map((r) => r.line));
  return `Batch ${index + 1} (${lines ? `${range}, ${lines}` : range})`;
}

function failureText(batch: FileBatch): string {
  const outcome = batch.sent?.outcome;
  const attempts = outcome && outcome.attempts > 1 ? ` after ${outcome.attempts} attempts` : '';
  return `${batchText(batch.index, batch.startRow, batch.rows)} failed${attempts}: ${outcome?.error ? describeError(outcome.error) : 'no answer'}`;
}

/** "12,300 rows written · 4,100 rows/s · about 25 s left · concurrency 6 · 2 failed batches" for the progress line. */
export function describeFileProgress(progress: FileProgress): string {
  const parts = [`${progress.rowsWritten.toLocaleString('en-US')} rows written`, `${Math.round(progress.rowsPerSecond).toLocaleString('en-US')} rows/s`];
  if (progress.etaSeconds !== undefined && Number.isFinite(progress.etaSeconds)) parts.push(`about ${formatSeconds(progress.etaSeconds)} left`);
  parts.push(`concurrency ${progress.concurrency}`);
  if (progress.failedBatches > 0) parts.push(`${progress.failedBatches} failed ${progress.failedBatches === 1 ? 'batch' : 'batches'}`);
  return parts.join(' · ');
}

function formatSeconds(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
