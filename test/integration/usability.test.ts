// What a new user trips over, checked in the real workbench: profiles can be removed (not while an endpoint uses
// them), version actions are in the palette, Refresh keeps expanded nodes open, tree items say what they are to a
// screen reader, and scoring a version known to be inactive asks first instead of sending every batch to fail.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID, FakeFabricServer } from '../../tools/fake-fabric';
import { activateExtension, screenshot, waitFor, workbenchAttributes } from './support';
import { harnessOnly } from './harnessOnly';
import { extensionContext, logFiles, rejection, row, useFakeServer, waitForRow, explorerRows } from './explorerSupport';

/** A tree-node-like argument: not a plain object, so the command runs as if chosen in the tree. */
class EndpointArg {
  constructor(readonly endpointId: string) {}
}

const DEMO = { tenantId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET };

describe('Usability', function () {
  this.timeout(90_000);
  let server: FakeFabricServer;

  before(async () => {
    await activateExtension();
    server = await FakeFabricServer.start();
    await useFakeServer(server);
    await vscode.commands.executeCommand('fabricMl.setCredentials', { profileId: 'default', ...DEMO });
    await vscode.commands.executeCommand('fabricMl.addEndpoint', { id: 'use-v1', name: 'Usability v1', scoreUrl: server.scoreUrl('1') });
    await vscode.commands.executeCommand('fabricMl.addEndpoint', { id: 'use-v2', name: 'Usability v2', scoreUrl: server.scoreUrl('2') });
    await vscode.commands.executeCommand('workbench.view.extension.fabricMl');
    await vscode.commands.executeCommand('fabricMl.refreshEndpoints', {});
  });

  after(async () => {
    for (const endpointId of ['use-v1', 'use-v2']) await vscode.commands.executeCommand('fabricMl.removeEndpoint', { endpointId }).then(undefined, () => undefined);
    await vscode.commands.executeCommand('fabricMl.removeProfile', { profileId: 'use-extra' }).then(undefined, () => undefined);
    await server?.close();
  });

  it('removes a profile with its credentials, but not while an endpoint uses it, and never the default one', async () => {
    await vscode.commands.executeCommand('fabricMl.setCredentials', { profileId: 'use-extra', label: 'Usability extra app', ...DEMO });
    await vscode.commands.executeCommand('fabricMl.editEndpoint', { endpointId: 'use-v2', profileId: 'use-extra' });
    const refused = await rejection(vscode.commands.executeCommand('fabricMl.removeProfile', { profileId: 'use-extra' }));
    assert.strictEqual(refused, '"Usability extra app" is used by "Usability v2". Point that endpoint at another service principal (Edit Endpoint) or remove it first.');
    const defaultRefused = await rejection(vscode.commands.executeCommand('fabricMl.removeProfile', { profileId: 'default' }));
    assert.match(defaultRefused, /is the default profile and is always listed/);

    await vscode.commands.executeCommand('fabricMl.editEndpoint', { endpointId: 'use-v2', profileId: 'default' });
    const removed = await vscode.commands.executeCommand<{ removed: boolean }>('fabricMl.removeProfile', { profileId: 'use-extra' });
    assert.strictEqual(removed.removed, true);
    const context = await extensionContext();
    assert.strictEqual(await context.secrets.get('fabricMl.sp.use-extra.clientSecret'), undefined, 'its secret is gone');
    const profiles = vscode.workspace.getConfiguration('fabricMl').inspect<Array<{ id: string }>>('profiles')?.globalValue ?? [];
    assert.ok(!profiles.some(p => p.id === 'use-extra'), 'it is gone from the user settings');
    const info = await vscode.commands.executeCommand<{ profiles: Array<{ id: string }> }>('fabricMl.showCredentialStorage', {});
    assert.ok(!info.profiles.some(p => p.id === 'use-extra'), 'it is no longer listed');
  });

  it('offers the version actions and Copy URL in the Command Palette', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(vscode.extensions.getExtension('fabric-ml-endpoints.fabric-ml-endpoints')!.extensionPath, 'package.json'), 'utf8')) as {
      contributes: { menus: { commandPalette: Array<{ command: string; when?: string }> } };
    };
    const hidden = manifest.contributes.menus.commandPalette.filter(m => m.when === 'false').map(m => m.command);
    for (const command of ['fabricMl.activateVersion', 'fabricMl.deactivateVersion', 'fabricMl.turnAutoSleepOn', 'fabricMl.turnAutoSleepOff', 'fabricMl.copyEndpointUrl']) {
      assert.ok(!hidden.includes(command), `${command} is in the palette`);
    }
  });

  it('keeps expanded nodes open across Refresh, and tells a screen reader what each node is', async function () {
    harnessOnly(this, 'reading the tree rows');
    await vscode.commands.executeCommand('fabricMl.refreshEndpoints', { expand: 2 });
    await waitForRow(/tenure_months: long/, 'the expanded input signature');
    await vscode.commands.executeCommand('fabricMl.refreshEndpoints', {});
    // After Refresh the signature rows are still there: the node did not collapse.
    const rows = await explorerRows();
    assert.ok(rows.some(r => /tenure_months: long/.test(r.trim())), `still expanded after Refresh: ${JSON.stringify(rows)}`);
    await waitForRow(row('Usability v1', 'v1 · Active · auto-sleep on'), 'the endpoint row');

    const labels = await workbenchAttributes('[id="workbench.view.extension.fabricMl"] .monaco-list-row', 'aria-label');
    assert.ok(labels.some(l => l === 'Endpoint Usability v1, v1 · Active · auto-sleep on, service principal Default service principal'), JSON.stringify(labels));
    assert.ok(labels.some(l => l.startsWith('Version 2, Deactivated, auto-sleep off')), JSON.stringify(labels));
    assert.ok(labels.some(l => /^Service principal Default service principal, credentials set$/.test(l)), JSON.stringify(labels));
    await screenshot('endpoint-explorer-refreshed', 300);
  });

  it('asks before scoring a version known to be inactive; dismissing it sends nothing', async () => {
    await vscode.commands.executeCommand('fabricMl.refreshEndpoints', {});
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, 'customers.csv'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(1, 0, 3, 0);
    server.resetCounters();
    // Interactive, as from the endpoint's context menu in the tree. The smoke-test driver dismisses every
    // modal dialog, as a user pressing Escape would.
    const context = await extensionContext();
    await vscode.commands.executeCommand('fabricMl.scoreSelection', new EndpointArg('use-v2'));
    assert.strictEqual(server.counters.scoreRequests, 0, 'no batch was sent to the inactive version');
    await waitFor(() => logFiles(context).some(f => fs.readFileSync(f, 'utf8').includes('Asked before scoring version 2 of "Usability v2" (Deactivated): dismissed.')), 'the question in the log');
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});
