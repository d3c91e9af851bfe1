// Credentials bound to their authority, in a real VS Code with two fake Entra + Fabric servers: the
// credentials are stored while the sign-in authority is server A; when the authority settings (which any
// extension may write) then point at server B, nothing is sent to either server until the user sets the
// credentials again (rotating the secret alone does not move them), and every surface (Test connection,
// Refresh, Score Selection, the tree) says why.
import * as assert from 'assert';
import * as path from 'path';
import * as vscode from 'vscode';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID, FakeFabricServer } from '../../tools/fake-fabric';
import { activateExtension, approveLocalAddress, controlUrl } from './support';
import { extensionContext, rejection, row, useFakeServer, waitForRow } from './explorerSupport';

interface Report {
  outcome: string;
  summary: string;
  checks: Array<{ name: string; result: string; text: string }>;
  failure?: { stage: string; code: string; title: string; action: string };
}
interface RefreshResult {
  endpointId: string;
  state: string;
  failure?: { code: string; title: string };
}

const PROFILE = 'authority-test';
const LABEL = 'Authority test app';
const LEGACY = 'authority-legacy';
const ENDPOINT = 'authority-endpoint';
const LEGACY_ENDPOINT = 'authority-legacy-endpoint';
const PUBLIC_AUTHORITY = 'https://login.microsoftonline.com';
const ACTION = 'To send them there, run "Fabric ML: Set Credentials" again for this profile.';
const DEMO = { tenantId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET };

const bindingKey = (profileId: string): string => `fabricMl.sp.${profileId}.authority`;
const changed = (from: string, to: string, label: string): string => `The sign-in authority changed from ${from} to ${to} since the credentials of "${label}" were stored.`;

function testConnection(endpointId: string): Thenable<Report> {
  return vscode.commands.executeCommand<Report>('fabricMl.testConnection', { endpointId });
}

function tokenRequests(...servers: FakeFabricServer[]): number[] {
  return servers.map(s => s.counters.tokenRequests);
}

describe('Credentials bound to their authority', function () {
  this.timeout(120_000);
  let serverA: FakeFabricServer;
  let serverB: FakeFabricServer;
  let context: vscode.ExtensionContext;

  before(async () => {
    await activateExtension();
    context = await extensionContext();
    serverA = await FakeFabricServer.start();
    serverB = await FakeFabricServer.start();
    await useFakeServer(serverA);
    // The endpoints below live on server B: approved as the user would, so only the binding decides.
    await approveLocalAddress(serverB.url);
    await vscode.commands.executeCommand('workbench.view.extension.fabricMl');
    // Stored while the settings name server A; every test below starts from these credentials.
    await vscode.commands.executeCommand('fabricMl.setCredentials', { profileId: PROFILE, label: LABEL, ...DEMO });
  });

  after(async () => {
    const ids = vscode.workspace.getConfiguration('fabricMl').inspect<Array<{ id: string }>>('endpoints')?.globalValue?.map(e => e.id) ?? [];
    for (const endpointId of [ENDPOINT, LEGACY_ENDPOINT]) {
      if (ids.includes(endpointId)) await vscode.commands.executeCommand('fabricMl.removeEndpoint', { endpointId });
    }
    for (const profileId of [PROFILE, LEGACY]) await vscode.commands.executeCommand('fabricMl.clearCredentials', { profileId });
    await vscode.workspace.getConfiguration('fabricMl').update('cloud', 'custom', vscode.ConfigurationTarget.Global);
    await serverA?.close();
    await serverB?.close();
  });

  it('stores, beside the credentials, the authority the settings name when they are set', async () => {
    assert.strictEqual(await context.secrets.get(bindingKey(PROFILE)), serverA.url);
    assert.ok(serverA.url.startsWith('http://127.0.0.1:') && serverA.url !== serverB.url, 'two loopback authorities');
  });

  it('refuses to send them to another authority: Test connection, Refresh, Score Selection and Rotate send nothing', async () => {
    serverA.resetCounters();
    serverB.resetCounters();
    // What another extension can do: rewrite the user-level authority setting to a server of its own.
    await vscode.workspace.getConfiguration('fabricMl').update('customAuthorityHost', serverB.url, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('fabricMl.addEndpoint', { id: ENDPOINT, name: 'Authority test endpoint', scoreUrl: serverB.scoreUrl('1'), profileId: PROFILE });

    const title = changed(serverA.url, serverB.url, LABEL);
    const report = await testConnection(ENDPOINT);
    assert.strictEqual(report.outcome, 'failed');
    assert.deepStrictEqual(report.failure, { stage: 'setup', code: 'authorityChanged', title, action: ACTION });
    assert.strictEqual(report.summary, `Test connection failed for "Authority test endpoint": ${title} ${ACTION}`);
    assert.deepStrictEqual(report.checks.map(c => `${c.name}:${c.result}`), ['setup:failed', 'token:skipped', 'endpoint:skipped']);

    const refreshed = await vscode.commands.executeCommand<RefreshResult[]>('fabricMl.refreshEndpoints', { expand: 1 });
    assert.deepStrictEqual(refreshed.find(r => r.endpointId === ENDPOINT), { endpointId: ENDPOINT, state: 'authorityChanged', failure: { code: 'authorityChanged', title: `${title} ${ACTION}` } });

    const scored = await rejection(vscode.commands.executeCommand('fabricMl.scoreSelection', {
      endpointId: ENDPOINT,
      uri: vscode.Uri.file(path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'customers.csv')).toString(),
      range: { startLine: 1, endLine: 3 },
    }));
    assert.strictEqual(scored, `${title} ${ACTION}`);

    // Rotating keeps the stored authority: a caller that changed the settings cannot have the stored tenant
    // and client IDs sent to its host with a secret of its own.
    const rotated = await rejection(vscode.commands.executeCommand('fabricMl.rotateSecret', { profileId: PROFILE, clientSecret: 'another~secret-value' }));
    assert.strictEqual(rotated, `${title} Rotating the secret keeps that authority: to use the new one, run "Fabric ML: Set Credentials" again for this profile.`);
    assert.strictEqual(await context.secrets.get(`fabricMl.sp.${PROFILE}.clientSecret`), DEMO_CLIENT_SECRET, 'the secret is unchanged');
    assert.strictEqual(await context.secrets.get(bindingKey(PROFILE)), serverA.url, 'the binding is unchanged');

    // The public cloud is "another authority" too.
    await vscode.workspace.getConfiguration('fabricMl').update('cloud', 'public', vscode.ConfigurationTarget.Global);
    const toPublic = await testConnection(ENDPOINT);
    assert.strictEqual(toPublic.failure?.title, changed(serverA.url, PUBLIC_AUTHORITY, LABEL));
    await vscode.workspace.getConfiguration('fabricMl').update('cloud', 'custom', vscode.ConfigurationTarget.Global);

    if (controlUrl) {
      await waitForRow(row('Authority test endpoint', 'credentials stored for another authority'), 'the endpoint marked "credentials stored for another authority"');
      await waitForRow(row(`Service principal: ${LABEL}`, 'credentials stored for another authority'), 'its profile marked the same way');
    }
    assert.deepStrictEqual(tokenRequests(serverA, serverB), [0, 0], 'token requests at A and B');
    assert.strictEqual(serverB.counters.metadataRequests + serverB.counters.scoreRequests, 0, 'Fabric calls at B');
    for (const text of [JSON.stringify(report), scored]) {
      for (const value of [DEMO_TENANT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET]) assert.ok(!text.includes(value), `a message contains ${value.slice(0, 4)}…`);
    }
  });

  it('refuses to store credentials while the authority settings are unusable', async () => {
    await vscode.workspace.getConfiguration('fabricMl').update('customAuthorityHost', 'login example', vscode.ConfigurationTarget.Global);
    try {
      const refused = await rejection(vscode.commands.executeCommand('fabricMl.setCredentials', { profileId: PROFILE, ...DEMO }));
      assert.strictEqual(
        refused,
        'Credentials are stored for the sign-in authority the settings name, and those settings are not usable: The custom authority host "login example" is not a URL. Use a full address such as https://login.example.com. Then set the credentials again.',
      );
      assert.strictEqual(await context.secrets.get(bindingKey(PROFILE)), serverA.url, 'the binding is unchanged');
    } finally {
      await vscode.workspace.getConfiguration('fabricMl').update('customAuthorityHost', serverB.url, vscode.ConfigurationTarget.Global);
    }
  });

  it('sends them to the new authority once the credentials are set again there', async () => {
    serverA.resetCounters();
    serverB.resetCounters();
    await vscode.commands.executeCommand('fabricMl.setCredentials', { profileId: PROFILE, ...DEMO });
    assert.strictEqual(await context.secrets.get(bindingKey(PROFILE)), serverB.url);
    const report = await testConnection(ENDPOINT);
    assert.strictEqual(report.outcome, 'ok', report.summary);
    assert.ok(serverB.counters.tokenRequests >= 1, `token requests at B: ${serverB.counters.tokenRequests}`);
    assert.strictEqual(serverA.counters.tokenRequests, 0, 'token requests at A');
    // Rotating under the same authority is allowed and keeps the binding.
    await vscode.commands.executeCommand('fabricMl.rotateSecret', { profileId: PROFILE, clientSecret: DEMO_CLIENT_SECRET });
    assert.strictEqual(await context.secrets.get(bindingKey(PROFILE)), serverB.url);
    if (controlUrl) {
      await vscode.commands.executeCommand('fabricMl.refreshEndpoints', { expand: 1 });
      await waitForRow(row('Authority test endpoint', 'v1 · Active · auto-sleep on'), 'the endpoint read from B');
      await waitForRow(row(`Service principal: ${LABEL}`, 'credentials set'), 'its profile marked "credentials set"');
    }
  });

  it('treats credentials stored without a binding as stored for the public cloud', async () => {
    // As an earlier version (or another window of one) would have left them: the three values, no authority.
    await context.secrets.store(`fabricMl.sp.${LEGACY}.tenantId`, DEMO_TENANT_ID);
    await context.secrets.store(`fabricMl.sp.${LEGACY}.clientId`, DEMO_CLIENT_ID);
    await context.secrets.store(`fabricMl.sp.${LEGACY}.clientSecret`, DEMO_CLIENT_SECRET);
    await vscode.commands.executeCommand('fabricMl.addEndpoint', { id: LEGACY_ENDPOINT, name: 'Legacy endpoint', scoreUrl: serverB.scoreUrl('1'), profileId: LEGACY });
    serverB.resetCounters();
    const report = await testConnection(LEGACY_ENDPOINT);
    assert.deepStrictEqual(report.failure, { stage: 'setup', code: 'authorityChanged', title: changed(PUBLIC_AUTHORITY, serverB.url, LEGACY), action: ACTION });
    assert.strictEqual(serverB.counters.tokenRequests, 0, 'token requests at B');
  });

  it('clears the binding with the credentials', async () => {
    await vscode.commands.executeCommand('fabricMl.clearCredentials', { profileId: PROFILE });
    assert.strictEqual(await context.secrets.get(bindingKey(PROFILE)), undefined);
    assert.strictEqual(await context.secrets.get(`fabricMl.sp.${PROFILE}.clientSecret`), undefined);
    const report = await testConnection(ENDPOINT);
    assert.strictEqual(report.failure?.code, 'credentialsMissing');
  });
});
