// A scoring run over rows in memory: rows split into batches, sent through one BatchSender (one token for the
// run, a fixed or adaptive number of batches in flight), predictions joined back by row order. A failed batch is
// recorded with its row range and does not lose the others; cancelling stops new batches, aborts the ones in
// flight and keeps what finished.
import { BatchSender } from './batchSender';
import type { BatchScorer } from './fabricClient';
import type { BatchOutcome, ScoreRunRequest, ScoreRunResult } from './types';

export interface RunScoringOptions {
  /** Wire token requests so far (e.g. TokenSource.networkTokenRequests); the run reports its delta. */
  tokenRequestCount?: () => number;
}

export async function runScoring(client: BatchScorer, request: ScoreRunRequest, options: RunScoringOptions = {}): Promise<ScoreRunResult> {
  const started = performance.now();
  const { rows } = request;
  const total = rows.length;
  const batchSize = Math.max(1, Math.floor(request.batchSize));
  const batchCount = Math.ceil(total / batchSize);
  const predictions: Array<unknown[] | undefined> = new Array<unknown[] | undefined>(total).fill(undefined);
  const outcomes: Array<BatchOutcome | undefined> = new Array<BatchOutcome | undefined>(batchCount).fill(undefined);
  const tokensBefore = options.tokenRequestCount?.() ?? 0;
  let concurrencyNow = Math.max(1, Math.floor(request.concurrency));
  let rowsDone = 0;
  let nextBatch = 0;
  const report = (): void => request.onProgress?.(rowsDone, total, { concurrency: concurrencyNow });
  const sender = new BatchSender(
    client,
    { ...request, concurrency: concurrencyNow, onConcurrency: (limit) => { concurrencyNow = limit; report(); }, remainingBatches: () => batchCount - nextBatch },
    request.signal,
  );
  const columns = new RunColumns(request.outputColumns);

  const finish = (): ScoreRunResult => {
    sender.dispose();
    const outputColumns = columns.names;
    if (outputColumns) padRows(predictions, outputColumns.length);
    return {
      outputColumns,
      predictions,
      batches: outcomes.map((outcome, index) => outcome ?? sender.notSent(index, index * batchSize, Math.min(total, (index + 1) * batchSize))),
      tokenRequests: options.tokenRequestCount ? options.tokenRequestCount() - tokensBefore : sender.tokenRequestsMade,
      durationMs: Math.round(performance.now() - started),
      cancelled: request.signal?.aborted === true,
      peakConcurrency: sender.limiter.peak,
      throttledResponses: sender.limiter.throttles,
    };
  };
  if (batchCount === 0) return finish();

  try {
    await sender.start();
  } catch (error) {
    if (sender.signal.aborted) return finish();
    sender.dispose();
    throw error;
  }

  report();
  const worker = async (): Promise<void> => {
    while (!sender.stopped && nextBatch < batchCount) {
      const index = nextBatch++;
      const startRow = index * batchSize;
      const endRow = Math.min(total, startRow + batchSize);
      const { outcome, result } = await sender.send(index, startRow, rows.slice(startRow, endRow));
      outcomes[index] = outcome;
      if (result) {
        for (let i = 0; i < result.predictions.length; i++) predictions[startRow + i] = columns.place(result.columns, result.predictions[i]);
      }
      if (outcome.error?.kind === 'aborted') continue;
      rowsDone += endRow - startRow;
      report();
    }
  };
  // One worker per slot the run may ever use, plus one whose batch is ready when an answer frees a slot; the
  // limiter decides how many of them send at once.
  const workers = Math.min(batchCount, Math.max(sender.limiter.limit, request.maxConcurrency ?? 0) + 1);
  await Promise.all(Array.from({ length: workers }, worker));
  return finish();
}

/** Names of the prediction columns once a batch answered with objects; later batches may add keys. */
export class RunColumns {
  private readonly byName: Map<string, number>;
  private named = false;

  constructor(outputColumns: readonly string[] | undefined) {
    this.byName = new Map((outputColumns ?? []).map((name, i) => [name, i]));
  }

  /** The signature's names, then every key in first-seen order; undefined while predictions were plain values. */
  get names(): string[] | undefined {
    return this.named ? [...this.byName.keys()] : undefined;
  }

  /** Puts a batch's object predictions in the run's columns; value predictions stay as they are. */
  place(batchColumns: string[] | undefined, row: unknown[]): unknown[] {
    if (!batchColumns) return row;
    this.named = true;
    const out: unknown[] = [];
    batchColumns.forEach((name, i) => {
      let at = this.byName.get(name);
      if (at === undefined) this.byName.set(name, (at = this.byName.size));
      out[at] = row[i];
    });
    return out;
  }
}

/** Every scored row gets a value (null) for every column, also those that later batches added. */
function padRows(rows: Array<unknown[] | undefined>, width: number): void {
  for (const row of rows) {
    if (!row) continue;
    for (let c = 0; c < width; c++) if (row[c] === undefined) row[c] = null;
  }
}
