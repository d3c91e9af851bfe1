// Sign in with a Microsoft account and browse Fabric: the "Fabric workspaces" view (second section of the
// Fabric ML sidebar), Sign In, Refresh, Filter, Load more, Pin (a browsed version to settings, as you or as a
// service principal) and "Test as the Dataflow will" (Test connection with the endpoint's service principal).
import * as vscode from 'vscode';
import { pinnedEndpointId } from '../../core/fabric/browse';
import { describeIdentity, type EndpointDefinition, type EndpointIdentity } from '../../core/endpoints/model';
import type { ConnectionReport } from '../../core/endpoints/connectionReport';
import type { Services } from '../services';
import { isPlainArgs, registerCommand, stringArg, UserError, type CommandContext } from '../shared/commands';
import { pickEndpoint } from '../shared/endpointPicker';
import { testConnection } from '../connection';
import { registerDemoAccount } from './demoAccount';
import { AccountNode, BrowsedVersionNode, MoreNode } from './nodes';
import { FabricTreeProvider, type FabricTreeSnapshot } from './treeProvider';

export const FABRIC_VIEW_ID = 'fabricMl.fabric';

export function register(services: Services): vscode.Disposable[] {
  const tree = new FabricTreeProvider(services);
  const view = vscode.window.createTreeView(FABRIC_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  const showFilter = (): void => {
    view.description = tree.filter ? `filter: ${tree.filter}` : undefined;
  };
  return [
    ...registerDemoAccount(services),
    tree,
    view,
    registerCommand(services, 'fabricMl.signIn', async (_arg, ctx) => signIn(services, ctx)),
    registerCommand(services, 'fabricMl.refreshFabric', async (arg): Promise<FabricTreeSnapshot> => {
      // From the UI, a refusal the user can fix (sign in, approve the local test server) is offered here.
      if (!isPlainArgs(arg)) await services.openFabric({ interactive: true });
      tree.reset();
      const expand = isPlainArgs(arg) && arg.expand === true;
      const snapshot = await tree.snapshot(expand);
      // `{ expand: true }` also opens every workspace and model in the view (scripts, screenshots).
      if (expand) {
        for (const node of await tree.loadedContainers()) await view.reveal(node, { expand: true, select: false, focus: false });
        // Back to the top, where the account line is.
        if (services.account.current) await view.reveal(new AccountNode(services.account.current.label), { select: false, focus: false });
      }
      return snapshot;
    }),
    registerCommand(services, 'fabricMl.filterWorkspaces', async (arg, ctx) => {
      const text = ctx.interactive
        ? await vscode.window.showInputBox({ title: 'Filter Fabric workspaces', prompt: 'Show workspaces whose name contains this text (empty shows all)', value: tree.filter })
        : isPlainArgs(arg) ? (stringArg(arg, 'filter') ?? '') : '';
      if (text === undefined) return tree.filter;
      tree.setFilter(text);
      showFilter();
      return tree.filter;
    }),
    registerCommand(services, 'fabricMl.loadMoreFabric', async arg => {
      if (arg instanceof MoreNode) await tree.loadMore(arg);
    }),
    registerCommand(services, 'fabricMl.pinEndpoint', (arg, ctx) => pin(services, arg, ctx)),
    registerCommand(services, 'fabricMl.testAsDataflow', async (arg, ctx): Promise<ConnectionReport | undefined> => {
      const def = await pickEndpoint(services, arg, ctx, { title: 'Test which endpoint as the Dataflow will (with its service principal)?' });
      if (!def) return undefined;
      const run = (cancel?: vscode.CancellationToken) => testConnection(services, def.id, { cancel, interactive: ctx.interactive, identity: 'servicePrincipal' });
      const report = ctx.interactive
        ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Testing "${def.name}" as the Dataflow will…`, cancellable: true }, (_p, token) => run(token))
        : await run();
      if (ctx.interactive && report.outcome !== 'cancelled') {
        const show = report.outcome === 'ok' ? vscode.window.showInformationMessage : report.outcome === 'warning' ? vscode.window.showWarningMessage : vscode.window.showErrorMessage;
        void show(`As the Dataflow will (service principal "${services.credentials.label(def.profileId)}"): ${report.summary}`);
      }
      return report;
    }),
  ];
}

async function signIn(services: Services, ctx: CommandContext): Promise<{ account: string } | undefined> {
  const account = await services.account.signIn();
  if (!account) return undefined;
  if (ctx.interactive) void vscode.window.showInformationMessage(`Signed in to Fabric as ${account.label}. Your workspaces are in the "Fabric workspaces" section.`);
  return { account: account.label };
}

/**
 * Pins a browsed version to `fabricMl.endpoints`: `{ endpointId, identity?: "user" | "servicePrincipal",
 * profileId?, target?: "user" | "workspace", id?, name? }`, or from the tree with prompts.
 */
async function pin(services: Services, arg: unknown, ctx: CommandContext): Promise<EndpointDefinition | undefined> {
  const browsedId = arg instanceof BrowsedVersionNode ? arg.endpointId : isPlainArgs(arg) ? stringArg(arg, 'endpointId', true) : undefined;
  if (!browsedId) throw new UserError('Pin a version from the "Fabric workspaces" section (right-click → Pin to Settings).');
  const browsed = services.endpoints.get(browsedId);
  if (!browsed || !services.endpoints.isBrowsed(browsedId)) throw new UserError(`"${browsedId}" is not a version browsed in the Fabric workspaces section (or it is already pinned).`);
  const plain = isPlainArgs(arg) ? arg : {};
  const identity = ctx.interactive ? await pickIdentity(services) : parseIdentity(stringArg(plain, 'identity'));
  if (!identity) return undefined;
  const profileId = identity === 'servicePrincipal' ? (ctx.interactive ? await pickProfile(services) : (stringArg(plain, 'profileId') ?? 'default')) : (stringArg(plain, 'profileId') ?? 'default');
  if (!profileId) return undefined;
  const target = ctx.interactive ? await pickTarget() : stringArg(plain, 'target') === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  if (target === undefined) return undefined;
  const modelAndVersion = /^(.*) v([^ ]+)$/.exec(browsed.name);
  const id = stringArg(plain, 'id') ?? pinnedEndpointId({ modelName: modelAndVersion?.[1] ?? browsed.name, versionName: modelAndVersion?.[2] ?? '' }, taken => services.endpoints.get(taken) !== undefined);
  const def: EndpointDefinition = { id, name: stringArg(plain, 'name') ?? browsed.name, scoreUrl: browsed.scoreUrl, profileId, identity };
  await services.endpoints.add(def, target);
  const where = target === vscode.ConfigurationTarget.Global ? 'your user settings' : 'the workspace settings';
  const who = describeIdentity(identity, { account: services.account.current?.label, profileLabel: services.credentials.label(profileId) });
  services.log.info(`Pinned "${def.name}" (${def.id}) to ${where}; it calls Fabric ${who}.`);
  if (ctx.interactive) void vscode.window.showInformationMessage(`Pinned "${def.name}" to ${where}: it is in the Endpoint Explorer and calls Fabric ${who}.`);
  return def;
}

function parseIdentity(text: string | undefined): EndpointIdentity {
  if (text === undefined || text === 'user') return 'user';
  if (text === 'servicePrincipal') return 'servicePrincipal';
  throw new UserError(`The argument "identity" must be "user" or "servicePrincipal", not "${text}".`);
}

async function pickIdentity(services: Services): Promise<EndpointIdentity | undefined> {
  const items = [
    { label: 'As you', description: services.account.current?.label, detail: 'Calls use your Microsoft account: nothing else to set up. Good for trying the endpoint.', identity: 'user' as const },
    { label: 'As a service principal', detail: 'Calls use an app registration\'s credentials, exactly as a Dataflow Gen2 refresh will.', identity: 'servicePrincipal' as const },
  ];
  return (await vscode.window.showQuickPick(items, { title: 'Pin: who calls this endpoint?' }))?.identity;
}

async function pickProfile(services: Services): Promise<string | undefined> {
  const profiles = services.credentials.profiles();
  if (profiles.length <= 1) return profiles[0]?.id ?? 'default';
  return (await vscode.window.showQuickPick(profiles.map(p => ({ label: p.label, description: p.id, id: p.id })), { title: 'Pin: which service principal?' }))?.id;
}

async function pickTarget(): Promise<vscode.ConfigurationTarget | undefined> {
  const items = [{ label: 'User settings', detail: 'Only you, in every workspace.', target: vscode.ConfigurationTarget.Global }];
  if (vscode.workspace.workspaceFolders?.length) items.push({ label: 'Workspace settings', detail: 'Shared with the team through the workspace (IDs only, never a secret).', target: vscode.ConfigurationTarget.Workspace });
  return (await vscode.window.showQuickPick(items, { title: 'Pin: save it where?' }))?.target;
}
