// runScoring against the real fake Fabric server: batching, the concurrency bound, one token per run,
// partial failures with exact row ranges, and cancellation that keeps finished batches.
import * as assert from 'node:assert/strict';
import type { EndpointRef } from '../../src/core/endpoints/model';
import { FabricClient } from '../../src/core/fabric/fabricClient';
import { FabricError } from '../../src/core/fabric/fabricError';
import { runScoring } from '../../src/core/fabric/scoringEngine';
import type { ScoreRunRequest } from '../../src/core/fabric/types';
import { type FakeFabricServer } from '../../tools/fake-fabric';
import { CHURN_COLUMNS, churnRows, clientFor, expectedPredictions, fetchToken, fakeFabricPerSuite } from '../support/fabricTestKit';

describe('runScoring against the fake Fabric server', () => {
  const fake = fakeFabricPerSuite();
  let server: FakeFabricServer;
  let ref: EndpointRef;

  beforeEach(() => {
    ({ server, ref } = fake);
  });
  afterEach(() => {
    assert.equal(server.counters.casingMismatches, 0);
  });

  function request(rows: unknown[][], overrides: Partial<ScoreRunRequest> = {}): ScoreRunRequest {
    return { ref, columns: CHURN_COLUMNS, rows, batchSize: 20, concurrency: 3, orientation: 'values', ...overrides };
  }

  it('splits rows into batches, keeps exactly `concurrency` in flight and joins predictions in row order', async () => {
    server.latencyMs = 30;
    const rows = churnRows(230);
    const progress: Array<[number, number]> = [];
    const result = await runScoring(clientFor(server), request(rows, { onProgress: (done, total) => progress.push([done, total]) }));
    assert.deepEqual(result.predictions, expectedPredictions(rows));
    assert.equal(server.counters.maxInFlight, 3);
    assert.equal(server.counters.scoreRequests, 12);
    assert.equal(server.counters.scoreRowsReceived, 230);
    assert.deepEqual(result.batches.map(b => [b.index, b.startRow, b.endRow, b.ok]), [
      ...Array.from({ length: 11 }, (_, i) => [i, i * 20, i * 20 + 20, true]),
      [11, 220, 230, true],
    ]);
    assert.equal(result.cancelled, false);
    assert.deepEqual(progress[0], [0, 230]);
    assert.deepEqual(progress[progress.length - 1], [230, 230]);
    assert.equal(progress.length, 13);
    assert.ok(progress.every(([done], i) => i === 0 || done > progress[i - 1][0]), 'progress only grows');
  });

  it('honours concurrency 1 (strictly sequential batches)', async () => {
    server.latencyMs = 10;
    const rows = churnRows(50);
    const result = await runScoring(clientFor(server), request(rows, { batchSize: 10, concurrency: 1 }));
    assert.deepEqual(result.predictions, expectedPredictions(rows));
    assert.equal(server.counters.maxInFlight, 1);
    assert.equal(server.counters.scoreRequests, 5);
  });

  it('asks for the token once per run, even with a supplier that never caches', async () => {
    const client = new FabricClient({ getToken: () => fetchToken(server), allowLoopback: true, requestTimeoutMs: 10_000, maxRetries: 3, maxRetryAfterMs: 5_000, pollFloorMs: 0 });
    const result = await runScoring(client, request(churnRows(200), { batchSize: 20 }), { tokenRequestCount: () => server.counters.tokenRequests });
    assert.equal(server.counters.scoreRequests, 10);
    assert.equal(server.counters.tokenRequests, 1);
    assert.equal(result.tokenRequests, 1);
  });

  it('renews an expired token once and resends the rejected batches', async () => {
    server.latencyMs = 20;
    const client = new FabricClient({ getToken: () => fetchToken(server), allowLoopback: true, requestTimeoutMs: 10_000, maxRetries: 3, maxRetryAfterMs: 5_000, pollFloorMs: 0 });
    const rows = churnRows(200);
    const result = await runScoring(
      client,
      request(rows, {
        concurrency: 2,
        onProgress: done => {
          if (done === 40) server.expireTokens();
        },
      }),
      { tokenRequestCount: () => server.counters.tokenRequests },
    );
    assert.deepEqual(result.predictions, expectedPredictions(rows));
    assert.ok(result.batches.every(b => b.ok));
    assert.equal(result.tokenRequests, 2);
    assert.ok(server.counters.unauthorized >= 1 && server.counters.unauthorized <= 2, `unauthorized ${server.counters.unauthorized}`);
    assert.equal(result.batches.filter(b => b.attempts === 2).length, server.counters.unauthorized);
  });

  it('keeps the other batches when one batch gets a 500, recording its exact row range', async () => {
    const rows = churnRows(100);
    const failing = JSON.stringify(rows[40]);
    server.scriptScore({ type: 'error', status: 500, errorCode: 'UnknownError', message: 'Model container crashed' }, { match: inputs => JSON.stringify(inputs[0]) === failing });
    const result = await runScoring(clientFor(server), request(rows));
    const failed = result.batches.filter(b => !b.ok);
    assert.equal(failed.length, 1);
    const [outcome] = failed;
    assert.deepEqual(
      { index: outcome.index, startRow: outcome.startRow, endRow: outcome.endRow, attempts: outcome.attempts, status: outcome.error?.status, errorCode: outcome.error?.errorCode, message: outcome.error?.message },
      { index: 2, startRow: 40, endRow: 60, attempts: 1, status: 500, errorCode: 'UnknownError', message: 'Model container crashed' },
    );
    assert.match(outcome.error?.requestId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(outcome.exchange?.status, 500);
    const expected = expectedPredictions(rows);
    for (let i = 0; i < rows.length; i++) {
      assert.deepEqual(result.predictions[i], i >= 40 && i < 60 ? undefined : expected[i], `row ${i}`);
    }
    assert.equal(server.counters.scoreRequests, 5);
  });

  it('stops sending after a failure every batch would repeat (403) and marks the rest as not sent', async () => {
    server.scriptScore({ type: 'error', status: 403, errorCode: 'InsufficientPrivileges', message: 'The caller does not have permission' }, { times: Infinity });
    const result = await runScoring(clientFor(server), request(churnRows(100), { concurrency: 1 }));
    assert.equal(server.counters.scoreRequests, 1);
    assert.equal(result.batches.length, 5);
    assert.equal(result.batches[0].attempts, 1);
    assert.equal(result.batches[0].error?.errorCode, 'InsufficientPrivileges');
    for (const skipped of result.batches.slice(1)) {
      assert.equal(skipped.attempts, 0);
      assert.match(skipped.error?.message ?? '', /^Not sent: rows 1–20 failed with an error every batch would repeat \(HTTP 403 InsufficientPrivileges: /);
    }
    assert.ok(result.predictions.every(p => p === undefined));
  });

  it('on cancel stops launching, aborts in-flight batches and keeps the finished ones', async () => {
    server.latencyMs = 40;
    const rows = churnRows(400);
    const controller = new AbortController();
    const result = await runScoring(
      clientFor(server),
      request(rows, {
        concurrency: 2,
        signal: controller.signal,
        onProgress: done => {
          if (done >= 80) controller.abort();
        },
      }),
    );
    assert.equal(result.cancelled, true);
    const finished = result.batches.filter(b => b.ok);
    assert.ok(finished.length >= 4 && finished.length < 20, `finished ${finished.length} of 20 batches`);
    assert.ok(server.counters.scoreRequests < 20, 'no batch was launched after the cancel');
    assert.equal(result.batches.length, 20);
    const expected = expectedPredictions(rows);
    for (const batch of result.batches) {
      for (let i = batch.startRow; i < batch.endRow; i++) assert.deepEqual(result.predictions[i], batch.ok ? expected[i] : undefined);
      if (!batch.ok) assert.equal(batch.error?.kind, 'aborted');
    }
    assert.ok(result.batches.some(b => b.attempts === 0 && b.error?.message === 'Not sent: the run was cancelled.'));
  });

  it('fails the run with an auth error naming the AADSTS code when no token can be had', async () => {
    const client = new FabricClient({ getToken: () => fetchToken(server, 'wrong-secret'), allowLoopback: true, requestTimeoutMs: 10_000, maxRetries: 3, maxRetryAfterMs: 5_000, pollFloorMs: 0 });
    let caught: unknown;
    try {
      await runScoring(client, request(churnRows(10)));
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof FabricError);
    assert.equal(caught.info.kind, 'auth');
    assert.equal(caught.info.errorCode, 'AADSTS7000215');
    assert.equal(server.counters.scoreRequests, 0);
  });

  it('refuses a run to a non-Fabric host before asking for a token', async () => {
    const client = new FabricClient({ getToken: () => fetchToken(server), allowLoopback: true, requestTimeoutMs: 10_000, maxRetries: 3, maxRetryAfterMs: 5_000, pollFloorMs: 0 });
    let caught: unknown;
    try {
      await runScoring(client, request(churnRows(10), { ref: { ...ref, apiBase: 'https://fabric.example.net/v1' } }));
    } catch (error) {
      caught = error;
    }
    assert.ok(caught instanceof FabricError);
    assert.equal(caught.info.kind, 'hostNotAllowed');
    assert.equal(server.counters.tokenRequests, 0);
  });

  it('returns an empty result without a token for zero rows', async () => {
    const result = await runScoring(clientFor(server), request([]));
    assert.deepEqual({ predictions: result.predictions, batches: result.batches, tokenRequests: result.tokenRequests, cancelled: result.cancelled }, { predictions: [], batches: [], tokenRequests: 0, cancelled: false });
    assert.equal(server.counters.tokenRequests, 0);
  });
});
