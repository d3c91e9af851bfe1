// When a batch gives its concurrency slot back, against a purpose-built HTTP server on 127.0.0.1 that sends an
// answer's headers at once and holds its body until the next request arrives (or, failing that, a moment later):
// a JSON 200 frees the slot as soon as its headers are in, so the next batch goes out while the body is still
// arriving; an answer that does not say it is JSON keeps the slot until its body has been read.
import * as assert from 'node:assert/strict';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EndpointRef } from '../../src/core/endpoints/model';
import { FabricClient } from '../../src/core/fabric/fabricClient';
import { runScoring } from '../../src/core/fabric/scoringEngine';

/** Answers every score POST with one prediction per input row, its body held back as described above. */
class HeldBodyServer {
  /** Requests that arrived while an earlier answer's body was still open. */
  overlapped = 0;
  posts = 0;
  private readonly open = new Set<() => void>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(contentType: string): Promise<HeldBodyServer> {
    const holder: { it?: HeldBodyServer } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => holder.it!.answer(JSON.parse(Buffer.concat(chunks).toString()) as { inputs: number[][] }, res, contentType));
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    holder.it = new HeldBodyServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return holder.it;
  }

  private answer(body: { inputs: number[][] }, res: ServerResponse, contentType: string): void {
    this.posts++;
    if (this.open.size > 0) this.overlapped++;
    for (const finish of [...this.open]) finish();
    const text = JSON.stringify({ predictions: body.inputs.map(([x]) => [x * 2]) });
    res.writeHead(200, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text) });
    res.write(text.slice(0, 10));
    const finish = (): void => {
      clearTimeout(fallback);
      this.open.delete(finish);
      res.end(text.slice(10));
    };
    // Only for an answer whose slot is (rightly) kept: no other request can come while it is open.
    const fallback = setTimeout(finish, 50);
    this.open.add(finish);
  }

  ref(): EndpointRef {
    return { apiBase: `${this.url}/v1`, workspaceId: '11111111-1111-4111-8111-111111111111', modelId: '22222222-2222-4222-8222-222222222222', version: '1' };
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise(resolve => this.server.close(() => resolve()));
  }
}

function client(): FabricClient {
  return new FabricClient({ getToken: async () => 'token-for-a-local-test-server', allowLoopback: true, requestTimeoutMs: 5_000, maxRetries: 2, maxRetryAfterMs: 1_000, pollFloorMs: 0 });
}

describe('when a scoring batch gives its concurrency slot back', () => {
  let server: HeldBodyServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const rows = Array.from({ length: 8 }, (_, i) => [i]);
  const scored = rows.map(([x]) => [x * 2]);

  it('a JSON 200 frees it once its headers are in: the next batch is sent while that body still arrives', async () => {
    server = await HeldBodyServer.start('application/json; charset=utf-8');
    const result = await runScoring(client(), { ref: server.ref(), columns: ['x'], rows, batchSize: 2, concurrency: 1, orientation: 'values' });
    assert.deepEqual(result.predictions, scored);
    assert.equal(server.posts, 4);
    assert.equal(server.overlapped, 3, 'every batch after the first went out before the previous body was complete');
  });

  it('an answer that does not say it is JSON keeps it until its body is read, so concurrency 1 stays one at a time', async () => {
    server = await HeldBodyServer.start('text/plain');
    const result = await runScoring(client(), { ref: server.ref(), columns: ['x'], rows, batchSize: 2, concurrency: 1, orientation: 'values' });
    assert.deepEqual(result.predictions, scored);
    assert.equal(server.posts, 4);
    assert.equal(server.overlapped, 0);
  });
});
