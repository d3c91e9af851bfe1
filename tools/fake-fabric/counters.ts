// What the fake server received, so tests and the benchmark can assert what the extension sent (one token
// per run, no request at all after a declined confirmation, the concurrency it kept…).

export interface FakeCounters {
  tokenRequests: number;
  scoreRequests: number;
  scoreRowsReceived: number;
  inFlight: number;
  maxInFlight: number;
  metadataRequests: number;
  operationPolls: number;
  resultRequests: number;
  casingMismatches: number;
  unauthorized: number;
}

export function emptyCounters(): FakeCounters {
  return {
    tokenRequests: 0,
    scoreRequests: 0,
    scoreRowsReceived: 0,
    inFlight: 0,
    maxInFlight: 0,
    metadataRequests: 0,
    operationPolls: 0,
    resultRequests: 0,
    casingMismatches: 0,
    unauthorized: 0,
  };
}

/** Zeroes every counter; requests still being served keep their place, so inFlight never goes negative. */
export function resetCounters(counters: FakeCounters): void {
  const inFlight = counters.inFlight;
  Object.assign(counters, emptyCounters(), { inFlight, maxInFlight: inFlight });
}

/** Counts `work` as one request in flight while it runs. */
export async function countInFlight(counters: FakeCounters, work: () => Promise<void>): Promise<void> {
  counters.inFlight++;
  counters.maxInFlight = Math.max(counters.maxInFlight, counters.inFlight);
  try {
    await work();
  } finally {
    counters.inFlight--;
  }
}
