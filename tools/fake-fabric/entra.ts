// The Microsoft Entra side: the client-credentials token endpoint (`POST /{tenant}/oauth2/v2.0/token`), the
// AADSTS error bodies a real tenant returns, scripted token failures, and the bearer check Fabric routes use.
import { randomBytes, randomUUID } from 'node:crypto';
import type { SharedContext } from './context';
import { FaultScript } from './faults';
import { sendFabricError, sendHtml, sendJson, type Exchange } from './http';
import type { Router } from './router';

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

export type TokenFault = 'html' | 'drop';

type EntraCode = TokenFailure | 900561 | 70003 | 50126;

/** What a Fabric route asks of a user token: listing workspaces, reading items, or changing/scoring them. */
export type ScopeNeed = 'workspaces' | 'read' | 'write';

/** Delegated scopes Fabric accepts per need (reference §5). */
const ACCEPTED_SCOPES: Readonly<Record<ScopeNeed, readonly string[]>> = {
  workspaces: ['Workspace.Read.All', 'Workspace.ReadWrite.All'],
  read: ['MLModel.Read.All', 'MLModel.ReadWrite.All', 'Item.Read.All', 'Item.ReadWrite.All'],
  write: ['MLModel.ReadWrite.All', 'Item.ReadWrite.All'],
};

interface IssuedToken {
  expiresAt: number;
  /** Delegated scopes of a user token; absent for a service principal's (app) token. */
  scp?: Set<string>;
}

const FABRIC_SCOPE_RESOURCE = 'https://api.fabric.microsoft.com';
const GUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;
const TOKEN_LIFETIME_SECONDS = 3599;
const NO_CACHE = { 'cache-control': 'no-store, no-cache', pragma: 'no-cache' };
const PROXY_LOGIN_PAGE =
  '<!DOCTYPE html><html><head><title>Sign in to the proxy</title></head><body><form method="post"><input name="user"></form></body></html>';

export class FakeEntra {
  readonly failures = new FaultScript<TokenFailure>();
  readonly faults = new FaultScript<TokenFault>();
  /** tenant (lower case) → client id (lower case) → secret. */
  private readonly credentials = new Map<string, Map<string, string>>();
  /** access token → expiry (ms since epoch) and, for user tokens, the delegated scopes (`scp`). */
  private readonly tokens = new Map<string, IssuedToken>();
  /** tenant (lower case) → user name (lower case) → password. */
  private readonly users = new Map<string, Map<string, string>>();

  constructor(private readonly context: SharedContext) {}

  register(router: Router): void {
    router.add('/{tenant}/oauth2/v2.0/token', (exchange) => this.token(exchange));
  }

  addCredentials(tenantId: string, clientId: string, clientSecret: string): void {
    const tenant = tenantId.toLowerCase();
    let clients = this.credentials.get(tenant);
    if (!clients) this.credentials.set(tenant, (clients = new Map()));
    clients.set(clientId.toLowerCase(), clientSecret);
  }

  /** A Microsoft account that can get user tokens (the resource-owner password grant, as a test sign-in uses). */
  addUser(tenantId: string, userName: string, password: string): void {
    const tenant = tenantId.toLowerCase();
    let users = this.users.get(tenant);
    if (!users) this.users.set(tenant, (users = new Map()));
    users.set(userName.toLowerCase(), password);
  }

  issuedTokens(): string[] {
    return [...this.tokens.keys()];
  }

  /** The delegated scopes of a user token (short names such as MLModel.Read.All); undefined for app tokens. */
  scopesOf(token: string): string[] | undefined {
    const scp = this.tokens.get(token)?.scp;
    return scp ? [...scp] : undefined;
  }

  expireTokens(): void {
    for (const issued of this.tokens.values()) issued.expiresAt = 0;
  }

  authorize(exchange: Exchange, need: ScopeNeed = exchange.method === 'GET' ? 'read' : 'write'): boolean {
    const bearer = /^Bearer\s+(\S+)$/i.exec(exchange.req.headers.authorization ?? '');
    const issued = bearer ? this.tokens.get(bearer[1]) : undefined;
    const expiresAt = issued?.expiresAt;
    if (issued && expiresAt !== undefined && expiresAt > Date.now()) return this.hasScopes(exchange, issued, need);
    this.context.counters.unauthorized++;
    const expired = expiresAt !== undefined;
    sendFabricError(
      exchange,
      401,
      expired ? 'TokenExpired' : 'Unauthorized',
      expired
        ? 'Access token has expired, resubmit with a new access token.'
        : 'The request has no valid access token. Send "Authorization: Bearer <token>" for https://api.fabric.microsoft.com/.default.',
      { headers: { 'www-authenticate': `Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="invalid_token"` } },
    );
    return false;
  }

  /** App tokens carry roles, not scopes: Fabric checks the workspace role. User tokens need a delegated scope. */
  private hasScopes(exchange: Exchange, issued: IssuedToken, need: ScopeNeed): boolean {
    if (!issued.scp) return true;
    const accepted = ACCEPTED_SCOPES[need];
    if (accepted.some((scope) => issued.scp?.has(scope))) return true;
    sendFabricError(exchange, 403, 'InsufficientScopes', `The caller does not have the scopes this API requires. One of: ${accepted.join(', ')}.`);
    return false;
  }

  private async token(exchange: Exchange): Promise<void> {
    const { req, res, url, params } = exchange;
    this.context.counters.tokenRequests++;
    const form = new URLSearchParams(exchange.body);
    const correlationId = url.searchParams.get('client-request-id') ?? form.get('client-request-id') ?? randomUUID();
    const clientId = form.get('client_id') ?? '';
    const tenant = params.tenant;
    const fail = (code: EntraCode, detail?: string): void => sendEntraError(exchange, code, { tenant, clientId, correlationId, detail });

    await this.context.delay(this.context.settings.tokenDelayMs);
    if (this.context.isClosed()) return;
    const fault = this.faults.take();
    if (fault === 'drop') return void req.socket.destroy();
    if (fault === 'html') return sendHtml(res, 200, PROXY_LOGIN_PAGE);
    if (exchange.method !== 'POST') return fail(900561, exchange.method);
    const scripted = this.failures.take();
    if (scripted !== undefined) return fail(scripted);
    if (form.get('grant_type') === 'password') return this.userToken(exchange, tenant, form, fail, correlationId);
    const refusal = this.checkRequest(tenant, form);
    if (refusal) return fail(refusal.code, refusal.detail);

    const accessToken = randomBytes(32).toString('base64url');
    this.tokens.set(accessToken, { expiresAt: Date.now() + TOKEN_LIFETIME_SECONDS * 1000 });
    sendJson(
      res,
      200,
      { token_type: 'Bearer', expires_in: TOKEN_LIFETIME_SECONDS, ext_expires_in: TOKEN_LIFETIME_SECONDS, access_token: accessToken },
      { ...NO_CACHE, 'x-ms-request-id': exchange.requestId, 'client-request-id': correlationId },
    );
  }

  /**
   * A user token: JWT-shaped (unsigned) with the delegated scopes in `scp`, the account in `upn`/`name`, as a
   * Microsoft account sign-in returns. Only Fabric scopes of https://api.fabric.microsoft.com are granted.
   */
  private userToken(exchange: Exchange, tenant: string, form: URLSearchParams, fail: (code: EntraCode, detail?: string) => void, correlationId: string): void {
    const users = this.users.get(tenant.toLowerCase());
    if (!users) return fail(90002);
    const userName = (form.get('username') ?? '').toLowerCase();
    if (!form.get('client_id')) return fail(900144, 'client_id');
    if (users.get(userName) === undefined || users.get(userName) !== form.get('password')) return fail(50126);
    const requested = (form.get('scope') ?? '').split(' ').filter((s) => s.startsWith(`${FABRIC_SCOPE_RESOURCE}/`));
    if (requested.length === 0) return fail(70011);
    const scp = requested.map((s) => s.slice(FABRIC_SCOPE_RESOURCE.length + 1)).filter((s) => s !== '.default');
    const claims = { aud: FABRIC_SCOPE_RESOURCE, tid: tenant, upn: userName, name: userName.split('@')[0], scp: scp.join(' '), nonce: randomBytes(16).toString('base64url') };
    const part = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
    const accessToken = `${part({ typ: 'JWT', alg: 'none' })}.${part(claims)}.${randomBytes(16).toString('base64url')}`;
    this.tokens.set(accessToken, { expiresAt: Date.now() + TOKEN_LIFETIME_SECONDS * 1000, scp: new Set(scp) });
    sendJson(
      exchange.res,
      200,
      { token_type: 'Bearer', scope: requested.join(' '), expires_in: TOKEN_LIFETIME_SECONDS, ext_expires_in: TOKEN_LIFETIME_SECONDS, access_token: accessToken },
      { ...NO_CACHE, 'x-ms-request-id': exchange.requestId, 'client-request-id': correlationId },
    );
  }

  /** Checks a client-credentials request in the order Entra does; undefined when a token may be issued. */
  private checkRequest(tenant: string, form: URLSearchParams): { code: EntraCode; detail?: string } | undefined {
    if (!GUID_RE.test(tenant) && !DOMAIN_RE.test(tenant)) return { code: 900023 };
    const clients = this.credentials.get(tenant.toLowerCase());
    if (!clients) return { code: 90002 };
    const grantType = form.get('grant_type');
    if (!grantType) return { code: 900144, detail: 'grant_type' };
    if (grantType !== 'client_credentials') return { code: 70003, detail: grantType };
    const clientId = form.get('client_id');
    if (!clientId) return { code: 900144, detail: 'client_id' };
    const expectedSecret = clients.get(clientId.toLowerCase());
    if (expectedSecret === undefined) return { code: 700016 };
    const secret = form.get('client_secret');
    if (!secret && !form.get('client_assertion')) return { code: 7000218 };
    if (secret !== expectedSecret) return { code: 7000215 };
    const scope = form.get('scope');
    if (!scope) return { code: 70011 };
    const scopes = scope.split(' ').filter((s) => s && !['openid', 'profile', 'offline_access'].includes(s));
    const resource = scopes[0] ?? '';
    if (scopes.length !== 1 || !resource.endsWith('/.default')) return { code: 1002012, detail: scope };
    const resourceId = resource.slice(0, -'/.default'.length);
    if (resourceId.replace(/\/$/, '') !== FABRIC_SCOPE_RESOURCE) return { code: 500011, detail: resourceId };
    return undefined;
  }
}

interface EntraErrorContext {
  tenant: string;
  clientId: string;
  correlationId: string;
  detail?: string;
}

/** HTTP status, OAuth `error` and description text of each AADSTS code, as Entra returns them. */
function entraError(code: EntraCode, ctx: EntraErrorContext): { status: number; error: string; description: string } {
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
    case 50126:
      return { status: 400, error: 'invalid_grant', description: 'Error validating credentials due to invalid username or password.' };
  }
}

function sendEntraError(exchange: Exchange, code: EntraCode, ctx: EntraErrorContext): void {
  const { status, error, description } = entraError(code, ctx);
  const traceId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  sendJson(
    exchange.res,
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
    { ...NO_CACHE, 'x-ms-request-id': traceId, 'client-request-id': ctx.correlationId },
  );
}
