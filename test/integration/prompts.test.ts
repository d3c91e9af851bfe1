// Prompts answered with real key presses and clicks, as a user would: the Add Endpoint wizard (never hangs on
// the browser clipboard, asks again on an empty URL, recognises the portal page, warns about a duplicate,
// numbers its steps truthfully) and the modal that approves a local address before a token goes there.
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID, FakeFabricServer } from '../../tools/fake-fabric';
import { activateExtension, pressKeys, screenshot, waitFor, workbenchTexts } from './support';
import { harnessOnly } from './harnessOnly';
import { extensionContext, logFiles } from './explorerSupport';

/** A tree-node-like argument: not a plain object, so the command runs as if clicked in the tree. */
class EndpointArg {
  constructor(readonly endpointId: string) {}
}

const quickInputText = async (): Promise<string> => (await workbenchTexts('.quick-input-widget')).join('\n');

describe('Prompts answered as a user would', function () {
  this.timeout(90_000);
  let server: FakeFabricServer;
  const added: string[] = [];

  before(async function () {
    harnessOnly(this, 'pressing keys and clicking in the workbench');
    await activateExtension();
    server = await FakeFabricServer.start();
    const config = vscode.workspace.getConfiguration('fabricMl');
    // Loopback allowed and the authority pointed at the fake server, but its address NOT approved.
    await config.update('allowLoopbackEndpoints', true, vscode.ConfigurationTarget.Global);
    await config.update('cloud', 'custom', vscode.ConfigurationTarget.Global);
    await config.update('customAuthorityHost', server.url, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('fabricMl.setCredentials', { profileId: 'prompts', tenantId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET });
    await vscode.commands.executeCommand('fabricMl.addEndpoint', { id: 'prompts-existing', name: 'Prompts existing', scoreUrl: server.scoreUrl('1'), profileId: 'prompts' });
    added.push('prompts-existing');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    for (const endpointId of added) await vscode.commands.executeCommand('fabricMl.removeEndpoint', { endpointId }).then(undefined, () => undefined);
    await vscode.commands.executeCommand('fabricMl.revokeLocalAddress', { origin: new URL(server.url).origin }).then(undefined, () => undefined);
    await vscode.commands.executeCommand('fabricMl.clearCredentials', { profileId: 'prompts' }).then(undefined, () => undefined);
    await server?.close();
  });

  it('Add Endpoint: opens at once, asks again on an empty URL, explains a portal page and a duplicate, counts its steps', async () => {
    const running = vscode.commands.executeCommand<{ id: string; name: string } | undefined>('fabricMl.addEndpoint');
    // Opens without waiting for the browser's clipboard permission.
    const first = await waitFor(async () => ((await quickInputText()).includes('Add Fabric ML Endpoint (1/') ? quickInputText() : ''), 'the first step', 5_000);
    const total = /Add Fabric ML Endpoint \(1\/(\d)\)/.exec(first)?.[1];
    assert.ok(total, first);

    // The box may be pre-filled from the clipboard (an earlier test copied a score URL): empty it first.
    await pressKeys('', 'Control+A', 'Backspace', 'Enter');
    await waitFor(async () => (await quickInputText()).includes('Enter the score URL (or press Escape to cancel)'), 'asked again after Enter on an empty URL');

    const ws = '11111111-2222-3333-4444-555555555555';
    const model = '66666666-7777-8888-9999-aaaaaaaaaaaa';
    await pressKeys(`https://app.fabric.microsoft.com/groups/${ws}/mlmodels/${model}`);
    await waitFor(async () => (await quickInputText()).includes('This is a page of the Fabric portal, not the score URL'), 'the portal page explained');
    await screenshot('add-endpoint-portal-url');

    await pressKeys('', 'Control+A', 'Backspace');
    await pressKeys(server.scoreUrl('1'));
    await waitFor(async () => (await quickInputText()).includes('"Prompts existing" already calls this URL'), 'the duplicate warning');

    await pressKeys('', 'Control+A', 'Backspace');
    await pressKeys(server.scoreUrl('2'), 'Enter');
    await waitFor(async () => (await quickInputText()).includes(`Add Fabric ML Endpoint (2/${total})`), 'step 2 of the same total');
    await pressKeys('', 'Control+A', 'Backspace');
    await pressKeys('Prompts v2', 'Enter');
    for (let step = 3; step <= Number(total); step++) {
      await waitFor(async () => (await quickInputText()).includes(`Add Fabric ML Endpoint (${step}/${total})`), `step ${step} of ${total}`);
      await pressKeys('', 'Enter');
    }
    const def = await running;
    assert.ok(def, 'the endpoint was added');
    added.push(def.id);
    assert.strictEqual(def.name, 'Prompts v2');
  });

  it('asks before a token goes to an unapproved local address, and a declined question sends nothing', async () => {
    // The harness runs VS Code with its smoke-test driver, which answers every modal dialog with Cancel
    // ("Dialog requested during smoke test"): the question is proved by the log line, the refusal by the counters.
    server.resetCounters();
    const report = await vscode.commands.executeCommand<{ outcome: string; failure?: { code: string } } | undefined>('fabricMl.testConnection', new EndpointArg('prompts-existing'));
    const origin = new URL(server.url).origin;
    assert.strictEqual(report?.failure?.code, 'loopbackNotApproved');
    assert.deepStrictEqual([server.counters.tokenRequests, server.counters.metadataRequests], [0, 0], 'nothing was sent after the user declined');
    const context = await extensionContext();
    await waitFor(() => logFiles(context).some(f => fs.readFileSync(f, 'utf8').includes(`Asked whether ${origin} may receive your Fabric token: declined.`)), 'the question in the log');
    const info = await vscode.commands.executeCommand<{ approvedLocalAddresses: string[] }>('fabricMl.showCredentialStorage', {});
    assert.ok(!info.approvedLocalAddresses.includes(origin));
  });
});


