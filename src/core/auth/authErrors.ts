// Turns whatever msal-node (or the network under it) throws into an AuthError a user can act on.
// Entra answers with AADSTS codes; each code the users of this extension meet gets its own title and
// action, and every message names the code. Messages are built from fixed text, codes and host names
// only, then redacted, so a secret, a token or a request body can never end up in one.
import { errorMessage } from '../errorMessage';
import { AuthError as MsalAuthError } from '@azure/msal-node';
import { isGuid } from '../endpoints/endpointUrl';
import { redact } from '../redact';

export type AuthErrorKind =
  /** Entra answered with an error (an AADSTS code). */
  | 'entra'
  /** The credentials or settings are not usable; nothing was sent. */
  | 'invalidInput'
  /** The authority could not be reached (DNS, connection, TLS). */
  | 'network'
  | 'timeout'
  /** Something answered, but not like Entra (HTML page, proxy, captive portal). */
  | 'badResponse'
  | 'aborted'
  /** The call is made as the signed-in user, and nobody is signed in (or the user declined). */
  | 'signedOut'
  | 'unknown';

export interface AuthErrorInit {
  kind: AuthErrorKind;
  /** Short, e.g. "Invalid client secret". No trailing period. */
  title: string;
  /** What the user should do. */
  action: string;
  aadsts?: number;
  oauthError?: string;
  status?: number;
  traceId?: string;
  correlationId?: string;
}

/** A failure to get a token, explained. `message` is "AADSTS<code>: <title>. <action>" for Entra errors. */
export class AuthError extends Error {
  readonly kind: AuthErrorKind;
  readonly title: string;
  readonly action: string;
  readonly aadsts?: number;
  readonly oauthError?: string;
  readonly status?: number;
  /** Entra's trace and correlation IDs: what Microsoft support asks for. */
  readonly traceId?: string;
  readonly correlationId?: string;

  constructor(init: AuthErrorInit) {
    const head = init.aadsts !== undefined ? `AADSTS${init.aadsts}: ${init.title}` : init.title;
    super(redact(`${head}. ${init.action}`));
    // Code that handles cancellation generically looks at the name.
    this.name = init.kind === 'aborted' ? 'AbortError' : init.kind === 'timeout' ? 'TimeoutError' : 'AuthError';
    this.kind = init.kind;
    this.title = redact(init.title);
    this.action = redact(init.action);
    this.aadsts = init.aadsts;
    this.oauthError = init.oauthError;
    this.status = init.status;
    this.traceId = init.traceId;
    this.correlationId = init.correlationId;
  }
}

/**
 * Thrown by the token transport (tokenProvider.ts) for failures below HTTP. It extends msal's AuthError so
 * msal passes it through unchanged instead of flattening it into a bare "network_error".
 */
export class TokenTransportError extends MsalAuthError {
  constructor(
    readonly reason: 'dns' | 'refused' | 'reset' | 'tls' | 'timeout' | 'network' | 'badResponse' | 'redirect' | 'foreignTokenEndpoint',
    readonly host: string,
    readonly detail: string,
    readonly httpStatus?: number,
  ) {
    super('network_error', '', `${reason} ${host}: ${detail}`);
    // msal's AuthError constructor pins the prototype to itself; restore ours.
    Object.setPrototypeOf(this, TokenTransportError.prototype);
    this.name = 'TokenTransportError';
  }
}

const FABRIC_RESOURCE = 'https://api.fabric.microsoft.com';
const DOMAIN_RE = /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** A tenant is a GUID (Directory (tenant) ID) or a domain name such as contoso.onmicrosoft.com. */
export function isValidTenant(text: string): boolean {
  const t = text.trim();
  return isGuid(t) || DOMAIN_RE.test(t);
}

/** A client ID is the app registration's Application (client) ID: a GUID. */
export function isValidClientId(text: string): boolean {
  return isGuid(text.trim());
}

interface CodeText {
  title: string;
  action: string;
}

const SET_CREDENTIALS = 'Run "Fabric ML: Set Credentials"';
const ROTATE_SECRET = 'store it with "Fabric ML: Rotate Secret"';

/** Title and action per AADSTS code. */
const AADSTS_TEXT = new Map<number, CodeText>([
  [
    7000215,
    {
      title: 'Invalid client secret',
      action:
        'Entra does not accept this secret for the app. Most often the secret ID was pasted instead of the secret value: ' +
        'in the app registration open Certificates & secrets and copy the Value column (shown only right after the secret is created), ' +
        `or create a new secret, and ${ROTATE_SECRET}`,
    },
  ],
  [
    7000222,
    {
      title: 'Client secret expired',
      action: `The secret has passed its expiry date. Create a new client secret in the app registration (Certificates & secrets) and ${ROTATE_SECRET}`,
    },
  ],
  [
    7000218,
    {
      title: 'No client secret was sent',
      action: `The stored credentials have an empty client secret. ${SET_CREDENTIALS} and enter the secret value`,
    },
  ],
  [
    700016,
    {
      title: 'Application not found in this tenant',
      action:
        "The client ID is not an app registered in this tenant: either the client ID is wrong (use the app registration's Application (client) ID, " +
        "not its Object ID) or the tenant is wrong (use the Directory (tenant) ID where the app is registered). " +
        `${SET_CREDENTIALS} to correct them`,
    },
  ],
  [
    90002,
    {
      title: 'Tenant not found',
      action:
        "Check the tenant ID for a typo (Directory (tenant) ID on the app registration's Overview page) " +
        'and check the "fabricMl.cloud" setting: a tenant in a national cloud (US Government, China) is not found in the public cloud, and the other way round',
    },
  ],
  [
    900023,
    {
      title: 'Invalid tenant identifier',
      action: `The tenant must be a GUID (Directory (tenant) ID) or a verified domain such as contoso.onmicrosoft.com. ${SET_CREDENTIALS} to correct it`,
    },
  ],
  [
    1002012,
    {
      title: 'Invalid scope',
      action:
        `The client-credentials flow needs the scope ${FABRIC_RESOURCE}/.default. ` +
        'If a custom authority or a proxy rewrites token requests, check its configuration',
    },
  ],
  [
    70011,
    {
      title: 'Invalid or missing scope',
      action:
        `The token request must ask for the scope ${FABRIC_RESOURCE}/.default. ` +
        'If a custom authority or a proxy rewrites token requests, check its configuration',
    },
  ],
  [
    500011,
    {
      title: 'Fabric API not found in this tenant',
      action:
        `The resource ${FABRIC_RESOURCE} is not registered in this tenant. Check that the tenant uses Microsoft Fabric ` +
        'and that the "fabricMl.cloud" setting matches the cloud of the tenant',
    },
  ],
  [
    53003,
    {
      title: 'Blocked by Conditional Access',
      action:
        'A Conditional Access policy for workload identities blocks this service principal (for example from this network location). ' +
        "Ask your Entra administrator to check the service principal's sign-in logs",
    },
  ],
  [
    50196,
    {
      title: 'Too many token requests',
      action: 'Entra detected a request loop and is throttling this app. Wait a minute, then try again',
    },
  ],
  [
    900144,
    {
      title: 'Incomplete token request',
      action: 'A required parameter was missing from the token request. If a proxy or custom authority rewrites token requests, check its configuration',
    },
  ],
  [
    7000112,
    {
      title: 'Application is disabled',
      action: 'The app registration or its service principal is disabled in this tenant. Ask your Entra administrator to enable it',
    },
  ],
]);

/** Maps anything thrown while getting a token to an AuthError with a distinct, actionable message. */
export function explainAuthError(err: unknown): AuthError {
  if (err instanceof AuthError) return err;
  if (err instanceof TokenTransportError) return transportError(err);
  if (isAbortLike(err)) return abortError(err);
  if (err instanceof MsalAuthError) {
    const code = aadstsCode(err);
    if (code !== undefined) return entraError(err, code);
    return msalClientError(err);
  }
  const text = errorMessage(err);
  return new AuthError({ kind: 'unknown', title: 'Could not get a Fabric token', action: `Unexpected failure: ${clip(text)}` });
}

/** The AuthError used when the caller's signal aborts a token request. */
export function abortError(reason?: unknown): AuthError {
  if (isTimeout(reason)) {
    return new AuthError({ kind: 'timeout', title: 'The token request timed out', action: 'Check the network connection and proxy, then try again' });
  }
  return new AuthError({ kind: 'aborted', title: 'The token request was cancelled', action: 'Nothing was changed; run the command again when ready' });
}

function entraError(err: MsalAuthError, code: number): AuthError {
  const text = AADSTS_TEXT.get(code);
  const status = (err as { status?: unknown }).status;
  const description = (err.errorMessage || '').match(/Description:\s*AADSTS\d+:\s*([^\r\n]*)/)?.[1];
  return new AuthError({
    kind: 'entra',
    aadsts: code,
    title: text?.title ?? 'Entra ID rejected the token request',
    action:
      text?.action ??
      `${description ? `Entra says: ${clip(description)} ` : ''}Look the code up at https://login.microsoftonline.com/error?code=${code}`,
    oauthError: isOAuthErrorCode(err.errorCode) ? err.errorCode : undefined,
    status: typeof status === 'number' ? status : undefined,
    traceId: (err.errorMessage || '').match(/Trace ID:\s*([0-9a-f-]{36})/i)?.[1],
    correlationId: err.correlationId || undefined,
  });
}

function aadstsCode(err: MsalAuthError): number | undefined {
  const errorNo = (err as { errorNo?: unknown }).errorNo;
  if (typeof errorNo === 'number' && errorNo > 0) return errorNo;
  if (typeof errorNo === 'string' && /^\d+$/.test(errorNo)) return Number(errorNo);
  const fromText = /AADSTS(\d+)/.exec(`${err.errorMessage} ${err.message}`);
  if (fromText) return Number(fromText[1]);
  // A throttled replay from msal's cache carries the codes in errorCode ("50196").
  if (/^\d{4,}$/.test(err.errorCode)) return Number(err.errorCode);
  return undefined;
}

function isOAuthErrorCode(code: string): boolean {
  return /^[a-z_]+$/.test(code) && code !== 'network_error';
}

function msalClientError(err: MsalAuthError): AuthError {
  switch (err.errorCode) {
    case 'authority_uri_insecure':
      return new AuthError({
        kind: 'invalidInput',
        title: 'The authority must use https',
        action: 'Set "fabricMl.customAuthorityHost" to an https:// address (http:// is allowed only for a local test server with "fabricMl.allowLoopbackEndpoints")',
      });
    case 'url_parse_error':
    case 'empty_url_error':
    case 'untrusted_authority':
    case 'invalid_authority_metadata':
    case 'invalid_cloud_discovery_metadata':
      return new AuthError({
        kind: 'invalidInput',
        title: `The authority is not usable (${err.errorCode})`,
        action: 'Check the "fabricMl.cloud" and "fabricMl.customAuthorityHost" settings and the tenant ID',
      });
    case 'endpoints_resolution_error':
      return new AuthError({
        kind: 'badResponse',
        title: 'The authority did not describe its endpoints',
        action: 'The sign-in host did not return valid OpenID metadata. Check the "fabricMl.cloud" and "fabricMl.customAuthorityHost" settings',
      });
    case 'missing_tenant_id_error':
      return new AuthError({
        kind: 'invalidInput',
        title: 'A specific tenant is required',
        action: `Service principals sign in to one tenant; "common" and "organizations" are not allowed. ${SET_CREDENTIALS} with the Directory (tenant) ID`,
      });
    case 'invalid_client_credential':
      return new AuthError({ kind: 'invalidInput', title: 'The client secret is empty', action: `${SET_CREDENTIALS} and enter the secret value` });
    case 'token_parsing_error':
      return new AuthError({
        kind: 'badResponse',
        title: 'The sign-in host did not answer with JSON',
        action: 'A proxy, firewall or captive portal may be answering instead of Entra. Check the network and the authority settings',
      });
    case 'network_error':
      return new AuthError({
        kind: 'network',
        title: 'Could not reach the sign-in host',
        action: 'Check the network connection, the proxy and the "fabricMl.cloud" setting',
      });
    default:
      return new AuthError({
        kind: 'unknown',
        title: `Could not get a Fabric token (${err.errorCode || err.name})`,
        action: clip(err.errorMessage || err.message),
      });
  }
}

function transportError(err: TokenTransportError): AuthError {
  const host = err.host;
  switch (err.reason) {
    case 'dns':
      return new AuthError({
        kind: 'network',
        title: `Cannot resolve the sign-in host ${host}`,
        action: 'Check the network connection and DNS, and the "fabricMl.cloud" / "fabricMl.customAuthorityHost" settings (a typo in a custom host looks like this)',
      });
    case 'refused':
      return new AuthError({
        kind: 'network',
        title: `The sign-in host ${host} refused the connection`,
        action: 'Check the proxy and firewall, and for a local test server that it is running',
      });
    case 'reset':
      return new AuthError({
        kind: 'network',
        title: `The connection to the sign-in host ${host} was closed before an answer`,
        action: 'A proxy or firewall may be dropping the request. Try again, then check the network',
      });
    case 'tls':
      return new AuthError({
        kind: 'network',
        title: `Secure connection to the sign-in host ${host} failed (${err.detail})`,
        action: 'A proxy that inspects HTTPS may need its certificate trusted by VS Code. Check the proxy settings',
      });
    case 'timeout':
      return new AuthError({
        kind: 'timeout',
        title: `The sign-in host ${host} did not answer in time`,
        action: 'Check the network connection and proxy, then try again',
      });
    case 'redirect':
      return new AuthError({
        kind: 'badResponse',
        status: err.httpStatus,
        title: `The sign-in host ${host} redirected the token request to ${err.detail}`,
        action: 'Redirects are not followed, so that the client secret is sent only to the authority. Check the "fabricMl.cloud" / "fabricMl.customAuthorityHost" settings and the proxy',
      });
    case 'foreignTokenEndpoint':
      return new AuthError({
        kind: 'invalidInput',
        title: `The authority ${host} names a token endpoint on another host (${err.detail})`,
        action: 'The client secret is sent only to the authority\'s own host. Check the "fabricMl.customAuthorityHost" setting',
      });
    case 'badResponse':
      return new AuthError({
        kind: 'badResponse',
        status: err.httpStatus,
        title: `The sign-in host ${host} answered HTTP ${err.httpStatus ?? '?'} with ${err.detail} instead of JSON`,
        action: 'A proxy, firewall or captive portal may be answering instead of Entra. Check the network and the authority settings',
      });
    default:
      return new AuthError({
        kind: 'network',
        title: `Could not reach the sign-in host ${host} (${err.detail})`,
        action: 'Check the network connection, the proxy and the "fabricMl.cloud" setting',
      });
  }
}

function isAbortLike(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || err.name === 'TimeoutError');
}

function isTimeout(reason: unknown): boolean {
  return reason instanceof Error && reason.name === 'TimeoutError';
}

function clip(text: string, max = 300): string {
  const oneLine = redact(text).replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}
