// Signing in as a user: the readiness rule for "as you" endpoints, the user token source and its scopes,
// browsing workspaces → ML models → endpoint → versions against the fake server with real user tokens (paging,
// a 403 workspace, a model without default version), scopes enforced on scoring, and the cold-start warm-up.
import * as assert from 'node:assert/strict';
import { AuthError } from '../../src/core/auth/authErrors';
import { fabricApiBase } from '../../src/core/auth/clouds';
import { UserTokenSource, userScopes } from '../../src/core/auth/userTokenSource';
import { browseReadiness, endpointReadiness, readinessFlags, type EndpointFacts } from '../../src/core/endpoints/readiness';
import { browsedEndpointDefinition, defaultVersionWarning, FabricBrowser, pinnedEndpointId } from '../../src/core/fabric/browse';
import { FabricClient } from '../../src/core/fabric/fabricClient';
import { FabricError } from '../../src/core/fabric/fabricError';
import { runScoringWithWarmUp, WARMING_TEXT } from '../../src/core/fabric/warmUp';
import { redact } from '../../src/core/redact';
import {
  DEMO_FORBIDDEN_WORKSPACE_ID,
  DEMO_MODEL_ID,
  DEMO_NO_DEFAULT_MODEL_ID,
  DEMO_USER_NAME,
  DEMO_WORKSPACE_ID,
  FakeFabricServer,
} from '../../tools/fake-fabric';
import { CHURN_COLUMNS, churnRows, expectedPredictions } from '../support/fabricTestKit';
import { fakeAccount, fetchUserToken } from '../support/userTokens';

const FABRIC_URL = 'https://api.fabric.microsoft.com/v1/workspaces/11111111-1111-1111-1111-111111111111/mlmodels/22222222-2222-2222-2222-222222222222/endpoint/versions/1/score';

function facts(overrides: Partial<EndpointFacts> = {}): EndpointFacts {
  return {
    endpointId: 'churn',
    definition: { id: 'churn', name: 'Churn', scoreUrl: FABRIC_URL, profileId: 'default', identity: 'user' },
    profileLabel: 'Prod app',
    allowLoopback: false,
    isLoopbackOriginApproved: () => false,
    stored: undefined,
    currentAuthority: 'https://login.microsoftonline.com',
    ...overrides,
  };
}

describe('Signing in: two identities, one readiness rule', () => {
  it('calls an "as you" endpoint with no service principal at all once someone is signed in', () => {
    const r = endpointReadiness(facts({ signedInAccount: DEMO_USER_NAME }));
    assert.equal(r.kind, 'ready');
  });

  it('refuses an "as you" endpoint when nobody is signed in, and still offers its commands (they sign in)', () => {
    const r = endpointReadiness(facts());
    assert.equal(r.kind === 'refused' && r.reason, 'signedOut');
    assert.equal(r.kind === 'refused' && r.title, '"Churn" calls Fabric as you, and you are not signed in with a Microsoft account.');
    assert.equal(r.kind === 'refused' && r.action, 'Run "Fabric ML: Sign In", or edit the endpoint to use a service principal.');
    assert.deepEqual(readinessFlags(r), { callable: true, editable: true });
  });

  it('"Test as the Dataflow will" asks for the service principal even when signed in: its credentials must be there', () => {
    const r = endpointReadiness(facts({ signedInAccount: DEMO_USER_NAME, identity: 'servicePrincipal' }));
    assert.equal(r.kind === 'refused' && r.reason, 'credentialsMissing');
  });

  it('keeps the service principal for definitions without an identity (settings written before sign-in)', () => {
    const def = { id: 'churn', name: 'Churn', scoreUrl: FABRIC_URL, profileId: 'default' };
    const r = endpointReadiness(facts({ definition: def, signedInAccount: DEMO_USER_NAME }));
    assert.equal(r.kind === 'refused' && r.reason, 'credentialsMissing');
  });

  it('browsing needs a signed-in account and, for a local test server, the approved address', () => {
    const base = { apiBase: 'http://127.0.0.1:7357/v1', allowLoopback: true, isLoopbackOriginApproved: () => false };
    assert.equal((browseReadiness(base) as { reason?: string }).reason, 'signedOut');
    assert.equal((browseReadiness({ ...base, signedInAccount: 'data.engineer@contoso.example' }) as { reason?: string }).reason, 'loopbackNotApproved');
    assert.equal(browseReadiness({ ...base, signedInAccount: 'data.engineer@contoso.example', isLoopbackOriginApproved: () => true }).kind, 'ready');
    assert.equal(browseReadiness({ ...base, signedInAccount: 'data.engineer@contoso.example', allowLoopback: false }).kind, 'refused');
  });

  it('browses Fabric itself unless the user pointed a custom cloud at a local test server', () => {
    assert.equal(fabricApiBase({ cloud: 'public', allowLoopback: false }), 'https://api.fabric.microsoft.com/v1');
    assert.equal(fabricApiBase({ cloud: 'custom', customAuthorityHost: 'http://127.0.0.1:7357', allowLoopback: true }), 'http://127.0.0.1:7357/v1');
    assert.equal(fabricApiBase({ cloud: 'custom', customAuthorityHost: 'http://127.0.0.1:7357', allowLoopback: false }), 'https://api.fabric.microsoft.com/v1');
  });
});

describe('UserTokenSource (as you)', () => {
  let server: FakeFabricServer;
  before(async () => {
    server = await FakeFabricServer.start();
  });
  after(() => server.close());

  it('asks for read scopes to read and write scopes to score, with the user\'s own client and tenant when set', async () => {
    const account = fakeAccount(server);
    const source = new UserTokenSource(account, { clientId: '11111111-2222-3333-4444-555555555555', tenant: 'contoso.onmicrosoft.com' }, false);
    await source.getToken('read');
    await source.getToken('write');
    assert.deepEqual(account.requests, [
      { scopes: [...userScopes('read'), 'VSCODE_CLIENT_ID:11111111-2222-3333-4444-555555555555', 'VSCODE_TENANT:contoso.onmicrosoft.com'], interactive: false },
      { scopes: [...userScopes('write'), 'VSCODE_CLIENT_ID:11111111-2222-3333-4444-555555555555', 'VSCODE_TENANT:contoso.onmicrosoft.com'], interactive: false },
    ]);
    assert.deepEqual(userScopes('read'), ['https://api.fabric.microsoft.com/Workspace.Read.All', 'https://api.fabric.microsoft.com/MLModel.Read.All']);
    assert.deepEqual(userScopes('write'), ['https://api.fabric.microsoft.com/Workspace.Read.All', 'https://api.fabric.microsoft.com/MLModel.ReadWrite.All']);
  });

  it('says how to sign in when nobody is, and keeps every user token out of logs', async () => {
    const account = fakeAccount(server);
    const source = new UserTokenSource(account, {}, false);
    const token = await source.getToken('read');
    assert.equal(redact(`Authorization: Bearer ${token}`).includes(token), false);
    account.signedIn = false;
    await assert.rejects(source.getToken('read'), (e: unknown) => {
      assert.ok(e instanceof AuthError);
      assert.equal(e.kind, 'signedOut');
      assert.equal(e.message, 'You are not signed in with a Microsoft account. Run "Fabric ML: Sign In" (or sign in from the Fabric workspaces view), or pin the endpoint with a service principal.');
      return true;
    });
  });
});

describe('Browsing Fabric as the user (fake server, real user tokens)', () => {
  let server: FakeFabricServer;
  let browser: FabricBrowser;
  let client: FabricClient;
  before(async () => {
    server = await FakeFabricServer.start();
    const source = new UserTokenSource(fakeAccount(server), {}, false);
    client = new FabricClient({ getToken: () => source.getToken('read'), allowLoopback: true, requestTimeoutMs: 10_000, maxRetries: 0, maxRetryAfterMs: 1000, pollFloorMs: 0 });
    browser = new FabricBrowser(client, `${server.url}/v1`);
  });
  after(() => server.close());

  it('lists workspaces page by page with continuation tokens', async () => {
    server.listPageSize = 2;
    const first = await browser.workspaces();
    assert.deepEqual(first.items.map(w => w.displayName), ['Demo workspace', 'Sales analytics']);
    assert.ok(first.next, 'a next page');
    const second = await browser.workspaces(first.next);
    assert.deepEqual(second.items.map(w => w.displayName), ['Finance (restricted)']);
    assert.equal(second.next, undefined);
    server.listPageSize = 100;
  });

  it('lists the ML models of a workspace, and answers 403 for a workspace the user may not read', async () => {
    const models = await browser.mlModels(DEMO_WORKSPACE_ID);
    assert.deepEqual(models.items.map(m => [m.id, m.displayName]), [[DEMO_MODEL_ID, 'churn-model'], [DEMO_NO_DEFAULT_MODEL_ID, 'forecast-model']]);
    await assert.rejects(browser.mlModels(DEMO_FORBIDDEN_WORKSPACE_ID), (e: unknown) => e instanceof FabricError && e.info.status === 403 && e.info.errorCode === 'InsufficientPrivileges');
  });

  it('reads the endpoint (default version or the warning that there is none) and the versions with failure details', async () => {
    const churn = await browser.endpoint(DEMO_WORKSPACE_ID, DEMO_MODEL_ID);
    assert.equal(churn.defaultVersionName, '1');
    assert.equal(defaultVersionWarning(churn), undefined);
    const forecast = await browser.endpoint(DEMO_WORKSPACE_ID, DEMO_NO_DEFAULT_MODEL_ID);
    assert.equal(forecast.defaultVersionAssignmentBehavior, 'NotConfigured');
    assert.equal(defaultVersionWarning(forecast), 'No default version is set: the default score URL will fail. Score a version, or set a default version in Fabric.');
    const versions = await browser.versions(DEMO_WORKSPACE_ID, DEMO_MODEL_ID);
    assert.deepEqual(versions.map(v => [v.versionName, v.status]), [['1', 'Active'], ['2', 'Deactivated'], ['3', 'Failed']]);
    assert.equal(versions[2].failureDetails?.message, 'Tensor-based models are not supported yet.');
  });

  it('turns a browsed version into an "as you" endpoint whose score URL is the version\'s, and pins it under a readable id', () => {
    const def = browsedEndpointDefinition({ apiBase: `${server.url}/v1`, workspaceId: DEMO_WORKSPACE_ID, workspaceName: 'Demo workspace', modelId: DEMO_MODEL_ID, modelName: 'churn-model', versionName: '1' });
    assert.equal(def.scoreUrl, server.scoreUrl('1'));
    assert.equal(def.identity, 'user');
    assert.equal(def.name, 'churn-model v1');
    assert.equal(pinnedEndpointId({ modelName: 'churn-model', versionName: '1' }, id => id === 'churn-model-v1'), 'churn-model-v1-2');
  });

  it('scores with a user token that has the write scope, and answers 403 InsufficientScopes to a read-only one', async () => {
    const readOnly = await fetchUserToken(server.url, userScopes('read'));
    const refused = await fetch(server.scoreUrl('1'), { method: 'POST', headers: { Authorization: `Bearer ${readOnly}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ inputs: [] }) });
    assert.equal(refused.status, 403);
    assert.equal(((await refused.json()) as { errorCode: string }).errorCode, 'InsufficientScopes');
    const write = await fetchUserToken(server.url, userScopes('write'));
    assert.deepEqual(server.tokenScopes(write), ['Workspace.Read.All', 'MLModel.ReadWrite.All']);
    const rows = churnRows(3);
    const writer = new FabricClient({ getToken: async () => write, allowLoopback: true, requestTimeoutMs: 10_000, maxRetries: 0, maxRetryAfterMs: 1000, pollFloorMs: 0 });
    const result = await writer.scoreBatch({ apiBase: `${server.url}/v1`, workspaceId: DEMO_WORKSPACE_ID, modelId: DEMO_MODEL_ID, version: '1' }, CHURN_COLUMNS, rows, 'values');
    assert.deepEqual(result.predictions, expectedPredictions(rows));
  });
});

describe('Cold start: one warm-up batch before fan-out', () => {
  let server: FakeFabricServer;
  const ref = () => ({ apiBase: `${server.url}/v1`, workspaceId: DEMO_WORKSPACE_ID, modelId: DEMO_MODEL_ID, version: '1' });
  let token: string;
  before(async () => {
    server = await FakeFabricServer.start();
    token = await fetchUserToken(server.url, userScopes('write'));
  });
  after(() => server.close());
  afterEach(() => server.scriptColdStart(undefined));

  const client = (requestTimeoutMs = 10_000) => new FabricClient({ getToken: async () => token, allowLoopback: true, requestTimeoutMs, maxRetries: 0, maxRetryAfterMs: 1000, pollFloorMs: 0 });

  it('sends the first batch alone while saying "waking the endpoint (auto-sleep)…", then fans out, rows in order', async () => {
    server.scriptColdStart({ afterIdleMs: 60_000, delayMs: 300 });
    server.resetCounters();
    const statuses: string[] = [];
    const inFlightAtWake: number[] = [];
    const rows = churnRows(50);
    const result = await runScoringWithWarmUp(
      client(),
      { ref: ref(), columns: CHURN_COLUMNS, rows, batchSize: 10, concurrency: 4, orientation: 'values' },
      { autoSleep: true, statusIntervalMs: 50, onStatus: message => { statuses.push(message); inFlightAtWake.push(server.counters.inFlight); } },
    );
    assert.ok(statuses.length >= 1 && statuses.every(s => s.startsWith(`${WARMING_TEXT} `) && / \d+ s$/.test(s)), JSON.stringify(statuses));
    assert.ok(inFlightAtWake.every(n => n <= 1), `one request while waking, saw ${JSON.stringify(inFlightAtWake)}`);
    assert.deepEqual(result.predictions, expectedPredictions(rows));
    assert.deepEqual(result.batches.map(b => [b.index, b.startRow, b.endRow, b.ok]), [0, 1, 2, 3, 4].map(i => [i, i * 10, i * 10 + 10, true]));
    assert.equal(server.counters.scoreRequests, 5);
  });

  it('does not warm up a version without auto-sleep: batches fan out at once', async () => {
    server.resetCounters();
    const statuses: string[] = [];
    await runScoringWithWarmUp(client(), { ref: ref(), columns: CHURN_COLUMNS, rows: churnRows(40), batchSize: 10, concurrency: 4, orientation: 'values' }, { autoSleep: false, onStatus: s => statuses.push(s) });
    assert.deepEqual(statuses, []);
    assert.equal(server.counters.scoreRequests, 4);
  });

  it('says a timeout of the warm-up call may be the endpoint waking, and suggests turning auto-sleep off for Dataflow use', async () => {
    server.scriptColdStart({ afterIdleMs: 0, delayMs: 2_000 });
    const result = await runScoringWithWarmUp(client(200), { ref: ref(), columns: CHURN_COLUMNS, rows: churnRows(5), batchSize: 10, concurrency: 4, orientation: 'values' }, { autoSleep: true });
    const error = result.batches[0].error;
    assert.equal(error?.kind, 'timeout');
    assert.match(error?.message ?? '', /The endpoint has auto-sleep on and may still have been waking up: try again in a minute\. For Dataflow use, turn auto-sleep off/);
  });
});
