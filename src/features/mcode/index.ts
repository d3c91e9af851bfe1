// The M code surface: the Insert CallMLEndpoint M Function command and the hard-coded-secret warning with its
// quick fix in Power Query M documents. Snippets are contributed statically (media/snippets/powerquery.json).
import type * as vscode from 'vscode';
import type { Services } from '../services';
import { registerCommand } from '../shared/commands';
import { INSERT_M_COMMAND, InsertMFunction } from './insertMFunction';
import { SecretDiagnostics } from './secretDiagnostics';

export function register(services: Services): vscode.Disposable[] {
  const insert = new InsertMFunction(services);
  return [
    registerCommand(services, INSERT_M_COMMAND, arg => insert.run(arg)),
    new SecretDiagnostics(),
  ];
}
