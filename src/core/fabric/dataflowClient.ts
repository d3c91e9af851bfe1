// Dataflow Gen2 items over the Fabric REST API (reference §2, §3): list (paged), create with a definition,
// getDefinition / updateDefinition (POST, long-running), and executeQuery, which evaluates M in Fabric's own
// engine and answers with Apache Arrow. Every request goes through the session's FabricClient (token host
// checks, retries, timeouts) and every 202 through its one LRO driver.
import { decodeArrow, type DecodedTable } from '../arrow/decodeArrow';
import { FabricError, tryParseJson } from './fabricError';
import type { DataflowDefinition } from './dataflowDefinition';
import { explainExecuteQueryError, ExecuteQueryError } from './executeQueryErrors';
import type { FabricAnswer, FabricCallOptions, FabricTransport, HttpExchange } from './types';

export interface DataflowItem {
  id: string;
  displayName: string;
  description?: string;
  workspaceId?: string;
}

export interface ExecuteQueryRequest {
  queryName: string;
  /** A whole section document evaluated instead of the saved one (unsaved work, Verify M in Fabric). */
  customMashupDocument?: string;
}

export interface QueryRunResult extends DecodedTable {
  /** Time from the POST to the decoded table, polling included. */
  durationMs: number;
  /** The POST (its M document left out) and the last answer, for the raw view. */
  exchange: HttpExchange;
}

/** pq-arrow-version 1 is the default Fabric documents; the stream content type is what the client asks for. */
const ARROW_ACCEPT = 'application/vnd.apache.arrow.stream;pq-arrow-version=1';
const MAX_PAGES = 1000;

export class DataflowClient {
  constructor(
    private readonly transport: FabricTransport,
    /** `https://api.fabric.microsoft.com/v1` (the endpoint's own apiBase: same host, same token). */
    private readonly apiBase: string,
  ) {}

  private itemsUrl(workspaceId: string): string {
    return `${this.apiBase}/workspaces/${encodeURIComponent(workspaceId)}/dataflows`;
  }

  private itemUrl(workspaceId: string, dataflowId: string): string {
    return `${this.itemsUrl(workspaceId)}/${encodeURIComponent(dataflowId)}`;
  }

  /** Every dataflow of the workspace, following continuationUri / continuationToken. */
  async list(workspaceId: string, options: FabricCallOptions = {}): Promise<DataflowItem[]> {
    const first = this.itemsUrl(workspaceId);
    const items: DataflowItem[] = [];
    const seen = new Set<string>();
    let url: string | undefined = first;
    for (let page = 0; url !== undefined; page++) {
      if (page >= MAX_PAGES || seen.has(url)) throw new FabricError({ kind: 'badResponse', message: `Fabric's dataflow list did not end after ${page} pages.` });
      seen.add(url);
      const answer = await this.transport.request({ method: 'GET', url, followUpOf: page > 0 ? this.apiBase : undefined, signal: options.signal });
      const body = jsonObject(answer, 'dataflow list') as { value?: unknown; continuationUri?: unknown; continuationToken?: unknown };
      if (!Array.isArray(body.value)) throw badResponse(answer, 'The dataflow list has no "value" array.');
      items.push(...(body.value as DataflowItem[]).filter(d => typeof d?.id === 'string' && typeof d.displayName === 'string'));
      if (typeof body.continuationUri === 'string' && body.continuationUri) url = new URL(body.continuationUri, `${new URL(this.apiBase).origin}/`).toString();
      else if (typeof body.continuationToken === 'string' && body.continuationToken) url = `${first}?continuationToken=${encodeURIComponent(body.continuationToken)}`;
      else url = undefined;
    }
    return items;
  }

  /** Creates a dataflow with a definition: 201 with the item, or 202 polled to its result. */
  async create(workspaceId: string, displayName: string, definition: DataflowDefinition, options: FabricCallOptions = {}): Promise<DataflowItem> {
    const body = JSON.stringify({ displayName, definition });
    const answer = await this.finish(await this.transport.request({ method: 'POST', url: this.itemsUrl(workspaceId), body, signal: options.signal }), options);
    const item = jsonObject(answer, 'created dataflow') as Partial<DataflowItem>;
    if (typeof item.id !== 'string') throw badResponse(answer, 'The created dataflow has no "id".');
    return { id: item.id, displayName: item.displayName ?? displayName, workspaceId };
  }

  /** The stored definition (POST getDefinition; 200, or 202 polled to its result). */
  async getDefinition(workspaceId: string, dataflowId: string, options: FabricCallOptions = {}): Promise<DataflowDefinition> {
    const url = `${this.itemUrl(workspaceId, dataflowId)}/getDefinition`;
    const answer = await this.finish(await this.transport.request({ method: 'POST', url, signal: options.signal }), options);
    const body = jsonObject(answer, 'definition') as { definition?: { parts?: unknown; format?: unknown } };
    if (!Array.isArray(body.definition?.parts)) throw badResponse(answer, 'The definition has no "parts".');
    return body.definition as DataflowDefinition;
  }

  /** Replaces the whole definition (every part must be sent: one left out is dropped) and the item's metadata from .platform. */
  async updateDefinition(workspaceId: string, dataflowId: string, definition: DataflowDefinition, options: FabricCallOptions = {}): Promise<void> {
    const url = `${this.itemUrl(workspaceId, dataflowId)}/updateDefinition?updateMetadata=true`;
    await this.finish(await this.transport.request({ method: 'POST', url, body: JSON.stringify({ definition }), signal: options.signal }), options, false);
  }

  /**
   * Evaluates `queryName` in Fabric's engine (the saved dataflow, or `customMashupDocument`) and decodes the
   * Arrow answer. Throws ExecuteQueryError with its reason: DataflowExecuteQueryError inner codes, an error
   * embedded in a 200 answer, or an answer that is not Arrow.
   */
  async executeQuery(workspaceId: string, dataflowId: string, request: ExecuteQueryRequest, options: FabricCallOptions = {}): Promise<QueryRunResult> {
    const started = performance.now();
    const url = `${this.itemUrl(workspaceId, dataflowId)}/executeQuery`;
    let answer: FabricAnswer;
    try {
      answer = await this.transport.request({ method: 'POST', url, body: JSON.stringify(request), accept: ARROW_ACCEPT, signal: options.signal });
      if (answer.status === 202) {
        const resultUrl = await this.transport.awaitOperation(answer, this.apiBase, options);
        answer = await this.transport.request({ method: 'GET', url: resultUrl, followUpOf: this.apiBase, accept: ARROW_ACCEPT, signal: options.signal });
      }
    } catch (error) {
      throw explainExecuteQueryError(error, request);
    }
    let table: DecodedTable;
    try {
      table = decodeArrow(answer.bytes);
    } catch (error) {
      throw new ExecuteQueryError('notArrow', { kind: 'badResponse', status: answer.status, message: `Fabric answered executeQuery without Apache Arrow: ${error instanceof Error ? error.message : String(error)}`, requestId: answer.headers['x-ms-request-id'] || undefined }, answer.exchange);
    }
    if (table.embeddedError !== undefined) {
      // No status or code in front of the message: "HTTP 200" would read as a success.
      throw new ExecuteQueryError('embeddedError', {
        kind: 'badResponse',
        message: `Fabric's engine reported an error while evaluating "${request.queryName}" (inside a 200 answer, so no rows are shown): ${table.embeddedError}`,
        requestId: answer.headers['x-ms-request-id'] || undefined,
      }, answer.exchange);
    }
    return { ...table, durationMs: Math.round(performance.now() - started), exchange: withoutDocument(answer.exchange, request) };
  }

  /** A 202 is polled with the one LRO driver and its result read; `withResult` false: the operation only changes state. */
  private async finish(answer: FabricAnswer, options: FabricCallOptions, withResult = true): Promise<FabricAnswer> {
    if (answer.status !== 202) return answer;
    const resultUrl = await this.transport.awaitOperation(answer, this.apiBase, options);
    if (!withResult) return answer;
    return this.transport.request({ method: 'GET', url: resultUrl, followUpOf: this.apiBase, signal: options.signal });
  }
}

/**
 * The exchange as the raw view may show it: the M document is left out, since a dataflow's saved mashup holds its
 * parameters' values in plain text (a client secret among them, if the user put it there).
 */
function withoutDocument(exchange: HttpExchange, request: ExecuteQueryRequest): HttpExchange {
  const document = request.customMashupDocument;
  const shown = { queryName: request.queryName, ...(document === undefined ? {} : { customMashupDocument: `[M section document, ${document.length} characters, not shown]` }) };
  return { ...exchange, requestBody: JSON.stringify(shown) };
}

function jsonObject(answer: FabricAnswer, what: string): Record<string, unknown> {
  const parsed = tryParseJson(answer.text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badResponse(answer, `The ${what} response is not a JSON object.`);
  return parsed as Record<string, unknown>;
}

function badResponse(answer: FabricAnswer, message: string): FabricError {
  return new FabricError({ kind: 'badResponse', status: answer.status, message, requestId: answer.headers['x-ms-request-id'] || undefined }, { exchange: answer.exchange, attempts: 1 });
}
