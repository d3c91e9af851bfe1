// The token side over the real @azure/msal-node against the fake Entra token route on 127.0.0.1:
// one token per run, an actionable message per AADSTS code, no secret or token in any message or log.
import * as assert from 'node:assert/strict';
import {
  AUTHORITY_HOSTS,
  AuthError,
  FABRIC_SCOPE,
  MsalTokenSource,
  explainAuthError,
  isValidClientId,
  isValidTenant,
  resolveAuthority,
  type AuthSettings,
} from '../../src/core/auth';
import type { ServicePrincipalCredentials } from '../../src/core/endpoints/model';
import { redact } from '../../src/core/redact';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID, FakeFabricServer, type TokenFailure } from '../../tools/fake-fabric';
import { waitUntil } from '../support/waitUntil';
import { rejectionOf } from '../support/rejection';

const DEMO: ServicePrincipalCredentials = { tenantId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET };
/** Looks like a secret ID (a GUID), which is what people paste by mistake. */
const WRONG_SECRET = 'f1e2d3c4-b5a6-4978-8a9b-0c1d2e3f4a5b';

const rejection = (promise: Promise<unknown>): Promise<AuthError> => rejectionOf(promise, AuthError);

describe('auth: MsalTokenSource against the fake Entra server', () => {
  let server: FakeFabricServer;
  let settings: AuthSettings;
  let logLines: string[];
  const messages: string[] = [];
  const issuedTokens: string[] = [];

  const newSource = (extra: { requestTimeoutMs?: number } = {}): MsalTokenSource =>
    new MsalTokenSource(settings, { log: (line) => logLines.push(line), ...extra });

  before(() => {
    messages.length = 0;
    issuedTokens.length = 0;
  });

  beforeEach(async () => {
    server = await FakeFabricServer.start();
    settings = { cloud: 'custom', customAuthorityHost: server.url, allowLoopback: true };
    logLines = [];
  });

  afterEach(async () => {
    messages.push(...logLines);
    await server.close();
  });

  after(() => {
    // Every message and log line of this suite, checked once more for any secret or token.
    assert.ok(messages.length > 20, 'the suite collected messages to check');
    assert.ok(issuedTokens.length > 0, 'the suite collected tokens to check');
    for (const text of messages) {
      for (const secret of [DEMO_CLIENT_SECRET, WRONG_SECRET, ...issuedTokens]) {
        assert.ok(!text.includes(secret), `a secret or token leaked into: ${text}`);
      }
      assert.doesNotMatch(text, /client_secret=|grant_type=|access_token/);
    }
  });

  it('gets a token the fake Fabric API accepts', async () => {
    const source = newSource();
    const token = await source.getToken(DEMO);
    issuedTokens.push(token);
    assert.ok(token.length >= 40);
    const res = await fetch(server.scoreUrl('1'), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [[40, 50000, 0, true, 'plus', null]] }),
    });
    assert.equal(res.status, 200);
    assert.equal(server.counters.tokenRequests, 1);
    assert.equal(server.counters.unauthorized, 0);
    assert.equal(source.networkTokenRequests, 1);
    assert.ok(logLines.some((l) => l.startsWith('Got a Fabric token from 127.0.0.1:')), logLines.join('\n'));
    messages.push(...logLines);
  });

  it('sends exactly one token request for 20 getToken calls, and for 10 concurrent ones', async () => {
    const source = newSource();
    const tokens = new Set<string>();
    for (let i = 0; i < 20; i++) tokens.add(await source.getToken(DEMO));
    assert.equal(tokens.size, 1);
    assert.equal(server.counters.tokenRequests, 1);
    assert.equal(source.networkTokenRequests, 1);

    const concurrent = newSource();
    const together = await Promise.all(Array.from({ length: 10 }, () => concurrent.getToken(DEMO)));
    assert.equal(new Set(together).size, 1);
    assert.equal(server.counters.tokenRequests, 2);
    assert.equal(concurrent.networkTokenRequests, 1);
    issuedTokens.push(...tokens, ...together);
  });

  it('keeps one app per client and secret, and asks again after clear()', async () => {
    const otherClient = '3c8d2d66-0000-4000-8000-00000000c22f';
    server.addCredentials(DEMO_TENANT_ID, otherClient, 'other~secret');
    const source = newSource();
    const first = await source.getToken(DEMO);
    const second = await source.getToken({ ...DEMO, clientId: otherClient, clientSecret: 'other~secret' });
    assert.notEqual(first, second);
    assert.equal(await source.getToken(DEMO), first);
    assert.equal(server.counters.tokenRequests, 2);
    source.clear();
    const third = await source.getToken(DEMO);
    assert.notEqual(third, first);
    assert.equal(server.counters.tokenRequests, 3);
    assert.equal(source.networkTokenRequests, 3);
    issuedTokens.push(first, second, third);
  });

  it('gives each Entra failure a distinct message naming its AADSTS code and the action', async () => {
    const expectations: Array<[TokenFailure, number, string, RegExp]> = [
      [7000215, 401, 'invalid_client', /secret ID was pasted instead of the secret value/],
      [7000222, 401, 'invalid_client', /expir.*Create a new client secret/],
      [7000218, 401, 'invalid_client', /empty client secret/],
      [700016, 400, 'unauthorized_client', /client ID is wrong .* or the tenant is wrong/],
      [90002, 400, 'invalid_request', /typo.*fabricMl\.cloud/],
      [900023, 400, 'invalid_request', /GUID .* or a verified domain/],
      [1002012, 400, 'invalid_scope', /https:\/\/api\.fabric\.microsoft\.com\/\.default/],
      [70011, 400, 'invalid_scope', /https:\/\/api\.fabric\.microsoft\.com\/\.default/],
      [500011, 400, 'invalid_resource', /not registered in this tenant/],
      [53003, 400, 'access_denied', /Conditional Access/],
      [50196, 429, 'temporarily_unavailable', /request loop.*Wait a minute/],
    ];
    const seen = new Set<string>();
    for (const [code, status, oauthError, action] of expectations) {
      server.failToken(code);
      const error = await rejection(newSource().getToken(DEMO));
      assert.equal(error.kind, 'entra');
      assert.equal(error.aadsts, code);
      assert.equal(error.status, status, `status of ${code}`);
      assert.equal(error.oauthError, oauthError, `oauthError of ${code}`);
      assert.ok(error.message.startsWith(`AADSTS${code}: ${error.title}. `), error.message);
      assert.match(error.action, action);
      assert.match(String(error.traceId), /^[0-9a-f-]{36}$/);
      assert.ok(!seen.has(error.action), `AADSTS${code} repeats another code's action`);
      seen.add(error.action);
      messages.push(error.message, error.title, error.action);
    }
    assert.equal(server.counters.tokenRequests, expectations.length);
  });

  it('explains natural failures: wrong secret, unknown client, unknown tenant', async () => {
    const wrongSecret = await rejection(newSource().getToken({ ...DEMO, clientSecret: WRONG_SECRET }));
    assert.equal(wrongSecret.aadsts, 7000215);
    assert.match(wrongSecret.message, /^AADSTS7000215: Invalid client secret\. .*secret ID was pasted/);

    const unknownClient = await rejection(newSource().getToken({ ...DEMO, clientId: '11111111-2222-4333-8444-555555555555' }));
    assert.equal(unknownClient.aadsts, 700016);
    assert.match(unknownClient.message, /^AADSTS700016: Application not found in this tenant\./);

    const unknownTenant = await rejection(newSource().getToken({ ...DEMO, tenantId: 'contoso.onmicrosoft.com' }));
    assert.equal(unknownTenant.aadsts, 90002);
    assert.match(unknownTenant.message, /^AADSTS90002: Tenant not found\./);
    messages.push(wrongSecret.message, unknownClient.message, unknownTenant.message);
    assert.ok(logLines.some((l) => l.includes('AADSTS7000215')), 'failures are logged');
  });

  it('refuses malformed credentials before sending anything', async () => {
    const source = newSource();
    const tenant = await rejection(source.getToken({ ...DEMO, tenantId: 'my tenant' }));
    const client = await rejection(source.getToken({ ...DEMO, clientId: 'my-app' }));
    const secret = await rejection(source.getToken({ ...DEMO, clientSecret: '  ' }));
    assert.deepEqual([tenant.kind, client.kind, secret.kind], ['invalidInput', 'invalidInput', 'invalidInput']);
    assert.match(tenant.message, /tenant ID is not valid/);
    assert.match(client.message, /client ID is not valid.*GUID/);
    assert.match(secret.message, /client secret is empty/);
    assert.equal(server.counters.tokenRequests, 0);
    messages.push(tenant.message, client.message, secret.message);
  });

  it('hides only validated tenant and client IDs: a tenant typed as "common" does not redact the word "common"', async () => {
    const source = newSource();
    const typo = await rejection(source.getToken({ ...DEMO, tenantId: 'common', clientId: 'my-app' }));
    assert.equal(typo.kind, 'invalidInput');
    const hint = 'Service principals sign in to one tenant; "common" and "organizations" are not allowed; my-app is not a GUID.';
    assert.equal(redact(hint), hint);
    issuedTokens.push(await source.getToken(DEMO));
    assert.equal(redact(`tenant ${DEMO_TENANT_ID.toUpperCase()}, client ${DEMO_CLIENT_ID}`), 'tenant [REDACTED], client [REDACTED]');
    messages.push(typo.message);
  });

  it('refuses a loopback or plain-http authority unless loopback is allowed', async () => {
    const refused = await rejection(new MsalTokenSource({ ...settings, allowLoopback: false }).getToken(DEMO));
    assert.equal(refused.kind, 'invalidInput');
    assert.match(refused.message, /is a local address.*fabricMl\.allowLoopbackEndpoints/);
    const plainHttp = await rejection(
      new MsalTokenSource({ cloud: 'custom', customAuthorityHost: 'http://login.example.com', allowLoopback: true }).getToken(DEMO),
    );
    assert.match(plainHttp.message, /plain http/);
    assert.equal(server.counters.tokenRequests, 0);
    messages.push(refused.message, plainHttp.message);
  });

  it('rejects at once when the signal is already aborted, without a request', async () => {
    const controller = new AbortController();
    controller.abort();
    const error = await rejection(newSource().getToken(DEMO, controller.signal));
    assert.equal(error.kind, 'aborted');
    assert.equal(error.name, 'AbortError');
    assert.equal(server.counters.tokenRequests, 0);
  });

  it('rejects a token request in flight as soon as the signal aborts', async () => {
    server.tokenDelayMs = 60_000; // without abort handling this test runs into mocha's timeout
    const controller = new AbortController();
    const source = newSource();
    const pending = source.getToken(DEMO, controller.signal);
    await waitUntil(() => server.counters.tokenRequests > 0, 'the token request to reach the server');
    controller.abort();
    const error = await rejection(pending);
    assert.equal(error.kind, 'aborted');
    assert.equal(error.name, 'AbortError');
    assert.match(error.message, /cancelled/);

    const timedOut = await rejection(newSource().getToken(DEMO, AbortSignal.timeout(20)));
    assert.equal(timedOut.kind, 'timeout');
    assert.equal(timedOut.name, 'TimeoutError');
  });

  it('gives up on a silent authority after the request timeout', async () => {
    server.tokenDelayMs = 60_000;
    const error = await rejection(newSource({ requestTimeoutMs: 100 }).getToken(DEMO));
    assert.equal(error.kind, 'timeout');
    assert.match(error.message, /^The sign-in host 127\.0\.0\.1:\d+ did not answer in time\./);
    messages.push(error.message);
  });

  it('explains an HTML answer, a dropped connection, a refused connection and an unknown host', async () => {
    server.scriptTokenFault('html');
    const html = await rejection(newSource().getToken(DEMO));
    assert.equal(html.kind, 'badResponse');
    assert.match(html.message, /answered HTTP 200 with text\/html instead of JSON/);

    server.scriptTokenFault('drop');
    const dropped = await rejection(newSource().getToken(DEMO));
    assert.equal(dropped.kind, 'network');
    assert.match(dropped.message, /closed before an answer/);

    const closed = await FakeFabricServer.start();
    const closedUrl = closed.url;
    await closed.close();
    const refused = await rejection(new MsalTokenSource({ cloud: 'custom', customAuthorityHost: closedUrl, allowLoopback: true }).getToken(DEMO));
    assert.equal(refused.kind, 'network');
    assert.match(refused.message, /refused the connection/);

    const unknownHost = await rejection(
      new MsalTokenSource({ cloud: 'custom', customAuthorityHost: 'https://login.invalid', allowLoopback: false }).getToken(DEMO),
    );
    assert.equal(unknownHost.kind, 'network');
    assert.match(unknownHost.message, /Cannot resolve the sign-in host login\.invalid|Could not reach the sign-in host login\.invalid/);
    messages.push(html.message, dropped.message, refused.message, unknownHost.message);
  });

  it('builds the token URL of each cloud from its authority host', async () => {
    for (const cloud of ['public', 'usGovernment', 'china'] as const) {
      const requested: string[] = [];
      const source = new MsalTokenSource(
        { cloud, allowLoopback: false },
        {
          rewriteUrl: (url) => {
            requested.push(url);
            return url.replace(AUTHORITY_HOSTS[cloud], server.url);
          },
        },
      );
      issuedTokens.push(await source.getToken(DEMO));
      assert.equal(requested.length, 1, `${cloud}: only the token POST, no discovery request`);
      assert.ok(requested[0].startsWith(`${AUTHORITY_HOSTS[cloud]}/${DEMO_TENANT_ID}/oauth2/v2.0/token`), requested[0]);
    }
    assert.equal(server.counters.tokenRequests, 3);
  });
});

describe('auth: settings and validation', () => {
  it('resolves the authority host of each cloud', () => {
    assert.deepEqual(resolveAuthority({ cloud: 'public', allowLoopback: false }), { origin: 'https://login.microsoftonline.com', loopback: false });
    assert.equal(resolveAuthority({ cloud: 'usGovernment', allowLoopback: false }).origin, 'https://login.microsoftonline.us');
    assert.equal(resolveAuthority({ cloud: 'china', allowLoopback: false }).origin, 'https://login.partner.microsoftonline.cn');
    assert.deepEqual(resolveAuthority({ cloud: 'custom', customAuthorityHost: 'https://login.example.com/', allowLoopback: false }), {
      origin: 'https://login.example.com',
      loopback: false,
    });
    assert.deepEqual(resolveAuthority({ cloud: 'custom', customAuthorityHost: 'http://127.0.0.1:8123', allowLoopback: true }), {
      origin: 'http://127.0.0.1:8123',
      loopback: true,
    });
    assert.equal(FABRIC_SCOPE, 'https://api.fabric.microsoft.com/.default');
  });

  it('refuses unusable custom authority hosts with a message saying what to set', () => {
    const cases: Array<[string | undefined, boolean, RegExp]> = [
      [undefined, true, /No custom authority host is set/],
      ['login.example.com', true, /is not a URL/],
      ['https://login.example.com/tenant-1', true, /must not contain a path/],
      ['http://login.example.com', true, /plain http/],
      ['http://localhost:9000', false, /local address.*fabricMl\.allowLoopbackEndpoints/],
      ['https://[::1]:9000', false, /local address/],
      ['ftp://login.example.com', true, /Unsupported scheme/],
    ];
    for (const [host, allowLoopback, message] of cases) {
      assert.throws(
        () => resolveAuthority({ cloud: 'custom', customAuthorityHost: host, allowLoopback }),
        (err: unknown) => err instanceof AuthError && err.kind === 'invalidInput' && message.test(err.message),
        String(host),
      );
    }
  });

  it('accepts tenant GUIDs and domains, and client-ID GUIDs only', () => {
    assert.ok(isValidTenant(DEMO_TENANT_ID));
    assert.ok(isValidTenant('contoso.onmicrosoft.com'));
    assert.ok(isValidTenant(' contoso.com '));
    for (const bad of ['', 'contoso', 'my tenant', 'https://login.microsoftonline.com/x', '72f988bf-0000-4000-8000']) assert.ok(!isValidTenant(bad), bad);
    assert.ok(isValidClientId(DEMO_CLIENT_ID));
    for (const bad of ['', 'contoso.com', 'app-name', `${DEMO_CLIENT_ID}x`]) assert.ok(!isValidClientId(bad), bad);
  });

  it('explains unknown failures without echoing secrets they carry', () => {
    const explained = explainAuthError(new Error(`boom client_secret=${DEMO_CLIENT_SECRET}&x=1`));
    assert.equal(explained.kind, 'unknown');
    assert.ok(!explained.message.includes(DEMO_CLIENT_SECRET), explained.message);
    const cancelled = explainAuthError(new DOMException('stop', 'AbortError'));
    assert.equal(cancelled.kind, 'aborted');
    assert.equal(explainAuthError(cancelled), cancelled);
  });
});
