// The workspace-trust rule in a real VS Code window in Restricted Mode: an endpoint defined in an untrusted
// workspace's settings is listed in the Endpoint Explorer, marked, and never called with the user's token;
// the same URL saved in the user's own settings works. The fake Fabric + Entra server listens on the port
// that scripts/test-integration.mjs wrote into the workspace copy's .vscode/settings.json.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { parse as parseJsonc } from 'jsonc-parser';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID, FakeFabricServer, predictChurn } from '../../tools/fake-fabric';
import type { ResultsModel } from '../../src/protocol/results';
import { activateExtension, controlUrl, screenshot, waitFor, workbenchTexts } from '../integration/support';
import { explorerRows, rejection, row, useFakeServer, waitForRow, widenSideBar } from '../integration/explorerSupport';

interface Report {
  outcome: 'ok' | 'warning' | 'failed';
  summary: string;
  checks: Array<{ name: string; result: string }>;
  failure?: { stage: string; code: string };
}
interface RefreshResult {
  endpointId: string;
  state: string;
}

const WORKSPACE_ENDPOINT = 'ws-churn';
const WORKSPACE_NAME = 'Workspace churn';
const USER_ENDPOINT = 'user-churn';
const USER_NAME = 'User churn';
const REFUSAL = `"${WORKSPACE_NAME}" comes from the settings of a workspace you have not trusted, so it is listed but never called with your credentials. Trust the workspace (Manage Workspace Trust), or add the endpoint to your user settings.`;

function refresh(expand?: number): Thenable<RefreshResult[]> {
  return vscode.commands.executeCommand<RefreshResult[]>('fabricMl.refreshEndpoints', expand ? { expand } : {});
}

function workspaceFolder(): vscode.WorkspaceFolder {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the untrusted run opens a folder');
  return folder;
}

function csvUri(): vscode.Uri {
  return vscode.Uri.joinPath(workspaceFolder().uri, 'customers.csv');
}

describe('Untrusted workspace', function () {
  this.timeout(120_000);
  let server: FakeFabricServer;

  before(async () => {
    const port = Number(process.env.FABRIC_ML_UNTRUSTED_FAKE_PORT);
    assert.ok(Number.isInteger(port) && port > 0, 'FABRIC_ML_UNTRUSTED_FAKE_PORT (set by scripts/test-integration.mjs) names the port in the workspace settings');
    await activateExtension();
    server = await FakeFabricServer.start({ port });
    await useFakeServer(server);
    await vscode.commands.executeCommand('fabricMl.setCredentials', { profileId: 'default', tenantId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET });
  });

  after(async () => {
    await vscode.commands.executeCommand('fabricMl.removeEndpoint', { endpointId: USER_ENDPOINT }).then(undefined, () => undefined);
    await server?.close();
  });

  it('opens the folder in Restricted Mode, where VS Code hides the workspace value of fabricMl.endpoints', async () => {
    assert.strictEqual(vscode.workspace.isTrusted, false);
    const inspected = vscode.workspace.getConfiguration('fabricMl').inspect<unknown[]>('endpoints');
    assert.strictEqual(inspected?.workspaceValue, undefined, 'restricted setting hidden from the API');
    if (controlUrl) await waitFor(async () => (await workbenchTexts('.statusbar-item')).some(t => t.includes('Restricted Mode')), 'the Restricted Mode status bar item');
  });

  it('reads a workspace endpoint that points at the running fake server', () => {
    const settings = parseJsonc(fs.readFileSync(path.join(workspaceFolder().uri.fsPath, '.vscode', 'settings.json'), 'utf8')) as Record<string, unknown>;
    const endpoints = settings['fabricMl.endpoints'] as Array<{ id: string; scoreUrl: string }>;
    // Without this, "no request reached the server" would prove nothing.
    assert.deepStrictEqual(endpoints.map(e => [e.id, e.scoreUrl]), [[WORKSPACE_ENDPOINT, server.scoreUrl('1')]]);
  });

  it('lists the workspace endpoint in the Endpoint Explorer, marked as untrusted, and calls nothing', async () => {
    // The store reads the workspace settings file asynchronously after activation.
    const results = await waitFor(async () => {
      const all = await refresh();
      return all.some(r => r.endpointId === WORKSPACE_ENDPOINT) ? all : undefined;
    }, 'the workspace endpoint to be listed');
    assert.deepStrictEqual(results, [{ endpointId: WORKSPACE_ENDPOINT, state: 'restricted' }]);
    if (controlUrl) {
      await widenSideBar();
      await refresh(1);
      await waitForRow(row(WORKSPACE_NAME, 'untrusted workspace · not called'), 'the workspace endpoint with its untrusted marker');
      await waitForRow(row('Untrusted workspace: not called'), 'the explanation under the endpoint');
    }
    assert.deepStrictEqual([server.counters.tokenRequests, server.counters.metadataRequests, server.counters.scoreRequests], [0, 0, 0]);
  });

  it('refuses Test connection for the workspace endpoint before requesting a token', async () => {
    const report = await vscode.commands.executeCommand<Report>('fabricMl.testConnection', { endpointId: WORKSPACE_ENDPOINT });
    assert.strictEqual(report.outcome, 'failed');
    assert.strictEqual(report.failure?.code, 'restricted');
    assert.strictEqual(report.summary, `Test connection failed for "${WORKSPACE_NAME}": ${REFUSAL}`);
    assert.deepStrictEqual(report.checks.map(c => `${c.name}:${c.result}`), ['setup:failed', 'token:skipped', 'endpoint:skipped']);
    assert.deepStrictEqual([server.counters.tokenRequests, server.counters.metadataRequests, server.counters.scoreRequests], [0, 0, 0]);
  });

  it('refuses Score Selection and Score File with the workspace endpoint', async () => {
    const selection = await rejection(vscode.commands.executeCommand('fabricMl.scoreSelection', { endpointId: WORKSPACE_ENDPOINT, uri: csvUri(), range: { startLine: 1, endLine: 3 } }));
    assert.strictEqual(selection, REFUSAL);
    const file = await rejection(vscode.commands.executeCommand('fabricMl.scoreFile', { endpointId: WORKSPACE_ENDPOINT, uri: csvUri() }));
    assert.strictEqual(file, REFUSAL);
    assert.deepStrictEqual([server.counters.tokenRequests, server.counters.metadataRequests, server.counters.scoreRequests], [0, 0, 0]);
  });

  it('does not let the untrusted workspace settings be changed from the extension', async () => {
    const removal = await rejection(vscode.commands.executeCommand('fabricMl.removeEndpoint', { endpointId: WORKSPACE_ENDPOINT }));
    assert.strictEqual(removal, `"${WORKSPACE_NAME}" comes from the settings of an untrusted workspace and cannot be removed here.`);
    const addition = await rejection(
      vscode.commands.executeCommand('fabricMl.addEndpoint', { id: 'ws-new', name: 'New workspace endpoint', scoreUrl: server.scoreUrl('1'), target: 'workspace' }),
    );
    assert.strictEqual(addition, 'This workspace is not trusted: its settings cannot be changed from here. Trust the workspace first (Manage Workspace Trust).');
  });

  it('calls the same URL when it is saved in the user settings: the restriction is about where a definition comes from', async () => {
    server.resetCounters();
    await vscode.commands.executeCommand('fabricMl.addEndpoint', { id: USER_ENDPOINT, name: USER_NAME, scoreUrl: server.scoreUrl('1'), target: 'user' });
    const report = await vscode.commands.executeCommand<Report>('fabricMl.testConnection', { endpointId: USER_ENDPOINT });
    assert.strictEqual(report.outcome, 'ok', report.summary);
    // The workspace's own customAuthorityHost (port 9) is ignored: the token came from the fake server.
    assert.ok(server.counters.tokenRequests >= 1, `token requests: ${server.counters.tokenRequests}`);
    assert.ok(server.counters.metadataRequests >= 1, `metadata requests: ${server.counters.metadataRequests}`);

    const model = await vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreSelection', { endpointId: USER_ENDPOINT, uri: csvUri(), range: { startLine: 1, endLine: 3 } });
    assert.strictEqual(model.endpoint.id, USER_ENDPOINT);
    assert.deepStrictEqual(model.inputs.map(r => r[0]), ['C-1001', 'C-1002', 'C-1003']);
    const rows = (await vscode.workspace.openTextDocument(csvUri())).getText().split('\n');
    const header = rows[0].split(',');
    const expected = [1, 2, 3].map(line => {
      const record: Record<string, unknown> = Object.fromEntries(rows[line].split(',').map((cell, i) => [header[i], cell]));
      record.is_active = record.is_active === 'true';
      return predictChurn(record);
    });
    assert.deepStrictEqual(model.predictions, expected);
    assert.strictEqual(server.counters.scoreRowsReceived, 3);

    // The workspace endpoint on the same host is still refused. (A settings change re-reads the untrusted
    // workspace's file asynchronously, so its endpoint can be missing for a moment.)
    const listed = await waitFor(async () => {
      const all = await refresh();
      return all.length === 2 ? all : undefined;
    }, 'both endpoints to be listed');
    assert.deepStrictEqual(listed, [
      { endpointId: USER_ENDPOINT, state: 'ready', status: 'Active', scaleRule: 'AllowScaleToZero', versionName: '1' },
      { endpointId: WORKSPACE_ENDPOINT, state: 'restricted' },
    ]);
    if (controlUrl) {
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await refresh(1);
      await waitForRow(row(USER_NAME, 'v1 · Active · auto-sleep on'), 'the user endpoint, ready');
      await waitForRow(row(WORKSPACE_NAME, 'untrusted workspace · not called'), 'the workspace endpoint, still untrusted');
      console.log(`[integration-untrusted] explorer rows: ${JSON.stringify(await explorerRows())}`);
      await screenshot('untrusted-workspace-explorer', 800);
    }
  });
});
