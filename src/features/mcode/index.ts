// The M code surface: the Insert CallMLEndpoint M Function command (into .pq files and Dataflow Gen2 folders),
// the hard-coded-secret warning and the dataflow consistency diagnostics, each with quick fixes. Snippets are
// contributed statically (media/snippets/powerquery.json).
import type * as vscode from 'vscode';
import type { Services } from '../services';
import { registerCommand } from '../shared/commands';
import { INSERT_M_COMMAND, InsertMFunction } from './insertMFunction';
import { COPY_FOR_ADVANCED_EDITOR_COMMAND, copyForAdvancedEditor } from './copyForAdvancedEditor';
import { SecretDiagnostics } from './secretDiagnostics';
import { DataflowDiagnostics } from './dataflowDiagnostics';

export function register(services: Services): vscode.Disposable[] {
  const insert = new InsertMFunction(services);
  return [
    registerCommand(services, INSERT_M_COMMAND, arg => insert.run(arg)),
    registerCommand(services, COPY_FOR_ADVANCED_EDITOR_COMMAND, arg => copyForAdvancedEditor(insert, arg)),
    new SecretDiagnostics(),
    new DataflowDiagnostics(),
  ];
}
