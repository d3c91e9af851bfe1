// Browsing Fabric as the signed-in user: workspaces → ML models (both paged with continuation tokens) → the
// model's endpoint (default version) → its versions. Also the endpoint definition a browsed version becomes,
// so every existing command (score, test, M, activate, auto-sleep) works on it by id.
import { scoreUrl } from '../endpoints/endpointUrl';
import type { EndpointDefinition, EndpointRef, EndpointVersionInfo, ModelEndpointInfo } from '../endpoints/model';
import { FabricError } from './fabricError';
import { resolveLocation } from './lro';
import type { FabricApi } from './types';

/** A workspace or an ML model as Fabric lists it. */
export interface FabricItem {
  id: string;
  displayName: string;
  description?: string;
}

/** One page of a listing; `next` is the address of the next page, absent on the last one. */
export interface Page<T> {
  items: T[];
  next?: string;
}

/** What the browser needs from the HTTP client (FabricClient implements it). */
export interface BrowseApi extends Pick<FabricApi, 'getEndpoint' | 'listVersions'> {
  getObject(url: string, options?: { signal?: AbortSignal; followUpOf?: string }): Promise<Record<string, unknown>>;
}

export class FabricBrowser {
  constructor(
    private readonly api: BrowseApi,
    /** `https://api.fabric.microsoft.com/v1` (or a local test server's `/v1`). */
    readonly apiBase: string,
  ) {}

  /** One page of the workspaces the user can see; `next` from the previous page. */
  workspaces(next?: string, signal?: AbortSignal): Promise<Page<FabricItem>> {
    return this.page(`${this.apiBase}/workspaces`, next, signal);
  }

  /** One page of a workspace's ML models. */
  mlModels(workspaceId: string, next?: string, signal?: AbortSignal): Promise<Page<FabricItem>> {
    return this.page(`${this.apiBase}/workspaces/${encodeURIComponent(workspaceId)}/mlModels`, next, signal);
  }

  endpoint(workspaceId: string, modelId: string, signal?: AbortSignal): Promise<ModelEndpointInfo> {
    return this.api.getEndpoint(this.ref(workspaceId, modelId), { signal });
  }

  versions(workspaceId: string, modelId: string, signal?: AbortSignal): Promise<EndpointVersionInfo[]> {
    return this.api.listVersions(this.ref(workspaceId, modelId), { signal });
  }

  ref(workspaceId: string, modelId: string, version?: string): EndpointRef {
    return { apiBase: this.apiBase, workspaceId, modelId, version };
  }

  private async page(first: string, next: string | undefined, signal: AbortSignal | undefined): Promise<Page<FabricItem>> {
    const body = await this.api.getObject(next ?? first, { signal, followUpOf: next === undefined ? undefined : this.apiBase });
    if (!Array.isArray(body.value)) throw new FabricError({ kind: 'badResponse', message: 'The Fabric listing has no "value" array.' });
    const items = (body.value as unknown[]).filter(isItem).map(v => ({ id: v.id, displayName: v.displayName || v.id, description: v.description }));
    return { items, next: nextPage(body, first, this.apiBase) };
  }
}

function isItem(value: unknown): value is FabricItem {
  const v = value as Partial<FabricItem> | null;
  return typeof v === 'object' && v !== null && typeof v.id === 'string' && v.id !== '';
}

/** Fabric pages with `continuationUri` (preferred) or `continuationToken` on the first address. */
function nextPage(body: Record<string, unknown>, first: string, apiBase: string): string | undefined {
  if (typeof body.continuationUri === 'string' && body.continuationUri) return resolveLocation(body.continuationUri, apiBase);
  if (typeof body.continuationToken === 'string' && body.continuationToken) return `${first}?continuationToken=${encodeURIComponent(body.continuationToken)}`;
  return undefined;
}

/** What a browsed version is called and where it is. */
export interface BrowsedVersion {
  apiBase: string;
  workspaceId: string;
  workspaceName: string;
  modelId: string;
  modelName: string;
  versionName: string;
}

/** The id of a browsed version while it is not pinned: stable, so nodes and commands agree on it. */
export function browsedEndpointId(v: Pick<BrowsedVersion, 'workspaceId' | 'modelId' | 'versionName'>): string {
  return `fabric:${v.workspaceId}/${v.modelId}/${v.versionName}`;
}

/** A browsed version as an endpoint definition that calls as the user (profile "default" for the Dataflow's M). */
export function browsedEndpointDefinition(v: BrowsedVersion): EndpointDefinition {
  return {
    id: browsedEndpointId(v),
    name: `${v.modelName} v${v.versionName}`,
    scoreUrl: scoreUrl({ apiBase: v.apiBase, workspaceId: v.workspaceId, modelId: v.modelId, version: v.versionName }),
    profileId: 'default',
    identity: 'user',
  };
}

/** An id for the pinned endpoint from the model name and version, not taken by `taken`. */
export function pinnedEndpointId(v: Pick<BrowsedVersion, 'modelName' | 'versionName'>, taken: (id: string) => boolean): string {
  const slug = `${v.modelName}-v${v.versionName}`.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'endpoint';
  let id = slug;
  for (let n = 2; taken(id); n++) id = `${slug}-${n}`;
  return id;
}

/** The warning a model's endpoint node shows when no default version is set; undefined when one is. */
export function defaultVersionWarning(info: ModelEndpointInfo): string | undefined {
  if (info.defaultVersionName) return undefined;
  return 'No default version is set: the default score URL will fail. Score a version, or set a default version in Fabric.';
}
