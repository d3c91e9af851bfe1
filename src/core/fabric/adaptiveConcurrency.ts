// How many score requests a run keeps in flight. Fixed: the configured concurrency. Adaptive (AIMD): starts at
// the configured concurrency, adds one slot per round of requests while their latency holds and no 429/503
// comes back, halves on a 429/503 and never goes above the maximum. After a halving it climbs back quickly to
// just under the level that was throttled (that level was known to work), then probes above it only slowly,
// so that a run sits at the endpoint's real capacity with few 429s instead of see-sawing between C/2 and C.
// A throttled request gives up its slot while it waits for its Retry-After, so waiting never blocks the others.
// Near the end of a run it no longer probes above that level: a 429 there would hold the last batch back for its
// Retry-After, more than one more slot could save in the little time left.

export interface ConcurrencyOptions {
  /** The configured concurrency: where an adaptive run starts, and the whole story of a fixed one. */
  initial: number;
  /** Adaptive only: the most slots ever used (fabricMl.scoring.maxConcurrency). */
  maximum: number;
  adaptive: boolean;
  /** Called whenever the current limit changes (for progress). */
  onChange?: (limit: number) => void;
  /** Adaptive only: batches the run has not sent yet, when it knows (a probe needs enough work left to pay off). */
  remaining?: () => number | undefined;
}

/** A latency this many times the best seen so far means the endpoint is saturated: stop raising. */
const LATENCY_TOLERANCE = 2;
/** Above the last throttled level, one more slot only after this many rounds without a 429. */
const PROBE_ROUNDS = 64;
/** A probe above the last throttled level only while the work left would take this many Retry-After waits. */
const PROBE_PAYBACK = 2;
/** The Retry-After assumed for a 429/503 that came without one. */
const DEFAULT_RETRY_AFTER_MS = 1000;

export class ConcurrencyLimiter {
  private current: number;
  private readonly maximum: number;
  private inFlight = 0;
  private readonly waiting: Array<() => void> = [];
  /** The limit at which the last 429/503 came back; below it the limiter climbs fast. */
  private throttledAt: number | undefined;
  private bestLatencyMs = Infinity;
  /** Requests started before this sequence number saw the old limit: their 429s do not halve it again. */
  private decreaseEpoch = 0;
  private started = 0;
  /** The wait the last 429/503 asked for: what a probe that fails near the end costs the run. */
  private retryAfterMs = DEFAULT_RETRY_AFTER_MS;
  /** Largest limit used during the run. */
  peak: number;
  /** 429/503 answers seen (each one, also those that did not change the limit). */
  throttles = 0;

  constructor(private readonly options: ConcurrencyOptions) {
    this.maximum = options.adaptive ? Math.max(1, Math.floor(options.maximum)) : Math.max(1, Math.floor(options.initial));
    this.current = Math.min(this.maximum, Math.max(1, Math.floor(options.initial)));
    this.peak = this.current;
  }

  /** The whole number of requests allowed in flight now. */
  get limit(): number {
    return Math.floor(this.current);
  }

  get active(): number {
    return this.inFlight;
  }

  /** Waits for a slot (first come, first served); resolves with the sequence number of the request that takes it. */
  async acquire(signal?: AbortSignal): Promise<number> {
    if (signal?.aborted) throw abortError();
    if (this.waiting.length === 0 && this.inFlight < this.limit) {
      this.inFlight++;
      return this.started++;
    }
    await new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.waiting.indexOf(grant);
        if (at >= 0) this.waiting.splice(at, 1);
        reject(abortError());
      };
      // Called with the slot already counted as taken, so that no other request can take it meanwhile.
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      this.waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
    return this.started++;
  }

  release(): void {
    this.inFlight--;
    this.grantWaiting();
  }

  /** A request succeeded in `latencyMs` (called before its slot is released). */
  succeeded(latencyMs: number): void {
    if (!this.options.adaptive) return;
    this.bestLatencyMs = Math.min(this.bestLatencyMs, latencyMs);
    // Only a run that is using its slots learns anything by raising them (TCP's "cwnd-limited" rule).
    if (this.inFlight + 1 < this.limit) return;
    const below = this.throttledAt !== undefined && this.current + 1 < this.throttledAt;
    // Climbing back to a level that worked needs no proof; going higher needs latency that holds.
    if (!below && latencyMs > this.bestLatencyMs * LATENCY_TOLERANCE) return;
    if (this.throttledAt !== undefined && !below && !this.probePaysOff()) return;
    const step = this.throttledAt === undefined ? 1 / this.limit : below ? 1 : 1 / (this.limit * PROBE_ROUNDS);
    this.setLimit(Math.min(this.maximum, this.throttledAt !== undefined && below ? Math.min(this.current + step, this.throttledAt - 1) : this.current + step));
  }

  /** A request that started as `sequence` was answered 429/503 (asking to wait `retryAfterMs`): halve, once per round of requests. */
  throttled(sequence: number, retryAfterMs?: number): void {
    this.throttles++;
    this.retryAfterMs = retryAfterMs ?? DEFAULT_RETRY_AFTER_MS;
    if (!this.options.adaptive || sequence < this.decreaseEpoch) return;
    this.throttledAt = this.limit;
    this.decreaseEpoch = this.started;
    this.setLimit(Math.max(1, this.current / 2));
  }

  /** True unless the run says its work left would be done, at the current limit, before a few Retry-After waits. */
  private probePaysOff(): boolean {
    const remaining = this.options.remaining?.();
    if (remaining === undefined) return true;
    const timeLeftMs = (remaining / this.limit) * this.bestLatencyMs;
    return timeLeftMs > PROBE_PAYBACK * this.retryAfterMs;
  }

  private setLimit(value: number): void {
    const before = this.limit;
    this.current = value;
    this.peak = Math.max(this.peak, this.limit);
    if (this.limit !== before) this.options.onChange?.(this.limit);
    this.grantWaiting();
  }

  /** Hands free slots to the requests waiting longest, one each. */
  private grantWaiting(): void {
    while (this.waiting.length > 0 && this.inFlight < this.limit) {
      this.inFlight++;
      this.waiting.shift()?.();
    }
  }
}

function abortError(): Error {
  const error = new Error('Cancelled.');
  error.name = 'AbortError';
  return error;
}
