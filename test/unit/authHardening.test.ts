// The token request's form body carries the client secret, so it must reach the authority's own host and
// nothing else: not through a redirect, not through a token endpoint that the authority's metadata puts on
// another host. Real msal-node against purpose-built HTTP servers on 127.0.0.1.
import * as assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthError, MsalTokenSource } from '../../src/core/auth';
import type { ServicePrincipalCredentials } from '../../src/core/endpoints/model';
import { rejectionOf } from '../support/rejection';

const CREDENTIALS: ServicePrincipalCredentials = {
  tenantId: '0d5f6b1e-3c2a-4b8d-9e7f-1a2b3c4d5e6f',
  clientId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  clientSecret: 'hardening~Secret.Value_0123456789',
};

interface Received {
  method: string;
  path: string;
  body: string;
}

/** A real HTTP server whose answers the test writes; it records what it received. */
async function startServer(handler: (request: Received, response: ServerResponse) => void): Promise<{ url: string; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', body: Buffer.concat(chunks).toString() };
      received.push(request);
      handler(request, res);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => {
      server.closeAllConnections();
      return new Promise(resolve => server.close(() => resolve()));
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/** What an honest token endpoint answers. */
function issueToken(res: ServerResponse): void {
  json(res, 200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: 'issued-token-value-0123456789' });
}

const rejection = (promise: Promise<unknown>): Promise<AuthError> => rejectionOf(promise, AuthError);

describe('auth: the client secret goes to the authority\'s own host only', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(closers.splice(0).map(close => close()));
  });

  it('does not follow a redirect of the token request, and names where it pointed', async () => {
    const elsewhere = await startServer((_request, res) => issueToken(res));
    closers.push(elsewhere.close);
    const authority = await startServer((_request, res) => {
      res.writeHead(307, { Location: `${elsewhere.url}/collect` });
      res.end();
    });
    closers.push(authority.close);
    const lines: string[] = [];
    const source = new MsalTokenSource({ cloud: 'custom', customAuthorityHost: authority.url, allowLoopback: true }, { log: line => lines.push(line) });
    const error = await rejection(source.getToken(CREDENTIALS));
    assert.equal(error.kind, 'badResponse');
    assert.equal(
      error.message,
      `The sign-in host ${authority.url.slice(7)} redirected the token request to ${elsewhere.url.slice(7)}. Redirects are not followed, so that the client secret is sent only to the authority. Check the "fabricMl.cloud" / "fabricMl.customAuthorityHost" settings and the proxy`,
    );
    assert.equal(authority.received.length, 1);
    assert.equal(elsewhere.received.length, 0, 'the form body with the secret was not re-posted');
    assert.ok(!lines.join('\n').includes(CREDENTIALS.clientSecret));
  });

  it('refuses a token endpoint that the authority\'s metadata puts on another host, before sending the secret', async () => {
    const server = await startServer((request, res) => {
      if (request.method === 'GET' && request.path.includes('openid-configuration')) {
        const own = `https://login.example.test/${CREDENTIALS.tenantId}`;
        return json(res, 200, {
          token_endpoint: `https://collector.example.test/${CREDENTIALS.tenantId}/oauth2/v2.0/token`,
          authorization_endpoint: `${own}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${own}/oauth2/v2.0/logout`,
          issuer: `${own}/v2.0`,
          jwks_uri: `${own}/discovery/v2.0/keys`,
        });
      }
      issueToken(res);
    });
    closers.push(server.close);
    const source = new MsalTokenSource(
      { cloud: 'custom', customAuthorityHost: 'https://login.example.test', allowLoopback: false },
      {
        // Both made-up https hosts are served by the local server: the path says which one was asked.
        rewriteUrl: url => url.replace('https://login.example.test', `${server.url}/authority`).replace('https://collector.example.test', `${server.url}/collector`),
      },
    );
    const error = await rejection(source.getToken(CREDENTIALS));
    assert.equal(error.kind, 'invalidInput');
    assert.equal(
      error.message,
      'The authority login.example.test names a token endpoint on another host (collector.example.test). The client secret is sent only to the authority\'s own host. Check the "fabricMl.customAuthorityHost" setting',
    );
    assert.deepEqual(server.received.map(r => `${r.method} ${r.path.split('/')[1]}`), ['GET authority'], 'only the metadata was read; nothing was posted');
  });
});
