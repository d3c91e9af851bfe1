// Browsing: `GET /v1/workspaces` and `GET /v1/workspaces/{id}/mlModels`, both paged the way Fabric list APIs
// page (`continuationToken` + `continuationUri`). A workspace can be scripted as forbidden: it is listed, but
// listing its items answers 403 InsufficientPrivileges, as for a workspace the user has no role in.
import type { FakeContext } from './context';
import { sendFabricError, sendFabricJson, type Exchange } from './http';
import type { ModelCatalog } from './models';
import { byMethod, type Router } from './router';

export class WorkspaceRoutes {
  /** Items per page of both listings (Fabric's own pages are larger; tests make them small to see paging). */
  pageSize = 100;

  constructor(
    private readonly context: FakeContext,
    private readonly catalog: ModelCatalog,
  ) {}

  register(router: Router): void {
    router.add('/v1/workspaces', (exchange) => this.guarded(exchange, 'workspaces', () => this.listWorkspaces(exchange)));
    router.add('/v1/workspaces/{workspaceId}/{models:mlModels}', (exchange) => this.guarded(exchange, 'read', () => this.listModels(exchange)));
  }

  private async guarded(exchange: Exchange, need: 'workspaces' | 'read', then: () => void): Promise<void> {
    if (!(await this.context.fabricLatency())) return;
    if (!this.context.authorize(exchange, need)) return;
    this.context.counters.metadataRequests++;
    byMethod({ GET: then })(exchange);
  }

  private listWorkspaces(exchange: Exchange): void {
    const all = this.catalog.listWorkspaces().map((w) => ({ id: w.id, displayName: w.displayName, description: '', type: 'Workspace' }));
    this.sendPage(exchange, all, '/v1/workspaces');
  }

  private listModels(exchange: Exchange): void {
    const { workspaceId } = exchange.params;
    const workspace = this.catalog.workspace(workspaceId);
    if (!workspace) return sendFabricError(exchange, 404, 'WorkspaceNotFound', 'The requested workspace was not found.');
    if (workspace.forbidden) {
      return sendFabricError(exchange, 403, 'InsufficientPrivileges', 'The caller does not have sufficient permissions to perform this operation on the workspace.');
    }
    const models = this.catalog.listModels(workspaceId).map((m) => ({ id: m.id, displayName: m.displayName, description: '', type: 'MLModel', workspaceId: m.workspaceId }));
    this.sendPage(exchange, models, `/v1/workspaces/${workspaceId}/mlModels`);
  }

  private sendPage(exchange: Exchange, all: unknown[], path: string): void {
    const token = exchange.url.searchParams.get('continuationToken');
    let offset = 0;
    if (token !== null) {
      const decoded = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
      if (!decoded) return sendFabricError(exchange, 400, 'InvalidContinuationToken', 'The continuation token is not valid.');
      offset = Number(decoded[1]);
    }
    const size = Math.max(1, this.pageSize);
    const body: Record<string, unknown> = { value: all.slice(offset, offset + size) };
    if (offset + size < all.length) {
      const next = Buffer.from(`offset:${offset + size}`, 'utf8').toString('base64url');
      body.continuationToken = next;
      body.continuationUri = `${this.context.baseUrl}${path}?continuationToken=${encodeURIComponent(next)}`;
    }
    sendFabricJson(exchange, body);
  }
}
