// One HTTP request as a route sees it, and the response shapes the fake speaks: JSON, empty, HTML, and the
// Fabric ErrorResponse (`errorCode`, `message`, `requestId`, echoed in `x-ms-request-id`).
import type * as http from 'node:http';

export interface Exchange {
  readonly req: http.IncomingMessage;
  readonly res: http.ServerResponse;
  readonly url: URL;
  readonly method: string;
  /** The whole request body as text (read before any route runs). */
  readonly body: string;
  /** A fresh request id: Fabric answers carry it in `x-ms-request-id` and in error bodies. */
  readonly requestId: string;
  /** Path parameters of the matched route, decoded (`{modelId}` → params.modelId). */
  params: Record<string, string>;
}

export type Handler = (exchange: Exchange) => void | Promise<void>;

export function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Writes nothing once the client is gone or an answer was already sent (a dropped or closed exchange). */
function writable(res: http.ServerResponse): boolean {
  return !res.destroyed && !res.headersSent;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (!writable(res)) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export function sendEmpty(res: http.ServerResponse, status: number, headers: Record<string, string>): void {
  if (!writable(res)) return;
  res.writeHead(status, { ...headers, 'content-length': 0 });
  res.end();
}

/** An HTML page where JSON was expected, as a proxy, captive portal or gateway answers. */
export function sendHtml(res: http.ServerResponse, status: number, html: string, headers: Record<string, string> = {}): void {
  if (!writable(res)) return;
  res.writeHead(status, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
  res.end(html);
}

export interface FabricErrorBody {
  errorCode: string;
  message: string;
  requestId?: string;
}

export function sendFabricError(
  exchange: Exchange,
  status: number,
  errorCode: string,
  message: string,
  options: { headers?: Record<string, string>; extra?: Record<string, unknown> } = {},
): void {
  const requestId = exchange.requestId;
  sendJson(exchange.res, status, { errorCode, message, requestId, ...options.extra }, { ...options.headers, 'x-ms-request-id': requestId });
}

/** A Fabric success answer: JSON with the request id header. */
export function sendFabricJson(exchange: Exchange, body: unknown, headers: Record<string, string> = {}): void {
  sendJson(exchange.res, 200, body, { ...headers, 'x-ms-request-id': exchange.requestId });
}

/** An Apache Arrow IPC body, as executeQuery answers. */
export function sendArrow(exchange: Exchange, bytes: Uint8Array): void {
  if (!writable(exchange.res)) return;
  exchange.res.writeHead(200, { 'content-type': 'application/vnd.apache.arrow.stream', 'content-length': bytes.length, 'x-ms-request-id': exchange.requestId });
  exchange.res.end(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
}
