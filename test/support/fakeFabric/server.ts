// A fake Microsoft Entra token endpoint and Fabric ML endpoint API on 127.0.0.1, close enough to the real
// protocols that msal-node and the extension cannot tell the difference. Serves unit tests, integration
// tests, the demo launch and the benchmark (so per-request work stays small: one JSON.parse/stringify).
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import type { EndpointVersionInfo, SignatureField } from '../../../src/core/endpoints/model';
import { predictChurn } from './toyModel';
import {
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_DEFAULT_VERSION,
  DEMO_MODEL_ID,
  DEMO_TENANT_ID,
  DEMO_WORKSPACE_ID,
  demoVersions,
} from './demoData';

export interface FakeFabricOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Delay before every Fabric response (not the token route). Default 0. */
  latencyMs?: number;
  /** Retry-After (seconds) sent with 202 and with running operation states. Default 0. */
  lroRetryAfterSeconds?: number;
  /** How many polls of an operation answer "Running" before the final state. Default 1. */
  lroPolls?: number;
}

export type ScoreBehaviour =
  | { type: 'lro'; outcome: 'Succeeded' | 'Failed'; polls?: number }
  | { type: 'throttle'; retryAfterSeconds: number; status?: 429 | 503 }
  | { type: 'error'; status: number; errorCode: string; message: string }
  | { type: 'nonJson'; status?: number }
  | { type: 'slow'; delayMs: number }
  | { type: 'drop' };

export interface ScriptOptions {
  /** Default 1; Infinity keeps the rule. */
  times?: number;
  /** Receives body.inputs of the request (an empty list when the body has none). */
  match?: (inputs: unknown[]) => boolean;
}

/** Entra failures the token route can be told to return (70011, 500011, 900144 also happen naturally). */
export type TokenFailure =
  | 7000215
  | 7000222
  | 7000218
  | 700016
  | 90002
  | 900023
  | 53003
  | 50196
  | 1002012
  | 70011
  | 500011
  | 900144;

export interface FakeCounters {
  tokenRequests: number;
  scoreRequests: number;
  scoreRowsReceived: number;
  inFlight: number;
  maxInFlight: number;
  metadataRequests: number;
  operationPolls: number;
  resultRequests: number;
  casingMismatches: number;
  unauthorized: number;
}

interface ErrorBody {
  errorCode: string;
  message: string;
  requestId?: string;
}

interface ModelState {
  versions: Map<string, EndpointVersionInfo>;
  defaultVersionName?: string;
}

interface Operation {
  id: string;
  polls: number;
  pollCount: number;
  createdTimeUtc: string;
  lastUpdatedTimeUtc: string;
  done: boolean;
  /** Decides the final state when the last poll arrives (and applies side effects such as Active). */
  finish: () => { status: 'Succeeded' | 'Failed'; error?: ErrorBody; result?: unknown };
  final?: { status: 'Succeeded' | 'Failed'; error?: ErrorBody; result?: unknown };
}

interface ScriptRule<T> {
  value: T;
  remaining: number;
  match?: (inputs: unknown[]) => boolean;
}

interface IssuedToken {
  expiresAt: number;
}

type Route =
  | { kind: 'operation'; id: string; result: boolean }
  | {
      kind: 'endpoint' | 'score' | 'versions' | 'version' | 'versionScore' | 'activate' | 'deactivate' | 'deactivateAll';
      workspaceId: string;
      modelId: string;
      version?: string;
      modelsSegment: string;
    };

const FABRIC_SCOPE_RESOURCE = 'https://api.fabric.microsoft.com';
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const TOKEN_PATH_RE = /^\/([^/]+)\/oauth2\/v2\.0\/token\/?$/;
const TOKEN_LIFETIME_SECONDS = 3599;
const VERSION_PAGE_SIZE = 2;
const SCALE_RULES = ['AlwaysOn', 'AllowScaleToZero'];

export class FakeFabricServer {
  readonly url: string;
  readonly port: number;
  latencyMs: number;
  /** Delay before the token route answers (default 0): lets tests cancel a token request in flight. */
  tokenDelayMs = 0;
  lroRetryAfterSeconds: number;
  lroPolls: number;
  readonly counters: FakeCounters = emptyCounters();

  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly credentials = new Map<string, Map<string, string>>();
  private readonly tokens = new Map<string, IssuedToken>();
  private readonly models = new Map<string, ModelState>();
  private readonly operations = new Map<string, Operation>();
  private tokenFailures: Array<ScriptRule<TokenFailure>> = [];
  private tokenFaults: Array<ScriptRule<'html' | 'drop'>> = [];
  private scoreScripts: Array<ScriptRule<ScoreBehaviour>> = [];
  private metadataScripts: Array<ScriptRule<{ status: number; errorCode: string; message: string }>> = [];
  private closed = false;

  private constructor(server: http.Server, port: number, options: FakeFabricOptions) {
    this.server = server;
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.latencyMs = options.latencyMs ?? 0;
    this.lroRetryAfterSeconds = options.lroRetryAfterSeconds ?? 0;
    this.lroPolls = options.lroPolls ?? 1;
    this.addCredentials(DEMO_TENANT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET);
    this.addModel(DEMO_MODEL_ID, demoVersions(), DEMO_DEFAULT_VERSION);
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent && !res.destroyed) {
          sendJson(res, 500, { errorCode: 'UnknownError', message: `Fake server failure: ${String(err)}`, requestId: randomUUID() });
        }
      });
    });
  }

  static start(options: FakeFabricOptions = {}): Promise<FakeFabricServer> {
    const server = http.createServer();
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => {
        server.off('error', reject);
        const address = server.address();
        const port = typeof address === 'object' && address ? address.port : 0;
        resolve(new FakeFabricServer(server, port, options));
      });
    });
  }

  resetCounters(): void {
    // Requests still being served keep their place, so inFlight never goes negative.
    const inFlight = this.counters.inFlight;
    Object.assign(this.counters, emptyCounters(), { inFlight, maxInFlight: inFlight });
  }

  /** Version given: `…/mlmodels/{m}/endpoint/versions/{v}/score`; none: the default-version `…/mlModels/{m}/endpoint/score`. */
  scoreUrl(version?: string, modelId: string = DEMO_MODEL_ID): string {
    const base = `${this.url}/v1/workspaces/${DEMO_WORKSPACE_ID}`;
    return version === undefined
      ? `${base}/mlModels/${modelId}/endpoint/score`
      : `${base}/mlmodels/${modelId}/endpoint/versions/${encodeURIComponent(version)}/score`;
  }

  addCredentials(tenantId: string, clientId: string, clientSecret: string): void {
    const tenant = tenantId.toLowerCase();
    let clients = this.credentials.get(tenant);
    if (!clients) this.credentials.set(tenant, (clients = new Map()));
    clients.set(clientId.toLowerCase(), clientSecret);
  }

  failToken(code: TokenFailure, options: { times?: number } = {}): void {
    this.tokenFailures.push({ value: code, remaining: options.times ?? 1 });
  }

  /** The next token request(s) get an HTML page (as from a proxy or captive portal) or a dropped connection. */
  scriptTokenFault(fault: 'html' | 'drop', options: { times?: number } = {}): void {
    this.tokenFaults.push({ value: fault, remaining: options.times ?? 1 });
  }

  scriptScore(behaviour: ScoreBehaviour, options: ScriptOptions = {}): void {
    this.scoreScripts.push({ value: behaviour, remaining: options.times ?? 1, match: options.match });
  }

  scriptMetadata(failure: { status: number; errorCode: string; message: string }, options: { times?: number } = {}): void {
    this.metadataScripts.push({ value: failure, remaining: options.times ?? 1 });
  }

  /** Drops every queued token failure and score/metadata script. */
  clearScripts(): void {
    this.tokenFailures = [];
    this.tokenFaults = [];
    this.scoreScripts = [];
    this.metadataScripts = [];
  }

  /** Every access token issued so far: tests check that none of them reaches logs, webviews or exports. */
  issuedTokens(): string[] {
    return [...this.tokens.keys()];
  }

  /** Makes every token issued so far answer 401 TokenExpired on Fabric routes. */
  expireTokens(): void {
    for (const token of this.tokens.values()) token.expiresAt = 0;
  }

  setVersion(version: string, patch: Partial<EndpointVersionInfo>, modelId: string = DEMO_MODEL_ID): void {
    const info = this.requireModel(modelId).versions.get(version);
    if (!info) throw new Error(`Fake Fabric: model ${modelId} has no version ${version}`);
    Object.assign(info, patch);
  }

  version(version: string, modelId: string = DEMO_MODEL_ID): EndpointVersionInfo {
    const info = this.requireModel(modelId).versions.get(version);
    if (!info) throw new Error(`Fake Fabric: model ${modelId} has no version ${version}`);
    return structuredClone(info);
  }

  addModel(modelId: string, versions: EndpointVersionInfo[], defaultVersionName?: string): void {
    this.models.set(modelId.toLowerCase(), {
      versions: new Map(versions.map((v) => [v.versionName, structuredClone(v)])),
      defaultVersionName,
    });
  }

  close(): Promise<void> {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
    });
  }

  // ---------------------------------------------------------------- dispatch

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const tokenPath = TOKEN_PATH_RE.exec(url.pathname);
    if (tokenPath) {
      await this.handleToken(req, res, decodeURIComponent(tokenPath[1]), url);
      return;
    }
    if (url.pathname.startsWith('/v1/')) {
      await this.handleFabric(req, res, url);
      return;
    }
    sendJson(res, 404, { error: 'not_found', message: `Fake Fabric has no route ${req.method} ${url.pathname}` });
  }

  // ---------------------------------------------------------------- Entra token route

  private async handleToken(req: http.IncomingMessage, res: http.ServerResponse, tenant: string, url: URL): Promise<void> {
    const bodyText = await readBody(req);
    this.counters.tokenRequests++;
    const form = new URLSearchParams(bodyText);
    const correlationId = url.searchParams.get('client-request-id') ?? form.get('client-request-id') ?? randomUUID();
    const clientId = form.get('client_id') ?? '';
    const fail = (code: TokenFailure | 900561 | 70003, detail?: string): void =>
      sendEntraError(res, code, { tenant, clientId, correlationId, detail });

    await this.delay(this.tokenDelayMs);
    if (this.closed) return;
    const fault = takeRule(this.tokenFaults, []);
    if (fault === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault === 'html') {
      const html = '<!DOCTYPE html><html><head><title>Sign in to the proxy</title></head><body><form method="post"><input name="user"></form></body></html>';
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html) });
      res.end(html);
      return;
    }
    if (req.method !== 'POST') return fail(900561, req.method);
    const scripted = takeRule(this.tokenFailures, []);
    if (scripted !== undefined) return fail(scripted);
    if (!GUID_RE.test(tenant) && !DOMAIN_RE.test(tenant)) return fail(900023);
    const clients = this.credentials.get(tenant.toLowerCase());
    if (!clients) return fail(90002);
    const grantType = form.get('grant_type');
    if (!grantType) return fail(900144, 'grant_type');
    if (grantType !== 'client_credentials') return fail(70003, grantType);
    if (!clientId) return fail(900144, 'client_id');
    const expectedSecret = clients.get(clientId.toLowerCase());
    if (expectedSecret === undefined) return fail(700016);
    const secret = form.get('client_secret');
    if (!secret && !form.get('client_assertion')) return fail(7000218);
    if (secret !== expectedSecret) return fail(7000215);
    const scope = form.get('scope');
    if (!scope) return fail(70011);
    const scopes = scope.split(' ').filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s));
    const resource = scopes[0] ?? '';
    if (scopes.length !== 1 || !resource.endsWith('/.default')) return fail(1002012, scope);
    if (resource.slice(0, -'/.default'.length).replace(/\/$/, '') !== FABRIC_SCOPE_RESOURCE) {
      return fail(500011, resource.slice(0, -'/.default'.length));
    }

    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, { expiresAt: Date.now() + TOKEN_LIFETIME_SECONDS * 1000 });
    sendJson(
      res,
      200,
      { token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS, ext_expires_in: TOKEN_LIFETIME_SECONDS, access_token: accessToken },
      { 'cache-control': 'no-store, no-cache', pragma: 'no-cache', 'x-ms-request-id': randomUUID(), 'client-request-id': correlationId },
    );
  }

  // ---------------------------------------------------------------- Fabric routes

  private async handleFabric(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const requestId = randomUUID();
    const bodyText = await readBody(req);
    const route = parseRoute(url.pathname);
    const method = req.method ?? 'GET';
    if (!route) {
      await this.delay(this.latencyMs);
      return sendFabricError(res, 404, 'NotFound', `The requested resource ${method} ${url.pathname} was not found.`, requestId);
    }
    if (route.kind !== 'operation') {
      const documented = route.kind === 'score' ? 'mlModels' : 'mlmodels';
      if (route.modelsSegment !== documented) this.counters.casingMismatches++;
    }
    if (route.kind === 'score' || route.kind === 'versionScore') {
      await this.handleScore(req, res, route, method, bodyText, requestId);
      return;
    }
    await this.delay(this.latencyMs);
    if (this.closed) return;
    if (!this.authorize(req, res, requestId)) return;

    if (route.kind === 'operation') {
      if (method !== 'GET') return methodNotAllowed(res, method, requestId);
      return route.result ? this.operationResult(res, route.id, requestId) : this.pollOperation(res, route.id, requestId);
    }

    this.counters.metadataRequests++;
    const failure = takeRule(this.metadataScripts, []);
    if (failure) return sendFabricError(res, failure.status, failure.errorCode, failure.message, requestId);
    if (route.workspaceId.toLowerCase() !== DEMO_WORKSPACE_ID) {
      return sendFabricError(res, 404, 'NotFound', 'Could not retrieve endpoint metadata: the workspace was not found.', requestId);
    }
    const model = this.models.get(route.modelId.toLowerCase());
    if (!model) return sendFabricError(res, 404, 'NotFound', 'Could not retrieve endpoint metadata.', requestId);

    switch (route.kind) {
      case 'endpoint':
        if (method === 'GET') return sendJson(res, 200, endpointInfo(model), { 'x-ms-request-id': requestId });
        if (method === 'PATCH') return this.patchEndpoint(res, model, bodyText, requestId);
        return methodNotAllowed(res, method, requestId);
      case 'versions':
        if (method !== 'GET') return methodNotAllowed(res, method, requestId);
        return this.listVersions(res, route.workspaceId, route.modelId, model, url, requestId);
      case 'deactivateAll':
        if (method !== 'POST') return methodNotAllowed(res, method, requestId);
        return this.deactivateAll(res, model, requestId);
      default:
        break;
    }
    const info = model.versions.get(route.version ?? '');
    if (!info) return sendFabricError(res, 404, 'NotFound', `Endpoint version ${route.version} was not found.`, requestId);
    if (route.kind === 'version') {
      if (method === 'GET') return sendJson(res, 200, info, { 'x-ms-request-id': requestId });
      if (method === 'PATCH') return this.patchVersion(res, info, bodyText, requestId);
      return methodNotAllowed(res, method, requestId);
    }
    if (method !== 'POST') return methodNotAllowed(res, method, requestId);
    return route.kind === 'activate' ? this.activate(res, info, requestId) : this.deactivate(res, info, requestId);
  }

  private authorize(req: http.IncomingMessage, res: http.ServerResponse, requestId: string): boolean {
    const match = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '');
    const issued = match ? this.tokens.get(match[1]) : undefined;
    if (issued && issued.expiresAt > Date.now()) return true;
    this.counters.unauthorized++;
    const expired = issued !== undefined;
    sendFabricError(
      res,
      401,
      expired ? 'TokenExpired' : 'Unauthorized',
      expired
        ? 'Access token has expired, resubmit with a new access token.'
        : 'The request has no valid access token. Send "Authorization: Bearer <token>" for https://api.fabric.microsoft.com/.default.',
      requestId,
      { 'www-authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token"` },
    );
    return false;
  }

  private async handleScore(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    route: Extract<Route, { workspaceId: string }>,
    method: string,
    bodyText: string,
    requestId: string,
  ): Promise<void> {
    this.counters.scoreRequests++;
    let body: unknown;
    let bodyIsJson = true;
    try {
      body = JSON.parse(bodyText);
    } catch {
      bodyIsJson = false;
    }
    const inputs = isRecord(body) && Array.isArray(body.inputs) ? (body.inputs as unknown[]) : undefined;
    if (inputs) this.counters.scoreRowsReceived += inputs.length;
    this.counters.inFlight++;
    this.counters.maxInFlight = Math.max(this.counters.maxInFlight, this.counters.inFlight);
    try {
      await this.delay(this.latencyMs);
      if (this.closed) return;
      if (!this.authorize(req, res, requestId)) return;
      if (method !== 'POST') return methodNotAllowed(res, method, requestId);

      const behaviour = takeRule(this.scoreScripts, inputs ?? []);
      switch (behaviour?.type) {
        case 'throttle': {
          const status = behaviour.status ?? 429;
          return sendFabricError(
            res,
            status,
            status === 429 ? 'RequestBlocked' : 'ServiceUnavailable',
            status === 429
              ? `Request is blocked by the upstream service until: ${new Date(Date.now() + behaviour.retryAfterSeconds * 1000).toISOString()} (UTC)`
              : 'The service is temporarily unavailable. Retry after the period in Retry-After.',
            requestId,
            { 'retry-after': String(behaviour.retryAfterSeconds) },
            { isRetriable: true },
          );
        }
        case 'error':
          return sendFabricError(res, behaviour.status, behaviour.errorCode, behaviour.message, requestId);
        case 'nonJson': {
          const status = behaviour.status ?? 502;
          const html = `<!DOCTYPE html><html><head><title>${status} Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The proxy server received an invalid response from an upstream server.</p></body></html>`;
          res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': Buffer.byteLength(html), 'x-ms-request-id': requestId });
          res.end(html);
          return;
        }
        case 'drop':
          req.socket.destroy();
          return;
        case 'slow':
          await this.delay(behaviour.delayMs);
          if (this.closed) return;
          break;
        default:
          break;
      }

      if (!bodyIsJson) return sendFabricError(res, 400, 'BadInput', 'The request body is not valid JSON.', requestId);
      const scored = this.score(route, body);
      if ('error' in scored) return sendFabricError(res, scored.status, scored.error.errorCode, scored.error.message, requestId);

      if (behaviour?.type === 'lro') {
        const failed = behaviour.outcome === 'Failed';
        const op = this.startOperation(behaviour.polls, () =>
          failed
            ? { status: 'Failed', error: { errorCode: 'UnknownError', message: 'The scoring operation failed.', requestId } }
            : { status: 'Succeeded', result: scored.response },
        );
        return this.sendAccepted(res, op, requestId);
      }
      sendJson(res, 200, scored.response, { 'x-ms-request-id': requestId });
    } finally {
      this.counters.inFlight--;
    }
  }

  private score(
    route: Extract<Route, { workspaceId: string }>,
    body: unknown,
  ): { response: { formatType: 'dataframe'; orientation: 'values'; predictions: unknown[][] } } | { status: number; error: ErrorBody } {
    const fail = (status: number, errorCode: string, message: string) => ({ status, error: { errorCode, message } });
    if (route.workspaceId.toLowerCase() !== DEMO_WORKSPACE_ID) return fail(404, 'NotFound', 'Could not retrieve endpoint metadata: the workspace was not found.');
    const model = this.models.get(route.modelId.toLowerCase());
    if (!model) return fail(404, 'NotFound', 'Could not retrieve endpoint metadata.');
    const versionName = route.kind === 'score' ? model.defaultVersionName : route.version;
    if (versionName === undefined) return fail(404, 'NotFound', 'The model endpoint has no default version.');
    const info = model.versions.get(versionName);
    if (!info) return fail(404, 'NotFound', `Endpoint version ${versionName} was not found.`);
    if (info.status !== 'Active') return fail(400, 'BadInput', `Endpoint version ${versionName} is not active`);

    if (!isRecord(body)) return fail(400, 'BadInput', 'The request body must be a JSON object with an "inputs" list.');
    if (body.formatType !== undefined && body.formatType !== 'dataframe') {
      return fail(400, 'BadInput', `formatType "${String(body.formatType)}" is not supported. Use "dataframe".`);
    }
    const orientation = body.orientation ?? 'values';
    if (orientation !== 'values' && orientation !== 'record') {
      return fail(400, 'BadInput', `orientation "${String(orientation)}" is not supported by this endpoint. Use "values" or "record".`);
    }
    if (!Array.isArray(body.inputs)) return fail(400, 'BadInput', 'The request body must contain "inputs": a list of rows.');
    const signature: SignatureField[] = info.inputSignature ?? [];
    const names = signature.map((f) => f.name);
    const predictions: unknown[][] = new Array(body.inputs.length);
    for (let i = 0; i < body.inputs.length; i++) {
      const row: unknown = body.inputs[i];
      let record: Record<string, unknown>;
      if (orientation === 'values') {
        if (!Array.isArray(row) || row.length !== names.length) {
          const got = Array.isArray(row) ? `${row.length} values` : 'not a list';
          return fail(400, 'BadInput', `inputs[${i}] has ${got}; expected ${names.length} values in this order: ${names.join(', ')}.`);
        }
        record = {};
        for (let c = 0; c < names.length; c++) record[names[c]] = row[c];
      } else {
        if (!isRecord(row)) return fail(400, 'BadInput', `inputs[${i}] is not an object keyed by column name (${names.join(', ')}).`);
        const missing = signature.filter((f) => f.required && !(f.name in row)).map((f) => f.name);
        if (missing.length > 0) return fail(400, 'BadInput', `inputs[${i}] is missing required column(s): ${missing.join(', ')}.`);
        record = row;
      }
      predictions[i] = predictChurn(record);
    }
    return { response: { formatType: 'dataframe', orientation: 'values', predictions } };
  }

  // ---------------------------------------------------------------- metadata

  private patchEndpoint(res: http.ServerResponse, model: ModelState, bodyText: string, requestId: string): void {
    const body = parseJsonObject(bodyText);
    if (!body) return sendFabricError(res, 400, 'BadInput', 'The request body must be a JSON object.', requestId);
    if (body.defaultVersionName !== undefined) {
      if (typeof body.defaultVersionName !== 'string' || !model.versions.has(body.defaultVersionName)) {
        return sendFabricError(res, 400, 'BadInput', `Endpoint version ${String(body.defaultVersionName)} was not found.`, requestId);
      }
      model.defaultVersionName = body.defaultVersionName;
    }
    if (body.defaultVersionAssignmentBehavior === 'NotConfigured') model.defaultVersionName = undefined;
    sendJson(res, 200, endpointInfo(model), { 'x-ms-request-id': requestId });
  }

  private listVersions(res: http.ServerResponse, workspaceId: string, modelId: string, model: ModelState, url: URL, requestId: string): void {
    const all = [...model.versions.values()];
    const token = url.searchParams.get('continuationToken');
    let offset = 0;
    if (token !== null) {
      const decoded = /^offset:(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
      if (!decoded) return sendFabricError(res, 400, 'BadInput', 'The continuation token is not valid.', requestId);
      offset = Number(decoded[1]);
    }
    const page = all.slice(offset, offset + VERSION_PAGE_SIZE);
    const body: Record<string, unknown> = { value: page };
    if (offset + VERSION_PAGE_SIZE < all.length) {
      const next = Buffer.from(`offset:${offset + VERSION_PAGE_SIZE}`, 'utf8').toString('base64url');
      body.continuationToken = next;
      body.continuationUri = `${this.url}/v1/workspaces/${workspaceId}/mlmodels/${modelId}/endpoint/versions?continuationToken=${encodeURIComponent(next)}`;
    }
    sendJson(res, 200, body, { 'x-ms-request-id': requestId });
  }

  private patchVersion(res: http.ServerResponse, info: EndpointVersionInfo, bodyText: string, requestId: string): void {
    const body = parseJsonObject(bodyText);
    if (!body) return sendFabricError(res, 400, 'BadInput', 'The request body must be a JSON object.', requestId);
    if (body.scaleRule !== undefined) {
      if (typeof body.scaleRule !== 'string' || !SCALE_RULES.includes(body.scaleRule)) {
        return sendFabricError(res, 400, 'BadInput', `Unknown scaleRule "${String(body.scaleRule)}". Expected one of: ${SCALE_RULES.join(', ')}.`, requestId);
      }
      info.scaleRule = body.scaleRule;
    }
    sendJson(res, 200, info, { 'x-ms-request-id': requestId });
  }

  private activate(res: http.ServerResponse, info: EndpointVersionInfo, requestId: string): void {
    if (info.status === 'Active') return sendEmpty(res, 200, { 'x-ms-request-id': requestId });
    if (info.status === 'Activating' || info.status === 'Deactivating') {
      return sendFabricError(res, 409, 'Conflict', 'An operation is already in progress for this endpoint version.', requestId);
    }
    // A version that failed to deploy fails again: Fabric cannot serve the model.
    const failure = info.status === 'Failed' ? info.failureDetails : undefined;
    info.status = 'Activating';
    const op = this.startOperation(undefined, () => {
      if (failure) {
        info.status = 'Failed';
        info.failureDetails = failure;
        return { status: 'Failed', error: { errorCode: failure.errorCode ?? 'UnknownError', message: failure.message ?? 'Activation failed.' } };
      }
      info.status = 'Active';
      delete info.failureDetails;
      return { status: 'Succeeded' };
    });
    this.sendAccepted(res, op, requestId);
  }

  private deactivate(res: http.ServerResponse, info: EndpointVersionInfo, requestId: string): void {
    if (info.status === 'Deactivated') return sendEmpty(res, 200, { 'x-ms-request-id': requestId });
    if (info.status === 'Activating' || info.status === 'Deactivating') {
      return sendFabricError(res, 409, 'Conflict', 'An operation is already in progress for this endpoint version.', requestId);
    }
    info.status = 'Deactivating';
    const op = this.startOperation(undefined, () => {
      info.status = 'Deactivated';
      return { status: 'Succeeded' };
    });
    this.sendAccepted(res, op, requestId);
  }

  private deactivateAll(res: http.ServerResponse, model: ModelState, requestId: string): void {
    const targets = [...model.versions.values()].filter((v) => v.status === 'Active' || v.status === 'Activating');
    for (const v of targets) v.status = 'Deactivating';
    const op = this.startOperation(undefined, () => {
      for (const v of targets) v.status = 'Deactivated';
      return { status: 'Succeeded' };
    });
    this.sendAccepted(res, op, requestId);
  }

  // ---------------------------------------------------------------- long-running operations

  private startOperation(polls: number | undefined, finish: Operation['finish']): Operation {
    const now = new Date().toISOString();
    const op: Operation = {
      id: randomUUID(),
      polls: polls ?? this.lroPolls,
      pollCount: 0,
      createdTimeUtc: now,
      lastUpdatedTimeUtc: now,
      done: false,
      finish,
    };
    this.operations.set(op.id, op);
    return op;
  }

  private sendAccepted(res: http.ServerResponse, op: Operation, requestId: string): void {
    sendEmpty(res, 202, {
      location: `${this.url}/v1/operations/${op.id}`,
      'x-ms-operation-id': op.id,
      'retry-after': String(this.lroRetryAfterSeconds),
      'x-ms-request-id': requestId,
    });
  }

  private pollOperation(res: http.ServerResponse, id: string, requestId: string): void {
    this.counters.operationPolls++;
    const op = this.operations.get(id);
    if (!op) return sendFabricError(res, 404, 'NotFound', `Operation ${id} was not found.`, requestId);
    const headers: Record<string, string> = { 'x-ms-request-id': requestId, 'x-ms-operation-id': op.id };
    if (!op.done && op.pollCount < op.polls) {
      op.pollCount++;
      op.lastUpdatedTimeUtc = new Date().toISOString();
      const percentComplete = Math.round((op.pollCount / (op.polls + 1)) * 100);
      headers.location = `${this.url}/v1/operations/${op.id}`;
      headers['retry-after'] = String(this.lroRetryAfterSeconds);
      return sendJson(res, 200, { status: 'Running', createdTimeUtc: op.createdTimeUtc, lastUpdatedTimeUtc: op.lastUpdatedTimeUtc, percentComplete }, headers);
    }
    if (!op.done) {
      op.done = true;
      op.final = op.finish();
      op.lastUpdatedTimeUtc = new Date().toISOString();
    }
    const final = op.final ?? { status: 'Failed' as const };
    const body: Record<string, unknown> = {
      status: final.status,
      createdTimeUtc: op.createdTimeUtc,
      lastUpdatedTimeUtc: op.lastUpdatedTimeUtc,
      percentComplete: 100,
    };
    if (final.error) body.error = { ...final.error, requestId: final.error.requestId ?? requestId };
    // Only operations that produce something point at /result (activate/deactivate just finish).
    if (final.status === 'Succeeded' && final.result !== undefined) headers.location = `${this.url}/v1/operations/${op.id}/result`;
    sendJson(res, 200, body, headers);
  }

  private operationResult(res: http.ServerResponse, id: string, requestId: string): void {
    this.counters.resultRequests++;
    const op = this.operations.get(id);
    if (!op) return sendFabricError(res, 404, 'NotFound', `Operation ${id} was not found.`, requestId);
    if (!op.done || op.final?.status !== 'Succeeded' || op.final.result === undefined) {
      return sendFabricError(res, 404, 'NotFound', `Operation ${id} has no result.`, requestId);
    }
    sendJson(res, 200, op.final.result, { 'x-ms-request-id': requestId });
  }

  // ---------------------------------------------------------------- helpers

  private requireModel(modelId: string): ModelState {
    const model = this.models.get(modelId.toLowerCase());
    if (!model) throw new Error(`Fake Fabric: no model ${modelId}`);
    return model;
  }

  private delay(ms: number): Promise<void> {
    if (!(ms > 0)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, ms);
      this.timers.add(timer);
    });
  }
}

function emptyCounters(): FakeCounters {
  return {
    tokenRequests: 0,
    scoreRequests: 0,
    scoreRowsReceived: 0,
    inFlight: 0,
    maxInFlight: 0,
    metadataRequests: 0,
    operationPolls: 0,
    resultRequests: 0,
    casingMismatches: 0,
    unauthorized: 0,
  };
}

function parseRoute(pathname: string): Route | undefined {
  const s = pathname.split('/').filter((part) => part !== '').map(decodeSegment);
  if (s[0] !== 'v1') return undefined;
  if (s[1] === 'operations' && s.length === 3) return { kind: 'operation', id: s[2], result: false };
  if (s[1] === 'operations' && s.length === 4 && s[3] === 'result') return { kind: 'operation', id: s[2], result: true };
  if (s[1] !== 'workspaces' || s.length < 6 || s[3].toLowerCase() !== 'mlmodels' || s[5] !== 'endpoint') return undefined;
  const base = { workspaceId: s[2], modelId: s[4], modelsSegment: s[3] };
  const rest = s.slice(6);
  if (rest.length === 0) return { kind: 'endpoint', ...base };
  if (rest.length === 1 && rest[0] === 'score') return { kind: 'score', ...base };
  if (rest[0] !== 'versions') return undefined;
  if (rest.length === 1) return { kind: 'versions', ...base };
  if (rest.length === 2 && rest[1] === 'deactivateAll') return { kind: 'deactivateAll', ...base };
  if (rest.length === 2) return { kind: 'version', ...base, version: rest[1] };
  if (rest.length === 3 && rest[2] === 'score') return { kind: 'versionScore', ...base, version: rest[1] };
  if (rest.length === 3 && (rest[2] === 'activate' || rest[2] === 'deactivate')) return { kind: rest[2], ...base, version: rest[1] };
  return undefined;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function endpointInfo(model: ModelState): Record<string, unknown> {
  const name = model.defaultVersionName;
  return {
    defaultVersionAssignmentBehavior: name === undefined ? 'NotConfigured' : 'StaticallyConfigured',
    defaultVersionName: name,
    defaultVersionInfo: name === undefined ? undefined : model.versions.get(name),
  };
}

/** Returns the first rule that matches and consumes one use of it. */
function takeRule<T>(rules: Array<ScriptRule<T>>, inputs: unknown[]): T | undefined {
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    if (rule.match && !rule.match(inputs)) continue;
    rule.remaining--;
    if (rule.remaining <= 0) rules.splice(i, 1);
    return rule.value;
  }
  return undefined;
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.destroyed || res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sendEmpty(res: http.ServerResponse, status: number, headers: Record<string, string>): void {
  if (res.destroyed || res.headersSent) return;
  res.writeHead(status, { ...headers, 'content-length': 0 });
  res.end();
}

function sendFabricError(
  res: http.ServerResponse,
  status: number,
  errorCode: string,
  message: string,
  requestId: string,
  headers: Record<string, string> = {},
  extra: Record<string, unknown> = {},
): void {
  sendJson(res, status, { errorCode, message, requestId, ...extra }, { ...headers, 'x-ms-request-id': requestId });
}

function methodNotAllowed(res: http.ServerResponse, method: string, requestId: string): void {
  sendFabricError(res, 405, 'MethodNotAllowed', `The method ${method} is not supported on this resource.`, requestId);
}

// ---------------------------------------------------------------- Entra error bodies

interface EntraContext {
  tenant: string;
  clientId: string;
  correlationId: string;
  detail?: string;
}

/** HTTP status, OAuth `error` and description text of each AADSTS code, as Entra returns them. */
function entraError(code: TokenFailure | 900561 | 70003, ctx: EntraContext): { status: number; error: string; description: string } {
  const app = ctx.clientId || '(none)';
  switch (code) {
    case 7000215:
      return {
        status: 401,
        error: 'invalid_client',
        description: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app}'.`,
      };
    case 7000222:
      return {
        status: 401,
        error: 'invalid_client',
        description: `The provided client secret keys for app '${app}' are expired. Visit the Azure portal to create new keys for your app: https://aka.ms/NewClientSecret, or consider using certificate credentials for added security: https://aka.ms/certCreds.`,
      };
    case 7000218:
      return { status: 401, error: 'invalid_client', description: `The request body must contain the following parameter: 'client_assertion' or 'client_secret'.` };
    case 700016:
      return {
        status: 400,
        error: 'unauthorized_client',
        description: `Application with identifier '${app}' was not found in the directory '${ctx.tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
      };
    case 90002:
      return {
        status: 400,
        error: 'invalid_request',
        description: `Tenant '${ctx.tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.`,
      };
    case 900023:
      return { status: 400, error: 'invalid_request', description: `Specified tenant identifier '${ctx.tenant}' is neither a valid DNS name, nor a valid external domain.` };
    case 53003:
      return { status: 400, error: 'access_denied', description: 'Access has been blocked by Conditional Access policies. The access policy does not allow token issuance.' };
    case 50196:
      return {
        status: 429,
        error: 'temporarily_unavailable',
        description: 'The server terminated an operation because it encountered a client request loop. Please contact your app vendor.',
      };
    case 1002012:
      return {
        status: 400,
        error: 'invalid_scope',
        description: `The provided value for scope ${ctx.detail ?? FABRIC_SCOPE_RESOURCE} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
      };
    case 70011:
      return {
        status: 400,
        error: 'invalid_scope',
        description: `The provided request must include a 'scope' input parameter. The provided value for the input parameter 'scope' is not valid.`,
      };
    case 500011:
      return {
        status: 400,
        error: 'invalid_resource',
        description: `The resource principal named ${ctx.detail ?? FABRIC_SCOPE_RESOURCE} was not found in the tenant named ${ctx.tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`,
      };
    case 900144:
      return { status: 400, error: 'invalid_request', description: `The request body must contain the following parameter: '${ctx.detail ?? 'grant_type'}'.` };
    case 900561:
      return { status: 400, error: 'invalid_request', description: `The endpoint only accepts POST, OPTIONS requests. Received a ${ctx.detail ?? 'GET'} request.` };
    case 70003:
      return { status: 400, error: 'unsupported_grant_type', description: `The app requested an unsupported grant type '${ctx.detail ?? ''}'.` };
  }
}

function sendEntraError(res: http.ServerResponse, code: TokenFailure | 900561 | 70003, ctx: EntraContext): void {
  const { status, error, description } = entraError(code, ctx);
  const traceId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  sendJson(
    res,
    status,
    {
      error,
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${ctx.correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: ctx.correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
    { 'cache-control': 'no-store, no-cache', pragma: 'no-cache', 'x-ms-request-id': traceId, 'client-request-id': ctx.correlationId },
  );
}
