// The "Show Log" command: opens the redacted "Fabric ML" output channel.
import * as vscode from 'vscode';
import type { Services } from '../services';

export function register(services: Services): vscode.Disposable[] {
  return [vscode.commands.registerCommand('fabricMl.showLog', () => services.log.show(true))];
}
