// A bearer token goes to a local address only after the user approved that exact origin. Another extension
// can turn on fabricMl.allowLoopbackEndpoints, add an endpoint on its own port and run Test Connection with
// argument objects: with no approval, not one request reaches that port, and an argument object cannot approve.
import * as assert from 'assert';
import * as vscode from 'vscode';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID, FakeFabricServer } from '../../tools/fake-fabric';
import { activateExtension, approveLocalAddress } from './support';
import { extensionContext, rejection, useFakeServer } from './explorerSupport';

interface Report {
  outcome: string;
  summary: string;
  failure?: { code: string; title: string };
}

describe('Local addresses must be approved by the user', function () {
  this.timeout(60_000);
  let entra: FakeFabricServer;
  let listener: FakeFabricServer;

  before(async () => {
    await activateExtension();
    entra = await FakeFabricServer.start();
    await useFakeServer(entra);
    await vscode.commands.executeCommand('fabricMl.setCredentials', { tenantId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET });
    // A second local server, standing in for another extension's listener: never approved by the user.
    listener = await FakeFabricServer.start();
    await vscode.commands.executeCommand('fabricMl.addEndpoint', { id: 'la-foreign', name: 'Foreign port', scoreUrl: listener.scoreUrl('1') });
  });

  after(async () => {
    await vscode.commands.executeCommand('fabricMl.removeEndpoint', { endpointId: 'la-foreign' }).then(undefined, () => undefined);
    await listener?.close();
    await entra?.close();
  });

  it('refuses Test Connection to an unapproved port and sends it nothing, not even a token request elsewhere', async () => {
    entra.resetCounters();
    listener.resetCounters();
    const report = await vscode.commands.executeCommand<Report>('fabricMl.testConnection', { endpointId: 'la-foreign' });
    assert.strictEqual(report.outcome, 'failed');
    assert.strictEqual(report.failure?.code, 'loopbackNotApproved');
    assert.match(report.summary, new RegExp(`calls the local address http://127\\.0\\.0\\.1:${listener.port}, which you have not approved to receive your Fabric token`));
    assert.deepStrictEqual(
      [listener.counters.tokenRequests, listener.counters.metadataRequests, listener.counters.scoreRequests, entra.counters.tokenRequests],
      [0, 0, 0, 0],
      'no token was requested and the unapproved port received nothing',
    );
  });

  it('never lets an argument object approve an origin', async () => {
    const message = await rejection(vscode.commands.executeCommand('fabricMl.approveLocalAddress', { endpointId: 'la-foreign' }));
    assert.match(message, /can only be approved by you/);
    const context = await extensionContext();
    assert.ok(!(context.globalState.get<string[]>('fabricMl.approvedLoopbackOrigins') ?? []).includes(new URL(listener.url).origin));
  });

  it('calls the port once the user approved it, lists the approval, and refuses again after Revoke', async () => {
    await approveLocalAddress(listener.url);
    listener.resetCounters();
    const called = await vscode.commands.executeCommand<Report>('fabricMl.testConnection', { endpointId: 'la-foreign' });
    // This second fake server does not trust the first one's tokens (401): what matters is that it was called.
    assert.notStrictEqual(called.failure?.code, 'loopbackNotApproved', called.summary);
    assert.ok(listener.counters.metadataRequests + listener.counters.unauthorized >= 1, 'the approved port was called');
    const info = await vscode.commands.executeCommand<{ approvedLocalAddresses: string[] }>('fabricMl.showCredentialStorage', {});
    assert.ok(info.approvedLocalAddresses.includes(new URL(listener.url).origin), 'listed in Show Where Credentials Are Stored');

    const revoked = await vscode.commands.executeCommand<boolean>('fabricMl.revokeLocalAddress', { origin: new URL(listener.url).origin });
    assert.strictEqual(revoked, true);
    listener.resetCounters();
    const again = await vscode.commands.executeCommand<Report>('fabricMl.testConnection', { endpointId: 'la-foreign' });
    assert.strictEqual(again.failure?.code, 'loopbackNotApproved');
    assert.strictEqual(listener.counters.metadataRequests, 0);
  });
});
