// The Endpoint Explorer tree: endpoints with version, status and auto-sleep, their input/output signature
// and service principal, and a "Service principals" group. Metadata is fetched lazily and cached; a
// failure is shown on its node (icon, description, tooltip, a child line), never as a pop-up.
import * as vscode from 'vscode';
import { hostOf } from '../../core/endpoints/endpointUrl';
import { describeIdentity, identityOf, type EndpointDefinition, type EndpointVersionInfo, type SignatureField } from '../../core/endpoints/model';
import { describeAuthorityChange, explainFailure, type ConnectionFailure } from '../../core/endpoints/connectionReport';
import { authorityChange } from '../../core/auth/binding';
import { READY_FLAGS, readinessFlags, type Refusal } from '../../core/endpoints/readiness';
import type { Services } from '../services';
import { storageShortName } from '../shared/secretStorageText';
import { EndpointNode, type ExplorerNode, FieldNode, HintNode, MessageNode, ProfileNode, ProfilesGroupNode, SignatureNode, VersionNode, type AnyNode } from './nodes';
import { autoSleepSentence, autoSleepText, statusIcon, versionFlags } from './versionText';

/** What the tree knows about one endpoint right now: refused by the readiness rule, or its metadata state. */
export type EndpointView =
  | { kind: 'refused'; def: EndpointDefinition; refusal: Refusal }
  | { kind: 'loading'; def: EndpointDefinition }
  | { kind: 'failed'; def: EndpointDefinition; failure: ConnectionFailure }
  | { kind: 'ready'; def: EndpointDefinition; info: EndpointVersionInfo; usesDefaultVersion: boolean };

export class EndpointTreeProvider implements vscode.TreeDataProvider<AnyNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<AnyNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly nodes = new Map<string, ExplorerNode>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly services: Services) {
    const { endpoints, credentials, metadata } = services;
    this.subscriptions.push(
      endpoints.onDidChange(() => this.refreshAll()),
      credentials.onDidChange(() => this.refreshAll()),
      metadata.onDidChange(id => {
        const node = id === undefined ? undefined : this.nodes.get(`endpoint/${id}`);
        this.changed.fire(node as AnyNode | undefined);
      }),
      vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration('fabricMl')) this.refreshAll();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.refreshAll()),
      services.loopbackApprovals.onDidChange(() => this.refreshAll()),
    );
  }

  refreshAll(): void {
    this.changed.fire(undefined);
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }

  /** The endpoint node of an id (created if needed), e.g. to reveal it. */
  endpointNode(endpointId: string): EndpointNode {
    return this.node(`endpoint/${endpointId}`, () => new EndpointNode(endpointId));
  }

  getParent(element: AnyNode): AnyNode | undefined {
    return element.parent as AnyNode | undefined;
  }

  /** Works out the state of an endpoint; starts a metadata fetch when nothing is cached yet. */
  async view(def: EndpointDefinition): Promise<EndpointView> {
    const { metadata } = this.services;
    const readiness = await this.services.readiness(def.id);
    if (readiness.kind === 'refused') return { kind: 'refused', def, refusal: readiness };
    let state = metadata.state(def.id);
    if (!state) {
      metadata.version(def.id).catch(() => undefined);
      state = metadata.state(def.id) ?? { kind: 'loading' };
    }
    if (state.kind === 'loading') return { kind: 'loading', def };
    if (state.kind === 'failed') return { kind: 'failed', def, failure: explainFailure(state.error, hostOf(def.scoreUrl), identityOf(def)) };
    return { kind: 'ready', def, info: state.info, usesDefaultVersion: state.usesDefaultVersion };
  }

  async getChildren(element?: AnyNode): Promise<AnyNode[]> {
    const { endpoints, credentials } = this.services;
    if (!element) {
      const defs = endpoints.list();
      if (defs.length === 0) {
        // No endpoints and no stored credentials: an empty root lets the welcome view show. With a profile
        // already set, the welcome would hide it (and ask to "Set credentials" again): show it and a hint.
        const anySet = (await Promise.all(credentials.profiles().map(p => credentials.has(p.id)))).some(Boolean);
        if (!anySet) return [];
        return [this.node('hint/addEndpoint', () => new HintNode('addEndpoint')) as HintNode, this.node('profiles', () => new ProfilesGroupNode()) as ProfilesGroupNode];
      }
      return [...defs.map(d => this.endpointNode(d.id)), this.node('profiles', () => new ProfilesGroupNode()) as ProfilesGroupNode];
    }
    if (element instanceof ProfilesGroupNode) {
      const ids = new Set(credentials.profiles().map(p => p.id));
      for (const d of endpoints.list()) ids.add(d.profileId);
      return [...ids].map(id => this.node(`profiles/profile/${id}`, () => new ProfileNode(element, id)) as ProfileNode);
    }
    if (element instanceof EndpointNode) {
      const def = endpoints.get(element.endpointId);
      if (!def) return [];
      const v = await this.view(def);
      const profile = this.node(`${element.id}/profile/${def.profileId}`, () => new ProfileNode(element, def.profileId, def.id)) as ProfileNode;
      const message = (slot: string, text: string, tooltip: string, icon: string): MessageNode => {
        const node = this.node(`${element.id}/message/${slot}`, () => new MessageNode(element, def.id, slot, text, tooltip, icon)) as MessageNode;
        node.text = text;
        node.tooltip = tooltip;
        node.icon = icon;
        return node;
      };
      switch (v.kind) {
        case 'refused':
          return [...refusalLines(v.refusal).map(line => message(line.slot, line.text, line.tooltip, line.icon)), ...(v.refusal.reason === 'invalidUrl' ? [] : [profile])];
        case 'loading':
          return [message('loading', 'Reading status from Fabric…', 'Reading the endpoint metadata from Fabric.', 'loading~spin'), profile];
        case 'failed': {
          const out = [message('failure', v.failure.title, `${v.failure.title}\n\n${v.failure.action}`, 'warning')];
          if (v.failure.action) out.push(message('action', v.failure.action, v.failure.action, 'lightbulb'));
          return [...out, profile];
        }
        case 'ready': {
          const version = this.node(`${element.id}/version`, () => new VersionNode(element, def.id, v.info.versionName)) as VersionNode;
          version.versionName = v.info.versionName;
          const input = this.node(`${element.id}/input`, () => new SignatureNode(element, def.id, 'input')) as SignatureNode;
          const output = this.node(`${element.id}/output`, () => new SignatureNode(element, def.id, 'output')) as SignatureNode;
          return [version, input, output, profile];
        }
      }
    }
    if (element instanceof SignatureNode) {
      const info = this.services.metadata.cached(element.endpointId);
      const fields = (element.direction === 'input' ? info?.inputSignature : info?.outputSignature) ?? [];
      return fields.map((field, index) => {
        const node = this.node(`${element.id}/${index}`, () => new FieldNode(element, element.endpointId, field, index)) as FieldNode;
        node.field = field;
        return node;
      });
    }
    return [];
  }

  async getTreeItem(element: AnyNode): Promise<vscode.TreeItem> {
    if (element instanceof EndpointNode) return this.endpointItem(element);
    if (element instanceof VersionNode) return this.versionItem(element);
    if (element instanceof SignatureNode) return this.signatureItem(element);
    if (element instanceof FieldNode) return fieldItem(element);
    if (element instanceof ProfileNode) return this.profileItem(element);
    if (element instanceof ProfilesGroupNode) {
      const item = new vscode.TreeItem('Service principals', vscode.TreeItemCollapsibleState.Collapsed);
      item.id = element.id;
      item.iconPath = new vscode.ThemeIcon('organization');
      item.contextValue = 'fabricMl.profiles';
      item.tooltip = `Service-principal profiles. Their tenant ID, client ID and client secret are kept in VS Code SecretStorage (${storageShortName()}), never in settings.`;
      return item;
    }
    if (element instanceof HintNode) {
      const hint = new vscode.TreeItem('No endpoints yet: add one', vscode.TreeItemCollapsibleState.None);
      hint.id = element.id;
      hint.iconPath = new vscode.ThemeIcon('add');
      hint.tooltip = 'Paste a score URL copied from the model endpoint page in Fabric.';
      hint.command = { command: 'fabricMl.addEndpoint', title: 'Add Endpoint' };
      hint.contextValue = 'fabricMl.hint';
      return hint;
    }
    const item = new vscode.TreeItem(element.text, vscode.TreeItemCollapsibleState.None);
    item.id = element.id;
    item.tooltip = element.tooltip;
    item.iconPath = new vscode.ThemeIcon(element.icon);
    item.contextValue = 'fabricMl.message';
    if (element.slot === 'credentials' || element.slot === 'authority') {
      const def = this.services.endpoints.get(element.endpointId);
      if (def) item.command = { command: 'fabricMl.setCredentials', title: 'Set Credentials', arguments: [this.node(`endpoint/${def.id}/profile/${def.profileId}`, () => new ProfileNode(element.parent, def.profileId, def.id))] };
    }
    if (element.slot === 'loopback') item.command = { command: 'fabricMl.approveLocalAddress', title: 'Approve Local Address', arguments: [element] };
    if (element.slot === 'account') item.command = { command: 'fabricMl.signIn', title: 'Sign In' };
    return item;
  }

  private async endpointItem(node: EndpointNode): Promise<vscode.TreeItem> {
    const def = this.services.endpoints.get(node.endpointId);
    const item = new vscode.TreeItem(def?.name ?? node.endpointId, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.id;
    if (!def) return item;
    const v = await this.view(def);
    const tooltip = new vscode.MarkdownString(undefined, true);
    tooltip.supportThemeIcons = true;
    tooltip.appendMarkdown(`**${escapeMd(def.name)}**\n\n`);
    const profileLabel = this.services.credentials.label(def.profileId);
    switch (v.kind) {
      case 'refused': {
        const look = REFUSAL_LOOK[v.refusal.reason];
        item.description = look.description;
        item.iconPath = look.color ? new vscode.ThemeIcon(look.icon, new vscode.ThemeColor(look.color)) : new vscode.ThemeIcon(look.icon);
        tooltip.appendMarkdown(`$(${look.icon}) ${escapeMd(v.refusal.title)}${v.refusal.action ? `\n\n${escapeMd(v.refusal.action)}` : ''}\n\n`);
        break;
      }
      case 'loading':
        item.description = 'loading…';
        item.iconPath = new vscode.ThemeIcon('loading~spin');
        break;
      case 'failed':
        item.description = `unavailable · ${v.failure.code}`;
        item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
        tooltip.appendMarkdown(`$(warning) ${escapeMd(v.failure.title)}\n\n${escapeMd(v.failure.action)}\n\n`);
        break;
      case 'ready': {
        const version = v.usesDefaultVersion ? `default → v${v.info.versionName}` : `v${v.info.versionName}`;
        item.description = `${version} · ${v.info.status} · ${autoSleepText(v.info.scaleRule)}`;
        item.iconPath = statusIcon(v.info.status);
        tooltip.appendMarkdown(`Version ${escapeMd(v.info.versionName)}${v.usesDefaultVersion ? ' (the default version)' : ''}: **${escapeMd(String(v.info.status))}**, ${autoSleepText(v.info.scaleRule)}\n\n`);
        break;
      }
    }
    // Which identity calls: "as you" endpoints say so on the node; the service principal stays the Dataflow's.
    if (identityOf(def) === 'user') item.description = `as you · ${String(item.description ?? '')}`;
    item.accessibilityInformation = { label: `Endpoint ${def.name}, ${String(item.description)}, service principal ${profileLabel}` };
    tooltip.appendMarkdown(`Calls ${escapeMd(describeIdentity(identityOf(def), { account: this.services.account.current?.label, profileLabel }))}\n\n`);
    tooltip.appendText(def.scoreUrl);
    item.tooltip = tooltip;
    // Menus test one flag each (package.json: viewItem =~ /\bcallable\b/), decided by the readiness rule.
    item.contextValue = contextValue('fabricMl.endpoint', v.kind === 'refused' ? readinessFlags(v.refusal) : READY_FLAGS);
    return item;
  }

  private versionItem(node: VersionNode): vscode.TreeItem {
    const state = this.services.metadata.state(node.endpointId);
    const info = state?.kind === 'ready' ? state.info : undefined;
    const usesDefault = state?.kind === 'ready' && state.usesDefaultVersion;
    const item = new vscode.TreeItem(`Version ${node.versionName}${usesDefault ? ' (default)' : ''}`, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    if (!info) return item;
    // The endpoint row above already says status and auto-sleep: this row only adds what it does not.
    const why = [info.failureDetails?.errorCode, info.failureDetails?.message].filter(Boolean).join(': ');
    item.description = why ? `failed: ${why}` : usesDefault ? "the model's default version" : '';
    item.iconPath = statusIcon(info.status);
    item.contextValue = contextValue('fabricMl.version', versionFlags(info.status, info.scaleRule));
    const lines = [`Status: ${info.status}`, autoSleepSentence(info.scaleRule)];
    if (why) lines.push(`Failure: ${why}`);
    item.accessibilityInformation = { label: `Version ${node.versionName}${usesDefault ? ', the default version' : ''}, ${info.status}, ${autoSleepText(info.scaleRule)}${why ? `, failed: ${why}` : ''}` };
    item.tooltip = lines.join('\n');
    return item;
  }

  private signatureItem(node: SignatureNode): vscode.TreeItem {
    const info = this.services.metadata.cached(node.endpointId);
    const fields = (node.direction === 'input' ? info?.inputSignature : info?.outputSignature) ?? [];
    const label = node.direction === 'input' ? 'Input signature' : 'Output signature';
    const item = new vscode.TreeItem(label, fields.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = fields.length ? `${fields.length} column${fields.length === 1 ? '' : 's'}` : 'not reported by Fabric';
    item.iconPath = new vscode.ThemeIcon(node.direction === 'input' ? 'arrow-right' : 'arrow-left');
    item.contextValue = `fabricMl.signature.${node.direction}`;
    return item;
  }

  private async profileItem(node: ProfileNode): Promise<vscode.TreeItem> {
    const { credentials } = this.services;
    const stored = await credentials.stored(node.profileId);
    const set = stored !== undefined;
    const change = stored ? authorityChange(stored, credentials.currentAuthority()) : undefined;
    const label = credentials.label(node.profileId);
    const item = new vscode.TreeItem(node.endpointId ? `Service principal: ${label}` : label, vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.description = !set ? 'credentials missing' : change ? 'credentials stored for another authority' : 'credentials set';
    item.accessibilityInformation = { label: `Service principal ${label}, ${item.description}` };
    item.iconPath = set && !change ? new vscode.ThemeIcon('key') : new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    // Rotate Secret keeps the stored authority, so it is not offered when the settings name another one.
    // Removable: not the default profile (always listed) and no endpoint uses it.
    const removable = node.profileId !== 'default' && !this.services.endpoints.list().some(d => d.profileId === node.profileId);
    item.contextValue = contextValue('fabricMl.profile', { credentialsSet: set, rotatable: set && !change, clearable: set, removable });
    if (change) {
      const { title, action } = describeAuthorityChange(change.storedFor, change.current, label);
      item.tooltip = `${title} ${action}`;
    } else {
      item.tooltip = set
        ? `Profile "${node.profileId}": tenant ID, client ID and client secret are stored in VS Code SecretStorage (${storageShortName()}) and sent only to ${stored.authority}. They are never shown.`
        : `Profile "${node.profileId}" has no credentials yet. Right-click → Set Credentials.`;
    }
    return item;
  }

  private node<T extends ExplorerNode>(id: string, create: () => T): T {
    let node = this.nodes.get(id);
    if (!node) {
      node = create();
      this.nodes.set(id, node);
    }
    return node as T;
  }
}

function fieldItem(node: FieldNode): vscode.TreeItem {
  const f: SignatureField = node.field;
  const item = new vscode.TreeItem(`${f.name}: ${f.type}`, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = f.required ? 'required' : 'optional';
  item.iconPath = new vscode.ThemeIcon('symbol-field');
  item.contextValue = 'fabricMl.field';
  return item;
}


/** How a refused endpoint's node looks, per reason. */
const REFUSAL_LOOK: Record<Refusal['reason'], { description: string; icon: string; color?: string }> = {
  unknownEndpoint: { description: 'unknown endpoint', icon: 'error', color: 'errorForeground' },
  restricted: { description: 'untrusted workspace · not called', icon: 'workspace-untrusted' },
  invalidUrl: { description: 'invalid URL', icon: 'error', color: 'errorForeground' },
  loopbackNotApproved: { description: 'local address not approved', icon: 'shield', color: 'problemsWarningIcon.foreground' },
  credentialsMissing: { description: 'credentials missing', icon: 'key', color: 'problemsWarningIcon.foreground' },
  authorityChanged: { description: 'credentials stored for another authority', icon: 'warning', color: 'problemsWarningIcon.foreground' },
  signedOut: { description: 'as you · not signed in', icon: 'account', color: 'problemsWarningIcon.foreground' },
};

/** The explanation lines under a refused endpoint (slot, text, tooltip, icon). */
function refusalLines(refusal: Refusal): Array<{ slot: string; text: string; tooltip: string; icon: string }> {
  const full = refusal.action ? `${refusal.title}\n\n${refusal.action}` : refusal.title;
  switch (refusal.reason) {
    case 'restricted':
      return [{ slot: 'restricted', text: 'Untrusted workspace: not called', tooltip: refusal.short, icon: 'workspace-untrusted' }];
    case 'invalidUrl':
    case 'unknownEndpoint':
      return [{ slot: 'invalidUrl', text: refusal.short, tooltip: refusal.short, icon: 'error' }];
    case 'credentialsMissing':
      return [{ slot: 'credentials', text: refusal.short, tooltip: 'Run "Fabric ML: Set Credentials" for this service principal.', icon: 'key' }];
    case 'authorityChanged':
      return [{ slot: 'authority', text: refusal.short, tooltip: full, icon: 'warning' }];
    case 'signedOut':
      return [{ slot: 'account', text: refusal.short, tooltip: full, icon: 'account' }];
    case 'loopbackNotApproved':
      return [{ slot: 'loopback', text: `${refusal.short}: click to approve`, tooltip: full, icon: 'shield' }];
  }
}

/** `fabricMl.endpoint callable editable`: a base name and the flags that are on, for `viewItem =~ /\bflag\b/`. */
export function contextValue(base: string, flags: Record<string, boolean>): string {
  return [base, ...Object.entries(flags).filter(([, on]) => on).map(([name]) => name)].join(' ');
}

function escapeMd(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, m => `\\${m}`);
}
