// "Fabric ML: Deploy to Dataflow Gen2": the generated queries merged into a dataflow's definition over the Fabric
// REST API (getDefinition → merge → updateDefinition, or create a new dataflow). Interactive: pick the workspace and
// the dataflow, look at the diff of mashup.pq, then confirm. With a plain arguments object it writes without asking.
import * as vscode from 'vscode';
import { isGuid } from '../../core/endpoints/endpointUrl';
import { DefinitionError, MASHUP_PART, mergeQueriesIntoDefinition, newDefinition, partText, type DataflowItem, type DefinitionMerge } from '../../core/fabric';
import { MashupError, memberNames, QueryMetadataError } from '../../core/dataflow';
import type { Services } from '../services';
import { isPlainArgs, stringArg, UserError, type CommandContext } from '../shared/commands';
import { pickEndpoint } from '../shared/endpointPicker';
import { openDataflowSession, rememberDeployed, type DataflowSession } from './dataflowSession';
import type { ReportDocuments } from './reportDocuments';

export const DEPLOY_COMMAND = 'fabricMl.deployToDataflow';

export interface DeployResult {
  workspaceId: string;
  dataflowId: string;
  displayName: string;
  created: boolean;
  added: string[];
  replaced: string[];
  /** Credential parameters the dataflow already had: their values were kept. */
  kept: string[];
  changed: boolean;
}

interface DeployArgs {
  workspaceId?: string;
  dataflowId?: string;
  newDataflowName?: string;
  sourceQuery?: string;
  /** A `*.Dataflow` folder the command was started from (its name is the dataflow's display name). */
  folderName?: string;
}

function readArgs(arg: unknown): DeployArgs {
  if (arg instanceof vscode.Uri) {
    const name = /([^/]+)\.Dataflow(?:\/(?:mashup\.pq|queryMetadata\.json))?\/?$/i.exec(arg.path)?.[1];
    return name ? { folderName: name } : {};
  }
  if (!isPlainArgs(arg)) return {};
  return {
    workspaceId: stringArg(arg, 'workspaceId'), dataflowId: stringArg(arg, 'dataflowId'),
    newDataflowName: stringArg(arg, 'newDataflowName'), sourceQuery: stringArg(arg, 'sourceQuery'),
  };
}

export async function deployToDataflow(services: Services, reports: ReportDocuments, arg: unknown, ctx: CommandContext): Promise<DeployResult | undefined> {
  const args = readArgs(arg);
  const endpoint = await pickEndpoint(services, arg instanceof vscode.Uri ? undefined : arg, ctx, { title: 'Deploy the scoring queries of which endpoint?' });
  if (!endpoint) return undefined;
  const dataflow = await openDataflowSession(services, endpoint, ctx.interactive);
  const workspaceId = args.workspaceId ?? (ctx.interactive ? await pickWorkspace(dataflow.workspaceId) : dataflow.workspaceId);
  if (!workspaceId) return undefined;
  const target = await chooseTarget(dataflow, workspaceId, args, ctx.interactive);
  if (!target) return undefined;

  const merge = await planMerge(dataflow, workspaceId, target, args.sourceQuery, ctx.interactive);
  if (!merge) return undefined;
  const displayName = 'item' in target ? target.item.displayName : target.newName;
  if (ctx.interactive && !(await reviewAndConfirm(services, reports, merge, displayName, workspaceId, endpoint.id))) return undefined;

  const item = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Deploying to the dataflow "${displayName}"` }, async () => {
    if ('item' in target) {
      if (merge.changed) await dataflow.client.updateDefinition(workspaceId, target.item.id, merge.definition);
      return target.item;
    }
    return dataflow.client.create(workspaceId, target.newName, merge.definition);
  });
  await rememberDeployed(services, endpoint.id, workspaceId, item);
  const result: DeployResult = {
    workspaceId, dataflowId: item.id, displayName: item.displayName, created: !('item' in target),
    added: merge.added, replaced: merge.replaced, kept: merge.kept, changed: merge.changed,
  };
  services.log.info(`Deployed the scoring queries of "${endpoint.name}" to the dataflow "${item.displayName}" (${item.id}) in workspace ${workspaceId}: added ${merge.added.join(', ') || 'none'}; replaced ${merge.replaced.join(', ') || 'none'}; parameters kept ${merge.kept.join(', ') || 'none'}.`);
  if (ctx.interactive) void vscode.window.showInformationMessage(deployedMessage(result));
  return result;
}

export function deployedMessage(result: DeployResult): string {
  if (!result.changed) return `The dataflow "${result.displayName}" already has these queries: nothing was written.`;
  const what = `${result.created ? 'Created' : 'Updated'} the dataflow "${result.displayName}": ${result.added.length} queries added, ${result.replaced.length} replaced${result.kept.length ? `, ${result.kept.length} parameters kept with their values` : ''}.`;
  return `${what} In Fabric, set the parameters (Manage parameters) and bind the two Web connections with Anonymous authentication, then refresh once.`;
}

type Target = { item: DataflowItem } | { newName: string };

async function pickWorkspace(endpointWorkspace: string): Promise<string | undefined> {
  const items = [
    { label: 'The endpoint\'s workspace', description: endpointWorkspace, id: endpointWorkspace },
    { label: 'Another workspace…', description: 'enter its ID', id: '' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Deploy to Dataflow Gen2', placeHolder: 'Which workspace holds the dataflow?' });
  if (!pick) return undefined;
  if (pick.id) return pick.id;
  const id = await vscode.window.showInputBox({ title: 'Deploy to Dataflow Gen2', prompt: 'The workspace ID (a GUID, from the workspace URL: /groups/<ID>/)', validateInput: v => (isGuid(v.trim()) ? undefined : 'A workspace ID is a GUID.') });
  return id?.trim().toLowerCase();
}

async function chooseTarget(dataflow: DataflowSession, workspaceId: string, args: DeployArgs, interactive: boolean): Promise<Target | undefined> {
  if (args.newDataflowName !== undefined) {
    if (!args.newDataflowName.trim()) throw new UserError('The argument "newDataflowName" must not be empty.');
    return { newName: args.newDataflowName.trim() };
  }
  const items = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Listing dataflows' }, () => dataflow.client.list(workspaceId));
  if (args.dataflowId) {
    const item = items.find(d => d.id === args.dataflowId);
    if (!item) throw new UserError(`The workspace ${workspaceId} has no dataflow with the id ${args.dataflowId}.`);
    return { item };
  }
  if (!interactive) throw new UserError('Pass "dataflowId" or "newDataflowName".');
  const named = args.folderName;
  const picks: Array<vscode.QuickPickItem & { target?: Target }> = [
    { label: '$(add) New dataflow…', description: named ? `e.g. ${named}` : undefined },
    ...items.map(item => ({ label: item.displayName, description: item.displayName === named ? 'same name as the folder' : item.id, target: { item } })),
  ];
  const pick = await vscode.window.showQuickPick(picks, { title: 'Deploy to Dataflow Gen2', placeHolder: `Which dataflow in workspace ${workspaceId}?` });
  if (!pick) return undefined;
  if (pick.target) return pick.target;
  const name = await vscode.window.showInputBox({
    title: 'New Dataflow Gen2', prompt: 'The new dataflow\'s name', value: named ?? `${dataflow.endpoint.name} scoring`,
    validateInput: v => (!v.trim() ? 'A name is required.' : items.some(i => i.displayName === v.trim()) ? 'A dataflow of this name exists: pick it instead.' : undefined),
  });
  return name ? { newName: name.trim() } : undefined;
}

async function planMerge(dataflow: DataflowSession, workspaceId: string, target: Target, sourceQuery: string | undefined, interactive: boolean): Promise<DefinitionMerge | undefined> {
  try {
    if (!('item' in target)) return newDefinition(target.newName, dataflow.queries());
    const current = await dataflow.client.getDefinition(workspaceId, target.item.id);
    const generated = new Set(dataflow.queries().map(q => q.name));
    const candidates = memberNames(partText(current, MASHUP_PART) ?? '').filter(n => !generated.has(n));
    if (sourceQuery !== undefined && !candidates.includes(sourceQuery)) {
      throw new UserError(`The dataflow "${target.item.displayName}" has no query "${sourceQuery}" to score. Its queries: ${candidates.join(', ') || 'none'}.`);
    }
    let source = sourceQuery;
    if (source === undefined && interactive && candidates.length) {
      const pick = await vscode.window.showQuickPick([...candidates.map(q => ({ label: q, description: 'score its rows', q })), { label: 'No query', description: 'an example apply query with an empty table', q: undefined }],
        { title: `Deploy to "${target.item.displayName}"`, placeHolder: 'Which query\'s rows should be scored?' });
      if (!pick) return undefined;
      source = pick.q;
    }
    return mergeQueriesIntoDefinition(current, dataflow.queries(source));
  } catch (error) {
    if (error instanceof DefinitionError || error instanceof MashupError || error instanceof QueryMetadataError) throw new UserError(`${error.message} Nothing was changed.`);
    throw error;
  }
}

/** The diff of mashup.pq on virtual documents, then a modal confirmation (with the local insert offered for a Git folder). */
async function reviewAndConfirm(services: Services, reports: ReportDocuments, merge: DefinitionMerge, displayName: string, workspaceId: string, endpointId: string): Promise<boolean> {
  if (!merge.changed) return true;
  const before = reports.put(`${displayName} (in Fabric) mashup.pq`, merge.mashupBefore);
  const after = reports.put(`${displayName} (after deploy) mashup.pq`, merge.mashupAfter);
  await vscode.commands.executeCommand('vscode.diff', before, after, `mashup.pq of "${displayName}": in Fabric ↔ after deploy`);
  const folder = (await vscode.workspace.findFiles(`**/${displayName}.Dataflow/mashup.pq`, '**/node_modules/**', 1))[0];
  const detail = [
    `${merge.added.length} queries added, ${merge.replaced.length} replaced; every other query and part stays as it is.`,
    merge.kept.length ? `Parameters kept with their values in Fabric: ${merge.kept.join(', ')}.` : '',
    folder ? `This workspace has the dataflow's Git folder (${vscode.workspace.asRelativePath(folder)}): the change will also show up there after the next Git update in Fabric. You can insert locally instead and commit.` : '',
  ].filter(Boolean).join('\n');
  const deploy = 'Deploy';
  const local = 'Insert Locally Instead';
  const choice = await vscode.window.showWarningMessage(`Write the scoring queries to the dataflow "${displayName}" in workspace ${workspaceId}?`, { modal: true, detail }, deploy, ...(folder ? [local] : []));
  if (choice === local && folder) {
    await vscode.commands.executeCommand('fabricMl.insertMFunction', { endpointId, target: vscode.Uri.joinPath(folder, '..').toString() });
    return false;
  }
  if (choice !== deploy) services.log.info(`Deploy to "${displayName}" cancelled: nothing was written.`);
  return choice === deploy;
}

