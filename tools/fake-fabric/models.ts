// The Fabric items the fake serves: ML models in the demo workspace, each with its endpoint versions and
// default version. Route modules read and change them; tests add models and change versions directly.
import type { EndpointVersionInfo } from '../../src/core/endpoints/model';
import type { FakeContext } from './context';
import { sendFabricError, type Exchange } from './http';
import {
  DEMO_DEFAULT_VERSION,
  DEMO_MODEL_ID,
  DEMO_MODEL_NAME,
  DEMO_NO_DEFAULT_MODEL_ID,
  DEMO_NO_DEFAULT_MODEL_NAME,
  DEMO_WORKSPACE_ID,
  DEMO_WORKSPACES,
  demoVersions,
} from './demoData';

export interface ModelState {
  id: string;
  displayName: string;
  workspaceId: string;
  versions: Map<string, EndpointVersionInfo>;
  defaultVersionName?: string;
}

export interface WorkspaceState {
  id: string;
  displayName: string;
  /** Scripted: the user may see the workspace but not read its items (403 on listing them). */
  forbidden?: boolean;
}

/** Where a model lives and what it is called (the demo workspace and the model id by default). */
export interface ModelPlacement {
  workspaceId?: string;
  displayName?: string;
}

export type Lookup<T> = { found: T } | { status: number; errorCode: string; message: string };

export class ModelCatalog {
  private readonly workspaces = new Map<string, WorkspaceState>();
  private readonly models = new Map<string, ModelState>();

  constructor() {
    for (const ws of DEMO_WORKSPACES) this.addWorkspace(ws.id, ws.displayName, { forbidden: ws.forbidden });
    this.addModel(DEMO_MODEL_ID, demoVersions(), DEMO_DEFAULT_VERSION, { displayName: DEMO_MODEL_NAME });
    this.addModel(DEMO_NO_DEFAULT_MODEL_ID, [demoVersions()[0]], undefined, { displayName: DEMO_NO_DEFAULT_MODEL_NAME });
  }

  addWorkspace(id: string, displayName: string, options: { forbidden?: boolean } = {}): void {
    this.workspaces.set(id.toLowerCase(), { id, displayName, forbidden: options.forbidden });
  }

  /** Workspaces in the order they were added. */
  listWorkspaces(): WorkspaceState[] {
    return [...this.workspaces.values()];
  }

  workspace(id: string): WorkspaceState | undefined {
    return this.workspaces.get(id.toLowerCase());
  }

  /** Models of a workspace in the order they were added. */
  listModels(workspaceId: string): ModelState[] {
    return [...this.models.values()].filter((m) => m.workspaceId.toLowerCase() === workspaceId.toLowerCase());
  }

  addModel(modelId: string, versions: EndpointVersionInfo[], defaultVersionName?: string, placement: ModelPlacement = {}): void {
    const workspaceId = placement.workspaceId ?? DEMO_WORKSPACE_ID;
    if (!this.workspaces.has(workspaceId.toLowerCase())) this.addWorkspace(workspaceId, workspaceId);
    this.models.set(modelId.toLowerCase(), {
      id: modelId,
      displayName: placement.displayName ?? modelId,
      workspaceId,
      versions: new Map(versions.map((v) => [v.versionName, structuredClone(v)])),
      defaultVersionName,
    });
  }

  /** The live version record (routes change it in place). Throws for a model or version the test never added. */
  requireVersion(version: string, modelId: string): EndpointVersionInfo {
    const model = this.models.get(modelId.toLowerCase());
    if (!model) throw new Error(`Fake Fabric: no model ${modelId}`);
    const info = model.versions.get(version);
    if (!info) throw new Error(`Fake Fabric: model ${modelId} has no version ${version}`);
    return info;
  }

  /** A model by the workspace and model IDs of a request path, or the 404 Fabric answers. */
  findModel(workspaceId: string, modelId: string): Lookup<ModelState> {
    if (!this.workspaces.has(workspaceId.toLowerCase())) {
      return notFound('Could not retrieve endpoint metadata: the workspace was not found.');
    }
    const model = this.models.get(modelId.toLowerCase());
    return model && model.workspaceId.toLowerCase() === workspaceId.toLowerCase() ? { found: model } : notFound('Could not retrieve endpoint metadata.');
  }

  /** A version of a model found by findModel; undefined `version` means the endpoint's default version. */
  findVersion(model: ModelState, version: string | undefined): Lookup<EndpointVersionInfo> {
    const name = version ?? model.defaultVersionName;
    if (name === undefined) return notFound('The model endpoint has no default version.');
    const info = model.versions.get(name);
    return info ? { found: info } : notFound(`Endpoint version ${name} was not found.`);
  }
}

/** `MLModelEndpoint`: the endpoint with its default version. */
export function endpointInfo(model: ModelState): Record<string, unknown> {
  const name = model.defaultVersionName;
  return {
    defaultVersionAssignmentBehavior: name === undefined ? 'NotConfigured' : 'StaticallyConfigured',
    defaultVersionName: name,
    defaultVersionInfo: name === undefined ? undefined : model.versions.get(name),
  };
}

/** Fabric documents `mlModels` for the default score URL and `mlmodels` elsewhere; both work, the other is counted. */
export function countUndocumentedCasing(context: Pick<FakeContext, 'counters'>, exchange: Exchange, documented: string): void {
  if (exchange.params.models !== documented) context.counters.casingMismatches++;
}

/** Answers the lookup's 404 and returns true when nothing was found. */
export function answeredNotFound<T>(exchange: Exchange, lookup: Lookup<T>): lookup is Exclude<Lookup<T>, { found: T }> {
  if ('found' in lookup) return false;
  sendFabricError(exchange, lookup.status, lookup.errorCode, lookup.message);
  return true;
}

function notFound(message: string): Lookup<never> {
  return { status: 404, errorCode: 'NotFound', message };
}
