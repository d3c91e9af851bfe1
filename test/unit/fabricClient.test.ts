// FabricClient against the real fake Fabric + Entra server on 127.0.0.1: score 200/202, retries, timeouts,
// dropped connections, bad bodies, the token-host rule and the metadata/LRO operations.
import * as assert from 'node:assert/strict';
import { parseScoreUrl } from '../../src/core/endpoints/endpointUrl';
import type { EndpointRef } from '../../src/core/endpoints/model';
import { FabricError } from '../../src/core/fabric/fabricError';
import { parseRetryAfter } from '../../src/core/fabric/retry';
import { buildScoreBody, readPredictions } from '../../src/core/fabric/scoreBody';
import type { LroProgress } from '../../src/core/fabric/types';
import { type FakeFabricServer } from '../../tools/fake-fabric';
import { CHURN_COLUMNS, cachingTokenSupplier, churnRows, clientFor, expectedPredictions, fakeFabricPerSuite } from '../support/fabricTestKit';
import { waitUntil } from '../support/waitUntil';
import { rejectionOf } from '../support/rejection';

const rejection = (promise: Promise<unknown>): Promise<FabricError> => rejectionOf(promise, FabricError);

describe('FabricClient against the fake Fabric server', () => {
  const fake = fakeFabricPerSuite();
  let server: FakeFabricServer;
  let ref: EndpointRef;
  let defaultRef: EndpointRef;

  beforeEach(() => {
    ({ server, ref } = fake);
    defaultRef = parseScoreUrl(server.scoreUrl(), { allowLoopback: true });
  });
  afterEach(() => {
    assert.equal(server.counters.casingMismatches, 0, 'every request used the documented mlModels/mlmodels casing');
  });

  describe('scoreBatch', () => {
    it('scores a version with a values body and returns the toy model predictions in row order', async () => {
      const rows = churnRows(7);
      const lines: string[] = [];
      const result = await clientFor(server, {}, lines).scoreBatch(ref, CHURN_COLUMNS, rows, 'values');
      assert.deepEqual(result.predictions, expectedPredictions(rows));
      assert.equal(result.attempts, 1);
      assert.equal(result.exchange.status, 200);
      assert.equal(server.counters.scoreRequests, 1);
      assert.equal(server.counters.scoreRowsReceived, 7);
      assert.deepEqual(JSON.parse(result.exchange.requestBody ?? '{}'), { formatType: 'dataframe', orientation: 'values', inputs: rows });
      assert.equal(lines.length, 1);
      assert.match(lines[0], /^POST http:\/\/127\.0\.0\.1:\d+\/v1\/workspaces\/.+\/mlmodels\/.+\/endpoint\/versions\/1\/score 200 \d+ ms$/);
    });

    it('scores the default version through the mlModels path with a record body', async () => {
      const rows = churnRows(4);
      const result = await clientFor(server).scoreBatch(defaultRef, CHURN_COLUMNS, rows, 'record');
      assert.deepEqual(result.predictions, expectedPredictions(rows));
      assert.match(result.exchange.url, /\/mlModels\/[^/]+\/endpoint\/score$/);
      const sent = JSON.parse(result.exchange.requestBody ?? '{}') as { orientation: string; inputs: Array<Record<string, unknown>> };
      assert.equal(sent.orientation, 'record');
      assert.deepEqual(Object.keys(sent.inputs[0]), CHURN_COLUMNS);
    });

    it('redacts the bearer token in the exchange and in the log', async () => {
      const lines: string[] = [];
      const supplier = cachingTokenSupplier(server);
      const client = clientFor(server, { getToken: supplier.getToken }, lines);
      const result = await client.scoreBatch(ref, CHURN_COLUMNS, churnRows(2), 'values');
      const token = await supplier.getToken();
      assert.equal(result.exchange.requestHeaders['Authorization'], 'Bearer [REDACTED]');
      assert.ok(!JSON.stringify(result.exchange).includes(token), 'the token is not in the exchange');
      assert.ok(!lines.join('\n').includes(token), 'the token is not in the log');
    });

    it('waits for Retry-After on 429 and retries once', async () => {
      server.scriptScore({ type: 'throttle', retryAfterSeconds: 1 });
      const rows = churnRows(3);
      const lines: string[] = [];
      const result = await clientFor(server, {}, lines).scoreBatch(ref, CHURN_COLUMNS, rows, 'values');
      assert.deepEqual(result.predictions, expectedPredictions(rows));
      assert.equal(result.attempts, 2);
      assert.equal(server.counters.scoreRequests, 2);
      assert.deepEqual(lines.map(l => / (\d{3}) \d+ ms$/.exec(l)?.[1]), ['429', '200']);
    });

    it('fails clearly when Retry-After is longer than the cap, without retrying', async () => {
      server.scriptScore({ type: 'throttle', retryAfterSeconds: 120 });
      const error = await rejection(clientFor(server, { maxRetryAfterMs: 5_000 }).scoreBatch(ref, CHURN_COLUMNS, churnRows(3), 'values'));
      assert.equal(error.info.kind, 'http');
      assert.equal(error.info.status, 429);
      assert.match(error.info.message, /Throttled: Fabric asked to wait 120 s \(Retry-After\), longer than the 5 s/);
      assert.equal(error.attempts, 1);
      assert.equal(server.counters.scoreRequests, 1);
    });

    it('gives up on 503 after maxRetries retries and says so', async () => {
      server.scriptScore({ type: 'throttle', retryAfterSeconds: 0, status: 503 }, { times: 3 });
      const error = await rejection(clientFor(server, { maxRetries: 2 }).scoreBatch(ref, CHURN_COLUMNS, churnRows(3), 'values'));
      assert.equal(error.info.status, 503);
      assert.match(error.info.message, /^Still unavailable after 2 retries/);
      assert.equal(error.attempts, 3);
      assert.equal(server.counters.scoreRequests, 3);
    });

    it('does not retry a 400 and maps the ErrorResponse with its request id', async () => {
      server.scriptScore({ type: 'error', status: 400, errorCode: 'BadInput', message: 'Input column count mismatch' });
      const error = await rejection(clientFor(server).scoreBatch(ref, CHURN_COLUMNS, churnRows(3), 'values'));
      assert.deepEqual(
        { kind: error.info.kind, status: error.info.status, errorCode: error.info.errorCode, message: error.info.message },
        { kind: 'http', status: 400, errorCode: 'BadInput', message: 'Input column count mismatch' },
      );
      assert.match(error.info.requestId ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(error.exchange?.responseHeaders?.['x-ms-request-id'], error.info.requestId);
      assert.equal(error.attempts, 1);
      assert.equal(server.counters.scoreRequests, 1);
    });

    it('follows a 202 Location to Succeeded and reads the operation result', async () => {
      server.scriptScore({ type: 'lro', outcome: 'Succeeded', polls: 2 });
      const rows = churnRows(5);
      const progress: LroProgress[] = [];
      const result = await clientFor(server).scoreBatch(ref, CHURN_COLUMNS, rows, 'values', { onProgress: p => progress.push(p) });
      assert.deepEqual(result.predictions, expectedPredictions(rows));
      assert.equal(server.counters.operationPolls, 3, 'two Running answers, then Succeeded');
      assert.equal(server.counters.resultRequests, 1);
      assert.deepEqual(progress.map(p => p.status), ['Accepted', 'Running', 'Running', 'Succeeded']);
      assert.match(result.exchange.url, /\/v1\/operations\/[^/]+\/result$/);
    });

    it('reports a Failed operation with its error code', async () => {
      server.scriptScore({ type: 'lro', outcome: 'Failed', polls: 1 });
      const error = await rejection(clientFor(server).scoreBatch(ref, CHURN_COLUMNS, churnRows(5), 'values'));
      assert.equal(error.info.kind, 'lroFailed');
      assert.ok(error.info.errorCode, 'the operation error code is kept');
      assert.match(error.info.message, /^The Fabric operation ended as Failed: /);
      assert.equal(server.counters.resultRequests, 0);
    });

    it('caps each poll wait at the Retry-After limit and gives up on an operation that never ends', async () => {
      server.lroRetryAfterSeconds = 30; // Fabric asks for 30 s between polls, far above the 50 ms cap
      try {
        server.scriptScore({ type: 'lro', outcome: 'Succeeded', polls: 1_000_000 });
        const error = await rejection(clientFor(server, { maxRetryAfterMs: 50, operationTimeoutMs: 400 }).scoreBatch(ref, CHURN_COLUMNS, churnRows(3), 'values'));
        assert.equal(error.info.kind, 'timeout');
        assert.match(error.info.message, /^The Fabric operation did not finish within 0\.4 s \(\d+ polls\)/);
        assert.ok(server.counters.operationPolls >= 3, `polled every 50 ms rather than every 30 s (${server.counters.operationPolls} polls)`);
        assert.equal(server.counters.resultRequests, 0);
      } finally {
        server.lroRetryAfterSeconds = 0;
      }
    });

    it('times out a slow answer and says after how long', async () => {
      server.scriptScore({ type: 'slow', delayMs: 3_000 });
      const error = await rejection(clientFor(server, { requestTimeoutMs: 300 }).scoreBatch(ref, CHURN_COLUMNS, churnRows(2), 'values'));
      assert.equal(error.info.kind, 'timeout');
      assert.match(error.info.message, /did not answer within 300 ms/);
      assert.equal(error.attempts, 1);
    });

    it('retries a dropped connection', async () => {
      server.scriptScore({ type: 'drop' });
      const rows = churnRows(3);
      const result = await clientFor(server).scoreBatch(ref, CHURN_COLUMNS, rows, 'values');
      assert.deepEqual(result.predictions, expectedPredictions(rows));
      assert.equal(result.attempts, 2);
    });

    it('fails with a network error when every attempt drops', async () => {
      server.scriptScore({ type: 'drop' }, { times: Infinity });
      const error = await rejection(clientFor(server, { maxRetries: 1 }).scoreBatch(ref, CHURN_COLUMNS, churnRows(3), 'values'));
      assert.equal(error.info.kind, 'network');
      assert.match(error.info.message, /^The connection to 127\.0\.0\.1:\d+ failed: .+ \(after 1 retry\)\.$/);
      assert.equal(error.attempts, 2);
    });

    it('turns a non-JSON 200 into badResponse with an excerpt', async () => {
      server.scriptScore({ type: 'nonJson', status: 200 });
      const error = await rejection(clientFor(server).scoreBatch(ref, CHURN_COLUMNS, churnRows(3), 'values'));
      assert.equal(error.info.kind, 'badResponse');
      assert.equal(error.info.status, 200);
      assert.match(error.info.message, /^Fabric answered HTTP 200 with a body that is not JSON: "<.+"$/);
    });

    it('turns a non-JSON 502 into badResponse with the status', async () => {
      server.scriptScore({ type: 'nonJson', status: 502 });
      const error = await rejection(clientFor(server).scoreBatch(ref, CHURN_COLUMNS, churnRows(3), 'values'));
      assert.equal(error.info.kind, 'badResponse');
      assert.equal(error.info.status, 502);
      assert.equal(error.attempts, 1);
    });

    it('reports a token the server did not issue as 401 with a hint', async () => {
      const client = clientFor(server, { getToken: async () => 'not-a-token-this-server-issued' });
      const error = await rejection(client.scoreBatch(ref, CHURN_COLUMNS, churnRows(1), 'values'));
      assert.equal(error.info.status, 401);
      assert.match(error.info.message, /The token was rejected/);
      assert.equal(server.counters.unauthorized, 1);
    });

    it('stops waiting when cancelled during a Retry-After sleep', async () => {
      server.scriptScore({ type: 'throttle', retryAfterSeconds: 4 });
      const controller = new AbortController();
      const pending = clientFor(server).scoreBatch(ref, CHURN_COLUMNS, churnRows(1), 'values', { signal: controller.signal });
      await waitUntil(() => server.counters.scoreRequests > 0, 'the score request to reach the server');
      controller.abort();
      const error = await rejection(pending);
      assert.equal(error.info.kind, 'aborted');
      assert.equal(server.counters.scoreRequests, 1);
    });
  });

  describe('token host rule', () => {
    it('refuses a non-Fabric host before asking for a token or sending anything', async () => {
      const supplier = cachingTokenSupplier(server);
      const client = clientFor(server, { getToken: supplier.getToken });
      const foreign: EndpointRef = { ...ref, apiBase: 'https://example.com/v1' };
      const error = await rejection(client.scoreBatch(foreign, CHURN_COLUMNS, churnRows(1), 'values'));
      assert.equal(error.info.kind, 'hostNotAllowed');
      assert.match(error.info.message, /^Refused to send the Fabric token to example\.com/);
      assert.equal(supplier.calls(), 0);
      const plainHttp = await rejection(client.getEndpoint({ ...ref, apiBase: 'http://api.fabric.microsoft.com/v1' }));
      assert.equal(plainHttp.info.kind, 'hostNotAllowed');
      assert.equal(supplier.calls(), 0);
    });

    it('refuses loopback unless allowLoopback is on', async () => {
      const supplier = cachingTokenSupplier(server);
      const client = clientFor(server, { getToken: supplier.getToken, allowLoopback: false });
      const error = await rejection(client.scoreBatch(ref, CHURN_COLUMNS, churnRows(1), 'values'));
      assert.equal(error.info.kind, 'hostNotAllowed');
      assert.match(error.info.message, /fabricMl\.allowLoopbackEndpoints/);
      assert.equal(supplier.calls(), 0);
      assert.equal(server.counters.tokenRequests, 0);
      assert.equal(server.counters.scoreRequests, 0);
    });
  });

  describe('metadata and version operations', () => {
    it('reads the endpoint with its default version', async () => {
      const endpoint = await clientFor(server).getEndpoint(ref);
      assert.equal(endpoint.defaultVersionName, '1');
      assert.equal(endpoint.defaultVersionInfo?.status, 'Active');
      assert.deepEqual(endpoint.defaultVersionInfo?.inputSignature?.map(f => f.name), CHURN_COLUMNS);
    });

    it('lists every version across continuation pages', async () => {
      const versions = await clientFor(server).listVersions(ref);
      assert.deepEqual(versions.map(v => [v.versionName, v.status]), [['1', 'Active'], ['2', 'Deactivated'], ['3', 'Failed']]);
      assert.equal(server.counters.metadataRequests, 2, 'two pages of two');
    });

    it('reads a failed version with its failure details', async () => {
      const version = await clientFor(server).getVersion(ref, '3');
      assert.deepEqual(version.failureDetails, { errorCode: 'InvalidInput', message: 'Tensor-based models are not supported yet.' });
    });

    it('maps an unknown version to 404 NotFound', async () => {
      const error = await rejection(clientFor(server).getVersion(ref, '99'));
      assert.equal(error.info.status, 404);
      assert.equal(error.info.errorCode, 'NotFound');
    });

    it('activates a version through its LRO and reports progress', async () => {
      const progress: LroProgress[] = [];
      await clientFor(server).activateVersion(ref, '2', { onProgress: p => progress.push(p) });
      assert.equal(server.version('2').status, 'Active');
      assert.equal(progress[0].status, 'Accepted');
      assert.equal(progress[progress.length - 1].status, 'Succeeded');
      assert.ok(server.counters.operationPolls >= 1);
    });

    it('deactivates a version through its LRO', async () => {
      await clientFor(server).deactivateVersion(ref, '1');
      assert.equal(server.version('1').status, 'Deactivated');
      server.setVersion('1', { status: 'Active' });
    });

    it('changes the scale rule with PATCH', async () => {
      const updated = await clientFor(server).updateVersionScaleRule(ref, '1', 'AlwaysOn');
      assert.equal(updated.scaleRule, 'AlwaysOn');
      assert.equal(server.version('1').scaleRule, 'AlwaysOn');
      const error = await rejection(clientFor(server).updateVersionScaleRule(ref, '1', 'Sometimes'));
      assert.equal(error.info.errorCode, 'BadInput');
      server.setVersion('1', { scaleRule: 'AllowScaleToZero' });
    });

    it('passes a scripted metadata failure through with its request id', async () => {
      server.scriptMetadata({ status: 500, errorCode: 'UnknownError', message: 'Metadata store unavailable' });
      const error = await rejection(clientFor(server).getEndpoint(ref));
      assert.equal(error.info.status, 500);
      assert.equal(error.info.errorCode, 'UnknownError');
      assert.match(error.message, /^HTTP 500 UnknownError: Metadata store unavailable \(request id [0-9a-f-]{36}\)$/);
    });
  });
});

describe('Fabric helpers', () => {
  it('reads Retry-After as seconds or as an HTTP-date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('55', now), 55_000);
    assert.equal(parseRetryAfter('Thu, 01 Jan 2026 00:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter('Wed, 31 Dec 2025 23:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('checks the prediction count and wraps scalar predictions', () => {
    assert.deepEqual(readPredictions({ predictions: [1, [2, 'b']] }, 2), { predictions: [[1], [2, 'b']] });
    assert.deepEqual(readPredictions({ predictions: [[1]] }, 3), { problem: 'expected 3 predictions, got 1' });
    assert.deepEqual(readPredictions({ predictions: [] }, 1), { problem: 'expected 1 prediction, got 0' });
    assert.deepEqual(readPredictions({ result: [] }, 1), { problem: 'the response has no "predictions" array' });
  });

  it('reads object predictions by the output signature\'s names; other keys become columns named by their keys', () => {
    assert.deepEqual(
      readPredictions({ predictions: [{ churn_label: 'stay', churn_probability: 0.2 }] }, 1, ['churn_probability', 'churn_label']),
      { columns: ['churn_probability', 'churn_label'], predictions: [[0.2, 'stay']] });
    assert.deepEqual(readPredictions({ predictions: [{ score: 0.9, label: 'a' }, { score: 0.1 }] }, 2, ['label', 'score']),
      { columns: ['label', 'score'], predictions: [['a', 0.9], [null, 0.1]] }, 'a missing output column is null, the others stay in their columns');
    // A classifier whose keys are not the signature's: nothing lands under the signature's (double) column.
    const classifier = [
      { label: 'high', probabilities: { high: 0.8, low: 0.2 } },
      { label: 'low', probabilities: { high: 0.1, low: 0.9 }, model_version: 3 },
    ];
    assert.deepEqual(readPredictions({ predictions: classifier }, 2, ['prediction']), {
      columns: ['prediction', 'label', 'probabilities', 'model_version'],
      predictions: [
        [null, 'high', { high: 0.8, low: 0.2 }, null],
        [null, 'low', { high: 0.1, low: 0.9 }, 3],
      ],
    });
    assert.deepEqual(readPredictions({ predictions: [{ b: 1, a: 2 }] }, 1), { columns: ['b', 'a'], predictions: [[1, 2]] }, 'without a signature, keys in order');
    assert.deepEqual(readPredictions({ predictions: [{ a: 1 }, 2] }, 2), { problem: 'some predictions are objects and others are not' });
  });

  it('fails a batch whose predictions do not fit the output signature\'s width or nesting, saying what came back', () => {
    assert.deepEqual(readPredictions({ predictions: [[[52, 104]], [[53, 105]]] }, 2, ['prediction']), {
      problem: 'the output signature expects 1 value per row (prediction), but prediction 1 is a list holding a list: [[52,104]]; no prediction of this batch was used',
    });
    assert.deepEqual(readPredictions({ predictions: [[0.1, 'a'], [0.2, 'b', 'extra']] }, 2, ['score', 'label']), {
      problem: 'the output signature expects 2 values per row (score, label), but prediction 2 is a list of 3 values: [0.2,"b","extra"]; no prediction of this batch was used',
    });
    assert.deepEqual(readPredictions({ predictions: [0.3] }, 1, ['score', 'label']), {
      problem: 'the output signature expects 2 values per row (score, label), but prediction 1 is one value: 0.3; no prediction of this batch was used',
    });
    assert.deepEqual(readPredictions({ predictions: [[{ p: 1 }]] }, 1, ['p']), {
      problem: 'the output signature expects 1 value per row (p), but prediction 1 is a list holding an object: [{"p":1}]; no prediction of this batch was used',
    });
    assert.deepEqual(readPredictions({ predictions: [0.3, [0.4]] }, 2, ['score']), { predictions: [[0.3], [0.4]] }, 'a scalar or a one-value list fits one column');
  });

  it('builds record bodies keyed by column with null for missing values', () => {
    assert.deepEqual(JSON.parse(buildScoreBody(['a', 'b'], [[1, undefined]], 'record')), { formatType: 'dataframe', orientation: 'record', inputs: [{ a: 1, b: null }] });
  });
});
