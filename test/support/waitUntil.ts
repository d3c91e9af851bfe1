// A bounded wait for unit tests: polls a condition and fails with what was awaited once the limit is reached,
// instead of looping until mocha's timeout gives a message that says nothing.

export interface WaitOptions {
  /** Default 5 000 ms: far above what a loopback request takes, well below mocha's timeout. */
  timeoutMs?: number;
  intervalMs?: number;
}

export async function waitUntil(condition: () => boolean, what: string, options: WaitOptions = {}): Promise<void> {
  const { timeoutMs = 5_000, intervalMs = 5 } = options;
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() >= deadline) throw new Error(`Gave up after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
