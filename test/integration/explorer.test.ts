// The Endpoint Explorer in a real VS Code against the fake Fabric server: endpoints added and credentials
// set through the commands (with arguments) appear with the status, auto-sleep and signature the server
// reports; missing credentials are shown without calling anything; bad URLs are refused; the version
// actions run as long-running operations and the node follows.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID, DEMO_WORKSPACE_ID, FakeFabricServer } from '../../tools/fake-fabric';
import { activateExtension, controlUrl, screenshot, waitFor } from './support';
import { harnessOnly } from './harnessOnly';
import { explorerRows, rejection, restoreSideBar, row, useFakeServer, waitForRow, widenSideBar } from './explorerSupport';

interface Definition {
  id: string;
  name: string;
  scoreUrl: string;
  profileId: string;
}
interface RefreshResult {
  endpointId: string;
  state: string;
  status?: string;
  scaleRule?: string;
  versionName?: string;
}
interface VersionInfo {
  versionName: string;
  status: string;
  scaleRule?: string;
}

const MODEL_GUID = '9a1f7e2d-3c4b-4d5e-8f60-7182a3b4c5d6';

function endpointIds(): string[] {
  const all = vscode.workspace.getConfiguration('fabricMl').inspect<Array<{ id: string }>>('endpoints');
  return [...(all?.globalValue ?? []), ...(all?.workspaceValue ?? [])].map(e => e.id);
}

describe('Endpoint Explorer', function () {
  this.timeout(120_000);
  let server: FakeFabricServer;
  const created: string[] = [];

  before(async () => {
    await activateExtension();
    server = await FakeFabricServer.start();
    await useFakeServer(server);
    await vscode.commands.executeCommand('workbench.view.extension.fabricMl');
  });

  after(async () => {
    for (const endpointId of created) {
      if (endpointIds().includes(endpointId)) await vscode.commands.executeCommand('fabricMl.removeEndpoint', { endpointId });
    }
    await server?.close();
  });

  it('shows an endpoint added with the commands: status, auto-sleep, input and output signature, profile', async function () {
    const profile = await vscode.commands.executeCommand<{ profileId: string }>('fabricMl.setCredentials', {
      tenantId: DEMO_TENANT_ID,
      clientId: DEMO_CLIENT_ID,
      clientSecret: DEMO_CLIENT_SECRET,
    });
    assert.strictEqual(profile.profileId, 'default');

    // Pasted in odd casing with a query string: stored normalised.
    const pasted = `${server.scoreUrl('1').replace('/mlmodels/', '/MLModels/')}/?source=fabric`;
    const def = await vscode.commands.executeCommand<Definition>('fabricMl.addEndpoint', { id: 'explorer-churn', name: 'Churn scoring', scoreUrl: pasted });
    created.push(def.id);
    assert.deepStrictEqual(def, { id: 'explorer-churn', name: 'Churn scoring', scoreUrl: server.scoreUrl('1'), profileId: 'default' });
    const v2 = await vscode.commands.executeCommand<Definition>('fabricMl.addEndpoint', { name: 'Churn v2 (staging)', scoreUrl: server.scoreUrl('2') });
    created.push(v2.id);
    assert.strictEqual(v2.id, 'churn-v2-staging', 'the id is derived from the name');
    assert.ok(endpointIds().includes('explorer-churn') && endpointIds().includes('churn-v2-staging'), 'both are in user settings');

    server.resetCounters();
    const results = await vscode.commands.executeCommand<RefreshResult[]>('fabricMl.refreshEndpoints', { expand: 3 });
    const byId = new Map(results.map(r => [r.endpointId, r]));
    assert.deepStrictEqual(
      { ...byId.get('explorer-churn') },
      { endpointId: 'explorer-churn', state: 'ready', status: 'Active', scaleRule: 'AllowScaleToZero', versionName: '1' },
    );
    assert.deepStrictEqual(
      { ...byId.get('churn-v2-staging') },
      { endpointId: 'churn-v2-staging', state: 'ready', status: 'Deactivated', scaleRule: 'AlwaysOn', versionName: '2' },
    );
    assert.ok(server.counters.metadataRequests >= 2, 'the status came from the metadata API');

    harnessOnly(this, 'reading the tree rows');
    await widenSideBar();
    const rows = await waitForRow(/churn_probability: double/, 'the expanded output signature');
    const flat = rows.map(r => r.trim());
    const has = (re: RegExp): void => assert.ok(flat.some(r => re.test(r)), `no row matches ${re}: ${JSON.stringify(flat)}`);
    has(row('Churn scoring', 'v1 · Active · auto-sleep on'));
    has(row('Churn v2 (staging)', 'v2 · Deactivated · auto-sleep off'));
    // The version row does not repeat the endpoint row's status.
    has(row('Version 1', ''));
    has(row('Input signature', '6 columns'));
    has(row('age: double', 'required'));
    has(row('tenure_months: long', 'required'));
    has(row('plan: string', 'optional'));
    has(row('Output signature', '2 columns'));
    has(row('churn_label: string', 'required'));
    has(row('Service principal: Default service principal', 'credentials set'));
    const file = await screenshot('endpoint-explorer', 500);
    console.log(`    [info] screenshot: ${file}`);
    await restoreSideBar();
  });

  it('shows "credentials missing" for an endpoint whose profile has none, and calls nothing', async () => {
    const def = await vscode.commands.executeCommand<Definition>('fabricMl.addEndpoint', { id: 'explorer-nocreds', name: 'No credentials yet', scoreUrl: server.scoreUrl('1'), profileId: 'explorer-nobody' });
    created.push(def.id);
    const results = await vscode.commands.executeCommand<RefreshResult[]>('fabricMl.refreshEndpoints', { expand: 1 });
    assert.strictEqual(results.find(r => r.endpointId === 'explorer-nocreds')?.state, 'credentialsMissing');
    server.resetCounters();
    const report = await vscode.commands.executeCommand<{ outcome: string; failure?: { code: string }; summary: string }>('fabricMl.testConnection', { endpointId: 'explorer-nocreds' });
    assert.strictEqual(report.outcome, 'failed');
    assert.strictEqual(report.failure?.code, 'credentialsMissing');
    assert.match(report.summary, /Credentials missing for service principal "explorer-nobody" \(used by "No credentials yet"\)\. Run "Fabric ML: Set Credentials"/);
    if (controlUrl) {
      await waitForRow(row('No credentials yet', 'credentials missing'), 'the endpoint marked "credentials missing"');
      await waitForRow(row('Credentials missing: set them to read the status'), 'the explanation under it');
    }
    assert.deepStrictEqual(
      { tokenRequests: server.counters.tokenRequests, metadataRequests: server.counters.metadataRequests, scoreRequests: server.counters.scoreRequests },
      { tokenRequests: 0, metadataRequests: 0, scoreRequests: 0 },
      'nothing was called for the endpoint without credentials',
    );
  });

  it('refuses a URL on a non-Fabric host, an invalid URL and bad GUIDs, saying what a valid URL is', async () => {
    const path = `/v1/workspaces/${DEMO_WORKSPACE_ID}/mlmodels/${MODEL_GUID}/endpoint/versions/1/score`;
    const before = endpointIds();
    const foreign = await rejection(vscode.commands.executeCommand('fabricMl.addEndpoint', { id: 'bad-1', name: 'x', scoreUrl: `https://fabric.example.com${path}` }));
    assert.match(foreign, /^fabric\.example\.com is not a Fabric API host \(api\.fabric\.microsoft\.com\)\. The credentials are only sent to Fabric\. Expected https:\/\/api\.fabric\.microsoft\.com\/v1\/workspaces\/<workspace-guid>\/mlmodels\/<model-guid>\/endpoint\/versions\/<n>\/score$/);
    const invalid = await rejection(vscode.commands.executeCommand('fabricMl.addEndpoint', { id: 'bad-2', name: 'x', scoreUrl: 'workspace 0d6c1a8e model v1' }));
    assert.strictEqual(invalid, '"workspace 0d6c1a8e model v1" is not a URL. Paste the score URL from the model\'s endpoint page in Fabric, e.g. https://api.fabric.microsoft.com/v1/workspaces/<workspace-guid>/mlmodels/<model-guid>/endpoint/versions/<n>/score');
    const badGuid = await rejection(vscode.commands.executeCommand('fabricMl.addEndpoint', { id: 'bad-3', name: 'x', scoreUrl: `https://api.fabric.microsoft.com/v1/workspaces/sales/mlmodels/${MODEL_GUID}/endpoint/score` }));
    assert.match(badGuid, /^The workspace ID "sales" is not a GUID\. Expected https:\/\/api\.fabric\.microsoft\.com/);
    const notScore = await rejection(vscode.commands.executeCommand('fabricMl.addEndpoint', { id: 'bad-4', name: 'x', scoreUrl: `https://api.fabric.microsoft.com/v1/workspaces/${DEMO_WORKSPACE_ID}/mlModels/${MODEL_GUID}` }));
    assert.match(notScore, /It should end in \/endpoint\/versions\/<n>\/score \(one version\) or \/endpoint\/score \(default version\)/);
    assert.deepStrictEqual(endpointIds(), before, 'nothing was saved');
  });

  it('refuses loopback endpoints while the user setting is off, even if they are already in settings', async () => {
    const config = vscode.workspace.getConfiguration('fabricMl');
    await config.update('allowLoopbackEndpoints', false, vscode.ConfigurationTarget.Global);
    try {
      const refused = await rejection(vscode.commands.executeCommand('fabricMl.addEndpoint', { id: 'bad-5', name: 'x', scoreUrl: server.scoreUrl('1') }));
      assert.strictEqual(refused, `127.0.0.1:${server.port} is a local address. Turn on the user setting "fabricMl.allowLoopbackEndpoints" to call a local test server.`);
      server.resetCounters();
      const report = await vscode.commands.executeCommand<{ failure?: { code: string }; summary: string }>('fabricMl.testConnection', { endpointId: 'explorer-churn' });
      assert.strictEqual(report.failure?.code, 'invalidUrl');
      assert.match(report.summary, /"Churn scoring" cannot be called: 127\.0\.0\.1:\d+ is a local address/);
      assert.strictEqual(server.counters.tokenRequests + server.counters.metadataRequests, 0, 'no token and no Fabric request');
      if (controlUrl) await waitForRow(row('Churn scoring', 'invalid URL'), 'the node marked as invalid URL');
    } finally {
      await config.update('allowLoopbackEndpoints', true, vscode.ConfigurationTarget.Global);
    }
  });

  it('activates, turns auto-sleep on and deactivates a version, and the node follows', async () => {
    const activated = await vscode.commands.executeCommand<VersionInfo>('fabricMl.activateVersion', { endpointId: 'churn-v2-staging' });
    assert.strictEqual(activated.status, 'Active');
    assert.strictEqual(server.version('2').status, 'Active');
    assert.ok(server.counters.operationPolls >= 1, 'the activation was polled as a long-running operation');
    if (controlUrl) await waitForRow(row('Churn v2 (staging)', 'v2 · Active · auto-sleep off'), 'version 2 shown as Active');

    const sleepy = await vscode.commands.executeCommand<VersionInfo>('fabricMl.turnAutoSleepOn', { endpointId: 'churn-v2-staging' });
    assert.strictEqual(sleepy.scaleRule, 'AllowScaleToZero');
    assert.strictEqual(server.version('2').scaleRule, 'AllowScaleToZero');
    if (controlUrl) await waitForRow(row('Churn v2 (staging)', 'v2 · Active · auto-sleep on'), 'auto-sleep on');

    const deactivated = await vscode.commands.executeCommand<VersionInfo>('fabricMl.deactivateVersion', { endpointId: 'churn-v2-staging' });
    assert.strictEqual(deactivated.status, 'Deactivated');
    assert.strictEqual(server.version('2').status, 'Deactivated');
    if (controlUrl) await waitForRow(row('Churn v2 (staging)', 'v2 · Deactivated · auto-sleep on'), 'version 2 shown as Deactivated');

    const awake = await vscode.commands.executeCommand<VersionInfo>('fabricMl.turnAutoSleepOff', { endpointId: 'churn-v2-staging', version: '2' });
    assert.strictEqual(awake.scaleRule, 'AlwaysOn');
  });

  it('shows a Fabric failure on the node itself, not as a pop-up', async () => {
    server.scriptMetadata({ status: 403, errorCode: 'InsufficientPrivileges', message: 'The caller does not have sufficient permissions.' }, { times: 10 });
    try {
      const results = await vscode.commands.executeCommand<Array<RefreshResult & { failure?: { code: string } }>>('fabricMl.refreshEndpoints');
      assert.strictEqual(results.find(r => r.endpointId === 'explorer-churn')?.failure?.code, 'HTTP 403');
      if (controlUrl) {
        await waitForRow(row('Churn scoring', 'unavailable · HTTP 403'), 'the node with the 403');
        await waitForRow(row('The service principal may not use this workspace or model (403 Forbidden, InsufficientPrivileges).'), 'the reason under the node');
        await screenshot('endpoint-explorer-failure', 300);
      }
    } finally {
      server.clearScripts();
    }
    const again = await vscode.commands.executeCommand<RefreshResult[]>('fabricMl.refreshEndpoints');
    assert.strictEqual(again.find(r => r.endpointId === 'explorer-churn')?.state, 'ready');
  });

  it('saves an endpoint in workspace settings when asked, with IDs only', async () => {
    const def = await vscode.commands.executeCommand<Definition>('fabricMl.addEndpoint', { id: 'explorer-shared', name: 'Shared churn', scoreUrl: server.scoreUrl('1'), target: 'workspace' });
    created.push(def.id);
    const workspaceValue = vscode.workspace.getConfiguration('fabricMl').inspect<Definition[]>('endpoints')?.workspaceValue ?? [];
    assert.deepStrictEqual(workspaceValue.find(e => e.id === 'explorer-shared'), { id: 'explorer-shared', name: 'Shared churn', scoreUrl: server.scoreUrl('1'), profileId: 'default' });
    const file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, '.vscode', 'settings.json');
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(text.includes('explorer-shared'), 'written to the workspace settings file');
    for (const value of [DEMO_CLIENT_SECRET, DEMO_TENANT_ID, DEMO_CLIENT_ID]) assert.ok(!text.includes(value), 'no credential in the shared settings file');
    // A trusted workspace's endpoint is called like a user endpoint.
    const results = await vscode.commands.executeCommand<RefreshResult[]>('fabricMl.refreshEndpoints');
    assert.strictEqual(results.find(r => r.endpointId === 'explorer-shared')?.status, 'Active');
    assert.strictEqual(await vscode.commands.executeCommand<boolean>('fabricMl.removeEndpoint', { endpointId: 'explorer-shared' }), true);
    const after = vscode.workspace.getConfiguration('fabricMl').inspect<Definition[]>('endpoints')?.workspaceValue ?? [];
    assert.ok(!after.some(e => e.id === 'explorer-shared'), 'removed from workspace settings');
  });

  it('edits, copies the URL of and removes an endpoint', async () => {
    const edited = await vscode.commands.executeCommand<Definition & { batchSize?: number }>('fabricMl.editEndpoint', { endpointId: 'churn-v2-staging', name: 'Churn v2', batchSize: 250 });
    assert.strictEqual(edited.name, 'Churn v2');
    assert.strictEqual(edited.batchSize, 250);
    const stored = vscode.workspace.getConfiguration('fabricMl').inspect<Array<{ id: string; name: string; batchSize?: number }>>('endpoints')?.globalValue?.find(e => e.id === 'churn-v2-staging');
    assert.deepStrictEqual({ name: stored?.name, batchSize: stored?.batchSize }, { name: 'Churn v2', batchSize: 250 });
    const badBatch = await rejection(vscode.commands.executeCommand('fabricMl.editEndpoint', { endpointId: 'churn-v2-staging', batchSize: 0 }));
    assert.strictEqual(badBatch, 'The batch size must be a whole number from 1 to 10000.');
    if (controlUrl) await waitForRow(/^Churn v2\s*v2 · /, 'the renamed endpoint');

    const url = await vscode.commands.executeCommand<string>('fabricMl.copyEndpointUrl', { endpointId: 'churn-v2-staging' });
    assert.strictEqual(url, server.scoreUrl('2'));

    assert.strictEqual(await vscode.commands.executeCommand<boolean>('fabricMl.removeEndpoint', { endpointId: 'churn-v2-staging' }), true);
    assert.ok(!endpointIds().includes('churn-v2-staging'));
    if (controlUrl) {
      await waitFor(async () => ((await explorerRows()).some(r => r.startsWith('Churn v2')) ? undefined : true), 'the removed endpoint to leave the tree');
    }
    const missing = await rejection(vscode.commands.executeCommand('fabricMl.removeEndpoint', { endpointId: 'churn-v2-staging' }));
    assert.strictEqual(missing, 'There is no Fabric ML endpoint with id "churn-v2-staging". Add it with "Fabric ML: Add Endpoint".');
  });
});
