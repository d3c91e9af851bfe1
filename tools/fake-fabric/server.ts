// A fake Microsoft Entra token endpoint and Fabric API on 127.0.0.1, close enough to the real protocols that
// msal-node and the extension cannot tell the difference. Serves unit tests, integration tests, the demo and
// the benchmark (so per-request work stays small: one JSON.parse/stringify).
//
// This file is the listener (sockets, timers, request log, latency) and the public face tests use; the
// protocols live in route modules (entra.ts, lro.ts, fabricRoutes.ts, scoreRoute.ts). A new family of
// Fabric APIs is one more module: `server.use((router, context) => router.add('/v1/…', handler))`.
import * as http from 'node:http';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { EndpointVersionInfo } from '../../src/core/endpoints/model';
import type { CapacityOptions, CapacityUsage } from './capacity';
import type { FakeContext, FakeSettings, RouteModule, SharedContext } from './context';
import { emptyCounters, resetCounters, type FakeCounters } from './counters';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_MODEL_ID, DEMO_TENANT_ID, DEMO_USER_NAME, DEMO_USER_PASSWORD, DEMO_WORKSPACE_ID } from './demoData';
import { FakeEntra, type TokenFailure, type TokenFault } from './entra';
import { MlEndpointRoutes } from './fabricRoutes';
import type { MetadataFailure, ScoreBehaviour, ScriptOptions } from './faults';
import { readBody, sendFabricError, sendJson, type Exchange } from './http';
import { Operations } from './lro';
import { ModelCatalog, type ModelPlacement } from './models';
import { Router } from './router';
import { ScoreRoutes } from './scoreRoute';
import { WorkspaceRoutes } from './workspaceRoutes';

export interface FakeFabricOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Delay before every Fabric response (not the token route). Default 0. */
  latencyMs?: number;
  /** Retry-After (seconds) sent with 202 and with running operation states. Default 0. */
  lroRetryAfterSeconds?: number;
  /** How many polls of an operation answer "Running" before the final state. Default 1. */
  lroPolls?: number;
  /** At most this many score requests served at once; more are answered 429 + Retry-After. Default: unlimited. */
  capacity?: CapacityOptions;
  /** Called when each request has been answered (or dropped), e.g. to print it. */
  onRequest?: (entry: RequestLogEntry) => void;
}

/** One answered request. Paths only: no query string, header or body (token requests carry secrets). */
export interface RequestLogEntry {
  method: string;
  path: string;
  /** 0 when the connection was dropped without an answer. */
  status: number;
}

/** The most recent requests kept in the log; older ones are dropped, so a long benchmark stays small. */
const REQUEST_LOG_LIMIT = 1000;

export class FakeFabricServer {
  readonly url: string;
  readonly port: number;
  readonly counters: FakeCounters = emptyCounters();

  private readonly settings: FakeSettings;
  private readonly router = new Router();
  private readonly context: FakeContext;
  private readonly entra: FakeEntra;
  private readonly catalog = new ModelCatalog();
  private readonly metadata: MlEndpointRoutes;
  private readonly scoring: ScoreRoutes;
  private readonly workspaces: WorkspaceRoutes;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly log: RequestLogEntry[] = [];
  private closed = false;

  private constructor(
    private readonly server: http.Server,
    port: number,
    private readonly options: FakeFabricOptions,
  ) {
    this.port = port;
    this.url = `http://127.0.0.1:${port}`;
    this.settings = { latencyMs: options.latencyMs ?? 0, tokenDelayMs: 0, lroRetryAfterSeconds: options.lroRetryAfterSeconds ?? 0, lroPolls: options.lroPolls ?? 1 };
    this.context = this.createContext();
    this.entra = new FakeEntra(this.context);
    this.metadata = new MlEndpointRoutes(this.context, this.catalog);
    this.scoring = new ScoreRoutes(this.context, this.catalog);
    this.workspaces = new WorkspaceRoutes(this.context, this.catalog);
    this.entra.addCredentials(DEMO_TENANT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET);
    this.scoring.capacity.configure(options.capacity);
    this.entra.addUser(DEMO_TENANT_ID, DEMO_USER_NAME, DEMO_USER_PASSWORD);
    for (const module of [this.entra, this.context.operations, this.metadata, this.scoring, this.workspaces]) module.register(this.router);
    this.router.fallback('/v1/', async (exchange) => {
      if (!(await this.context.fabricLatency())) return;
      sendFabricError(exchange, 404, 'NotFound', `The requested resource ${exchange.method} ${exchange.url.pathname} was not found.`);
    });
    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('request', (req, res) => this.serve(req, res));
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

  /** Adds a family of routes (tried after the built-in ones, before the Fabric 404); returns the module's handle. */
  use<Handle>(module: RouteModule<Handle>): Handle {
    return module(this.router, this.context);
  }

  // ---------------------------------------------------------------- timing

  get latencyMs(): number {
    return this.settings.latencyMs;
  }
  set latencyMs(value: number) {
    this.settings.latencyMs = value;
  }
  /** Delay before the token route answers (default 0): lets tests cancel a token request in flight. */
  get tokenDelayMs(): number {
    return this.settings.tokenDelayMs;
  }
  set tokenDelayMs(value: number) {
    this.settings.tokenDelayMs = value;
  }
  get lroRetryAfterSeconds(): number {
    return this.settings.lroRetryAfterSeconds;
  }
  set lroRetryAfterSeconds(value: number) {
    this.settings.lroRetryAfterSeconds = value;
  }
  get lroPolls(): number {
    return this.settings.lroPolls;
  }
  set lroPolls(value: number) {
    this.settings.lroPolls = value;
  }

  // ---------------------------------------------------------------- what was received

  /** Zeroes the counters and empties the request log. */
  resetCounters(): void {
    resetCounters(this.counters);
    this.scoring.capacity.resetUsage();
    this.log.length = 0;
  }

  /** The most recent requests, oldest first. */
  requestLog(): RequestLogEntry[] {
    return this.log.map((entry) => ({ ...entry }));
  }

  /** Every access token issued so far: tests check that none of them reaches logs, webviews or exports. */
  issuedTokens(): string[] {
    return this.entra.issuedTokens();
  }

  // ---------------------------------------------------------------- Entra

  addCredentials(tenantId: string, clientId: string, clientSecret: string): void {
    this.entra.addCredentials(tenantId, clientId, clientSecret);
  }

  failToken(code: TokenFailure, options: { times?: number } = {}): void {
    this.entra.failures.add(code, options);
  }

  /** The next token request(s) get an HTML page (as from a proxy or captive portal) or a dropped connection. */
  scriptTokenFault(fault: TokenFault, options: { times?: number } = {}): void {
    this.entra.faults.add(fault, options);
  }

  /** A Microsoft account that signs in with the resource-owner password grant and gets user tokens (`scp`). */
  addUser(tenantId: string, userName: string, password: string): void {
    this.entra.addUser(tenantId, userName, password);
  }

  /** The delegated scopes of a user token the fake issued; undefined for a service principal's token. */
  tokenScopes(token: string): string[] | undefined {
    return this.entra.scopesOf(token);
  }

  /** Makes every token issued so far answer 401 TokenExpired on Fabric routes. */
  expireTokens(): void {
    this.entra.expireTokens();
  }

  // ---------------------------------------------------------------- Fabric

  /** Version given: `…/mlmodels/{m}/endpoint/versions/{v}/score`; none: the default-version `…/mlModels/{m}/endpoint/score`. */
  scoreUrl(version?: string, modelId: string = DEMO_MODEL_ID): string {
    const base = `${this.url}/v1/workspaces/${DEMO_WORKSPACE_ID}`;
    return version === undefined
      ? `${base}/mlModels/${modelId}/endpoint/score`
      : `${base}/mlmodels/${modelId}/endpoint/versions/${encodeURIComponent(version)}/score`;
  }

  scriptScore(behaviour: ScoreBehaviour, options: ScriptOptions = {}): void {
    this.scoring.script.add(behaviour, options);
  }

  /** Sets or removes (undefined) the score capacity: requests beyond it are answered 429 + Retry-After. */
  setCapacity(capacity: CapacityOptions | undefined): void {
    this.scoring.capacity.configure(capacity);
  }

  /** Score requests answered 429 because the capacity was full (since the last resetCounters). */
  get throttledByCapacity(): number {
    return this.scoring.capacity.throttled;
  }

  /** How the score capacity's slots were used (since the last resetCounters): 429s, requests served, busy time. */
  get capacityUsage(): CapacityUsage {
    return this.scoring.capacity.usage;
  }

  scriptMetadata(failure: MetadataFailure, options: { times?: number } = {}): void {
    this.metadata.failures.add(failure, options);
  }

  /** Drops every queued token failure and score/metadata script. */
  clearScripts(): void {
    for (const script of [this.entra.failures, this.entra.faults, this.scoring.script, this.metadata.failures]) script.clear();
  }

  addModel(modelId: string, versions: EndpointVersionInfo[], defaultVersionName?: string, placement: ModelPlacement = {}): void {
    this.catalog.addModel(modelId, versions, defaultVersionName, placement);
  }

  /** A workspace for the listing; `forbidden` makes listing its items answer 403. */
  addWorkspace(id: string, displayName: string, options: { forbidden?: boolean } = {}): void {
    this.catalog.addWorkspace(id, displayName, options);
  }

  /** Items per page of the workspace and ML model listings (default 100). */
  get listPageSize(): number {
    return this.workspaces.pageSize;
  }
  set listPageSize(value: number) {
    this.workspaces.pageSize = value;
  }

  /**
   * Scripted cold start (auto-sleep): the first score request after `afterIdleMs` without one is delayed by
   * `delayMs`, and so is every score request that arrives while the endpoint wakes. Undefined turns it off.
   */
  scriptColdStart(coldStart: { afterIdleMs: number; delayMs: number } | undefined): void {
    this.settings.coldStart = coldStart;
  }

  setVersion(version: string, patch: Partial<EndpointVersionInfo>, modelId: string = DEMO_MODEL_ID): void {
    Object.assign(this.catalog.requireVersion(version, modelId), patch);
  }

  version(version: string, modelId: string = DEMO_MODEL_ID): EndpointVersionInfo {
    return structuredClone(this.catalog.requireVersion(version, modelId));
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

  // ---------------------------------------------------------------- listener

  private createContext(): FakeContext {
    const shared: SharedContext = {
      baseUrl: this.url,
      counters: this.counters,
      settings: this.settings,
      isClosed: () => this.closed,
      delay: (ms) => this.delay(ms),
      fabricLatency: async () => {
        await this.delay(this.settings.latencyMs);
        return !this.closed;
      },
      // The Entra module is built with this context: look it up when a request arrives.
      authorize: (exchange, need) => this.entra.authorize(exchange, need),
    };
    return { ...shared, operations: new Operations(shared) };
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = new URL(req.url ?? '/', this.url).pathname;
    res.on('close', () => this.record({ method: req.method ?? 'GET', path, status: res.headersSent ? res.statusCode : 0 }));
    this.dispatch(req, res).catch((err: unknown) => {
      sendJson(res, 500, { errorCode: 'UnknownError', message: `Fake server failure: ${String(err)}`, requestId: randomUUID() });
    });
  }

  private async dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    const exchange: Exchange = { req, res, url: new URL(req.url ?? '/', this.url), method: req.method ?? 'GET', body, requestId: randomUUID(), params: {} };
    const handler = this.router.resolve(exchange);
    if (handler) return handler(exchange);
    sendJson(res, 404, { error: 'not_found', message: `Fake Fabric has no route ${exchange.method} ${exchange.url.pathname}` });
  }

  private record(entry: RequestLogEntry): void {
    this.log.push(entry);
    if (this.log.length > REQUEST_LOG_LIMIT) this.log.splice(0, this.log.length - REQUEST_LOG_LIMIT);
    this.options.onRequest?.(entry);
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
