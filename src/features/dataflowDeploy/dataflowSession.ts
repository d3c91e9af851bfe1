// What every dataflow command needs for one endpoint: its session (the same token and host checks as scoring),
// a DataflowClient on the session's Fabric origin, the endpoint's signature and the generated scoring queries.
import * as vscode from 'vscode';
import type { EndpointDefinition, EndpointVersionInfo } from '../../core/endpoints/model';
import { DataflowClient, type DataflowItem } from '../../core/fabric';
import { DEFAULT_AUTHORITY_HOST } from '../../core/mcode';
import { recommendedQueries } from '../../core/mcode/generateRecommended';
import type { MQuery } from '../../core/mcode/mQueries';
import type { EndpointSession, Services } from '../services';
import { UserError } from '../shared/commands';
import { scoringSettings } from '../shared/settings';

export interface DataflowSession {
  endpoint: EndpointDefinition;
  session: EndpointSession;
  client: DataflowClient;
  /** The endpoint's workspace: the default place for its dataflow. */
  workspaceId: string;
  signature: EndpointVersionInfo | undefined;
  /** The recommended queries; `sourceStep` names the query whose rows the apply query scores. */
  queries(sourceStep?: string): MQuery[];
}

const LAST_DATAFLOW_KEY = 'fabricMl.dataflow.lastDeployed';

export async function openDataflowSession(services: Services, endpoint: EndpointDefinition, interactive: boolean): Promise<DataflowSession> {
  const session = await services.openSession(endpoint.id, { purpose: 'score', interactive });
  let signature: EndpointVersionInfo | undefined;
  try {
    signature = await services.metadata.version(endpoint.id);
  } catch (error) {
    services.log.info(`No signature for "${endpoint.name}" (${error instanceof Error ? error.message : String(error)}); the M sends the columns as they are.`);
  }
  // openSession refused credentials bound to another authority, so the stored binding is the one the M may name.
  const authorityHost = (await services.credentials.stored(endpoint.profileId))?.authority ?? services.credentials.currentAuthority() ?? DEFAULT_AUTHORITY_HOST;
  const batchSize = endpoint.batchSize ?? scoringSettings().batchSize;
  return {
    endpoint,
    session,
    client: new DataflowClient(session.api, session.ref.apiBase),
    workspaceId: session.ref.workspaceId,
    signature,
    queries: sourceStep => recommendedQueries({
      endpointName: endpoint.name, ref: session.ref, authorityHost, batchSize, sourceStep, secretSource: 'parameter',
      inputColumns: (signature?.inputSignature ?? []).map(f => ({ name: f.name, type: f.type })),
      outputColumns: signature?.outputSignature?.map(f => ({ name: f.name, type: f.type })),
    }),
  };
}

/** The dataflow an endpoint was last deployed to (per workspace folder), for Verify and Run. */
export function lastDeployed(services: Services, endpointId: string): { workspaceId: string; dataflowId: string; displayName: string } | undefined {
  return services.context.workspaceState.get<Record<string, { workspaceId: string; dataflowId: string; displayName: string }>>(LAST_DATAFLOW_KEY)?.[endpointId];
}

export async function rememberDeployed(services: Services, endpointId: string, workspaceId: string, item: DataflowItem): Promise<void> {
  const all = services.context.workspaceState.get<Record<string, unknown>>(LAST_DATAFLOW_KEY) ?? {};
  await services.context.workspaceState.update(LAST_DATAFLOW_KEY, { ...all, [endpointId]: { workspaceId, dataflowId: item.id, displayName: item.displayName } });
}

/** A dataflow of the workspace: by id (arguments), else the last deployed, else a quick pick. */
export async function pickDataflow(
  services: Services, dataflow: DataflowSession, args: { workspaceId?: string; dataflowId?: string }, interactive: boolean, title: string,
): Promise<{ workspaceId: string; item: DataflowItem } | undefined> {
  const workspaceId = args.workspaceId ?? lastDeployed(services, dataflow.endpoint.id)?.workspaceId ?? dataflow.workspaceId;
  const items = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Listing dataflows' }, () => dataflow.client.list(workspaceId));
  if (args.dataflowId) {
    const item = items.find(d => d.id === args.dataflowId);
    if (!item) throw new UserError(`The workspace ${workspaceId} has no dataflow with the id ${args.dataflowId}.`);
    return { workspaceId, item };
  }
  if (items.length === 0) throw new UserError(`The workspace ${workspaceId} has no dataflow yet. Run "Fabric ML: Deploy to Dataflow Gen2" first.`, [{ title: 'Deploy to Dataflow Gen2', command: 'fabricMl.deployToDataflow' }]);
  const last = lastDeployed(services, dataflow.endpoint.id);
  if (!interactive) {
    const remembered = items.find(d => d.id === last?.dataflowId);
    if (remembered) return { workspaceId, item: remembered };
    throw new UserError('The argument "dataflowId" is required.');
  }
  const picks = items.map(item => ({ label: item.displayName, description: item.id === last?.dataflowId ? 'last deployed' : item.id, item }))
    .sort((x, y) => Number(y.item.id === last?.dataflowId) - Number(x.item.id === last?.dataflowId));
  const pick = await vscode.window.showQuickPick(picks, { title, placeHolder: 'Which dataflow?' });
  return pick && { workspaceId, item: pick.item };
}
