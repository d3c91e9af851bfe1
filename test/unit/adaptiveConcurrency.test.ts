// Adaptive concurrency against the fake server's capacity (C requests served at once, 429 + Retry-After beyond):
// the run climbs from the configured concurrency, halves on the 429s, never passes its maximum, and every row is
// still scored.
import * as assert from 'node:assert/strict';
import { parseScoreUrl } from '../../src/core/endpoints/endpointUrl';
import type { EndpointRef } from '../../src/core/endpoints/model';
import { runScoring } from '../../src/core/fabric/scoringEngine';
import type { ScoreRunRequest } from '../../src/core/fabric/types';
import { FakeFabricServer } from '../../tools/fake-fabric';
import { CHURN_COLUMNS, churnRows, clientFor, expectedPredictions } from '../support/fabricTestKit';

describe('adaptive concurrency against an endpoint with a fixed capacity', () => {
  let server: FakeFabricServer;
  let ref: EndpointRef;

  before(async () => {
    server = await FakeFabricServer.start({ latencyMs: 15 });
  });
  after(async () => {
    await server.close();
  });
  beforeEach(() => {
    server.resetCounters();
    server.setCapacity(undefined);
    ref = parseScoreUrl(server.scoreUrl('1'), { allowLoopback: true });
  });

  function request(rows: unknown[][], overrides: Partial<ScoreRunRequest>): ScoreRunRequest {
    return { ref, columns: CHURN_COLUMNS, rows, batchSize: 5, concurrency: 2, orientation: 'values', ...overrides };
  }

  it('climbs to the capacity, halves on 429, never exceeds the maximum and scores every row', async () => {
    server.setCapacity({ concurrent: 4, retryAfterSeconds: 0.02 });
    const rows = churnRows(1200);
    const limits: number[] = [];
    const result = await runScoring(clientFor(server, { maxRetries: 10 }), request(rows, { maxConcurrency: 8, onProgress: (_done, _total, { concurrency }) => limits.push(concurrency) }));
    assert.deepEqual(result.predictions, expectedPredictions(rows));
    assert.ok(result.batches.every(b => b.ok));
    const throttled = server.throttledByCapacity;
    assert.ok(throttled >= 1, 'the run probed above the capacity at least once');
    assert.equal(result.throttledResponses, throttled);
    assert.ok(Math.max(...limits) <= 8 && (result.peakConcurrency ?? 0) <= 8, `limits went to ${Math.max(...limits)}`);
    assert.ok(Math.max(...limits) >= 4, 'the run climbed from 2 to the capacity');
    const firstDrop = limits.findIndex((limit, i) => i > 0 && limit < limits[i - 1]);
    assert.ok(firstDrop > 0 && limits[firstDrop] <= Math.ceil(limits[firstDrop - 1] / 2), `a 429 halved the limit: ${limits.join(',')}`);
    assert.ok(server.counters.maxInFlight <= 4);
    assert.ok(throttled / server.counters.scoreRequests <= 0.1, `${throttled} of ${server.counters.scoreRequests} requests answered 429`);
  });

  it('once it knows the capacity, does not probe above it when the work left is shorter than a Retry-After wait could cost', async () => {
    // 600 batches at about 4 × 5 ms: the whole run is shorter than two Retry-After waits of 1 s, so after the first
    // throttled round a probe could only end in a 429 whose wait holds the last batches back.
    server.latencyMs = 5;
    server.setCapacity({ concurrent: 4, retryAfterSeconds: 1 });
    try {
      const rows = churnRows(3000);
      const limits: number[] = [];
      const result = await runScoring(clientFor(server, { maxRetries: 10 }), request(rows, { maxConcurrency: 8, onProgress: (_done, _total, { concurrency }) => limits.push(concurrency) }));
      assert.deepEqual(result.predictions, expectedPredictions(rows));
      const drops = limits.filter((limit, i) => i > 0 && limit < limits[i - 1]).length;
      assert.equal(drops, 1, `one halving, after the first 429s only: ${runLengths(limits)}`);
      const afterDrop = limits.slice(limits.findIndex((limit, i) => i > 0 && limit < limits[i - 1]));
      assert.equal(Math.max(...afterDrop), 4, 'climbed back to the capacity, and no further');
      assert.equal(server.counters.maxInFlight, 4);
    } finally {
      server.latencyMs = 15;
    }
  });

  it('stays at the maximum when the endpoint keeps up, and never above it', async () => {
    server.setCapacity({ concurrent: 8, retryAfterSeconds: 0.02 });
    const result = await runScoring(clientFor(server), request(churnRows(300), { maxConcurrency: 3 }));
    assert.ok(result.batches.every(b => b.ok));
    assert.equal(server.throttledByCapacity, 0);
    assert.equal(server.counters.maxInFlight, 3);
    assert.equal(result.peakConcurrency, 3);
  });

  it('keeps a fixed concurrency when no maximum is given, and so keeps collecting 429s', async () => {
    server.setCapacity({ concurrent: 2, retryAfterSeconds: 0.02 });
    const rows = churnRows(200);
    const result = await runScoring(clientFor(server, { maxRetries: 10 }), request(rows, { concurrency: 4 }));
    const expected = expectedPredictions(rows);
    for (const batch of result.batches.filter(b => b.ok)) {
      for (let i = batch.startRow; i < batch.endRow; i++) assert.deepEqual(result.predictions[i], expected[i]);
    }
    assert.equal(result.peakConcurrency, 4);
    assert.ok(server.throttledByCapacity > 0, 'four at once against a capacity of two collects 429s');
  });
});

/** "2×2, 3×4, 4×120": a trace of limits, short enough for an assertion message. */
function runLengths(values: number[]): string {
  const runs: Array<[number, number]> = [];
  for (const value of values) {
    const last = runs[runs.length - 1];
    if (last && last[0] === value) last[1]++;
    else runs.push([value, 1]);
  }
  return runs.map(([value, count]) => `${value}×${count}`).join(', ');
}
