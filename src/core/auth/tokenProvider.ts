// Fabric API tokens for service principals over @azure/msal-node. One ConfidentialClientApplication per
// (authority, tenant, client, secret), so msal's in-memory cache hands out one token per run; concurrent
// callers share one request; every secret and token is registered for redaction.
import { createHash } from 'node:crypto';
import { AuthError as MsalAuthError, ConfidentialClientApplication, LogLevel } from '@azure/msal-node';
import type { Configuration, INetworkModule, NetworkRequestOptions, NetworkResponse } from '@azure/msal-node';
import { raceAbort } from '../abort';
import { hostOf } from '../endpoints/endpointUrl';
import type { ServicePrincipalCredentials } from '../endpoints/model';
import { redact, registerIdentifier, registerSecret } from '../redact';
import type { AuthSettings, TokenSource } from './types';
import { AUTHORITY_HOSTS, FABRIC_SCOPE, resolveAuthority, type ResolvedAuthority } from './clouds';
import { AuthError, TokenTransportError, abortError, explainAuthError, isValidClientId, isValidTenant } from './authErrors';

export interface MsalTokenSourceOptions {
  /** Receives one line per token request and failure; lines are already redacted and hold no IDs. */
  log?: (line: string) => void;
  /** Longest wait for the authority to answer one request (msal's own client has no limit on POST). Default 30 000. */
  requestTimeoutMs?: number;
  /**
   * Sends a request meant for one URL to another. Lets tests send the real cloud hosts' token requests
   * to a loopback server; never set from user settings.
   */
  rewriteUrl?: (url: string) => string;
}

/** A host msal accepts as an https authority; its token endpoint is the loopback server (see resolveAuthority). */
const LOOPBACK_AUTHORITY_HOST = 'login.loopback.test';
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

interface AppEntry {
  app: ConfidentialClientApplication;
  transport: FetchTransport;
  host: string;
  pending?: Promise<string>;
}

export class MsalTokenSource implements TokenSource {
  private readonly apps = new Map<string, AppEntry>();
  private readonly log: (line: string) => void;
  private readonly requestTimeoutMs: number;
  private readonly rewriteUrl?: (url: string) => string;
  private wireRequests = 0;

  constructor(
    private readonly settings: AuthSettings,
    options: MsalTokenSourceOptions = {},
  ) {
    const sink = options.log;
    this.log = sink ? (line) => sink(redact(line)) : () => undefined;
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.rewriteUrl = options.rewriteUrl;
  }

  get networkTokenRequests(): number {
    return this.wireRequests;
  }

  async getToken(credentials: ServicePrincipalCredentials, signal?: AbortSignal): Promise<string> {
    registerSecret(credentials.clientSecret);
    if (signal?.aborted) throw abortError(signal.reason);
    const tenantId = credentials.tenantId.trim();
    const clientId = credentials.clientId.trim();
    const clientSecret = credentials.clientSecret.trim();
    registerSecret(clientSecret);
    validate(tenantId, clientId, clientSecret);
    // Entra's error descriptions quote the tenant and app IDs; once they are known to be IDs (not a word such
    // as "common"), they are kept out of logs like the secret.
    registerIdentifier(tenantId);
    registerIdentifier(clientId);
    const authority = resolveAuthority(this.settings);

    const key = [authority.origin, tenantId.toLowerCase(), clientId.toLowerCase(), sha256(clientSecret)].join('|');
    let entry = this.apps.get(key);
    if (!entry) {
      const transport = new FetchTransport(new URL(authority.origin).host, this.requestTimeoutMs, this.rewriteUrl, (url) => {
        this.wireRequests++;
        this.log(`Token request #${this.wireRequests} to ${safeHost(url)}`);
      });
      entry = { app: this.createApp(authority, tenantId, clientId, clientSecret, transport), transport, host: new URL(authority.origin).host };
      this.apps.set(key, entry);
    }
    const current = entry;
    // Callers that arrive while a request is on the wire wait for it instead of sending their own.
    current.pending ??= this.acquire(current).finally(() => {
      current.pending = undefined;
    });
    return raceAbortToken(current.pending, signal);
  }

  clear(): void {
    this.apps.clear();
  }

  private async acquire(entry: AppEntry): Promise<string> {
    entry.transport.lastFailure = undefined;
    try {
      const result = await entry.app.acquireTokenByClientCredential({ scopes: [FABRIC_SCOPE] });
      if (!result?.accessToken) {
        throw new AuthError({ kind: 'badResponse', title: `The sign-in host ${entry.host} returned no access token`, action: 'Check the authority settings' });
      }
      registerSecret(result.accessToken);
      if (!result.fromCache) {
        this.log(`Got a Fabric token from ${entry.host}${result.expiresOn ? `, valid until ${result.expiresOn.toISOString()}` : ''}`);
      }
      return result.accessToken;
    } catch (err) {
      // msal reports a failed metadata download as "endpoints_resolution_error"; the transport knows why.
      const explained = explainAuthError(isEntraAnswer(err) ? err : (entry.transport.lastFailure ?? err));
      this.log(`Token request to ${entry.host} failed: ${explained.message}`);
      throw explained;
    }
  }

  private createApp(
    authority: ResolvedAuthority,
    tenantId: string,
    clientId: string,
    clientSecret: string,
    transport: FetchTransport,
  ): ConfidentialClientApplication {
    const tenantPath = encodeURIComponent(tenantId);
    const auth: Configuration['auth'] = { clientId, clientSecret, authority: `${authority.origin}/${tenantPath}` };
    if (authority.loopback) {
      // msal refuses http authorities but accepts an http token endpoint in authority metadata, so a
      // stand-in https host carries the metadata that points at the local server (no discovery request).
      const stand = `https://${LOOPBACK_AUTHORITY_HOST}/${tenantPath}`;
      auth.authority = stand;
      auth.knownAuthorities = [LOOPBACK_AUTHORITY_HOST];
      auth.authorityMetadata = JSON.stringify({
        token_endpoint: `${authority.origin}/${tenantPath}/oauth2/v2.0/token`,
        authorization_endpoint: `${stand}/oauth2/v2.0/authorize`,
        end_session_endpoint: `${stand}/oauth2/v2.0/logout`,
        issuer: `${stand}/v2.0`,
        jwks_uri: `${stand}/discovery/v2.0/keys`,
      });
    } else if (!Object.values(AUTHORITY_HOSTS).includes(authority.origin)) {
      // A custom https authority: msal discovers its endpoints from its OpenID metadata.
      auth.knownAuthorities = [new URL(authority.origin).host];
    }
    return new ConfidentialClientApplication({
      auth,
      system: {
        networkClient: transport,
        loggerOptions: {
          logLevel: LogLevel.Error,
          piiLoggingEnabled: false,
          loggerCallback: (_level, message, containsPii) => {
            if (!containsPii) this.log(`msal: ${message}`);
          },
        },
      },
    });
  }
}

function validate(tenantId: string, clientId: string, clientSecret: string): void {
  if (!isValidTenant(tenantId)) {
    throw new AuthError({
      kind: 'invalidInput',
      title: 'The tenant ID is not valid',
      action: 'Use the Directory (tenant) ID (a GUID) or a verified domain such as contoso.onmicrosoft.com. Run "Fabric ML: Set Credentials" to correct it',
    });
  }
  if (!isValidClientId(clientId)) {
    throw new AuthError({
      kind: 'invalidInput',
      title: 'The client ID is not valid',
      action: 'Use the Application (client) ID of the app registration: a GUID. Run "Fabric ML: Set Credentials" to correct it',
    });
  }
  if (!clientSecret) {
    throw new AuthError({ kind: 'invalidInput', title: 'The client secret is empty', action: 'Run "Fabric ML: Set Credentials" and enter the secret value' });
  }
}

/** True when Entra itself answered with an error (its AADSTS code is the best explanation). */
function isEntraAnswer(err: unknown): boolean {
  return err instanceof MsalAuthError && /AADSTS\d+/.test(`${err.errorMessage} ${err.message}`);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function safeHost(url: string): string {
  return hostOf(url) ?? '(invalid URL)';
}

/**
 * msal's network client on global fetch (as msal's own), plus a timeout on every request, a wire-request
 * count, and failures that say what went wrong (DNS, refused, TLS, timeout, not JSON). The client secret goes
 * only to the authority's own host: a token endpoint elsewhere (named by a custom authority's metadata) is
 * refused before sending, and redirects are never followed (a 307/308 would re-post the secret).
 */
class FetchTransport implements INetworkModule {
  /** The last failure below HTTP, kept because msal replaces some of them with a generic error. */
  lastFailure?: TokenTransportError;

  constructor(
    /** host[:port] of the authority; token requests go nowhere else. */
    private readonly authorityHost: string,
    private readonly timeoutMs: number,
    private readonly rewriteUrl: ((url: string) => string) | undefined,
    private readonly onRequest: (url: string) => void,
  ) {}

  sendGetRequestAsync<T>(url: string, options?: NetworkRequestOptions, timeout?: number): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'GET', options, timeout);
  }

  sendPostRequestAsync<T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> {
    return this.send<T>(url, 'POST', options);
  }

  private async send<T>(url: string, method: 'GET' | 'POST', options: NetworkRequestOptions | undefined, timeout?: number): Promise<NetworkResponse<T>> {
    const target = this.rewriteUrl ? this.rewriteUrl(url) : url;
    const host = safeHost(url);
    if (method === 'POST' && host.toLowerCase() !== this.authorityHost.toLowerCase()) {
      throw (this.lastFailure = new TokenTransportError('foreignTokenEndpoint', this.authorityHost, host));
    }
    this.onRequest(url);
    let response: Response;
    try {
      response = await fetch(target, {
        method,
        headers: options?.headers,
        body: method === 'POST' ? (options?.body ?? '') : undefined,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeout && timeout > 0 ? Math.min(timeout, this.timeoutMs) : this.timeoutMs),
      });
    } catch (err) {
      throw (this.lastFailure = classifyFetchError(err, host));
    }
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location') ?? '';
      await response.body?.cancel();
      const to = location ? (hostOf(new URL(location, url).toString()) ?? 'another address') : 'another address';
      throw (this.lastFailure = new TokenTransportError('redirect', host, to, response.status));
    }
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    let text: string;
    try {
      text = await response.text();
    } catch (err) {
      throw (this.lastFailure = classifyFetchError(err, host));
    }
    try {
      return { headers, body: JSON.parse(text) as T, status: response.status };
    } catch {
      const contentType = (headers['content-type'] ?? 'no content type').split(';')[0].trim();
      throw (this.lastFailure = new TokenTransportError('badResponse', host, contentType || 'an empty body', response.status));
    }
  }
}

function classifyFetchError(err: unknown, host: string): TokenTransportError {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return new TokenTransportError('timeout', host, 'timeout');
  const cause = err instanceof Error ? (err.cause as { code?: unknown; message?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_FAIL') return new TokenTransportError('dns', host, code);
  if (code === 'ECONNREFUSED') return new TokenTransportError('refused', host, code);
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return new TokenTransportError('reset', host, code);
  if (code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'ETIMEDOUT') return new TokenTransportError('timeout', host, code);
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(code)) return new TokenTransportError('tls', host, code);
  const detail = code || (typeof cause?.message === 'string' ? cause.message : '') || (err instanceof Error ? err.message : 'unknown error');
  return new TokenTransportError('network', host, detail);
}

/** Rejects as soon as the signal aborts, with the token side's abort error; the shared request keeps going. */
function raceAbortToken<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  return raceAbort(promise, signal, abortError);
}
