// Credentials in a real VS Code: set, rotate and clear through the commands (with arguments). The values
// live only in SecretStorage: never in settings.json, globalState/workspaceState or the "Fabric ML" log;
// the tree shows "credentials set / missing" and follows SecretStorage changes (also from another window).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import { FakeFabricServer } from '../../tools/fake-fabric';
import { activateExtension, controlUrl, waitFor } from './support';
import { extensionContext, logFiles, mementoText, rejection, row, useFakeServer, userSettingsFile, waitForRow } from './explorerSupport';

interface StorageInfo {
  storage: string;
  keys: string[];
  profiles: Array<{ id: string; label: string; credentialsSet: boolean }>;
}
interface Report {
  outcome: string;
  summary: string;
  failure?: { code: string };
}

const PROFILE = 'cred-test';
const key = (field: string): string => `fabricMl.sp.${PROFILE}.${field}`;

describe('Credentials', function () {
  this.timeout(120_000);
  let server: FakeFabricServer;
  let context: vscode.ExtensionContext;
  // Fresh values each run, so a leftover from an earlier run cannot make the checks pass.
  const tenantId = randomUUID();
  const clientId = randomUUID();
  const clientSecret = `cred~Test.${randomUUID()}+&=`;
  const rotatedSecret = `rotated~${randomUUID()}`;

  before(async () => {
    await activateExtension();
    context = await extensionContext();
    server = await FakeFabricServer.start();
    server.addCredentials(tenantId, clientId, clientSecret);
    await useFakeServer(server);
    await vscode.commands.executeCommand('workbench.view.extension.fabricMl');
  });

  after(async () => {
    const ids = vscode.workspace.getConfiguration('fabricMl').inspect<Array<{ id: string }>>('endpoints')?.globalValue?.map(e => e.id) ?? [];
    if (ids.includes('cred-endpoint')) await vscode.commands.executeCommand('fabricMl.removeEndpoint', { endpointId: 'cred-endpoint' });
    await vscode.commands.executeCommand('fabricMl.clearCredentials', { profileId: PROFILE });
    await server?.close();
  });

  it('keeps the tenant ID, client ID and secret only in SecretStorage, never in settings, state or the log', async () => {
    const result = await vscode.commands.executeCommand('fabricMl.setCredentials', { profileId: PROFILE, label: 'Credential test app', tenantId, clientId, clientSecret });
    assert.deepStrictEqual(result, { profileId: PROFILE, label: 'Credential test app' });
    assert.strictEqual(await context.secrets.get(key('tenantId')), tenantId);
    assert.strictEqual(await context.secrets.get(key('clientId')), clientId);
    assert.strictEqual(await context.secrets.get(key('clientSecret')), clientSecret);
    const profiles = vscode.workspace.getConfiguration('fabricMl').inspect<Array<{ id: string; label: string }>>('profiles')?.globalValue ?? [];
    assert.deepStrictEqual(profiles.find(p => p.id === PROFILE), { id: PROFILE, label: 'Credential test app' });

    // Use them: a token request, metadata, a log of it all.
    await vscode.commands.executeCommand('fabricMl.addEndpoint', { id: 'cred-endpoint', name: 'Credential test endpoint', scoreUrl: server.scoreUrl('1'), profileId: PROFILE });
    const report = await vscode.commands.executeCommand<Report>('fabricMl.testConnection', { endpointId: 'cred-endpoint' });
    assert.strictEqual(report.outcome, 'ok', report.summary);
    assert.ok(server.issuedTokens().length >= 1, 'a token was issued');

    const forbidden = [tenantId, clientId, clientSecret, ...server.issuedTokens()];
    const settingsFile = userSettingsFile(context);
    assert.ok(fs.existsSync(settingsFile), `user settings at ${settingsFile}`);
    const userSettings = fs.readFileSync(settingsFile, 'utf8');
    assert.ok(userSettings.includes('cred-endpoint'), 'the endpoint definition is in user settings (the file checked is the right one)');
    const workspaceFolder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
    const workspaceSettingsFile = workspaceFolder ? path.join(workspaceFolder, '.vscode', 'settings.json') : undefined;
    const workspaceSettings = workspaceSettingsFile && fs.existsSync(workspaceSettingsFile) ? fs.readFileSync(workspaceSettingsFile, 'utf8') : '';
    const state = mementoText(context);
    const logs = await waitFor(() => {
      const files = logFiles(context);
      const text = files.map(f => fs.readFileSync(f, 'utf8')).join('\n');
      return text.includes('Test connection: ok') ? { files, text } : undefined;
    }, 'the "Fabric ML" log file with the Test connection lines');
    assert.match(logs.text, /\[ok\] Token: OK/, 'the log has the test details');
    for (const value of forbidden) {
      const shown = `${value.slice(0, 4)}…`;
      assert.ok(!userSettings.includes(value), `user settings.json contains ${shown}`);
      assert.ok(!workspaceSettings.includes(value), `workspace settings.json contains ${shown}`);
      assert.ok(!state.includes(value), `globalState/workspaceState contains ${shown}`);
      assert.ok(!logs.text.includes(value), `the log (${logs.files.join(', ')}) contains ${shown}`);
    }
  });

  it('shows "credentials set / missing" in the tree and follows SecretStorage changes from another window', async () => {
    await vscode.commands.executeCommand('fabricMl.refreshEndpoints', { expand: 1 });
    const storage = await vscode.commands.executeCommand<StorageInfo>('fabricMl.showCredentialStorage', {});
    assert.deepStrictEqual(storage.profiles.find(p => p.id === PROFILE), { id: PROFILE, label: 'Credential test app', credentialsSet: true });
    assert.deepStrictEqual(storage.keys, ['fabricMl.sp.<profile>.tenantId', 'fabricMl.sp.<profile>.clientId', 'fabricMl.sp.<profile>.clientSecret']);
    assert.match(storage.storage, /SecretStorage/);
    assert.ok(!JSON.stringify(storage).includes(clientSecret) && !JSON.stringify(storage).includes(tenantId), 'no value is shown');
    if (controlUrl) await waitForRow(row('Service principal: Credential test app', 'credentials set'), 'the profile marked "credentials set"');

    // Another window deleting the secret reaches this window through SecretStorage.onDidChange.
    await context.secrets.delete(key('clientSecret'));
    if (controlUrl) await waitForRow(row('Service principal: Credential test app', 'credentials missing'), 'the profile marked "credentials missing"');
    await waitFor(async () => {
      const s = await vscode.commands.executeCommand<StorageInfo>('fabricMl.showCredentialStorage', {});
      return s.profiles.find(p => p.id === PROFILE)?.credentialsSet === false;
    }, 'the store to see the deleted secret');
    await context.secrets.store(key('clientSecret'), clientSecret);
    if (controlUrl) await waitForRow(row('Service principal: Credential test app', 'credentials set'), 'the profile marked "credentials set" again');
  });

  it('validates the tenant, client and secret before saving anything', async () => {
    const badTenant = await rejection(vscode.commands.executeCommand('fabricMl.setCredentials', { profileId: PROFILE, tenantId: 'contoso tenant', clientId, clientSecret: 'x-secret-value' }));
    assert.strictEqual(badTenant, 'The tenant ID must be a GUID (36 characters, 8-4-4-4-12 hexadecimal digits) or a domain such as contoso.onmicrosoft.com (the value entered has 14 characters). Use the Directory (tenant) ID from the app registration\'s Overview page.');
    const badClient = await rejection(vscode.commands.executeCommand('fabricMl.setCredentials', { profileId: PROFILE, tenantId: 'contoso.onmicrosoft.com', clientId: 'my-app', clientSecret: 'x-secret-value' }));
    assert.strictEqual(badClient, 'The client ID must be a GUID (36 characters, 8-4-4-4-12 hexadecimal digits) (the value entered has 6 characters). It is the Application (client) ID from the app registration\'s Overview page.');
    const secretId = await rejection(vscode.commands.executeCommand('fabricMl.setCredentials', { profileId: PROFILE, tenantId, clientId, clientSecret: randomUUID() }));
    assert.strictEqual(secretId, 'That looks like the secret\'s ID (a GUID). Paste the secret\'s Value instead: the Value column under Certificates & secrets.');
    const missing = await rejection(vscode.commands.executeCommand('fabricMl.setCredentials', { profileId: PROFILE, tenantId, clientId }));
    assert.strictEqual(missing, 'The argument "clientSecret" is required.');
    // Nothing was overwritten.
    assert.strictEqual(await context.secrets.get(key('tenantId')), tenantId);
    assert.strictEqual(await context.secrets.get(key('clientId')), clientId);
    assert.strictEqual(await context.secrets.get(key('clientSecret')), clientSecret);
  });

  it('never echoes a secret pasted into the ID field, in the error or in the log', async () => {
    const pasted = 'Qx8~kP2vN5rT9wY3zA6bC1dE4fG7hJ0mL2nQ5sU8';
    const message = await rejection(vscode.commands.executeCommand('fabricMl.setCredentials', { profileId: PROFILE, tenantId, clientId: pasted, clientSecret: 'x-secret-value' }));
    assert.match(message, /the value entered has 40 characters/);
    assert.ok(!message.includes(pasted.slice(0, 8)), message);
    const read = (): string => logFiles(context).map(f => fs.readFileSync(f, 'utf8')).join('\n');
    const logged = await waitFor(() => (read().includes('the value entered has 40 characters') ? read() : ''), 'the refusal in the log');
    assert.ok(!logged.includes(pasted.slice(0, 8)), 'no part of the pasted value reached the log');
  });

  it('rotates only the secret, and the next connection test sends the new one', async () => {
    await vscode.commands.executeCommand('fabricMl.rotateSecret', { profileId: PROFILE, clientSecret: rotatedSecret });
    assert.strictEqual(await context.secrets.get(key('clientSecret')), rotatedSecret);
    assert.strictEqual(await context.secrets.get(key('tenantId')), tenantId);
    // The fake Entra still only knows the old secret: Entra's answer proves the new one was sent.
    const refused = await vscode.commands.executeCommand<Report>('fabricMl.testConnection', { endpointId: 'cred-endpoint' });
    assert.strictEqual(refused.failure?.code, 'AADSTS7000215');
    server.addCredentials(tenantId, clientId, rotatedSecret);
    const accepted = await vscode.commands.executeCommand<Report>('fabricMl.testConnection', { endpointId: 'cred-endpoint' });
    assert.strictEqual(accepted.outcome, 'ok', accepted.summary);
  });

  it('clears the credentials: SecretStorage no longer returns them', async () => {
    const result = await vscode.commands.executeCommand('fabricMl.clearCredentials', { profileId: PROFILE });
    assert.deepStrictEqual(result, { profileId: PROFILE, label: 'Credential test app', cleared: true });
    for (const field of ['tenantId', 'clientId', 'clientSecret']) assert.strictEqual(await context.secrets.get(key(field)), undefined, field);
    const storage = await vscode.commands.executeCommand<StorageInfo>('fabricMl.showCredentialStorage', {});
    assert.strictEqual(storage.profiles.find(p => p.id === PROFILE)?.credentialsSet, false);
    server.resetCounters();
    const report = await vscode.commands.executeCommand<Report>('fabricMl.testConnection', { endpointId: 'cred-endpoint' });
    assert.strictEqual(report.failure?.code, 'credentialsMissing');
    assert.strictEqual(server.counters.tokenRequests, 0);
    if (controlUrl) await waitForRow(row('Credential test endpoint', 'credentials missing'), 'the endpoint marked "credentials missing"');
    const rotateWithout = await rejection(vscode.commands.executeCommand('fabricMl.rotateSecret', { profileId: PROFILE, clientSecret: rotatedSecret }));
    assert.strictEqual(rotateWithout, 'Profile "Credential test app" has no credentials yet. Run "Fabric ML: Set Credentials" first.');
  });
});
