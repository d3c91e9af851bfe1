// The fake Fabric + Entra server keeps its contract (tools/fake-fabric): other tests, the demo and
// the benchmark rely on these shapes, so each route is exercised over real HTTP on 127.0.0.1.
import * as assert from 'node:assert/strict';
import {
  CHURN_INPUT_SIGNATURE,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_MODEL_ID,
  DEMO_TENANT_ID,
  DEMO_WORKSPACE_ID,
  FakeFabricServer,
  predictChurn,
  byMethod,
  sendFabricJson,
  type RouteModule,
} from '../../tools/fake-fabric';
import { waitUntil } from '../support/waitUntil';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const ROWS: unknown[][] = [
  [50, 40000, 12, true, 'basic', '2021-03-04T00:00:00Z'],
  [23, 85000, 2, false, 'pro', null],
  [67, 12000, 60, true, 'plus', null],
  [null, null, null, null, null, null],
  [35, 50000, 0, false, '<img src=x onerror=alert(1)>', null],
];

function toRecord(row: unknown[]): Record<string, unknown> {
  return Object.fromEntries(CHURN_INPUT_SIGNATURE.map((f, i) => [f.name, row[i]]));
}

interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, unknown>;
}

async function call(url: string, init: RequestInit = {}): Promise<Reply> {
  const res = await fetch(url, init);
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // non-JSON bodies are asserted through `text`
  }
  return { status: res.status, headers: res.headers, text, json };
}

function tokenForm(overrides: Record<string, string | undefined> = {}): string {
  const fields: Record<string, string | undefined> = {
    client_id: DEMO_CLIENT_ID,
    client_secret: DEMO_CLIENT_SECRET,
    scope: 'https://api.fabric.microsoft.com/.default',
    grant_type: 'client_credentials',
    ...overrides,
  };
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.set(k, v);
  return form.toString();
}

describe('fake Fabric + Entra server', () => {
  let server: FakeFabricServer;
  let token: string;

  const requestToken = (tenant = DEMO_TENANT_ID, overrides: Record<string, string | undefined> = {}, query = '') =>
    call(`${server.url}/${tenant}/oauth2/v2.0/token${query}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: tokenForm(overrides),
    });

  const authed = (extra: Record<string, string> = {}): Record<string, string> => ({
    authorization: `Bearer ${token}`,
    'content-type': 'application/json',
    ...extra,
  });

  const score = (url: string, body: unknown) => call(url, { method: 'POST', headers: authed(), body: JSON.stringify(body) });

  const versionUrl = (v: string, suffix = '') =>
    `${server.url}/v1/workspaces/${DEMO_WORKSPACE_ID}/mlmodels/${DEMO_MODEL_ID}/endpoint/versions/${v}${suffix}`;

  beforeEach(async () => {
    server = await FakeFabricServer.start();
    const reply = await requestToken();
    token = String(reply.json.access_token);
    server.resetCounters();
  });

  afterEach(async () => {
    await server.close();
  });

  describe('token route', () => {
    it('issues a bearer token with the Entra success shape, matching the path by prefix', async () => {
      const reply = await requestToken(DEMO_TENANT_ID, {}, '?client-request-id=3f1c0000-0000-4000-8000-000000000001');
      assert.equal(reply.status, 200);
      assert.equal(reply.json.token_type, 'Bearer');
      assert.equal(reply.json.expires_in, 3599);
      assert.equal(reply.json.ext_expires_in, 3599);
      assert.equal(typeof reply.json.access_token, 'string');
      assert.ok(String(reply.json.access_token).length >= 40);
      assert.notEqual(reply.json.access_token, token, 'every token request gets a new token');
      assert.deepEqual(server.issuedTokens(), [token, reply.json.access_token]);
      assert.equal(server.counters.tokenRequests, 1);
    });

    it('answers wrong credentials with the Entra error a real tenant gives', async () => {
      const cases: Array<[string, Record<string, string | undefined>, number, number, string]> = [
        ['00000000-0000-4000-8000-000000000000', {}, 90002, 400, 'invalid_request'],
        ['not a tenant!', {}, 900023, 400, 'invalid_request'],
        [DEMO_TENANT_ID, { client_id: '11111111-0000-4000-8000-000000000000' }, 700016, 400, 'unauthorized_client'],
        [DEMO_TENANT_ID, { client_secret: 'secret-id-0000' }, 7000215, 401, 'invalid_client'],
        [DEMO_TENANT_ID, { client_secret: undefined }, 7000218, 401, 'invalid_client'],
        [DEMO_TENANT_ID, { scope: 'https://api.fabric.microsoft.com' }, 1002012, 400, 'invalid_scope'],
        [DEMO_TENANT_ID, { scope: 'https://management.azure.com/.default' }, 500011, 400, 'invalid_resource'],
        [DEMO_TENANT_ID, { grant_type: undefined }, 900144, 400, 'invalid_request'],
      ];
      for (const [tenant, overrides, code, status, error] of cases) {
        const reply = await requestToken(encodeURIComponent(tenant), overrides, '?client-request-id=c0ffee00-0000-4000-8000-000000000000');
        assert.equal(reply.status, status, `status of AADSTS${code}`);
        assert.equal(reply.json.error, error, `error of AADSTS${code}`);
        assert.deepEqual(reply.json.error_codes, [code]);
        const description = String(reply.json.error_description);
        assert.match(description, new RegExp(`^AADSTS${code}: .+\\r\\nTrace ID: [0-9a-f-]{36}\\r\\nCorrelation ID: c0ffee00-0000-4000-8000-000000000000\\r\\nTimestamp: \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\dZ$`));
        assert.equal(reply.json.correlation_id, 'c0ffee00-0000-4000-8000-000000000000');
        assert.match(String(reply.json.trace_id), UUID_RE);
        assert.equal(reply.json.error_uri, `https://login.microsoftonline.com/error?code=${code}`);
        assert.ok(!description.includes(DEMO_CLIENT_SECRET));
      }
      assert.equal(server.counters.tokenRequests, cases.length);
    });

    it('returns scripted failures the given number of times, then tokens again', async () => {
      server.failToken(7000222, { times: 2 });
      const first = await requestToken();
      const second = await requestToken();
      const third = await requestToken();
      assert.deepEqual([first.status, second.status, third.status], [401, 401, 200]);
      assert.deepEqual(first.json.error_codes, [7000222]);
      assert.match(String(first.json.error_description), /^AADSTS7000222: The provided client secret keys for app .* are expired/);
      assert.equal(second.json.error, 'invalid_client');
    });

    it('can answer like a proxy login page or drop the connection', async () => {
      server.scriptTokenFault('html');
      const html = await requestToken();
      assert.equal(html.status, 200);
      assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(html.text, /<!DOCTYPE html>/);
      server.scriptTokenFault('drop');
      await assert.rejects(requestToken(), TypeError);
      assert.equal((await requestToken()).status, 200);
    });
  });

  describe('score routes', () => {
    it('scores values rows with the toy model, in input order', async () => {
      const reply = await score(server.scoreUrl('1'), { formatType: 'dataframe', orientation: 'values', inputs: ROWS });
      assert.equal(reply.status, 200);
      assert.equal(reply.json.formatType, 'dataframe');
      assert.equal(reply.json.orientation, 'values');
      assert.deepEqual(reply.json.predictions, ROWS.map((r) => predictChurn(toRecord(r))));
      assert.match(reply.headers.get('x-ms-request-id') ?? '', UUID_RE);
      assert.equal(server.counters.scoreRequests, 1);
      assert.equal(server.counters.scoreRowsReceived, ROWS.length);
      assert.equal(server.counters.casingMismatches, 0);
    });

    it('scores record rows the same way, and the default-version URL scores version 1', async () => {
      const records = ROWS.map(toRecord);
      const byRecord = await score(server.scoreUrl('1'), { orientation: 'record', inputs: records });
      const byDefault = await score(server.scoreUrl(), { inputs: ROWS });
      assert.equal(byRecord.status, 200);
      assert.equal(byDefault.status, 200);
      const expected = records.map(predictChurn);
      assert.deepEqual(byRecord.json.predictions, expected);
      assert.deepEqual(byDefault.json.predictions, expected);
      assert.equal(server.counters.casingMismatches, 0);
    });

    it('rejects bodies Fabric would reject, naming the problem', async () => {
      const missing = await score(server.scoreUrl('1'), { input1: 1, input2: 2 });
      assert.equal(missing.status, 400);
      assert.equal(missing.json.errorCode, 'BadInput');
      assert.match(String(missing.json.message), /"inputs"/);

      const short = await score(server.scoreUrl('1'), { inputs: [ROWS[0], [1, 2, 3]] });
      assert.equal(short.status, 400);
      assert.equal(short.json.errorCode, 'BadInput');
      assert.match(String(short.json.message), /inputs\[1\] has 3 values; expected 6 values in this order: age, income, tenure_months, is_active, plan, signup_date/);

      const notJson = await call(server.scoreUrl('1'), { method: 'POST', headers: authed(), body: '{"inputs": [' });
      assert.equal(notJson.status, 400);
      assert.equal(notJson.json.errorCode, 'BadInput');

      const inactive = await score(server.scoreUrl('2'), { inputs: ROWS });
      assert.equal(inactive.status, 400);
      assert.equal(inactive.json.message, 'Endpoint version 2 is not active');

      const unknownVersion = await score(server.scoreUrl('9'), { inputs: ROWS });
      assert.equal(unknownVersion.status, 404);
      assert.equal(unknownVersion.json.errorCode, 'NotFound');

      const unknownModel = await score(server.scoreUrl('1', '00000000-0000-4000-8000-0000000000aa'), { inputs: ROWS });
      assert.equal(unknownModel.status, 404);
      assert.equal(unknownModel.json.message, 'Could not retrieve endpoint metadata.');
      for (const reply of [missing, short, notJson, inactive, unknownVersion, unknownModel]) {
        assert.equal(reply.json.requestId, reply.headers.get('x-ms-request-id'));
      }
    });

    it('refuses calls without a token it issued, and expired tokens', async () => {
      const none = await call(server.scoreUrl('1'), { method: 'POST', body: JSON.stringify({ inputs: ROWS }) });
      const forged = await call(server.scoreUrl('1'), { method: 'POST', headers: { authorization: 'Bearer forged' }, body: JSON.stringify({ inputs: ROWS }) });
      assert.equal(none.status, 401);
      assert.equal(none.json.errorCode, 'Unauthorized');
      assert.equal(forged.status, 401);
      server.expireTokens();
      const expired = await score(server.scoreUrl('1'), { inputs: ROWS });
      assert.equal(expired.status, 401);
      assert.equal(expired.json.errorCode, 'TokenExpired');
      assert.equal(server.counters.unauthorized, 3);
    });

    it('counts requests that do not use the documented path casing', async () => {
      const wrongDefault = server.scoreUrl().replace('/mlModels/', '/mlmodels/');
      const wrongVersion = server.scoreUrl('1').replace('/mlmodels/', '/MLModels/');
      assert.equal((await score(wrongDefault, { inputs: ROWS })).status, 200);
      assert.equal((await score(wrongVersion, { inputs: ROWS })).status, 200);
      assert.equal((await score(server.scoreUrl('1'), { inputs: ROWS })).status, 200);
      assert.equal(server.counters.casingMismatches, 2);
    });

    it('runs a scripted LRO: 202 → Running → Succeeded → result', async () => {
      server.lroRetryAfterSeconds = 3;
      server.scriptScore({ type: 'lro', outcome: 'Succeeded', polls: 2 });
      const accepted = await score(server.scoreUrl('1'), { inputs: ROWS });
      assert.equal(accepted.status, 202);
      assert.equal(accepted.text, '');
      const operationId = accepted.headers.get('x-ms-operation-id') ?? '';
      assert.match(operationId, UUID_RE);
      assert.equal(accepted.headers.get('location'), `${server.url}/v1/operations/${operationId}`);
      assert.equal(accepted.headers.get('retry-after'), '3');

      const states: string[] = [];
      let location = accepted.headers.get('location') ?? '';
      for (let i = 0; i < 3; i++) {
        const poll = await call(location, { headers: authed() });
        assert.equal(poll.status, 200);
        states.push(String(poll.json.status));
        if (poll.json.status === 'Running') {
          assert.equal(poll.headers.get('retry-after'), '3');
          assert.ok(typeof poll.json.percentComplete === 'number' && poll.json.percentComplete < 100);
        } else {
          assert.equal(poll.json.percentComplete, 100);
        }
        location = poll.headers.get('location') ?? location;
      }
      assert.deepEqual(states, ['Running', 'Running', 'Succeeded']);
      assert.equal(location, `${server.url}/v1/operations/${operationId}/result`);
      const result = await call(location, { headers: authed() });
      assert.equal(result.status, 200);
      assert.deepEqual(result.json.predictions, ROWS.map((r) => predictChurn(toRecord(r))));
      assert.equal(server.counters.operationPolls, 3);
      assert.equal(server.counters.resultRequests, 1);
    });

    it('runs a failing LRO to Failed with an ErrorResponse and no result', async () => {
      server.scriptScore({ type: 'lro', outcome: 'Failed', polls: 0 });
      const accepted = await score(server.scoreUrl('1'), { inputs: ROWS });
      const location = accepted.headers.get('location') ?? '';
      const poll = await call(location, { headers: authed() });
      assert.equal(poll.json.status, 'Failed');
      const error = poll.json.error as Record<string, unknown>;
      assert.equal(error.errorCode, 'UnknownError');
      assert.match(String(error.requestId), UUID_RE);
      assert.equal(poll.headers.get('location'), null);
      assert.equal((await call(`${location}/result`, { headers: authed() })).status, 404);
    });

    it('throttles with 429 or 503, Retry-After and a retriable ErrorResponse', async () => {
      server.scriptScore({ type: 'throttle', retryAfterSeconds: 7 });
      server.scriptScore({ type: 'throttle', retryAfterSeconds: 2, status: 503 });
      const first = await score(server.scoreUrl('1'), { inputs: ROWS });
      const second = await score(server.scoreUrl('1'), { inputs: ROWS });
      const third = await score(server.scoreUrl('1'), { inputs: ROWS });
      assert.equal(first.status, 429);
      assert.equal(first.headers.get('retry-after'), '7');
      assert.equal(first.json.errorCode, 'RequestBlocked');
      assert.equal(first.json.isRetriable, true);
      assert.equal(first.json.requestId, first.headers.get('x-ms-request-id'));
      assert.equal(second.status, 503);
      assert.equal(second.headers.get('retry-after'), '2');
      assert.equal(third.status, 200);
      assert.equal(server.counters.scoreRowsReceived, 3 * ROWS.length);
    });

    it('returns scripted errors with a request id, HTML pages, and applies rules only to matching batches', async () => {
      server.scriptScore({ type: 'error', status: 500, errorCode: 'UnknownError', message: 'Model crashed' }, { match: (inputs) => inputs.length === 1 });
      server.scriptScore({ type: 'nonJson' });
      const html = await score(server.scoreUrl('1'), { inputs: ROWS });
      assert.equal(html.status, 502);
      assert.match(html.headers.get('content-type') ?? '', /^text\/html/);
      assert.match(html.text, /Bad Gateway/);
      const error = await score(server.scoreUrl('1'), { inputs: [ROWS[0]] });
      assert.equal(error.status, 500);
      assert.equal(error.json.errorCode, 'UnknownError');
      assert.equal(error.json.message, 'Model crashed');
      assert.match(String(error.json.requestId), UUID_RE);
      assert.equal(error.json.requestId, error.headers.get('x-ms-request-id'));
      assert.equal((await score(server.scoreUrl('1'), { inputs: [ROWS[0]] })).status, 200, 'the rule was used up');
    });

    it('keeps persistent rules until cleared', async () => {
      server.scriptScore({ type: 'error', status: 409, errorCode: 'Conflict', message: 'busy' }, { times: Infinity });
      for (let i = 0; i < 3; i++) assert.equal((await score(server.scoreUrl('1'), { inputs: ROWS })).status, 409);
      server.clearScripts();
      assert.equal((await score(server.scoreUrl('1'), { inputs: ROWS })).status, 200);
    });

    it('drops the connection without answering, then serves the next request', async () => {
      server.scriptScore({ type: 'drop' });
      await assert.rejects(score(server.scoreUrl('1'), { inputs: ROWS }), TypeError);
      assert.equal((await score(server.scoreUrl('1'), { inputs: ROWS })).status, 200);
      assert.equal(server.counters.scoreRequests, 2);
      assert.equal(server.counters.inFlight, 0);
    });

    it('tracks requests in flight across the latency wait and answers slow requests correctly', async () => {
      server.latencyMs = 40;
      server.scriptScore({ type: 'slow', delayMs: 30 });
      const replies = await Promise.all([0, 1, 2, 3].map(() => score(server.scoreUrl('1'), { inputs: ROWS })));
      assert.deepEqual(replies.map((r) => r.status), [200, 200, 200, 200]);
      for (const r of replies) assert.deepEqual(r.json.predictions, ROWS.map((row) => predictChurn(toRecord(row))));
      assert.equal(server.counters.maxInFlight, 4);
      assert.equal(server.counters.inFlight, 0);
    });
  });

  describe('metadata routes', () => {
    it('describes the endpoint and its default version', async () => {
      const reply = await call(`${server.url}/v1/workspaces/${DEMO_WORKSPACE_ID}/mlmodels/${DEMO_MODEL_ID}/endpoint`, { headers: authed() });
      assert.equal(reply.status, 200);
      assert.equal(reply.json.defaultVersionAssignmentBehavior, 'StaticallyConfigured');
      assert.equal(reply.json.defaultVersionName, '1');
      const info = reply.json.defaultVersionInfo as Record<string, unknown>;
      assert.equal(info.status, 'Active');
      assert.equal(info.scaleRule, 'AllowScaleToZero');
      assert.deepEqual(info.inputSignature, CHURN_INPUT_SIGNATURE);
      assert.equal(server.counters.metadataRequests, 1);
    });

    it('pages the version list two at a time with a continuation token and URI', async () => {
      const first = await call(`${server.url}/v1/workspaces/${DEMO_WORKSPACE_ID}/mlmodels/${DEMO_MODEL_ID}/endpoint/versions`, { headers: authed() });
      const firstPage = first.json.value as Array<Record<string, unknown>>;
      assert.deepEqual(firstPage.map((v) => v.versionName), ['1', '2']);
      assert.equal(typeof first.json.continuationToken, 'string');
      assert.ok(String(first.json.continuationUri).endsWith(`continuationToken=${encodeURIComponent(String(first.json.continuationToken))}`));
      const second = await call(String(first.json.continuationUri), { headers: authed() });
      const secondPage = second.json.value as Array<Record<string, unknown>>;
      assert.deepEqual(secondPage.map((v) => v.versionName), ['3']);
      assert.equal(secondPage[0].status, 'Failed');
      assert.deepEqual(secondPage[0].failureDetails, { errorCode: 'InvalidInput', message: 'Tensor-based models are not supported yet.' });
      assert.equal(second.json.continuationToken, undefined);
      assert.equal(second.json.continuationUri, undefined);
    });

    it('activates a version through an LRO: Activating at once, Active when the operation succeeds', async () => {
      const accepted = await call(versionUrl('2', '/activate'), { method: 'POST', headers: authed() });
      assert.equal(accepted.status, 202);
      assert.equal(server.version('2').status, 'Activating');
      const location = accepted.headers.get('location') ?? '';
      assert.equal((await call(location, { headers: authed() })).json.status, 'Running');
      assert.equal(server.version('2').status, 'Activating');
      const done = await call(location, { headers: authed() });
      assert.equal(done.json.status, 'Succeeded');
      assert.equal(done.headers.get('location'), null, 'activate has no result to fetch');
      assert.equal(server.version('2').status, 'Active');
      assert.equal((await call(versionUrl('2'), { headers: authed() })).json.status, 'Active');
      assert.equal((await score(server.scoreUrl('2'), { inputs: ROWS })).status, 200);
    });

    it('deactivates through an LRO, and activating a failed version fails again', async () => {
      const off = await call(versionUrl('1', '/deactivate'), { method: 'POST', headers: authed() });
      assert.equal(off.status, 202);
      assert.equal(server.version('1').status, 'Deactivating');
      server.lroPolls = 0;
      const conflict = await call(versionUrl('1', '/activate'), { method: 'POST', headers: authed() });
      assert.equal(conflict.status, 409);
      assert.equal(conflict.json.errorCode, 'Conflict');
      // The operation was started with one Running poll (lroPolls applies to operations started later).
      const polls = [];
      for (let i = 0; i < 2; i++) polls.push((await call(off.headers.get('location') ?? '', { headers: authed() })).json.status);
      assert.deepEqual(polls, ['Running', 'Succeeded']);
      assert.equal(server.version('1').status, 'Deactivated');

      const retry = await call(versionUrl('3', '/activate'), { method: 'POST', headers: authed() });
      const failed = await call(retry.headers.get('location') ?? '', { headers: authed() });
      assert.equal(failed.json.status, 'Failed');
      assert.equal((failed.json.error as Record<string, unknown>).errorCode, 'InvalidInput');
      assert.equal(server.version('3').status, 'Failed');
    });

    it('changes the scale rule with PATCH and rejects unknown rules', async () => {
      const patch = (scaleRule: string) =>
        call(versionUrl('1'), { method: 'PATCH', headers: authed(), body: JSON.stringify({ scaleRule }) });
      const ok = await patch('AlwaysOn');
      assert.equal(ok.status, 200);
      assert.equal(ok.json.scaleRule, 'AlwaysOn');
      assert.equal(server.version('1').scaleRule, 'AlwaysOn');
      const bad = await patch('Sometimes');
      assert.equal(bad.status, 400);
      assert.equal(bad.json.errorCode, 'BadInput');
      assert.match(String(bad.json.message), /Sometimes/);
      assert.equal(server.version('1').scaleRule, 'AlwaysOn');
    });

    it('returns scripted metadata failures and 404 for unknown workspaces and versions', async () => {
      server.scriptMetadata({ status: 403, errorCode: 'InsufficientPrivileges', message: 'The caller does not have sufficient permissions.' });
      const denied = await call(versionUrl('1'), { headers: authed() });
      assert.equal(denied.status, 403);
      assert.equal(denied.json.errorCode, 'InsufficientPrivileges');
      assert.equal(denied.json.requestId, denied.headers.get('x-ms-request-id'));
      assert.equal((await call(versionUrl('1'), { headers: authed() })).status, 200);
      const otherWorkspace = versionUrl('1').replace(DEMO_WORKSPACE_ID, '00000000-0000-4000-8000-0000000000ff');
      const missingWs = await call(otherWorkspace, { headers: authed() });
      assert.equal(missingWs.status, 404);
      assert.equal(missingWs.json.errorCode, 'NotFound');
      const missingVersion = await call(versionUrl('42'), { headers: authed() });
      assert.equal(missingVersion.status, 404);
      assert.equal(missingVersion.json.errorCode, 'NotFound');
    });

    it('serves models and versions added or changed by the test', async () => {
      const modelId = 'aaaaaaaa-0000-4000-8000-000000000001';
      server.addModel(modelId, [{ versionName: '7', status: 'Active', inputSignature: CHURN_INPUT_SIGNATURE }], '7');
      assert.equal((await score(server.scoreUrl(undefined, modelId), { inputs: ROWS })).status, 200);
      server.setVersion('7', { status: 'Deactivated' }, modelId);
      const reply = await score(server.scoreUrl('7', modelId), { inputs: ROWS });
      assert.equal(reply.json.message, 'Endpoint version 7 is not active');
    });
  });

  describe('route modules and request log', () => {
    // A capacity list as the next Fabric API families will add them: one module, no change to the server.
    // Its handle is what a test scripts it with.
    const capacities: RouteModule<{ add(id: string, displayName: string): void }> = (router, context) => {
      const list: Array<{ id: string; displayName: string; type: 'Capacity' }> = [];
      router.add(
        '/v1/capacities',
        byMethod({
          GET: async (exchange) => {
            if (!(await context.fabricLatency()) || !context.authorize(exchange)) return;
            sendFabricJson(exchange, { value: list });
          },
        }),
      );
      return { add: (id, displayName) => list.push({ id, displayName, type: 'Capacity' }) };
    };

    it('serves a route module added with use(), behind the same bearer check, beside the built-in routes', async () => {
      const before = await call(`${server.url}/v1/capacities`, { headers: authed() });
      assert.equal(before.status, 404, 'no capacity route until the module is added');
      server.use(capacities).add(DEMO_WORKSPACE_ID, 'Demo capacity');

      const listed = await call(`${server.url}/v1/capacities`, { headers: authed() });
      assert.equal(listed.status, 200);
      assert.deepEqual(listed.json.value, [{ id: DEMO_WORKSPACE_ID, displayName: 'Demo capacity', type: 'Capacity' }]);
      assert.match(listed.headers.get('x-ms-request-id') ?? '', UUID_RE);

      const anonymous = await call(`${server.url}/v1/capacities`);
      assert.equal(anonymous.status, 401);
      assert.equal(anonymous.json.errorCode, 'Unauthorized');
      const posted = await call(`${server.url}/v1/capacities`, { method: 'POST', headers: authed() });
      assert.equal(posted.status, 405);
      assert.equal(posted.json.errorCode, 'MethodNotAllowed');
      assert.equal((await score(server.scoreUrl('1'), { inputs: ROWS })).status, 200, 'built-in routes still answer');
      assert.equal(server.counters.unauthorized, 1);
    });

    it('logs method, path and status of each request, never its query or body', async () => {
      await requestToken(DEMO_TENANT_ID, {}, '?client-request-id=c0ffee00-0000-4000-8000-000000000000');
      await score(server.scoreUrl('2'), { inputs: ROWS });
      server.scriptScore({ type: 'drop' });
      await assert.rejects(score(server.scoreUrl('1'), { inputs: ROWS }), TypeError);
      await waitUntil(() => server.requestLog().length === 3, 'the dropped request in the log');
      assert.deepEqual(server.requestLog(), [
        { method: 'POST', path: `/${DEMO_TENANT_ID}/oauth2/v2.0/token`, status: 200 },
        { method: 'POST', path: new URL(server.scoreUrl('2')).pathname, status: 400 },
        { method: 'POST', path: new URL(server.scoreUrl('1')).pathname, status: 0 },
      ]);
      assert.ok(!JSON.stringify(server.requestLog()).includes(DEMO_CLIENT_SECRET));
      server.resetCounters();
      assert.deepEqual(server.requestLog(), []);
    });
  });

  it('closes while a client keeps a connection open and a response is pending', async () => {
    server.latencyMs = 60_000;
    const pending = score(server.scoreUrl('1'), { inputs: ROWS });
    await waitUntil(() => server.counters.inFlight === 1, 'the score request to be in flight');
    await server.close();
    await assert.rejects(pending, TypeError);
    await assert.rejects(fetch(server.scoreUrl('1'), { method: 'POST', body: '{}' }), TypeError);
    server = await FakeFabricServer.start(); // afterEach closes this one
  });
});

describe('toy churn model', () => {
  it('computes the documented logistic formula, rounded to 4 places', () => {
    // z = 0.04*10 - 0.00002*(-10000) - 0.03*12 - 0.8 + 0.3 = -0.26
    assert.deepEqual(predictChurn({ age: 50, income: 40000, tenure_months: 12, is_active: true, plan: 'basic' }), [0.4354, 'stay']);
    // z = 0.04*30 + 0.6 - 0.4 = 1.4 (income at 50000, no tenure)
    assert.deepEqual(predictChurn({ age: 70, income: 50000, tenure_months: 0, is_active: false, plan: 'pro' }), [0.8022, 'churn']);
  });

  it('treats null or missing numbers as 0 and a null is_active as false', () => {
    // z = 0.04*(-40) + 1 + 0.6 = 0
    assert.deepEqual(predictChurn({ age: null, income: null, tenure_months: null, is_active: null }), [0.5, 'churn']);
    assert.deepEqual(predictChurn({}), [0.5, 'churn']);
  });

  it('returns a plan starting with "<" verbatim as the label', () => {
    const [p, label] = predictChurn({ age: 40, income: 50000, tenure_months: 0, is_active: true, plan: '<b>bold</b>' });
    assert.equal(label, '<b>bold</b>');
    assert.equal(p, 0.31);
  });
});
