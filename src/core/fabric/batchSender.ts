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
import type { BatchScorer, RequestSlot, ScoreBatchResult } from './fabricClient';
import { isRetryableStatus } from './retry';
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

  /**
   * Scores one batch; never throws (the outcome says what went wrong). The body is built before the batch waits
   * for a concurrency slot, and the slot is held only while a request is at the endpoint (see RequestSlot), so a
   * slot an answer frees is taken at once by a batch that is ready to go.
   */
  async send(index: number, startRow: number, rows: unknown[][]): Promise<SentBatch> {
    const endRow = startRow + rows.length;
    if (this.stopped) return { outcome: this.notSent(index, startRow, endRow) };
    let earlierAttempts = 0;
    const slot = this.batchSlot();
    try {
      // The run's token as the attempt goes out: a batch that waited for its slot goes with one renewed meanwhile.
      let sentWith = this.token as string;
      const token = (): string => (sentWith = this.token as string);
      const scoreOptions = { signal: this.run.signal, outputColumns: this.options.outputColumns, slot, token };
      const { ref, columns, orientation } = this.options;
      const result = await this.client.scoreBatch(ref, columns, rows, orientation, scoreOptions).catch(async (error: unknown) => {
        // A token that expired during a long run: renew it once for everyone and resend this batch once.
        if (!(error instanceof FabricError && error.info.status === 401)) throw error;
        const stale = sentWith;
        const renewed = await this.renewToken(stale);
        if (renewed === stale) throw error;
        earlierAttempts = error.attempts;
        return this.client.scoreBatch(ref, columns, rows, orientation, scoreOptions);
      });
      const durationMs = slot.elapsed();
      return { result, outcome: { index, startRow, endRow, ok: true, durationMs, attempts: earlierAttempts + result.attempts, exchange: result.exchange } };
    } catch (error) {
      // Cancelled or stopped while it waited for its first slot: nothing was sent.
      if (!slot.sent) return { outcome: this.notSent(index, startRow, endRow) };
      const info = toFabricErrorInfo(error);
      const outcome: BatchOutcome = {
        index,
        startRow,
        endRow,
        ok: false,
        durationMs: slot.elapsed(),
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

  /**
   * One batch's hold on the limiter, taken before each attempt (its body is ready by then) and given back as soon
   * as the endpoint no longer serves it: when a 200 that says it is JSON has its headers in (its body is read
   * while the next batch goes out), or for a 429/503's Retry-After wait. Otherwise it is held until the batch
   * ends: after a 202 the operation still runs at the endpoint, and after a 401/403/404 or a 200 that is not
   * JSON no other batch may go before this one has renewed the token or stopped the run.
   */
  private batchSlot(): RequestSlot & { readonly sent: boolean; elapsed(): number; release(): void } {
    const limiter = this.limiter;
    let held = false;
    let sequence = 0;
    let firstTakenAt: number | undefined;
    const release = (): void => {
      if (held) limiter.release();
      held = false;
    };
    return {
      get sent() {
        return firstTakenAt !== undefined;
      },
      take: async (signal) => {
        if (held) return;
        sequence = await limiter.acquire(signal);
        held = true;
        // A failure every batch would repeat came back while this one waited: do not send it.
        if (firstTakenAt === undefined && this.stopReason !== undefined) {
          release();
          throw new Error('Not sent: the run stopped.');
        }
        firstTakenAt ??= performance.now();
      },
      answered: ({ status, latencyMs, json, retryAfterMs }) => {
        if (isRetryableStatus(status)) {
          limiter.throttled(sequence, retryAfterMs);
          release();
        } else if (status >= 200 && status < 300) {
          limiter.succeeded(latencyMs);
          if (status !== 202 && json) release();
        }
      },
      elapsed: () => (firstTakenAt === undefined ? 0 : Math.round(performance.now() - firstTakenAt)),
      release,
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

