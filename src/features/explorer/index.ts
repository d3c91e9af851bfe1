// The Endpoint Explorer: the `fabricMl.endpoints` tree view and the endpoint and version commands.
import * as vscode from 'vscode';
import type { Services } from '../services';
import type { ServicesImpl } from '../shared/createServices';
import { EndpointCommands } from './endpointCommands';
import type { AnyNode } from './nodes';
import { EndpointTreeProvider } from './treeProvider';
import { VersionCommands } from './versionCommands';

export const VIEW_ID = 'fabricMl.endpoints';

export function register(services: Services): vscode.Disposable[] {
  const impl = services as ServicesImpl;
  const tree = new EndpointTreeProvider(impl);
  const view = vscode.window.createTreeView<AnyNode>(VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  return [tree, view, ...new EndpointCommands(impl, tree, view as vscode.TreeView<unknown>).register(), ...new VersionCommands(impl).register()];
}
