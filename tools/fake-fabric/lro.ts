// Fabric long-running operations: a route answers 202 with Location + Retry-After, the client polls
// `/v1/operations/{id}` (Running… then Succeeded/Failed) and, when the operation produced something, fetches
// `/v1/operations/{id}/result`.
import { randomUUID } from 'node:crypto';
import type { SharedContext } from './context';
import { sendArrow, sendEmpty, sendFabricError, sendFabricJson, type Exchange, type FabricErrorBody } from './http';
import { byMethod, type Router } from './router';

export interface OperationOutcome {
  status: 'Succeeded' | 'Failed';
  error?: FabricErrorBody;
  /** Served by `/result`; operations that only change state (activate, deactivate) have none. */
  result?: unknown;
}

interface Operation {
  id: string;
  polls: number;
  pollCount: number;
  createdTimeUtc: string;
  lastUpdatedTimeUtc: string;
  /** Decides the final state when the last poll arrives (and applies side effects such as Active). */
  finish: () => OperationOutcome;
  final?: OperationOutcome;
}

export class Operations {
  private readonly operations = new Map<string, Operation>();

  constructor(private readonly context: SharedContext) {}

  register(router: Router): void {
    const authorized = (then: (exchange: Exchange) => void) => async (exchange: Exchange) => {
      if (!(await this.context.fabricLatency())) return;
      if (this.context.authorize(exchange)) byMethod({ GET: then })(exchange);
    };
    router.add('/v1/operations/{operationId}', authorized((exchange) => this.poll(exchange)));
    router.add('/v1/operations/{operationId}/result', authorized((exchange) => this.result(exchange)));
  }

  /** Starts an operation that runs `polls` polls (default: the server's lroPolls) and then `finish`es. */
  start(finish: () => OperationOutcome, polls?: number): string {
    const now = new Date().toISOString();
    const id = randomUUID();
    this.operations.set(id, { id, polls: polls ?? this.context.settings.lroPolls, pollCount: 0, createdTimeUtc: now, lastUpdatedTimeUtc: now, finish });
    return id;
  }

  /** Starts an operation and answers 202 Accepted pointing at it. */
  accept(exchange: Exchange, finish: () => OperationOutcome, polls?: number): void {
    const id = this.start(finish, polls);
    sendEmpty(exchange.res, 202, {
      location: this.operationUrl(id),
      'x-ms-operation-id': id,
      'retry-after': String(this.context.settings.lroRetryAfterSeconds),
      'x-ms-request-id': exchange.requestId,
    });
  }

  private operationUrl(id: string): string {
    return `${this.context.baseUrl}/v1/operations/${id}`;
  }

  private poll(exchange: Exchange): void {
    this.context.counters.operationPolls++;
    const id = exchange.params.operationId;
    const op = this.operations.get(id);
    if (!op) return sendFabricError(exchange, 404, 'NotFound', `Operation ${id} was not found.`);
    const headers: Record<string, string> = { 'x-ms-operation-id': op.id };
    if (!op.final && op.pollCount < op.polls) {
      op.pollCount++;
      op.lastUpdatedTimeUtc = new Date().toISOString();
      const percentComplete = Math.round((op.pollCount / (op.polls + 1)) * 100);
      headers.location = this.operationUrl(op.id);
      headers['retry-after'] = String(this.context.settings.lroRetryAfterSeconds);
      return sendFabricJson(exchange, { status: 'Running', createdTimeUtc: op.createdTimeUtc, lastUpdatedTimeUtc: op.lastUpdatedTimeUtc, percentComplete }, headers);
    }
    if (!op.final) {
      op.final = op.finish();
      op.lastUpdatedTimeUtc = new Date().toISOString();
    }
    const { status, error, result } = op.final;
    const body: Record<string, unknown> = { status, createdTimeUtc: op.createdTimeUtc, lastUpdatedTimeUtc: op.lastUpdatedTimeUtc, percentComplete: 100 };
    if (error) body.error = { ...error, requestId: error.requestId ?? exchange.requestId };
    // Only operations that produce something point at /result (activate/deactivate just finish).
    if (status === 'Succeeded' && result !== undefined) headers.location = `${this.operationUrl(op.id)}/result`;
    sendFabricJson(exchange, body, headers);
  }

  private result(exchange: Exchange): void {
    this.context.counters.resultRequests++;
    const id = exchange.params.operationId;
    const op = this.operations.get(id);
    if (!op) return sendFabricError(exchange, 404, 'NotFound', `Operation ${id} was not found.`);
    if (op.final?.status !== 'Succeeded' || op.final.result === undefined) {
      return sendFabricError(exchange, 404, 'NotFound', `Operation ${id} has no result.`);
    }
    // executeQuery's result is an Arrow stream, not JSON.
    if (op.final.result instanceof Uint8Array) return sendArrow(exchange, op.final.result);
    sendFabricJson(exchange, op.final.result);
  }
}
