// Test connection as data: real msal-node and the real Fabric client against the fake Entra + Fabric
// server on 127.0.0.1, turned into reports. Every failure gets its own actionable message; no report
// carries a secret or a token.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { MsalTokenSource } from '../../src/core/auth';
import { buildConnectionReport, describeAuthorityChange, explainFabricFailure, explainFailure, type ConnectionAttempt, type ConnectionReport } from '../../src/core/endpoints/connectionReport';
import type { EndpointRef, EndpointVersionInfo } from '../../src/core/endpoints/model';
import { parseScoreUrl } from '../../src/core/endpoints/endpointUrl';
import { FabricClient } from '../../src/core/fabric';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID, FakeFabricServer, type TokenFailure } from '../../tools/fake-fabric';

const DEMO = { tenantId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET };
const AADSTS_CODES: TokenFailure[] = [7000215, 7000222, 7000218, 700016, 90002, 900023, 53003, 50196, 1002012];

interface Probe {
  version?: string;
  scoreUrl?: string;
  requestTimeoutMs?: number;
  beforeMetadata?: () => void;
}

/** Does what the Test Connection command does (fresh token, then the version metadata) and builds the report. */
async function probe(server: FakeFabricServer, options: Probe = {}): Promise<ConnectionReport> {
  const source = new MsalTokenSource({ cloud: 'custom', customAuthorityHost: server.url, allowLoopback: true });
  const client = new FabricClient({
    getToken: signal => source.getToken(DEMO, signal),
    allowLoopback: true,
    requestTimeoutMs: options.requestTimeoutMs ?? 5000,
    maxRetries: 0,
    maxRetryAfterMs: 1000,
    pollFloorMs: 0,
  });
  const url = options.scoreUrl ?? server.scoreUrl(options.version ?? '1');
  const ref: EndpointRef = parseScoreUrl(url, { allowLoopback: true });
  const attempt: ConnectionAttempt = { endpointId: 'churn', endpointName: 'Churn', profileLabel: 'Default service principal', host: new URL(url).host };
  try {
    await client.acquireToken();
    attempt.token = { ok: true };
  } catch (error) {
    attempt.token = { ok: false, error };
    return buildConnectionReport(attempt);
  }
  options.beforeMetadata?.();
  try {
    let info: EndpointVersionInfo;
    if (ref.version !== undefined) info = await client.getVersion(ref, ref.version);
    else info = (await client.getEndpoint(ref)).defaultVersionInfo as EndpointVersionInfo;
    attempt.metadata = { ok: true, info, usesDefaultVersion: ref.version === undefined };
  } catch (error) {
    attempt.metadata = { ok: false, error };
  }
  return buildConnectionReport(attempt);
}

function results(report: ConnectionReport): Record<string, string> {
  return Object.fromEntries(report.checks.map(c => [c.name, c.result]));
}

describe('connectionReport: Test connection outcomes against the fake server', function () {
  this.timeout(30_000);
  let server: FakeFabricServer;
  const everything: ConnectionReport[] = [];

  beforeEach(async () => {
    server = await FakeFabricServer.start();
  });
  afterEach(async () => {
    await server.close();
  });
  after(() => {
    // No secret, token or tenant/client ID in any report of this suite.
    const text = JSON.stringify(everything);
    assert.ok(everything.length >= 15, 'the suite collected reports');
    for (const forbidden of [DEMO_CLIENT_SECRET, DEMO_TENANT_ID, DEMO_CLIENT_ID]) assert.equal(text.includes(forbidden), false, `a report contains ${forbidden.slice(0, 6)}…`);
  });

  it('reports token OK, endpoint reachable, Active and auto-sleep on for version 1', async () => {
    const report = await probe(server);
    everything.push(report);
    assert.equal(report.outcome, 'ok');
    assert.equal(report.summary, 'Connection to "Churn" OK: token OK, endpoint reachable, version 1 Active, auto-sleep on (the first call after idle is slow).');
    assert.deepEqual(results(report), { token: 'ok', endpoint: 'ok', status: 'ok', autoSleep: 'info' });
    assert.deepEqual(report.version, { name: '1', status: 'Active', scaleRule: 'AllowScaleToZero', autoSleep: true, usesDefaultVersion: false });
    assert.match(report.checks.find(c => c.name === 'autoSleep')!.text, /the first call after idle is slow/);
    assert.equal(report.failure, undefined);
    for (const token of server.issuedTokens()) assert.equal(JSON.stringify(report).includes(token), false);
  });

  it('warns that an inactive version must be activated before the Dataflow runs', async () => {
    const report = await probe(server, { version: '2' });
    everything.push(report);
    assert.equal(report.outcome, 'warning');
    assert.equal(report.summary, 'Connected to "Churn" (token OK, endpoint reachable), but version 2 is inactive (Deactivated): activate it in Fabric before the Dataflow runs.');
    assert.deepEqual(results(report), { token: 'ok', endpoint: 'ok', status: 'warning', autoSleep: 'ok' });
    assert.equal(report.version?.autoSleep, false);
  });

  it('shows why a version failed to activate', async () => {
    const report = await probe(server, { version: '3' });
    everything.push(report);
    assert.equal(report.outcome, 'warning');
    assert.match(report.summary, /version 3 failed to activate \(InvalidInput: Tensor-based models are not supported yet\.\): fix the model in Fabric/);
  });

  it('tolerates a status Fabric does not document', async () => {
    server.setVersion('1', { status: 'Running' });
    const report = await probe(server);
    everything.push(report);
    assert.equal(report.outcome, 'warning');
    assert.equal(report.version?.status, 'Running');
    assert.match(report.summary, /reports the status "Running", which is not a documented status/);
  });

  it('follows the default-version URL to the default version', async () => {
    const report = await probe(server, { scoreUrl: server.scoreUrl() });
    everything.push(report);
    assert.equal(report.outcome, 'ok');
    assert.equal(report.version?.usesDefaultVersion, true);
    assert.match(report.checks.find(c => c.name === 'endpoint')!.text, /the URL calls the default version, now 1/);
  });

  it('gives each scripted AADSTS failure its own code and message, and calls no Fabric route', async () => {
    const summaries = new Map<string, number>();
    for (const code of AADSTS_CODES) {
      server.failToken(code);
      server.resetCounters();
      const report = await probe(server);
      everything.push(report);
      assert.equal(report.outcome, 'failed', `AADSTS${code}`);
      assert.equal(report.failure?.stage, 'token');
      assert.equal(report.failure?.code, `AADSTS${code}`);
      assert.ok(report.summary.startsWith(`Test connection failed for "Churn": AADSTS${code}: `), report.summary);
      assert.deepEqual(results(report), { token: 'failed', endpoint: 'skipped' });
      assert.equal(server.counters.metadataRequests, 0, 'no metadata request without a token');
      summaries.set(report.summary, code);
    }
    assert.equal(summaries.size, AADSTS_CODES.length, 'every AADSTS code has a distinct message');
    const byCode = new Map([...summaries].map(([s, c]) => [c, s]));
    assert.match(byCode.get(7000215)!, /Invalid client secret\..*secret ID was pasted instead of the secret value/);
    assert.match(byCode.get(7000222)!, /Client secret expired\./);
    assert.match(byCode.get(700016)!, /Application not found in this tenant\./);
    assert.match(byCode.get(90002)!, /Tenant not found\..*fabricMl\.cloud/);
  });

  it('distinguishes Fabric 401, 403 and 404, each with what to do', async () => {
    server.scriptMetadata({ status: 401, errorCode: 'Unauthorized', message: 'The caller is not authenticated.' });
    const unauthorized = await probe(server);
    server.scriptMetadata({ status: 403, errorCode: 'InsufficientPrivileges', message: 'The caller does not have sufficient permissions.' });
    const forbidden = await probe(server);
    server.scriptMetadata({ status: 404, errorCode: 'NotFound', message: 'Could not retrieve endpoint metadata.' });
    const notFound = await probe(server);
    everything.push(unauthorized, forbidden, notFound);

    assert.equal(unauthorized.failure?.code, 'HTTP 401');
    assert.equal(unauthorized.failure?.stage, 'endpoint');
    assert.match(unauthorized.summary, /Fabric rejected the service principal's token \(401 Unauthorized\)\./);
    assert.match(unauthorized.summary, /tenant setting "Service principals can use Fabric APIs"/);

    assert.equal(forbidden.failure?.code, 'HTTP 403');
    assert.match(forbidden.summary, /The service principal may not use this workspace or model \(403 Forbidden, InsufficientPrivileges\)\./);
    assert.match(forbidden.summary, /Add the app to the Fabric workspace \(Manage access → Add people or groups\) with the Contributor role or higher/);

    assert.equal(notFound.failure?.code, 'HTTP 404');
    assert.match(notFound.summary, /Fabric found no such endpoint \(404 Not Found, NotFound\): the workspace, model or version in the URL does not exist or has no endpoint\./);
    assert.match(notFound.summary, /Check the workspace ID, the model ID and the version number\./);

    assert.deepEqual(results(forbidden), { token: 'ok', endpoint: 'failed' });
    assert.equal(new Set([unauthorized.summary, forbidden.summary, notFound.summary]).size, 3);
  });

  it('reports a version that does not exist as 404 from the real route', async () => {
    const report = await probe(server, { version: '99' });
    everything.push(report);
    assert.equal(report.failure?.code, 'HTTP 404');
    assert.ok(report.details.some(d => d.includes('NotFound')), JSON.stringify(report.details));
  });

  it('says when Fabric found the token expired', async () => {
    const report = await probe(server, { beforeMetadata: () => server.expireTokens() });
    everything.push(report);
    assert.equal(report.failure?.code, 'HTTP 401');
    assert.match(report.summary, /the token expired before it was checked \(401 TokenExpired\)/);
  });

  it('reports a timeout', async () => {
    server.latencyMs = 1000;
    const report = await probe(server, { requestTimeoutMs: 150 });
    everything.push(report);
    assert.equal(report.failure?.code, 'timeout');
    assert.equal(report.summary, `Test connection failed for "Churn": Fabric did not answer in time (127.0.0.1:${server.port}). Check the network and the proxy (VS Code's "http.proxy" setting), then test again.`);
  });

  it('reports a refused connection', async () => {
    // A port nothing listens on: the token comes from the fake server, the metadata call goes nowhere.
    const closedPort = await freePort();
    const url = server.scoreUrl('1').replace(`:${server.port}/`, `:${closedPort}/`);
    const report = await probe(server, { scoreUrl: url });
    everything.push(report);
    assert.equal(report.failure?.code, 'connectionRefused');
    assert.match(report.summary, new RegExp(`Nothing accepted the connection at 127\\.0\\.0\\.1:${closedPort} \\(connection refused\\)`));
  });
});

describe('connectionReport: pure mapping', () => {
  it('maps DNS failures to a DNS message naming the host', () => {
    const failure = explainFabricFailure(
      { kind: 'network', message: 'The connection to api.fabric.microsoft.com failed: getaddrinfo ENOTFOUND api.fabric.microsoft.com (ENOTFOUND).' },
      'api.fabric.microsoft.com',
    );
    assert.equal(failure.code, 'dns');
    assert.equal(failure.title, 'The host name api.fabric.microsoft.com could not be resolved (DNS).');
  });

  it('maps TLS failures, throttling and server errors', () => {
    assert.equal(explainFabricFailure({ kind: 'network', message: 'failed: self-signed certificate in certificate chain (SELF_SIGNED_CERT_IN_CHAIN)' }, 'h').code, 'tls');
    const throttled = explainFabricFailure({ kind: 'http', status: 429, errorCode: 'RequestBlocked', message: 'Too many requests' });
    assert.match(throttled.title, /throttling/);
    const server = explainFabricFailure({ kind: 'http', status: 500, errorCode: 'UnknownError', message: 'x', requestId: 'abc-123' });
    assert.equal(server.code, 'HTTP 500');
    assert.match(server.action, /Quote request id abc-123/);
  });

  it('turns a refusal into a failed report that sent nothing', () => {
    const report = buildConnectionReport({
      endpointId: 'e',
      endpointName: 'Churn',
      refusal: { code: 'credentialsMissing', message: 'Credentials missing for service principal "Default service principal" (used by "Churn").' },
    });
    assert.equal(report.outcome, 'failed');
    assert.equal(report.failure?.code, 'credentialsMissing');
    assert.equal(report.failure?.stage, 'setup');
    assert.deepEqual(results(report), { setup: 'failed', token: 'skipped', endpoint: 'skipped' });
    assert.equal(report.summary, 'Test connection failed for "Churn": Credentials missing for service principal "Default service principal" (used by "Churn").');
    assert.equal(report.failure?.action, '');
  });

  it('reports credentials stored for another sign-in authority as a setup failure with its own code and action', () => {
    const change = describeAuthorityChange('https://login.microsoftonline.com', 'https://evil.example', 'Default service principal');
    assert.equal(change.title, 'The sign-in authority changed from https://login.microsoftonline.com to https://evil.example since the credentials of "Default service principal" were stored.');
    assert.equal(change.action, 'To send them there, run "Fabric ML: Set Credentials" again for this profile.');
    const report = buildConnectionReport({ endpointId: 'e', endpointName: 'Churn', refusal: { code: 'authorityChanged', message: change.title, action: change.action } });
    assert.equal(report.outcome, 'failed');
    assert.deepEqual(report.failure, { stage: 'setup', code: 'authorityChanged', title: change.title, action: change.action });
    assert.deepEqual(results(report), { setup: 'failed', token: 'skipped', endpoint: 'skipped' });
    assert.equal(report.checks[0].text, `${change.title} ${change.action}`);
    assert.equal(report.checks[1].text, 'Token: not requested.');
    assert.equal(report.summary, `Test connection failed for "Churn": ${change.title} ${change.action}`);
    assert.deepEqual(report.details, [`Refused before sending anything: ${change.title} ${change.action}`]);
  });

  it('explains a refusal seen by the tree or an action with its title and action apart', () => {
    const change = describeAuthorityChange('http://127.0.0.1:4100', 'http://127.0.0.1:4200', 'Scoring app');
    // Shaped like SessionRefusedError (features/shared/createServices.ts): the message is title + action.
    const refused = Object.assign(new Error(`${change.title} ${change.action}`), { name: 'SessionRefusedError', reason: 'authorityChanged', title: change.title, action: change.action });
    assert.deepEqual(explainFailure(refused), { stage: 'setup', code: 'authorityChanged', title: change.title, action: change.action });
    const missing = Object.assign(new Error('Credentials missing for service principal "Scoring app".'), { name: 'SessionRefusedError', reason: 'credentialsMissing', title: 'Credentials missing for service principal "Scoring app".', action: '' });
    assert.deepEqual(explainFailure(missing), { stage: 'setup', code: 'credentialsMissing', title: 'Credentials missing for service principal "Scoring app".', action: '' });
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

describe('connection report: advice for the identity that called', () => {
  const http = (status: number) => ({ kind: 'http' as const, status, message: 'refused' });

  it('tells a signed-in user about their own account, not about a service principal', () => {
    const unauthorized = explainFabricFailure(http(401), 'api.fabric.microsoft.com', 'user');
    assert.equal(unauthorized.title, 'Fabric rejected your token (401 Unauthorized).');
    assert.match(unauthorized.action, /^Sign out and in again \(Accounts menu\)/);
    const forbidden = explainFabricFailure(http(403), undefined, 'user');
    assert.equal(forbidden.title, 'Your account may not use this workspace or model (403 Forbidden).');
    assert.ok(!/service principal/i.test(forbidden.title + forbidden.action), forbidden.action);
    assert.match(explainFabricFailure(http(429), undefined, 'user').title, /from your account/);
  });

  it('keeps the service principal advice by default', () => {
    assert.match(explainFabricFailure(http(401)).title, /^Fabric rejected the service principal's token/);
    assert.match(explainFabricFailure(http(403)).title, /^The service principal may not use this workspace or model/);
  });
});
