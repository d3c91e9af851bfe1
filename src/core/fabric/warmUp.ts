// Cold start: a version with auto-sleep on (scale rule AllowScaleToZero) wakes on its first call after idle,
// and that call can take seconds to minutes. Before fanning out batches, one warm-up batch goes alone while the
// progress says "waking the endpoint (auto-sleep)… 12 s"; a timeout on it says so and suggests turning
// auto-sleep off for Dataflow use. A separate step in front of runScoring (the engine itself is unchanged).
import { describeError } from '../text';
import type { BatchScorer } from './fabricClient';
import { runScoring, type RunScoringOptions } from './scoringEngine';
import type { BatchOutcome, FabricErrorInfo, ScoreRunRequest, ScoreRunResult } from './types';

export const WARMING_TEXT = 'waking the endpoint (auto-sleep)…';

export const COLD_START_TIMEOUT_HINT =
  'The endpoint has auto-sleep on and may still have been waking up: try again in a minute. For Dataflow use, turn auto-sleep off (Fabric ML: Turn Auto-sleep Off), since a refresh does not wait for the endpoint to wake.';

export interface WarmUpOptions extends RunScoringOptions {
  /** True when the version has auto-sleep on: only then is a warm-up batch sent first. */
  autoSleep: boolean;
  /** Progress text while the warm-up batch is out (with the elapsed seconds), about once a second. */
  onStatus?: (message: string) => void;
  /** How often onStatus is called while waiting (default 1000 ms). */
  statusIntervalMs?: number;
}

/** runScoring, preceded by one warm-up batch when the version has auto-sleep on. */
export async function runScoringWithWarmUp(client: BatchScorer, request: ScoreRunRequest, options: WarmUpOptions): Promise<ScoreRunResult> {
  if (!options.autoSleep || request.rows.length === 0) return runScoring(client, request, options);
  const total = request.rows.length;
  const batchSize = Math.max(1, Math.floor(request.batchSize));
  const started = performance.now();
  const status = (): void => options.onStatus?.(`${WARMING_TEXT} ${Math.round((performance.now() - started) / 1000)} s`);
  status();
  const ticker = setInterval(status, options.statusIntervalMs ?? 1000);
  let first: ScoreRunResult;
  try {
    first = await runScoring(client, { ...request, rows: request.rows.slice(0, batchSize), concurrency: 1, onProgress: (done, _total, info) => request.onProgress?.(done, total, info) }, options);
  } finally {
    clearInterval(ticker);
  }
  for (const batch of first.batches) if (batch.error?.kind === 'timeout') batch.error = withHint(batch.error);
  if (total <= batchSize) return first;
  const warmUpError = first.batches[0]?.error;
  if (first.cancelled || (warmUpError && everyBatchWouldRepeat(warmUpError))) {
    return merge(first, notSentRest(batchSize, total, warmUpError, first.cancelled), total, performance.now() - started);
  }
  const rest = await runScoring(client, { ...request, rows: request.rows.slice(batchSize), onProgress: (done, _total, info) => request.onProgress?.(batchSize + done, total, info) }, options);
  return merge(first, rest, total, performance.now() - started);
}

function withHint(error: FabricErrorInfo): FabricErrorInfo {
  return { ...error, message: `${error.message} ${COLD_START_TIMEOUT_HINT}` };
}

/** Refused access, a wrong address or a host the token may not go to: the other batches would get the same. */
function everyBatchWouldRepeat(error: FabricErrorInfo): boolean {
  return error.kind === 'auth' || error.kind === 'hostNotAllowed' || error.status === 401 || error.status === 403 || error.status === 404;
}

function notSentRest(batchSize: number, total: number, cause: FabricErrorInfo | undefined, cancelled: boolean): ScoreRunResult {
  const batches: BatchOutcome[] = [];
  for (let start = batchSize, index = 0; start < total; start += batchSize, index++) {
    const error: FabricErrorInfo =
      cancelled || !cause
        ? { kind: 'aborted', message: 'Not sent: the run was cancelled.' }
        : { ...cause, message: `Not sent: the warm-up batch failed with an error every batch would repeat (${describeError(cause)}).` };
    batches.push({ index, startRow: start - batchSize, endRow: Math.min(total, start + batchSize) - batchSize, ok: false, durationMs: 0, attempts: 0, error });
  }
  return { predictions: new Array<undefined>(total - batchSize).fill(undefined), batches, tokenRequests: 0, durationMs: 0, cancelled };
}

/** The warm-up run and the rest as one run: rows, batch indexes and prediction columns in the whole run's terms. */
function merge(first: ScoreRunResult, rest: ScoreRunResult, total: number, durationMs: number): ScoreRunResult {
  const offsetRows = first.predictions.length;
  const offsetBatches = first.batches.length;
  const columns = mergeColumns(first.outputColumns, rest.outputColumns);
  const remap = (row: unknown[] | undefined, own: string[] | undefined): unknown[] | undefined => {
    if (!row || !columns || !own) return row;
    const out: unknown[] = columns.map(() => null);
    own.forEach((name, i) => (out[columns.indexOf(name)] = row[i] ?? null));
    return out;
  };
  const predictions = [...first.predictions.map(r => remap(r, first.outputColumns)), ...rest.predictions.map(r => remap(r, rest.outputColumns))];
  predictions.length = total;
  return {
    outputColumns: columns,
    predictions,
    batches: [
      ...first.batches,
      ...rest.batches.map(b => ({ ...b, index: b.index + offsetBatches, startRow: b.startRow + offsetRows, endRow: b.endRow + offsetRows })),
    ],
    tokenRequests: first.tokenRequests + rest.tokenRequests,
    durationMs: Math.round(durationMs),
    cancelled: first.cancelled || rest.cancelled,
  };
}

function mergeColumns(a: string[] | undefined, b: string[] | undefined): string[] | undefined {
  if (!a && !b) return undefined;
  return [...new Set([...(a ?? []), ...(b ?? [])])];
}
