// Approve / revoke a local address (loopback origin) as a receiver of the bearer token. Approval is a modal
// question to the user and is only ever asked from the UI: with an argument object the command refuses, so
// another extension cannot approve its own listener. Revoking works both ways (it only takes power away).
import * as vscode from 'vscode';
import { isLoopbackHost } from '../../core/endpoints/endpointUrl';
import type { Services } from '../services';
import { endpointIdOf } from '../shared/endpointPicker';
import { isPlainArgs, registerCommand, stringArg, UserError } from '../shared/commands';

export function registerLocalAddressCommands(services: Services): vscode.Disposable[] {
  return [
    registerCommand(services, 'fabricMl.approveLocalAddress', async (arg, ctx) => {
      if (!ctx.interactive) {
        throw new UserError('A local address can only be approved by you, in the dialog this command shows when run from the Endpoint Explorer or the Command Palette.');
      }
      const endpointId = endpointIdOf(arg);
      const def = endpointId !== undefined ? services.endpoints.get(endpointId) : undefined;
      const origin = def ? originOf(def.scoreUrl) : await askOrigin();
      if (!origin) return false;
      return services.loopbackApprovals.ask(origin, def?.name ?? origin);
    }),
    registerCommand(services, 'fabricMl.revokeLocalAddress', async (arg, ctx) => {
      const approved = services.loopbackApprovals.list();
      let origin = isPlainArgs(arg) ? stringArg(arg, 'origin', true) : undefined;
      if (origin === undefined) {
        if (!ctx.interactive) return false;
        if (approved.length === 0) {
          void vscode.window.showInformationMessage('No local address is approved to receive your Fabric token.');
          return false;
        }
        origin = await vscode.window.showQuickPick(approved, { title: 'Revoke which local address?', placeHolder: 'It will no longer receive your Fabric token' });
        if (!origin) return false;
      }
      if (!approved.includes(origin)) return false;
      await services.loopbackApprovals.revoke(origin);
      services.log.info(`Revoked the approval of ${origin} to receive a token.`);
      if (ctx.interactive) void vscode.window.showInformationMessage(`${origin} no longer receives your Fabric token.`);
      return true;
    }),
  ];
}

function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return isLoopbackHost(parsed.hostname) ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

async function askOrigin(): Promise<string | undefined> {
  const text = await vscode.window.showInputBox({
    title: 'Approve a local address to receive your Fabric token',
    prompt: 'The origin of a test server you started on this machine',
    placeHolder: 'http://127.0.0.1:7357',
    validateInput: v => (originOf(v.trim()) ? undefined : 'Enter an http(s) origin on 127.0.0.1, localhost or [::1], e.g. http://127.0.0.1:7357.'),
  });
  return text === undefined ? undefined : originOf(text.trim());
}
