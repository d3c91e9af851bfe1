// What one scoring run shares across its batches, whether its rows are in memory (runScoring) or streamed from a
// file (scoreFileToFile): the run's one token (renewed once for everyone if Fabric rejects it with 401), the
// concurrency limiter (fixed or adaptive), the stop reason after a failure every batch would repeat, and the
// outcome of each batch with its exact row range.
import { setMaxListeners } from 'node:events';
import { scoreUrl } from '../endpoints/endpointUrl';
import type { EndpointRef } from '../endpoints/model';
import { ConcurrencyLimiter } from './adaptiveConcurrency';
import { describeError, rowsText } from '../text';
import { FabricError, toFabricErrorInfo } from './fabricError';
import type { BatchScorer, RetryGate, ScoreBatchResult } from './fabricClient';
import type { BatchOutcome, FabricErrorInfo, Orientation } from './types';

export interface BatchSenderOptions {
  ref: EndpointRef;
  columns: string[];
  orientation: Orientation;
  outputColumns?: string[];
  /** The configured concurrency (where an adaptive run starts). */
  concurrency: number;
  /** Set: adapt between 1 and this maximum (AIMD). Unset: keep `concurrency`. */
  maxConcurrency?: number;
  onConcurrency?: (limit: number) => void;
  /** Batches not sent yet, when the run knows: an adaptive run stops probing for more near its end. */
  remainingBatches?: () => number | undefined;
}

export interface SentBatch {
  outcome: BatchOutcome;
  /** Set when the batch succeeded. */
  result?: ScoreBatchResult;
}

/** Set when a batch fails in a way every other batch would repeat (auth, access, wrong endpoint). */
export interface StopReason {
  info: FabricErrorInfo;
  startRow: number;
  endRow: number;
}

export class BatchSender {
  readonly limiter: ConcurrencyLimiter;
  /** One controller for the run, so that a cancel aborts every batch in flight. */
  private readonly run = new AbortController();
  private token: string | undefined;
  private renewal: Promise<string> | undefined;
  private tokenCalls = 0;
  stopReason: StopReason | undefined;

  constructor(
    private readonly client: BatchScorer,
    private readonly options: BatchSenderOptions,
    private readonly userSignal: AbortSignal | undefined,
  ) {
    const adaptive = options.maxConcurrency !== undefined && options.maxConcurrency > 1;
    this.limiter = new ConcurrencyLimiter({ initial: options.concurrency, maximum: options.maxConcurrency ?? options.concurrency, adaptive, onChange: options.onConcurrency, remaining: options.remainingBatches });
    // Every batch in flight (fetch, Retry-After wait, slot wait) listens to the run's signal: up to 64 at once.
    setMaxListeners(4 * Math.max(16, options.maxConcurrency ?? options.concurrency), this.run.signal);
    if (userSignal?.aborted) this.run.abort();
    userSignal?.addEventListener('abort', this.onCancel, { once: true });
  }

  private readonly onCancel = (): void => this.run.abort();

  get signal(): AbortSignal {
    return this.run.signal;
  }

  /** True once the user cancelled or a failure stopped the run: no new batch may start. */
  get stopped(): boolean {
    return this.run.signal.aborted || this.stopReason !== undefined;
  }

  get tokenRequestsMade(): number {
    return this.tokenCalls;
  }

  /** Checks the host (before any token is asked for), then gets the run's token. */
  async start(): Promise<void> {
    this.client.assertTokenHostAllowed(scoreUrl(this.options.ref));
    this.tokenCalls++;
    this.token = await this.client.acquireToken(this.run.signal);
  }

  dispose(): void {
    this.userSignal?.removeEventListener('abort', this.onCancel);
  }

  /** Scores one batch within a concurrency slot; never throws (the outcome says what went wrong). */
  async send(index: number, startRow: number, rows: unknown[][]): Promise<SentBatch> {
    const endRow = startRow + rows.length;
    let earlierAttempts = 0;
    let sequence: number;
    try {
      sequence = await this.limiter.acquire(this.run.signal);
    } catch {
      return { outcome: this.notSent(index, startRow, endRow) };
    }
    if (this.stopReason !== undefined) {
      this.limiter.release();
      return { outcome: this.notSent(index, startRow, endRow) };
    }
    // Measured from the slot on: the limiter judges the endpoint's latency, not the run's own queue.
    const started = performance.now();
    const slot = this.slotGate(sequence);
    try {
      const sentWith = this.token as string;
      const scoreOptions = { signal: this.run.signal, outputColumns: this.options.outputColumns, gate: slot.gate };
      const { ref, columns, orientation } = this.options;
      const result = await this.client.scoreBatch(ref, columns, rows, orientation, { ...scoreOptions, token: sentWith }).catch(async (error: unknown) => {
        // A token that expired during a long run: renew it once for everyone and resend this batch once.
        if (!(error instanceof FabricError && error.info.status === 401)) throw error;
        const renewed = await this.renewToken(sentWith);
        if (renewed === sentWith) throw error;
        earlierAttempts = error.attempts;
        return this.client.scoreBatch(ref, columns, rows, orientation, { ...scoreOptions, token: renewed });
      });
      const durationMs = elapsed(started);
      if (result.attempts === 1 && earlierAttempts === 0) this.limiter.succeeded(durationMs);
      return { result, outcome: { index, startRow, endRow, ok: true, durationMs, attempts: earlierAttempts + result.attempts, exchange: result.exchange } };
    } catch (error) {
      const info = toFabricErrorInfo(error);
      const outcome: BatchOutcome = {
        index,
        startRow,
        endRow,
        ok: false,
        durationMs: elapsed(started),
        attempts: earlierAttempts + (error instanceof FabricError ? error.attempts : 0),
        error: info,
        exchange: error instanceof FabricError ? error.exchange : undefined,
      };
      if (info.kind !== 'aborted' && this.stopReason === undefined && repeatsForEveryBatch(error, info)) this.stopReason = { info, startRow, endRow };
      return { outcome };
    } finally {
      slot.release();
    }
  }

  /** The outcome of a batch that was never sent (cancelled run, or stopped after a fatal failure). */
  notSent(index: number, startRow: number, endRow: number): BatchOutcome {
    const stop = this.stopReason;
    const error: FabricErrorInfo = stop
      ? { ...stop.info, message: `Not sent: ${rowsText(stop)} failed with an error every batch would repeat (${describeError(stop.info, { kind: false })}).` }
      : { kind: 'aborted', message: 'Not sent: the run was cancelled.' };
    return { index, startRow, endRow, ok: false, durationMs: 0, attempts: 0, error };
  }

  /** The batch's slot: given up while a 429/503 Retry-After is waited out, taken again before the resend. */
  private slotGate(sequence: number): { gate: RetryGate; release(): void } {
    let held = true;
    let current = sequence;
    const gate: RetryGate = {
      throttled: (_status, retryAfterMs) => {
        this.limiter.throttled(current, retryAfterMs);
        if (held) this.limiter.release();
        held = false;
      },
      resume: async (signal) => {
        current = await this.limiter.acquire(signal);
        held = true;
      },
    };
    return {
      gate,
      release: () => {
        if (held) this.limiter.release();
        held = false;
      },
    };
  }

  /** Asks the supplier for a new token unless another batch already did since `stale` was handed out. */
  private renewToken(stale: string): Promise<string> {
    if (this.token !== stale) return Promise.resolve(this.token as string);
    this.renewal ??= (async () => {
      this.tokenCalls++;
      this.token = await this.client.acquireToken(this.run.signal);
      return this.token;
    })().finally(() => {
      this.renewal = undefined;
    });
    return this.renewal;
  }
}

/** Failures that no other batch can escape: sending the rest would only repeat the error N times. */
function repeatsForEveryBatch(error: unknown, info: FabricErrorInfo): boolean {
  if (error instanceof FabricError && error.everyBatchWouldRepeat) return true;
  if (info.kind === 'hostNotAllowed' || info.kind === 'auth') return true;
  return info.kind === 'http' && (info.status === 401 || info.status === 403 || info.status === 404);
}

function elapsed(since: number): number {
  return Math.round(performance.now() - since);
}
