// Fabric ML model endpoint metadata: the endpoint and its default version, the paged version list, a
// version's details and scale rule, and activate / deactivate / deactivateAll as long-running operations.
// Every route waits the Fabric latency, checks the bearer token, counts a metadata request and can be
// scripted to fail (403, 404…).
import type { EndpointVersionInfo } from '../../src/core/endpoints/model';
import type { FakeContext } from './context';
import { FaultScript, type MetadataFailure } from './faults';
import { parseJsonObject, sendEmpty, sendFabricError, sendFabricJson, type Exchange } from './http';
import { answeredNotFound, countUndocumentedCasing, endpointInfo, type ModelCatalog, type ModelState } from './models';
import type { OperationOutcome } from './lro';
import { byMethod, type Router } from './router';

const ENDPOINT = '/v1/workspaces/{workspaceId}/{models:mlmodels}/{modelId}/endpoint';
const VERSION_PAGE_SIZE = 2;
const SCALE_RULES = ['AlwaysOn', 'AllowScaleToZero'];

type ModelHandler = (exchange: Exchange, model: ModelState) => void;
type VersionHandler = (exchange: Exchange, info: EndpointVersionInfo) => void;

export class MlEndpointRoutes {
  readonly failures = new FaultScript<MetadataFailure>();

  constructor(
    private readonly context: FakeContext,
    private readonly catalog: ModelCatalog,
  ) {}

  register(router: Router): void {
    router.add(ENDPOINT, this.modelRoute((exchange, model) =>
      byMethod({ GET: () => sendFabricJson(exchange, endpointInfo(model)), PATCH: () => this.patchEndpoint(exchange, model) })(exchange)));
    router.add(`${ENDPOINT}/versions`, this.modelRoute((exchange, model) =>
      byMethod({ GET: () => this.listVersions(exchange, model) })(exchange)));
    // Before `versions/{version}`: the literal segment wins.
    router.add(`${ENDPOINT}/versions/deactivateAll`, this.modelRoute((exchange, model) =>
      byMethod({ POST: () => this.deactivateAll(exchange, model) })(exchange)));
    router.add(`${ENDPOINT}/versions/{version}`, this.versionRoute((exchange, info) =>
      byMethod({ GET: () => sendFabricJson(exchange, info), PATCH: () => this.patchVersion(exchange, info) })(exchange)));
    router.add(`${ENDPOINT}/versions/{version}/activate`, this.versionRoute((exchange, info) =>
      byMethod({ POST: () => this.activate(exchange, info) })(exchange)));
    router.add(`${ENDPOINT}/versions/{version}/deactivate`, this.versionRoute((exchange, info) =>
      byMethod({ POST: () => this.deactivate(exchange, info) })(exchange)));
  }

  /** The steps every metadata route shares, then `handler` with the model of the path. */
  private modelRoute(handler: ModelHandler) {
    return async (exchange: Exchange): Promise<void> => {
      countUndocumentedCasing(this.context, exchange, 'mlmodels');
      if (!(await this.context.fabricLatency())) return;
      if (!this.context.authorize(exchange)) return;
      this.context.counters.metadataRequests++;
      const failure = this.failures.take();
      if (failure) return sendFabricError(exchange, failure.status, failure.errorCode, failure.message);
      const model = this.catalog.findModel(exchange.params.workspaceId, exchange.params.modelId);
      if (answeredNotFound(exchange, model)) return;
      handler(exchange, model.found);
    };
  }

  private versionRoute(handler: VersionHandler) {
    return this.modelRoute((exchange, model) => {
      const info = this.catalog.findVersion(model, exchange.params.version);
      if (answeredNotFound(exchange, info)) return;
      handler(exchange, info.found);
    });
  }

  private patchEndpoint(exchange: Exchange, model: ModelState): void {
    const body = parseJsonObject(exchange.body);
    if (!body) return sendFabricError(exchange, 400, 'BadInput', 'The request body must be a JSON object.');
    if (body.defaultVersionName !== undefined) {
      if (typeof body.defaultVersionName !== 'string' || !model.versions.has(body.defaultVersionName)) {
        return sendFabricError(exchange, 400, 'BadInput', `Endpoint version ${String(body.defaultVersionName)} was not found.`);
      }
      model.defaultVersionName = body.defaultVersionName;
    }
    if (body.defaultVersionAssignmentBehavior === 'NotConfigured') model.defaultVersionName = undefined;
    sendFabricJson(exchange, endpointInfo(model));
  }

  /** Pages of two versions with `continuationToken` + `continuationUri`, as Fabric list APIs page. */
  private listVersions(exchange: Exchange, model: ModelState): void {
    const all = [...model.versions.values()];
    const token = exchange.url.searchParams.get('continuationToken');
    let offset = 0;
    if (token !== null) {
      const decoded = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
      if (!decoded) return sendFabricError(exchange, 400, 'BadInput', 'The continuation token is not valid.');
      offset = Number(decoded[1]);
    }
    const body: Record<string, unknown> = { value: all.slice(offset, offset + VERSION_PAGE_SIZE) };
    if (offset + VERSION_PAGE_SIZE < all.length) {
      const next = Buffer.from(`offset:${offset + VERSION_PAGE_SIZE}`, 'utf8').toString('base64url');
      const { workspaceId, modelId } = exchange.params;
      body.continuationToken = next;
      body.continuationUri = `${this.context.baseUrl}/v1/workspaces/${workspaceId}/mlmodels/${modelId}/endpoint/versions?continuationToken=${encodeURIComponent(next)}`;
    }
    sendFabricJson(exchange, body);
  }

  private patchVersion(exchange: Exchange, info: EndpointVersionInfo): void {
    const body = parseJsonObject(exchange.body);
    if (!body) return sendFabricError(exchange, 400, 'BadInput', 'The request body must be a JSON object.');
    if (body.scaleRule !== undefined) {
      if (typeof body.scaleRule !== 'string' || !SCALE_RULES.includes(body.scaleRule)) {
        return sendFabricError(exchange, 400, 'BadInput', `Unknown scaleRule "${String(body.scaleRule)}". Expected one of: ${SCALE_RULES.join(', ')}.`);
      }
      info.scaleRule = body.scaleRule as EndpointVersionInfo['scaleRule'];
    }
    sendFabricJson(exchange, info);
  }

  private activate(exchange: Exchange, info: EndpointVersionInfo): void {
    if (info.status === 'Active') return sendEmpty(exchange.res, 200, { 'x-ms-request-id': exchange.requestId });
    if (answeredBusy(exchange, info)) return;
    // A version that failed to deploy fails again: Fabric cannot serve the model.
    const failure = info.status === 'Failed' ? info.failureDetails : undefined;
    info.status = 'Activating';
    this.context.operations.accept(exchange, (): OperationOutcome => {
      if (failure) {
        info.status = 'Failed';
        info.failureDetails = failure;
        return { status: 'Failed', error: { errorCode: failure.errorCode ?? 'UnknownError', message: failure.message ?? 'Activation failed.' } };
      }
      info.status = 'Active';
      delete info.failureDetails;
      return { status: 'Succeeded' };
    });
  }

  private deactivate(exchange: Exchange, info: EndpointVersionInfo): void {
    if (info.status === 'Deactivated') return sendEmpty(exchange.res, 200, { 'x-ms-request-id': exchange.requestId });
    if (answeredBusy(exchange, info)) return;
    info.status = 'Deactivating';
    this.context.operations.accept(exchange, () => {
      info.status = 'Deactivated';
      return { status: 'Succeeded' };
    });
  }

  private deactivateAll(exchange: Exchange, model: ModelState): void {
    const targets = [...model.versions.values()].filter((v) => v.status === 'Active' || v.status === 'Activating');
    for (const v of targets) v.status = 'Deactivating';
    this.context.operations.accept(exchange, () => {
      for (const v of targets) v.status = 'Deactivated';
      return { status: 'Succeeded' };
    });
  }
}

function answeredBusy(exchange: Exchange, info: EndpointVersionInfo): boolean {
  if (info.status !== 'Activating' && info.status !== 'Deactivating') return false;
  sendFabricError(exchange, 409, 'Conflict', 'An operation is already in progress for this endpoint version.');
  return true;
}
