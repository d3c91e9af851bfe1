// Sign in with a Microsoft account and browse Fabric, in a real VS Code without a real account: the suite's
// own authentication provider gets user tokens from the fake Entra. Signed-out welcome → Sign in (VS Code's
// consent dialog) → the Fabric workspaces section lists workspaces, models and versions (a 403 workspace and a
// model without default version explained on their nodes) → Score Selection on a browsed version as the user,
// with no service principal → Pin → "Test as the Dataflow will" → cold start shows the waking state → sign-out
// clears the section.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID, DEMO_USER_NAME, FakeFabricServer } from '../../tools/fake-fabric';
import type { ResultsModel } from '../../src/protocol/results';
import type { ConnectionReport } from '../../src/core/endpoints/connectionReport';
import type { EndpointDefinition } from '../../src/core/endpoints/model';
import type { FabricTreeSnapshot } from '../../src/features/fabricBrowser/treeProvider';
import { activateExtension, approveLocalAddress, screenshot, waitFor, workbenchTexts } from './support';
import { harnessOnly } from './harnessOnly';
import { registerTestAccount, TEST_PROVIDER_ID, type TestAccount } from './testAccount';

const workspaceRoot = () => vscode.workspace.workspaceFolders![0].uri.fsPath;

async function treeTexts(): Promise<string> {
  return (await workbenchTexts('[id="workbench.parts.sidebar"] .monaco-list-row')).join('\n');
}

/**
 * Signs in the way a user does from VS Code's Accounts menu: a sign-in request of this extension appears there
 * ("Sign in with Fabric ML Test Account to use Fabric ML Endpoints"), and choosing it creates the session and
 * allows the extension to use the account. (VS Code refuses to show its modal consent dialog in tests, so the
 * Accounts-menu path stands in for "Allow".)
 */
async function signInFromAccountsMenu(): Promise<void> {
  await vscode.authentication.getSession(TEST_PROVIDER_ID, ['https://api.fabric.microsoft.com/Workspace.Read.All', 'https://api.fabric.microsoft.com/MLModel.Read.All'], {});
  const menuItem = await waitFor(async () => (await vscode.commands.getCommands(true)).find(c => c.startsWith(`${TEST_PROVIDER_ID}:`) && /:signIn\d+$/.test(c)), 'the Accounts menu sign-in request');
  await vscode.commands.executeCommand(menuItem);
}

describe('Sign in and browse Fabric', function () {
  this.timeout(120_000);
  let server: FakeFabricServer;
  let account: TestAccount;
  let snapshot: FabricTreeSnapshot;
  let browsedV1: string;
  let pinned: EndpointDefinition | undefined;
  const config = () => vscode.workspace.getConfiguration('fabricMl');

  before(async function () {
    harnessOnly(this, 'the Fabric workspaces view and its screenshots');
    await activateExtension();
    server = await FakeFabricServer.start();
    await approveLocalAddress(server.url);
    await config().update('allowLoopbackEndpoints', true, vscode.ConfigurationTarget.Global);
    await config().update('cloud', 'custom', vscode.ConfigurationTarget.Global);
    await config().update('customAuthorityHost', server.url, vscode.ConfigurationTarget.Global);
    // No service principal: the point is to get from install to a prediction without one.
    await vscode.commands.executeCommand('fabricMl.clearCredentials', { profileId: 'default' }).then(undefined, () => undefined);
    account = registerTestAccount(() => server.url);
  });

  after(async () => {
    if (pinned) await vscode.commands.executeCommand('fabricMl.removeEndpoint', { endpointId: pinned.id }).then(undefined, () => undefined);
    await vscode.commands.executeCommand('fabricMl.clearCredentials', { profileId: 'default' }).then(undefined, () => undefined);
    await account?.signOut();
    account?.dispose();
    await server?.close();
    // The section starts collapsed for a new user; leave the sidebar as the other suites expect it.
    await vscode.commands.executeCommand('fabricMl.fabric.removeView').then(undefined, () => undefined);
    await vscode.commands.executeCommand('fabricMl.endpoints.focus').then(undefined, () => undefined);
  });

  it('shows "Sign in" in the Fabric workspaces section while signed out', async function () {
    await vscode.commands.executeCommand('fabricMl.fabric.focus');
    const empty = await vscode.commands.executeCommand<FabricTreeSnapshot>('fabricMl.refreshFabric', {});
    assert.deepStrictEqual(empty, { workspaces: [], moreWorkspaces: false });
    const welcome = await waitFor(async () => (await workbenchTexts('.welcome-view-content')).find(t => t.includes('Sign in with your Microsoft account')), 'the sign-in welcome');
    assert.match(welcome, /Sign in/);
    const file = await screenshot('signin-1-signed-out-welcome', 300);
    assert.ok(fs.statSync(file).size > 10_000);
  });

  it('signs in through VS Code\'s account provider and lists workspaces, models and versions as the user', async () => {
    await signInFromAccountsMenu();
    // The view follows the account change on its own; the command then finds the session without asking.
    await waitFor(async () => (await vscode.commands.executeCommand<FabricTreeSnapshot>('fabricMl.refreshFabric', {})).account, 'the signed-in state');
    assert.deepStrictEqual(await vscode.commands.executeCommand('fabricMl.signIn', {}), { account: DEMO_USER_NAME });
    // Sign-in asked only for the read scopes; score scopes come when scoring.
    assert.deepStrictEqual(account.requestedScopes[account.requestedScopes.length - 1], ['https://api.fabric.microsoft.com/Workspace.Read.All', 'https://api.fabric.microsoft.com/MLModel.Read.All']);
    // Room for the whole tree: hide the (empty) Endpoint Explorer section while browsing; Pin shows it again.
    await vscode.commands.executeCommand('fabricMl.endpoints.removeView');
    await vscode.commands.executeCommand('fabricMl.fabric.focus');
    snapshot = await vscode.commands.executeCommand<FabricTreeSnapshot>('fabricMl.refreshFabric', { expand: true });
    assert.strictEqual(snapshot.account, DEMO_USER_NAME);
    assert.deepStrictEqual(snapshot.workspaces.map(w => w.name), ['Demo workspace', 'Sales analytics', 'Finance (restricted)']);
    const demo = snapshot.workspaces[0];
    assert.deepStrictEqual(demo.models?.map(m => [m.name, m.defaultVersion]), [['churn-model', '1'], ['forecast-model', undefined]]);
    const churn = demo.models![0];
    assert.deepStrictEqual(churn.versions?.map(v => [v.versionName, v.status, v.scaleRule]), [['1', 'Active', 'AllowScaleToZero'], ['2', 'Deactivated', 'AlwaysOn'], ['3', 'Failed', 'AllowScaleToZero']]);
    assert.strictEqual(churn.versions![2].failure, 'Tensor-based models are not supported yet.');
    browsedV1 = churn.versions![0].endpointId;
    const tree = await waitFor(async () => {
      const t = await treeTexts();
      return t.includes('No default version') && t.includes('No access') ? t : undefined;
    }, 'the expanded Fabric workspaces tree');
    assert.match(tree, new RegExp(`Signed in as ${DEMO_USER_NAME.replace(/\./g, '\\.')}`));
    await screenshot('signin-2-browse-tree', 300);
  });

  it('pages long workspace lists and filters them across every page', async () => {
    server.listPageSize = 2;
    try {
      const paged = await vscode.commands.executeCommand<FabricTreeSnapshot>('fabricMl.refreshFabric', {});
      assert.deepStrictEqual([paged.workspaces.map(w => w.name), paged.moreWorkspaces], [['Demo workspace', 'Sales analytics'], true]);
      assert.strictEqual(await vscode.commands.executeCommand('fabricMl.filterWorkspaces', { filter: 'finance' }), 'finance');
      const filtered = await vscode.commands.executeCommand<FabricTreeSnapshot>('fabricMl.refreshFabric', {});
      assert.deepStrictEqual([filtered.filter, filtered.workspaces.map(w => w.name), filtered.moreWorkspaces], ['finance', ['Finance (restricted)'], false]);
    } finally {
      server.listPageSize = 100;
      await vscode.commands.executeCommand('fabricMl.filterWorkspaces', { filter: '' });
    }
  });

  it('warns on a model without default version: the default score URL will fail', () => {
    const forecast = snapshot.workspaces[0].models![1];
    assert.strictEqual(forecast.warning, 'No default version is set: the default score URL will fail. Score a version, or set a default version in Fabric.');
  });

  it('shows on its node that the user may not read a workspace (403)', () => {
    const finance = snapshot.workspaces[2];
    assert.strictEqual(finance.error, 'No access: your account may not read this (403 InsufficientPrivileges). Ask a workspace admin for a role.');
  });

  it('scores a browsed version as the user, with no service principal set', async () => {
    const doc = await vscode.workspace.openTextDocument(path.join(workspaceRoot(), 'customers.csv'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 0, 5, doc.lineAt(5).text.length);
    server.resetCounters();
    const model = await vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreSelection', { endpointId: browsedV1 });
    assert.ok(model);
    assert.strictEqual(model.predictions.length, 5);
    assert.ok(model.predictions.every(p => Array.isArray(p) && typeof p[0] === 'number'), JSON.stringify(model.predictions));
    assert.strictEqual(server.counters.scoreRequests >= 1, true);
    // Every token the fake issued is a user token (delegated scopes), none a service principal's.
    assert.ok(server.issuedTokens().every(t => server.tokenScopes(t) !== undefined));
    assert.ok(account.requestedScopes.some(s => s.includes('https://api.fabric.microsoft.com/MLModel.ReadWrite.All')), 'scoring asked for the write scope');
  });

  it('shows "waking the endpoint (auto-sleep)…" while the first batch wakes a sleeping endpoint', async () => {
    server.scriptColdStart({ afterIdleMs: 0, delayMs: 4_000 });
    try {
      const csv = vscode.Uri.file(path.join(workspaceRoot(), 'customers.csv')).toString();
      const scoring = vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreSelection', { endpointId: browsedV1, uri: csv, range: { startLine: 1, endLine: 5 } });
      // The notification center lists the progress notification whether or not its toast is showing.
      await vscode.commands.executeCommand('notifications.showList');
      const waking = await waitFor(async () => (await workbenchTexts('.notifications-center .notification-list-item')).find(t => t.includes('waking the endpoint (auto-sleep)')), 'the waking progress');
      assert.match(waking, /waking the endpoint \(auto-sleep\)… \d+ s/);
      await screenshot('signin-4-cold-start-waking');
      const model = await scoring;
      assert.strictEqual(model.predictions.length, 5);
      await vscode.commands.executeCommand('notifications.hideList');
    } finally {
      server.scriptColdStart(undefined);
    }
  });

  it('activates a browsed version as the user, and its node follows', async () => {
    const v2 = snapshot.workspaces[0].models![0].versions![1].endpointId;
    await vscode.commands.executeCommand('fabricMl.refreshFabric', { expand: true });
    await waitFor(async () => /v2\s*Deactivated · auto-sleep off/.test(await treeTexts()), 'the browsed v2 node showing Deactivated');
    const info = await vscode.commands.executeCommand<{ versionName: string; status: string }>('fabricMl.activateVersion', { endpointId: v2 });
    assert.deepStrictEqual([info.versionName, info.status], ['2', 'Active']);
    assert.strictEqual(server.version('2').status, 'Active');
    await waitFor(async () => /v2\s*Active · auto-sleep off/.test(await treeTexts()), 'the browsed v2 node showing Active');
    await vscode.commands.executeCommand('fabricMl.deactivateVersion', { endpointId: v2 });
    assert.strictEqual(server.version('2').status, 'Deactivated');
  });

  it('pins the browsed version to user settings as you; it is a configured endpoint that calls as the user', async () => {
    pinned = await vscode.commands.executeCommand<EndpointDefinition>('fabricMl.pinEndpoint', { endpointId: browsedV1, identity: 'user', target: 'user' });
    assert.ok(pinned);
    assert.strictEqual(pinned.id, 'churn-model-v1');
    const saved = config().inspect<Array<Record<string, unknown>>>('endpoints')?.globalValue ?? [];
    assert.deepStrictEqual(saved.find(e => e.id === 'churn-model-v1'), { id: 'churn-model-v1', name: 'churn-model v1', scoreUrl: server.scoreUrl('1'), profileId: 'default', identity: 'user' });
    const refreshed = await vscode.commands.executeCommand<Array<{ endpointId: string; state: string }>>('fabricMl.refreshEndpoints', {});
    assert.strictEqual(refreshed.find(r => r.endpointId === 'churn-model-v1')?.state, 'ready');
    await vscode.commands.executeCommand('fabricMl.endpoints.focus');
    await waitFor(async () => /churn-model v1\s*as you · v1 · Active/.test(await treeTexts()), 'the pinned endpoint, calling as you, in the Endpoint Explorer');
    await screenshot('signin-3-pinned-endpoint', 300);
  });

  it('"Test as the Dataflow will" uses the service principal even when signed in', async () => {
    const missing = await vscode.commands.executeCommand<ConnectionReport>('fabricMl.testAsDataflow', { endpointId: 'churn-model-v1' });
    assert.strictEqual(missing.failure?.code, 'credentialsMissing');
    await vscode.commands.executeCommand('fabricMl.setCredentials', { profileId: 'default', tenantId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET });
    server.resetCounters();
    const ok = await vscode.commands.executeCommand<ConnectionReport>('fabricMl.testAsDataflow', { endpointId: 'churn-model-v1' });
    assert.strictEqual(ok.outcome, 'ok', ok.summary);
    assert.ok(server.issuedTokens().some(t => server.tokenScopes(t) === undefined), 'a service principal token was issued');
  });

  it('clears the browse section when the user signs out in VS Code, and "as you" endpoints ask to sign in', async () => {
    await account.signOut();
    const empty = await waitFor(async () => {
      const s = await vscode.commands.executeCommand<FabricTreeSnapshot>('fabricMl.refreshFabric', {});
      return s.account === undefined ? s : undefined;
    }, 'the empty browse section');
    assert.deepStrictEqual(empty, { workspaces: [], moreWorkspaces: false });
    await waitFor(async () => (await workbenchTexts('.welcome-view-content')).some(t => t.includes('Sign in with your Microsoft account')), 'the sign-in welcome again');
    const refreshed = await vscode.commands.executeCommand<Array<{ endpointId: string; state: string }>>('fabricMl.refreshEndpoints', {});
    assert.strictEqual(refreshed.find(r => r.endpointId === 'churn-model-v1')?.state, 'signedOut');
  });
});
