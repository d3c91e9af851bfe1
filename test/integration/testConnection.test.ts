// Test Connection in a real VS Code against the fake Entra + Fabric server: success, an inactive version,
// every scripted AADSTS failure, Fabric 401/403/404, each with its own message; the node follows the
// result; details go to the redacted log.
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID, FakeFabricServer, type TokenFailure } from '../../tools/fake-fabric';
import { activateExtension, controlUrl, screenshot, waitFor } from './support';
import { extensionContext, logFiles, row, useFakeServer, waitForRow } from './explorerSupport';

interface Report {
  endpointId: string;
  outcome: 'ok' | 'warning' | 'failed';
  summary: string;
  checks: Array<{ name: string; result: string; text: string }>;
  failure?: { stage: string; code: string; title: string; action: string };
  version?: { name: string; status: string; scaleRule?: string; autoSleep?: boolean; usesDefaultVersion: boolean };
}

const AADSTS: TokenFailure[] = [7000215, 7000222, 7000218, 700016, 90002, 900023, 53003, 50196, 1002012];

function test(endpointId: string): Thenable<Report> {
  return vscode.commands.executeCommand<Report>('fabricMl.testConnection', { endpointId });
}

describe('Test Connection', function () {
  this.timeout(120_000);
  let server: FakeFabricServer;
  const ids = ['tc-v1', 'tc-v2', 'tc-default'];

  before(async () => {
    await activateExtension();
    server = await FakeFabricServer.start();
    await useFakeServer(server);
    await vscode.commands.executeCommand('fabricMl.setCredentials', { tenantId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET });
    await vscode.commands.executeCommand('fabricMl.addEndpoint', { id: 'tc-v1', name: 'TC churn v1', scoreUrl: server.scoreUrl('1') });
    await vscode.commands.executeCommand('fabricMl.addEndpoint', { id: 'tc-v2', name: 'TC churn v2', scoreUrl: server.scoreUrl('2') });
    await vscode.commands.executeCommand('fabricMl.addEndpoint', { id: 'tc-default', name: 'TC churn default', scoreUrl: server.scoreUrl() });
    await vscode.commands.executeCommand('workbench.view.extension.fabricMl');
    // Let the tree finish its own first reads (token + metadata) so that the counters below see only
    // what Test connection itself sends.
    await vscode.commands.executeCommand('fabricMl.refreshEndpoints', {});
  });

  after(async () => {
    for (const endpointId of ids) await vscode.commands.executeCommand('fabricMl.removeEndpoint', { endpointId }).then(undefined, () => undefined);
    await server?.close();
  });

  it('reports token OK, endpoint reachable, Active and auto-sleep on, and updates the node', async () => {
    server.resetCounters();
    const report = await test('tc-v1');
    assert.strictEqual(report.outcome, 'ok');
    assert.strictEqual(report.summary, 'Connection to "TC churn v1" OK: token OK, endpoint reachable, version 1 Active, auto-sleep on (the first call after idle is slow).');
    assert.deepStrictEqual(report.checks.map(c => `${c.name}:${c.result}`), ['token:ok', 'endpoint:ok', 'status:ok', 'autoSleep:info']);
    assert.deepStrictEqual(report.version, { name: '1', status: 'Active', scaleRule: 'AllowScaleToZero', autoSleep: true, usesDefaultVersion: false });
    assert.strictEqual(server.counters.tokenRequests, 1, 'a fresh token was requested');
    assert.strictEqual(server.counters.metadataRequests, 1);
    if (controlUrl) {
      await vscode.commands.executeCommand('fabricMl.refreshEndpoints', { expand: 1 });
      await waitForRow(row('TC churn v1', 'v1 · Active · auto-sleep on'), 'the tested endpoint node');
      await screenshot('test-connection-ok', 800);
    }
  });

  it('warns that an inactive version must be activated before the Dataflow runs, and follows the default version', async () => {
    const inactive = await test('tc-v2');
    assert.strictEqual(inactive.outcome, 'warning');
    assert.strictEqual(inactive.summary, 'Connected to "TC churn v2" (token OK, endpoint reachable), but version 2 is inactive (Deactivated): activate it in Fabric before the Dataflow runs.');
    const byDefault = await test('tc-default');
    assert.strictEqual(byDefault.outcome, 'ok');
    assert.deepStrictEqual(byDefault.version, { name: '1', status: 'Active', scaleRule: 'AllowScaleToZero', autoSleep: true, usesDefaultVersion: true });
  });

  it('gives every scripted AADSTS failure its own actionable message and calls no Fabric route', async () => {
    const summaries = new Set<string>();
    for (const code of AADSTS) {
      server.failToken(code);
      server.resetCounters();
      const report = await test('tc-v1');
      assert.strictEqual(report.outcome, 'failed', `AADSTS${code}: ${report.summary}`);
      assert.strictEqual(report.failure?.stage, 'token');
      assert.strictEqual(report.failure?.code, `AADSTS${code}`);
      assert.ok(report.summary.startsWith(`Test connection failed for "TC churn v1": AADSTS${code}: `), report.summary);
      assert.ok(report.failure.action.length > 20, `AADSTS${code} says what to do`);
      assert.strictEqual(server.counters.metadataRequests, 0, `AADSTS${code}: no Fabric call without a token`);
      summaries.add(report.summary);
    }
    assert.strictEqual(summaries.size, AADSTS.length, 'each code has a distinct message');
  });

  it('distinguishes Fabric 401, 403 and 404', async () => {
    server.scriptMetadata({ status: 401, errorCode: 'Unauthorized', message: 'The caller is not authenticated to access this resource.' });
    const unauthorized = await test('tc-v1');
    server.scriptMetadata({ status: 403, errorCode: 'InsufficientPrivileges', message: 'The caller does not have sufficient permissions.' });
    const forbidden = await test('tc-v1');
    server.scriptMetadata({ status: 404, errorCode: 'NotFound', message: 'Could not retrieve endpoint metadata.' });
    const notFound = await test('tc-v1');

    assert.strictEqual(unauthorized.failure?.code, 'HTTP 401');
    assert.strictEqual(
      unauthorized.summary,
      'Test connection failed for "TC churn v1": Fabric rejected the service principal\'s token (401 Unauthorized). Entra issued the token, but Fabric did not accept it. Ask a Fabric admin to turn on the tenant setting "Service principals can use Fabric APIs" (Admin portal → Tenant settings → Developer settings) for this service principal, and check that "fabricMl.cloud" matches the tenant\'s cloud.',
    );
    assert.strictEqual(forbidden.failure?.code, 'HTTP 403');
    assert.strictEqual(
      forbidden.summary,
      'Test connection failed for "TC churn v1": The service principal may not use this workspace or model (403 Forbidden, InsufficientPrivileges). Add the app to the Fabric workspace (Manage access → Add people or groups) with the Contributor role or higher: scoring and activating need write permission on the ML model. If it is already a member, check the tenant setting "Service principals can use Fabric APIs".',
    );
    assert.strictEqual(notFound.failure?.code, 'HTTP 404');
    assert.strictEqual(
      notFound.summary,
      'Test connection failed for "TC churn v1": Fabric found no such endpoint (404 Not Found, NotFound): the workspace, model or version in the URL does not exist or has no endpoint. Copy the score URL again from the model version\'s Endpoint details in Fabric and edit the endpoint. Check the workspace ID, the model ID and the version number.',
    );
    if (controlUrl) {
      // The last result (404) is on the node as well.
      await waitForRow(row('TC churn v1', 'unavailable · HTTP 404'), 'the node showing the 404');
    }
  });

  it('writes the details to the log, redacted', async () => {
    const context = await extensionContext();
    server.failToken(7000215);
    await test('tc-v1');
    const text = await waitFor(() => {
      const all = logFiles(context).map(f => fs.readFileSync(f, 'utf8')).join('\n');
      return all.includes('AADSTS7000215') && all.includes('HTTP 404') ? all : undefined;
    }, 'the log with the failures');
    assert.match(text, /Test connection: "TC churn v1" \(tc-v1\), service principal "Default service principal"/);
    assert.match(text, /\[failed\] Token: AADSTS7000215: Invalid client secret\./);
    assert.match(text, /\[skipped\] Endpoint: not called \(no token\)\./);
    for (const value of [DEMO_CLIENT_SECRET, DEMO_TENANT_ID, DEMO_CLIENT_ID, ...server.issuedTokens()]) {
      assert.ok(!text.includes(value), `the log contains ${value.slice(0, 4)}…`);
    }
  });
});
