// The "Fabric workspaces" section of the Fabric ML sidebar: empty (so the welcome content with "Sign in" shows)
// until a Microsoft account is signed in; then the account, the workspaces (paged, filterable), each
// workspace's ML models (paged), each model's endpoint (default version, or a warning when none is set) and
// its versions with status, auto-sleep, signatures and failure details. Every read goes through
// services.openFabric() (signed in, allowed host) and is made as the user.
import * as vscode from 'vscode';
import { browsedEndpointDefinition, browsedEndpointId, defaultVersionWarning, type FabricBrowser, type FabricItem } from '../../core/fabric/browse';
import { toFabricErrorInfo } from '../../core/fabric/fabricError';
import type { EndpointVersionInfo } from '../../core/endpoints/model';
import { errorMessage } from '../../core/errorMessage';
import type { Services } from '../services';
import { contextValue } from '../explorer/treeProvider';
import { affectsConnection } from '../shared/settings';
import { autoSleepText, versionFlags } from '../explorer/versionText';
import { AccountNode, BrowsedVersionNode, DefaultVersionNode, MessageNode, ModelNode, MoreNode, WorkspaceNode, type FabricNode } from './nodes';

interface Paged {
  items: FabricItem[];
  next?: string;
  error?: string;
}

interface ModelDetails {
  /** The API base the model was read from (its versions' score URLs start with it). */
  apiBase: string;
  defaultVersionName?: string;
  warning?: string;
  versions: EndpointVersionInfo[];
  error?: string;
}

/** Pages of workspaces a filter reads at most (Fabric pages hold up to 100s of workspaces each). */
const MAX_FILTER_PAGES = 50;

/** What the view shows, as plain data: returned by Refresh for scripts and tests. */
export interface FabricTreeSnapshot {
  account?: string;
  filter?: string;
  error?: string;
  workspaces: Array<{
    id: string;
    name: string;
    error?: string;
    models?: Array<{ id: string; name: string; defaultVersion?: string; warning?: string; error?: string; versions?: Array<{ endpointId: string; versionName: string; status: string; scaleRule?: string; failure?: string }> }>;
  }>;
  moreWorkspaces: boolean;
}

export class FabricTreeProvider implements vscode.TreeDataProvider<FabricNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<FabricNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private workspaces: Paged | undefined;
  private readonly models = new Map<string, Paged>();
  private readonly details = new Map<string, ModelDetails>();
  private filterText = '';
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly services: Services) {
    this.subscriptions.push(
      // Signing out (VS Code's Accounts menu) clears the section; signing in loads it.
      services.account.onDidChange(() => this.reset()),
      // Activate/Deactivate and auto-sleep on a browsed version update its node.
      services.metadata.onDidChange(id => {
        if (id === undefined || services.endpoints.isBrowsed(id)) this.changed.fire(undefined);
      }),
      // Another cloud or authority is another Fabric: read it again.
      vscode.workspace.onDidChangeConfiguration(e => {
        if (affectsConnection(e)) this.reset();
      }),
    );
  }

  get filter(): string {
    return this.filterText;
  }

  setFilter(text: string): void {
    this.filterText = text.trim();
    this.changed.fire(undefined);
  }

  /** Forgets everything loaded; the next look at the view reads Fabric again. */
  reset(): void {
    this.workspaces = undefined;
    this.models.clear();
    this.details.clear();
    this.changed.fire(undefined);
  }

  async getChildren(node?: FabricNode): Promise<FabricNode[]> {
    const account = this.services.account.current;
    if (!account) return [];
    if (!node) return this.rootChildren(account.label);
    if (node instanceof WorkspaceNode) return this.workspaceChildren(node);
    if (node instanceof ModelNode) return this.modelChildren(node);
    return [];
  }

  getParent(node: FabricNode): FabricNode | undefined {
    if (node instanceof ModelNode) return node.parent;
    if (node instanceof BrowsedVersionNode || node instanceof DefaultVersionNode) return node.parent;
    return undefined;
  }

  getTreeItem(node: FabricNode): vscode.TreeItem {
    switch (node.kind) {
      case 'account':
        return item(node.id, `Signed in as ${node.label}`, vscode.TreeItemCollapsibleState.None, { icon: 'account', tooltip: 'Calls "as you" use this Microsoft account. Sign out from VS Code\'s Accounts menu.', context: 'fabricMl.account' });
      case 'workspace':
        return item(node.id, node.workspace.displayName, vscode.TreeItemCollapsibleState.Collapsed, { icon: 'folder-library', tooltip: node.workspace.description || node.workspace.displayName, context: 'fabricMl.workspace' });
      case 'model':
        return item(node.id, node.model.displayName, vscode.TreeItemCollapsibleState.Collapsed, { icon: 'beaker', tooltip: `ML model ${node.model.displayName}`, context: 'fabricMl.model' });
      case 'defaultVersion':
        return node.warning
          ? item(node.id, 'No default version', vscode.TreeItemCollapsibleState.None, { icon: 'warning', description: 'the default score URL will fail', tooltip: node.warning, context: 'fabricMl.defaultVersion' })
          : item(node.id, `Default version: ${node.defaultVersionName}`, vscode.TreeItemCollapsibleState.None, { icon: 'pass', tooltip: 'The default score URL (…/endpoint/score) calls this version.', context: 'fabricMl.defaultVersion' });
      case 'browsedVersion':
        return this.versionItem(node);
      case 'message':
        return { ...item(node.id, node.text, vscode.TreeItemCollapsibleState.None, { icon: node.icon, tooltip: node.tooltip, context: 'fabricMl.message' }), command: node.command };
      case 'more': {
        const more = item(node.id, node.parent ? 'Load more ML models…' : 'Load more workspaces…', vscode.TreeItemCollapsibleState.None, { icon: 'ellipsis', tooltip: 'Fabric returned this list in pages: load the next one.', context: 'fabricMl.more' });
        more.command = { command: 'fabricMl.loadMoreFabric', title: 'Load more', arguments: [node] };
        return more;
      }
    }
  }

  /** Loads the next page of workspaces (no parent) or of a workspace's models. */
  async loadMore(node: MoreNode): Promise<void> {
    if (node.parent) {
      const current = this.models.get(node.parent.workspace.id);
      if (current?.next) this.models.set(node.parent.workspace.id, await this.page(current, b => b.mlModels(node.parent!.workspace.id, current.next)));
    } else if (this.workspaces?.next) {
      const current = this.workspaces;
      this.workspaces = await this.page(current, b => b.workspaces(current.next));
    }
    this.changed.fire(undefined);
  }

  /** Loads everything the view would show (workspaces, and with `expand` every model and version) as data. */
  async snapshot(expand: boolean): Promise<FabricTreeSnapshot> {
    const account = this.services.account.current;
    if (!account) return { workspaces: [], moreWorkspaces: false };
    const roots = await this.rootChildren(account.label);
    const out: FabricTreeSnapshot = { account: account.label, filter: this.filterText || undefined, error: this.workspaces?.error, workspaces: [], moreWorkspaces: roots.some(n => n instanceof MoreNode) };
    for (const ws of roots.filter((n): n is WorkspaceNode => n instanceof WorkspaceNode)) {
      const entry: FabricTreeSnapshot['workspaces'][number] = { id: ws.workspace.id, name: ws.workspace.displayName };
      out.workspaces.push(entry);
      if (!expand) continue;
      await this.workspaceChildren(ws);
      const paged = this.models.get(ws.workspace.id);
      entry.error = paged?.error;
      entry.models = [];
      for (const model of paged?.items ?? []) {
        const modelNode = new ModelNode(ws, model);
        await this.modelChildren(modelNode);
        const d = this.details.get(modelNode.id);
        entry.models.push({
          id: model.id,
          name: model.displayName,
          defaultVersion: d?.defaultVersionName,
          warning: d?.warning,
          error: d?.error,
          versions: d?.versions.map(v => ({ endpointId: browsedEndpointId({ workspaceId: ws.workspace.id, modelId: model.id, versionName: v.versionName }), versionName: v.versionName, status: String(v.status), scaleRule: v.scaleRule, failure: v.failureDetails?.message })),
        });
      }
    }
    return out;
  }

  /** The workspace and model nodes loaded so far (for Refresh `{ expand: true }`, which opens them in the view). */
  async loadedContainers(): Promise<FabricNode[]> {
    const account = this.services.account.current;
    if (!account) return [];
    const out: FabricNode[] = [];
    for (const ws of (await this.rootChildren(account.label)).filter((n): n is WorkspaceNode => n instanceof WorkspaceNode)) {
      out.push(ws, ...(await this.workspaceChildren(ws)).filter(n => n instanceof ModelNode));
    }
    return out;
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }

  private async rootChildren(accountLabel: string): Promise<FabricNode[]> {
    this.workspaces ??= await this.page({ items: [] }, b => b.workspaces());
    // A filter searches the whole list: read the remaining pages (bounded) instead of only the loaded ones.
    for (let pages = 0; this.filterText && this.workspaces.next && !this.workspaces.error && pages < MAX_FILTER_PAGES; pages++) {
      const current = this.workspaces;
      this.workspaces = await this.page(current, b => b.workspaces(current.next));
    }
    const nodes: FabricNode[] = [new AccountNode(accountLabel)];
    if (this.workspaces.error) nodes.push(new MessageNode('fabric/error', this.workspaces.error, this.workspaces.error, 'error', { command: 'fabricMl.refreshFabric', title: 'Try again' }));
    const needle = this.filterText.toLowerCase();
    const shown = this.workspaces.items.filter(w => !needle || w.displayName.toLowerCase().includes(needle));
    nodes.push(...shown.map(w => new WorkspaceNode(w)));
    if (needle && shown.length === 0) nodes.push(new MessageNode('fabric/nomatch', `No workspace matches "${this.filterText}"`, 'Change the filter (Filter Workspaces…), or clear it.', 'info'));
    if (this.workspaces.next) nodes.push(new MoreNode(undefined));
    return nodes;
  }

  private async workspaceChildren(node: WorkspaceNode): Promise<FabricNode[]> {
    const id = node.workspace.id;
    let paged = this.models.get(id);
    if (!paged) this.models.set(id, (paged = await this.page({ items: [] }, b => b.mlModels(id))));
    if (paged.error) return [new MessageNode(`${node.id}/error`, paged.error, paged.error, paged.error.startsWith('No access') ? 'lock' : 'error')];
    const nodes: FabricNode[] = paged.items.map(m => new ModelNode(node, m));
    if (nodes.length === 0) nodes.push(new MessageNode(`${node.id}/empty`, 'No ML models in this workspace', '', 'info'));
    if (paged.next) nodes.push(new MoreNode(node));
    return nodes;
  }

  private async modelChildren(node: ModelNode): Promise<FabricNode[]> {
    let d = this.details.get(node.id);
    if (!d) this.details.set(node.id, (d = await this.loadModel(node)));
    if (d.error) return [new MessageNode(`${node.id}/error`, d.error, d.error, 'error')];
    const nodes: FabricNode[] = [new DefaultVersionNode(node, d.defaultVersionName, d.warning)];
    for (const info of d.versions) nodes.push(this.versionNode(node, info, info.versionName === d.defaultVersionName));
    return nodes;
  }

  /** A version node; its browsed endpoint becomes known by id and its metadata is cached for scoring and M. */
  private versionNode(parent: ModelNode, info: EndpointVersionInfo, isDefault: boolean): BrowsedVersionNode {
    const { endpoints, metadata } = this.services;
    const apiBase = this.details.get(parent.id)?.apiBase ?? '';
    const version = { apiBase, workspaceId: parent.parent.workspace.id, workspaceName: parent.parent.workspace.displayName, modelId: parent.model.id, modelName: parent.model.displayName, versionName: info.versionName };
    const def = browsedEndpointDefinition(version);
    if (!endpoints.get(def.id)) endpoints.addBrowsed(def);
    const cached = metadata.state(def.id);
    if (cached?.kind !== 'ready') metadata.set(def.id, info, false);
    return new BrowsedVersionNode(parent, version, def.id, metadata.cached(def.id) ?? info, isDefault);
  }

  private versionItem(node: BrowsedVersionNode): vscode.TreeItem {
    const info = this.services.metadata.cached(node.endpointId) ?? node.info;
    const flags = { callable: true, ...versionFlags(info.status, info.scaleRule) };
    const description = [String(info.status), autoSleepText(info.scaleRule), node.isDefault ? 'default' : ''].filter(Boolean).join(' · ');
    const lines = [`${node.version.modelName} version ${info.versionName} in ${node.version.workspaceName}`, `Status: ${info.status}; ${autoSleepText(info.scaleRule)}`];
    if (info.inputSignature?.length) lines.push(`Input: ${info.inputSignature.map(f => `${f.name}: ${f.type}`).join(', ')}`);
    if (info.outputSignature?.length) lines.push(`Output: ${info.outputSignature.map(f => `${f.name}: ${f.type}`).join(', ')}`);
    if (info.failureDetails) lines.push(`Failure: ${info.failureDetails.errorCode ?? ''} ${info.failureDetails.message ?? ''}`.trim());
    lines.push('Calls Fabric as you. Right-click to score, test, insert M, or pin it to your settings.');
    const icon = info.status === 'Failed' ? 'error' : info.status === 'Active' ? 'pass-filled' : 'circle-large-outline';
    return item(node.id, `v${info.versionName}`, vscode.TreeItemCollapsibleState.None, { icon, description, tooltip: lines.join('\n'), context: contextValue('fabricMl.browsedVersion', flags) });
  }

  /** One page read as the user; a failure is kept (and shown on the node) instead of thrown. */
  private async page(current: Paged, read: (browser: FabricBrowser) => Promise<{ items: FabricItem[]; next?: string }>): Promise<Paged> {
    try {
      const { browser } = await this.services.openFabric();
      const page = await read(browser);
      return { items: [...current.items, ...page.items], next: page.next };
    } catch (error) {
      return { ...current, next: current.next, error: describeBrowseError(error) };
    }
  }

  private async loadModel(node: ModelNode): Promise<ModelDetails> {
    try {
      const { browser } = await this.services.openFabric();
      const [endpoint, versions] = await Promise.all([browser.endpoint(node.parent.workspace.id, node.model.id), browser.versions(node.parent.workspace.id, node.model.id)]);
      return { apiBase: browser.apiBase, defaultVersionName: endpoint.defaultVersionName, warning: defaultVersionWarning(endpoint), versions };
    } catch (error) {
      return { apiBase: '', versions: [], error: describeBrowseError(error) };
    }
  }
}

/** A browse failure in a line: a 403 says the user has no access; others say what Fabric answered. */
export function describeBrowseError(error: unknown): string {
  const info = toFabricErrorInfo(error);
  if (info.kind === 'http' && info.status === 403) {
    return `No access: your account may not read this (403${info.errorCode ? ` ${info.errorCode}` : ''}). Ask a workspace admin for a role.`;
  }
  if (info.kind === 'http' && info.status !== undefined) return `Fabric answered ${info.status}${info.errorCode ? ` ${info.errorCode}` : ''}: ${info.message}`;
  return info.message || errorMessage(error);
}

function item(id: string, label: string, state: vscode.TreeItemCollapsibleState, o: { icon: string; tooltip: string; context: string; description?: string }): vscode.TreeItem {
  const it = new vscode.TreeItem(label, state);
  it.id = id;
  it.iconPath = new vscode.ThemeIcon(o.icon);
  it.tooltip = o.tooltip;
  it.contextValue = o.context;
  if (o.description) it.description = o.description;
  return it;
}
