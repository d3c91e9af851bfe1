// The Endpoint Explorer: the `fabricMl.endpoints` tree view and the endpoint and version commands.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { EndpointCommands } from './endpointCommands';
import type { AnyNode } from './nodes';
import { EndpointTreeProvider } from './treeProvider';
import { VersionCommands } from './versionCommands';

export const VIEW_ID = 'fabricMl.endpoints';

export function register(services: Services): vscode.Disposable[] {
  const tree = new EndpointTreeProvider(services);
  const view = vscode.window.createTreeView<AnyNode>(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  return [tree, view, ...new EndpointCommands(services, tree, view as vscode.TreeView<unknown>).register(), ...new VersionCommands(services).register()];
}
