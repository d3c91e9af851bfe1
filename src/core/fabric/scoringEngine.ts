// A scoring run: rows split into batches, at most `concurrency` batches in flight, one token for the whole
// run (renewed only if Fabric rejects it with 401), predictions joined back by row order. A failed batch is
// recorded with its row range and does not lose the others; cancelling stops new batches, aborts the ones
// in flight and keeps what finished.
import { scoreUrl } from '../endpoints/endpointUrl';
import { describeError, rowsText } from '../text';
import { FabricError, toFabricErrorInfo } from './fabricError';
import type { BatchScorer } from './fabricClient';
import type { BatchOutcome, FabricErrorInfo, ScoreRunRequest, ScoreRunResult } from './types';

export interface RunScoringOptions {
  /** Wire token requests so far (e.g. TokenSource.networkTokenRequests); the run reports its delta. */
  tokenRequestCount?: () => number;
}

export async function runScoring(client: BatchScorer, request: ScoreRunRequest, options: RunScoringOptions = {}): Promise<ScoreRunResult> {
  const started = performance.now();
  const { ref, columns, rows, orientation } = request;
  const total = rows.length;
  const batchSize = Math.max(1, Math.floor(request.batchSize));
  const concurrency = Math.max(1, Math.floor(request.concurrency));
  const batchCount = Math.ceil(total / batchSize);
  // Before any token is asked for: a refused host must not even cause a token request.
  if (batchCount > 0) client.assertTokenHostAllowed(scoreUrl(ref));
  const predictions: Array<unknown[] | undefined> = new Array<unknown[] | undefined>(total).fill(undefined);
  const outcomes: Array<BatchOutcome | undefined> = new Array<BatchOutcome | undefined>(batchCount).fill(undefined);
  const tokensBefore = options.tokenRequestCount?.() ?? 0;
  let tokenCalls = 0;

  // One controller for the run, so that a user cancel aborts every batch in flight.
  const run = new AbortController();
  const onCancel = (): void => run.abort();
  if (request.signal?.aborted) run.abort();
  request.signal?.addEventListener('abort', onCancel, { once: true });

  // Names of the prediction columns once a batch answered with objects; later batches may add keys.
  const columnsByName = new Map<string, number>((request.outputColumns ?? []).map((name, i) => [name, i]));
  let namedColumns = false;
  /** Puts a batch's object predictions in the run's columns (the signature's, then every key in first-seen order). */
  const toRunColumns = (batchColumns: string[], row: unknown[]): unknown[] => {
    namedColumns = true;
    const out: unknown[] = [];
    batchColumns.forEach((name, i) => {
      let at = columnsByName.get(name);
      if (at === undefined) columnsByName.set(name, (at = columnsByName.size));
      out[at] = row[i];
    });
    return out;
  };

  const finish = (): ScoreRunResult => {
    request.signal?.removeEventListener('abort', onCancel);
    const outputColumns = namedColumns ? [...columnsByName.keys()] : undefined;
    if (outputColumns) padRows(predictions, outputColumns.length);
    return {
      outputColumns,
      predictions,
      batches: outcomes.map((outcome, index) => outcome ?? notSent(index, batchSize, total, stopReason)),
      tokenRequests: options.tokenRequestCount ? options.tokenRequestCount() - tokensBefore : tokenCalls,
      durationMs: Math.round(performance.now() - started),
      cancelled: request.signal?.aborted === true,
    };
  };

  /** Set when a batch fails in a way every other batch would repeat (auth, access, wrong endpoint). */
  let stopReason: StopReason | undefined;
  if (batchCount === 0) return finish();

  let token: string;
  try {
    tokenCalls++;
    token = await client.acquireToken(run.signal);
  } catch (error) {
    if (run.signal.aborted) return finish();
    request.signal?.removeEventListener('abort', onCancel);
    throw error;
  }

  let renewal: Promise<string> | undefined;
  /** Asks the supplier for a new token unless another batch already did since `stale` was handed out. */
  const renewToken = (stale: string): Promise<string> => {
    if (token !== stale) return Promise.resolve(token);
    renewal ??= (async () => {
      tokenCalls++;
      token = await client.acquireToken(run.signal);
      return token;
    })().finally(() => {
      renewal = undefined;
    });
    return renewal;
  };

  let nextBatch = 0;
  let rowsDone = 0;
  request.onProgress?.(0, total);

  const worker = async (): Promise<void> => {
    while (!run.signal.aborted && stopReason === undefined && nextBatch < batchCount) {
      const index = nextBatch++;
      const startRow = index * batchSize;
      const endRow = Math.min(total, startRow + batchSize);
      const batchStarted = performance.now();
      const batchRows = rows.slice(startRow, endRow);
      let earlierAttempts = 0;
      try {
        const sentWith = token;
        const result = await client.scoreBatch(ref, columns, batchRows, orientation, { signal: run.signal, token: sentWith, outputColumns: request.outputColumns }).catch(async (error: unknown) => {
          // A token that expired during a long run: renew it once for everyone and resend this batch once.
          if (!(error instanceof FabricError && error.info.status === 401)) throw error;
          const renewed = await renewToken(sentWith);
          if (renewed === sentWith) throw error;
          earlierAttempts = error.attempts;
          return client.scoreBatch(ref, columns, batchRows, orientation, { signal: run.signal, token: renewed, outputColumns: request.outputColumns });
        });
        const { columns: batchColumns } = result;
        for (let i = 0; i < result.predictions.length; i++) {
          predictions[startRow + i] = batchColumns ? toRunColumns(batchColumns, result.predictions[i]) : result.predictions[i];
        }
        outcomes[index] = { index, startRow, endRow, ok: true, durationMs: elapsed(batchStarted), attempts: earlierAttempts + result.attempts, exchange: result.exchange };
      } catch (error) {
        const info = toFabricErrorInfo(error);
        outcomes[index] = {
          index,
          startRow,
          endRow,
          ok: false,
          durationMs: elapsed(batchStarted),
          attempts: earlierAttempts + (error instanceof FabricError ? error.attempts : 0),
          error: info,
          exchange: error instanceof FabricError ? error.exchange : undefined,
        };
        if (info.kind === 'aborted') continue;
        if (stopReason === undefined && repeatsForEveryBatch(error, info)) stopReason = { info, startRow, endRow };
      }
      rowsDone += endRow - startRow;
      request.onProgress?.(rowsDone, total);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batchCount) }, worker));
  return finish();
}

interface StopReason {
  info: FabricErrorInfo;
  startRow: number;
  endRow: number;
}

/** Failures that no other batch can escape: sending the rest would only repeat the error N times. */
function repeatsForEveryBatch(error: unknown, info: FabricErrorInfo): boolean {
  if (error instanceof FabricError && error.everyBatchWouldRepeat) return true;
  if (info.kind === 'hostNotAllowed' || info.kind === 'auth') return true;
  return info.kind === 'http' && (info.status === 401 || info.status === 403 || info.status === 404);
}

/** The outcome of a batch that was never sent (cancelled run, or stopped after a fatal failure). */
function notSent(index: number, batchSize: number, total: number, stopReason: StopReason | undefined): BatchOutcome {
  const startRow = index * batchSize;
  const endRow = Math.min(total, startRow + batchSize);
  const error: FabricErrorInfo = stopReason
    ? {
        ...stopReason.info,
        message: `Not sent: ${rowsText(stopReason)} failed with an error every batch would repeat (${describeError(stopReason.info, { kind: false })}).`,
      }
    : { kind: 'aborted', message: 'Not sent: the run was cancelled.' };
  return { index, startRow, endRow, ok: false, durationMs: 0, attempts: 0, error };
}

/** Every scored row gets a value (null) for every column, also those that later batches added. */
function padRows(rows: Array<unknown[] | undefined>, width: number): void {
  for (const row of rows) {
    if (!row) continue;
    for (let c = 0; c < width; c++) if (row[c] === undefined) row[c] = null;
  }
}

function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}
