// Waiting rules shared by requests and LRO polling: Retry-After parsing, cancellable sleeps, and the backoff
// used when the server gave no Retry-After (dropped connections, a 429 without the header).

/** Statuses Fabric documents as "try again after Retry-After". Other 4xx are the caller's fault. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 503;
}

/**
 * Retry-After as milliseconds: delta-seconds ("30", also "1.5") or an HTTP-date. Undefined when absent or
 * unreadable, so the caller can fall back to its own backoff.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Exponential backoff for retries without a server hint: 250 ms, 500 ms, 1 s, … capped at 8 s. */
export function backoffMs(retryIndex: number): number {
  return Math.min(8000, 250 * 2 ** retryIndex);
}

export class SleepAbortedError extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'SleepAbortedError';
  }
}

/** Resolves after `ms`, or rejects with SleepAbortedError as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(new SleepAbortedError());
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(new SleepAbortedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** "250 ms", "4 s", "2.5 s": durations in messages. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
