// FabricClient and runScoring against small purpose-built HTTP servers on 127.0.0.1, for answers the fake
// Fabric server does not script: relative and foreign LRO addresses, another local port, a proxy's sign-in
// page, object and misshapen predictions, and a token cut by the display limit.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EndpointRef } from '../../src/core/endpoints/model';
import { FabricClient } from '../../src/core/fabric/fabricClient';
import { DISPLAY_BODY_LIMIT, FabricError } from '../../src/core/fabric/fabricError';
import { describeError } from '../../src/core/text';
import { runScoring } from '../../src/core/fabric/scoringEngine';
import { forgetSecret, registerSecret } from '../../src/core/redact';
import { rejectionOf } from '../support/rejection';

interface Received {
  method: string;
  path: string;
  authorization?: string;
  body: string;
}

type Handler = (request: Received, response: ServerResponse, server: TinyServer) => void;

/** A real HTTP server whose every answer is written by the test. */
class TinyServer {
  readonly received: Received[] = [];
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(handler: Handler): Promise<TinyServer> {
    const holder: { tiny?: TinyServer } = {};
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const received: Received = { method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body: Buffer.concat(chunks).toString() };
        holder.tiny!.received.push(received);
        handler(received, res, holder.tiny!);
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    holder.tiny = new TinyServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.tiny;
  }

  ref(): EndpointRef {
    return { apiBase: `${this.url}/v1`, workspaceId: WORKSPACE, modelId: MODEL, version: '1' };
  }

  posts(): number {
    return this.received.filter(r => r.method === 'POST').length;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise(resolve => this.server.close(() => resolve()));
  }
}

const WORKSPACE = '11111111-2222-4333-8444-555555555555';
const MODEL = '66666666-7777-4888-9999-000000000000';
const TOKEN = `tiny-token-${randomBytes(12).toString('hex')}`;

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function client(): FabricClient {
  return new FabricClient({ getToken: async () => TOKEN, allowLoopback: true, requestTimeoutMs: 5_000, maxRetries: 2, maxRetryAfterMs: 1_000, pollFloorMs: 0 });
}

const rejection = (promise: Promise<unknown>): Promise<FabricError> => rejectionOf(promise, FabricError);

/** Answers the score POST with 202 and `location`, operation polls with Succeeded, and the result with one prediction per row. */
function lroHandler(location: (server: TinyServer) => string): Handler {
  return (request, res, server) => {
    if (request.method === 'POST') return json(res, 202, {}, { Location: location(server), 'Retry-After': '0' });
    if (request.path.endsWith('/result')) return json(res, 200, { predictions: [0.25] });
    return json(res, 200, { status: 'Succeeded', percentComplete: 100 });
  };
}

describe('FabricClient hardening against purpose-built servers', () => {
  const servers: TinyServer[] = [];
  const start = async (handler: Handler): Promise<TinyServer> => {
    const server = await TinyServer.start(handler);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(s => s.close()));
  });

  it('resolves a relative LRO Location against the endpoint\'s origin and follows it', async () => {
    const server = await start(lroHandler(() => '/v1/operations/op-1'));
    const result = await client().scoreBatch(server.ref(), ['x'], [[1]], 'values');
    assert.deepEqual(result.predictions, [[0.25]]);
    assert.deepEqual(server.received.map(r => `${r.method} ${r.path}`), [
      `POST /v1/workspaces/${WORKSPACE}/mlmodels/${MODEL}/endpoint/versions/1/score`,
      'GET /v1/operations/op-1',
      'GET /v1/operations/op-1/result',
    ]);
    assert.ok(server.received.every(r => r.authorization === `Bearer ${TOKEN}`));
  });

  it('refuses an LRO Location on another loopback port, and counts the POST that was sent', async () => {
    const listener = await start((_request, res) => json(res, 200, { status: 'Succeeded' }));
    let first = true;
    const server = await start((request, res) => {
      // One 429 first, so that the POST's attempts are 2.
      if (request.method === 'POST' && first) {
        first = false;
        return json(res, 429, { errorCode: 'TooManyRequests', message: 'slow down' }, { 'Retry-After': '0' });
      }
      return lroHandler(() => `${listener.url}/v1/operations/op-1`)(request, res, server);
    });
    const error = await rejection(client().scoreBatch(server.ref(), ['x'], [[1]], 'values'));
    assert.equal(error.info.kind, 'hostNotAllowed');
    assert.equal(error.info.message, `Refused to send the Fabric token to ${listener.url.slice(7)}: an address the endpoint answered with must be on the endpoint's own origin (${server.url}).`);
    assert.equal(error.attempts, 2, 'the 429 and the accepted POST');
    assert.equal(error.exchange?.status, 202, 'the raw view shows the 202 that named the foreign address');
    assert.equal(listener.received.length, 0, 'nothing was sent to the other port');
  });

  it('refuses a next-page address on another loopback port', async () => {
    const listener = await start((_request, res) => json(res, 200, { value: [] }));
    const server = await start((_request, res) => json(res, 200, { value: [{ versionName: '1', status: 'Active' }], continuationUri: `${listener.url}/v1/next` }));
    const error = await rejection(client().listVersions(server.ref()));
    assert.equal(error.info.kind, 'hostNotAllowed');
    assert.equal(listener.received.length, 0);
  });

  it('shows a failed operation by its error code and message, not by the poll\'s HTTP 200', async () => {
    const server = await start((request, res) => {
      if (request.method === 'POST') return json(res, 202, {}, { Location: '/v1/operations/op-2', 'Retry-After': '0' });
      return json(res, 200, { status: 'Failed', error: { errorCode: 'ModelScoringFailed', message: 'The model raised ValueError.' } });
    });
    const error = await rejection(client().scoreBatch(server.ref(), ['x'], [[1]], 'values'));
    assert.equal(error.info.kind, 'lroFailed');
    assert.equal(error.info.status, undefined);
    assert.equal(error.message, 'ModelScoringFailed: The Fabric operation ended as Failed: The model raised ValueError.');
    assert.equal(describeError(error.info, { kind: false }), error.message);
    assert.equal(error.attempts, 1);
  });

  it('redacts a response body before cutting it to the display limit, so no half of a token survives', async () => {
    const secret = `opaque-${randomBytes(24).toString('hex')}`;
    registerSecret(secret);
    try {
      const server = await start((_request, res) => {
        // The secret straddles the display limit.
        const head = `{"predictions":[1],"note":"${'x'.repeat(DISPLAY_BODY_LIMIT - 40)}`;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(`${head}${secret}${'y'.repeat(100)}"}`);
      });
      const result = await client().scoreBatch(server.ref(), ['x'], [[1]], 'values');
      const shown = result.exchange.responseBody ?? '';
      assert.match(shown, /\[truncated: \d+ characters in total\]$/);
      assert.ok(!shown.includes(secret.slice(0, 16)), 'the first half of the secret is not shown');
      assert.ok(shown.includes('[REDACTED]'));
    } finally {
      forgetSecret(secret);
    }
  });

  it('redacts a non-JSON answer before quoting an excerpt of it, so a secret at the cut or wrapped across lines is hidden', async () => {
    const secret = `opaque-${randomBytes(24).toString('hex')}`;
    registerSecret(secret);
    try {
      const pages = [`<html>${'x'.repeat(180)}${secret}</html>`, `<html>\n${secret.slice(0, 20)}\n  ${secret.slice(20)}\n</html>`];
      for (const page of pages) {
        const server = await start((_request, res) => {
          res.writeHead(200, { 'Content-Type': 'text/html' });
          res.end(page);
        });
        const error = await rejection(client().scoreBatch(server.ref(), ['x'], [[1]], 'values'));
        assert.match(error.message, /^HTTP 200: Fabric answered HTTP 200 with a body that is not JSON: "<html>/);
        assert.ok(!error.message.includes(secret.slice(0, 12)) && !error.message.includes(secret.slice(20, 32)), error.message);
      }
    } finally {
      forgetSecret(secret);
    }
  });
});

describe('runScoring hardening against purpose-built servers', () => {
  const servers: TinyServer[] = [];
  const start = async (handler: Handler): Promise<TinyServer> => {
    const server = await TinyServer.start(handler);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map(s => s.close()));
  });

  const rows = (count: number): unknown[][] => Array.from({ length: count }, (_, i) => [i]);

  it('stops the run after the first batch answered with a page that is not JSON', async () => {
    const server = await start((_request, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html><body>Sign in to continue to the proxy</body></html>');
    });
    const result = await runScoring(client(), { ref: server.ref(), columns: ['x'], rows: rows(10), batchSize: 2, concurrency: 1, orientation: 'values' });
    assert.equal(server.posts(), 1, 'the other batches were not sent');
    const [first, ...rest] = result.batches;
    assert.match(first.error?.message ?? '', /^Fabric answered HTTP 200 with a body that is not JSON: "<html>.*"$/);
    assert.equal(rest.length, 4);
    for (const batch of rest) {
      assert.equal(batch.attempts, 0);
      assert.match(batch.error?.message ?? '', /^Not sent: rows 1–2 failed with an error every batch would repeat/);
    }
  });

  it('joins object predictions under their names, adding columns for keys the signature lacks', async () => {
    let batch = 0;
    const server = await start((request, res) => {
      const inputs = (JSON.parse(request.body) as { inputs: number[][] }).inputs;
      batch++;
      json(res, 200, {
        predictions: inputs.map(([i]) =>
          batch === 1 ? { label: i % 2 ? 'high' : 'low', probabilities: { high: 0.5, low: 0.5 } } : { probabilities: { high: 1, low: 0 }, label: 'high', explanation: `row ${i}` }),
      });
    });
    const result = await runScoring(client(), { ref: server.ref(), columns: ['x'], rows: rows(4), batchSize: 2, concurrency: 1, orientation: 'values', outputColumns: ['prediction'] });
    assert.deepEqual(result.outputColumns, ['prediction', 'label', 'probabilities', 'explanation']);
    assert.deepEqual(result.predictions, [
      [null, 'low', { high: 0.5, low: 0.5 }, null],
      [null, 'high', { high: 0.5, low: 0.5 }, null],
      [null, 'high', { high: 1, low: 0 }, 'row 2'],
      [null, 'high', { high: 1, low: 0 }, 'row 3'],
    ]);
  });

  it('fails a batch whose predictions are nested deeper than the signature, joining none of them', async () => {
    const server = await start((request, res) => {
      const inputs = (JSON.parse(request.body) as { inputs: number[][] }).inputs;
      json(res, 200, { predictions: inputs.map(([i]) => (i < 2 ? i / 10 : [[52, 104]])) });
    });
    const result = await runScoring(client(), { ref: server.ref(), columns: ['x'], rows: rows(4), batchSize: 2, concurrency: 1, orientation: 'values', outputColumns: ['prediction'] });
    assert.deepEqual(result.predictions, [[0], [0.1], undefined, undefined]);
    assert.equal(result.outputColumns, undefined);
    const failed = result.batches[1];
    assert.equal(failed.ok, false);
    assert.equal(
      failed.error?.message,
      'Fabric\'s score response is unusable: the output signature expects 1 value per row (prediction), but prediction 1 is a list holding a list: [[52,104]]; no prediction of this batch was used.',
    );
  });
});
