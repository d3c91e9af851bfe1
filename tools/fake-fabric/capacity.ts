// A scoring endpoint's capacity: at most `concurrent` score requests are served at once, and a request beyond
// that is answered at once with 429 and Retry-After, as a Fabric endpoint with a fixed number of nodes does.
// Used by the adaptive-concurrency tests and the throttling benchmark; off unless a capacity is set.
import { sendFabricError, type Exchange } from './http';

export interface CapacityOptions {
  /** Score requests served at once; more are answered 429. */
  concurrent: number;
  /** Retry-After sent with the 429, in seconds (a fraction is allowed; default 1). */
  retryAfterSeconds?: number;
}

/** How the capacity's slots were used since the last reset: lets the benchmark say where a run lost time. */
export interface CapacityUsage {
  /** Requests answered 429 because the capacity was full. */
  throttled: number;
  /** Requests served within the capacity. */
  served: number;
  /** Sum over served requests of the time each held its slot (latency, model and answer included), in ms. */
  busyMs: number;
}

export class ScoreCapacity {
  private limit: CapacityOptions | undefined;
  private active = 0;
  /** Requests answered 429 because the capacity was full. */
  throttled = 0;
  private served = 0;
  private busyMs = 0;

  get usage(): CapacityUsage {
    return { throttled: this.throttled, served: this.served, busyMs: this.busyMs };
  }

  /** Zeroes the usage (with the server's counters); requests being served keep their slot. */
  resetUsage(): void {
    this.throttled = 0;
    this.served = 0;
    this.busyMs = 0;
  }

  /** Sets the capacity (undefined: unlimited). */
  configure(options: CapacityOptions | undefined): void {
    this.limit = options ? { concurrent: Math.max(1, Math.floor(options.concurrent)), retryAfterSeconds: options.retryAfterSeconds ?? 1 } : undefined;
  }

  get options(): CapacityOptions | undefined {
    return this.limit ? { ...this.limit } : undefined;
  }

  /**
   * Runs `work` within the capacity, or answers 429 + Retry-After when it is full. The slot is held until
   * `work` ends, so the capacity counts requests being served, latency included.
   */
  async serve(exchange: Exchange, work: () => Promise<void>): Promise<void> {
    const limit = this.limit;
    if (!limit) return work();
    if (this.active >= limit.concurrent) {
      this.throttled++;
      const retryAfter = String(limit.retryAfterSeconds);
      sendFabricError(exchange, 429, 'RequestBlocked', `The endpoint is serving ${limit.concurrent} requests, its capacity. Retry after ${retryAfter} s.`, {
        headers: { 'retry-after': retryAfter },
        extra: { isRetriable: true },
      });
      return;
    }
    this.active++;
    const started = performance.now();
    try {
      await work();
    } finally {
      this.active--;
      this.served++;
      this.busyMs += performance.now() - started;
    }
  }
}
