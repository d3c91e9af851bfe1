// Test connection, as data: turns what happened (refused before sending, token outcome, metadata outcome)
// into report lines and one actionable failure. Pure: the command shows it, tests assert it.
import { errorMessage } from '../errorMessage';
import { explainAuthError } from '../auth';
import { redact } from '../redact';
import type { FabricErrorInfo, FabricErrorKind } from '../fabric/types';
import type { EndpointVersionInfo } from './model';

/** cancelled: the user stopped the test; nothing is concluded about the endpoint. */
export type ConnectionOutcome = 'ok' | 'warning' | 'failed' | 'cancelled';
export type CheckResult = 'ok' | 'info' | 'warning' | 'failed' | 'skipped';

export interface ConnectionCheck {
  name: 'setup' | 'token' | 'endpoint' | 'status' | 'autoSleep';
  result: CheckResult;
  text: string;
}

export interface ConnectionFailure {
  stage: 'setup' | 'token' | 'endpoint';
  /** Stable code to branch on: "AADSTS7000215", "HTTP 403", "timeout", "dns", "credentialsMissing", "authorityChanged", … */
  code: string;
  /** What went wrong, one sentence. */
  title: string;
  /** What to do about it. */
  action: string;
}

export interface ConnectionReport {
  endpointId: string;
  endpointName: string;
  outcome: ConnectionOutcome;
  /** The notification text. */
  summary: string;
  checks: ConnectionCheck[];
  failure?: ConnectionFailure;
  version?: { name: string; status: string; scaleRule?: string; autoSleep?: boolean; usesDefaultVersion: boolean };
  /** Technical lines for the log (already redacted). */
  details: string[];
}

export type Outcome<T> = ({ ok: true; ms?: number } & T) | { ok: false; error: unknown };

export interface ConnectionAttempt {
  endpointId: string;
  endpointName: string;
  profileLabel?: string;
  /** Who called: the signed-in user or a service principal (the default). Fabric's 401/403 advice differs. */
  caller?: Caller;
  /** Host of the endpoint, for network messages. */
  host?: string;
  /**
   * Set when the attempt was refused before anything was sent: a code, what went wrong (user-facing) and,
   * when the refusal names one separately, what to do about it.
   */
  refusal?: { code: string; message: string; action?: string };
  token?: Outcome<object>;
  metadata?: Outcome<{ info: EndpointVersionInfo; usesDefaultVersion: boolean }>;
}

/**
 * The refusal (code "authorityChanged") of credentials stored for another Entra authority than the one the
 * settings name now: sending them would hand the client secret to that host.
 */
export function describeAuthorityChange(storedFor: string, current: string, profileLabel: string): { title: string; action: string } {
  return {
    title: `The sign-in authority changed from ${storedFor} to ${current} since the credentials of "${profileLabel}" were stored.`,
    action: 'To send them there, run "Fabric ML: Set Credentials" again for this profile.',
  };
}

const AUTO_SLEEP = 'AllowScaleToZero';
const ALWAYS_ON = 'AlwaysOn';

/** Error info of a FabricError (duck-typed: the bundle and tests may hold different class copies). */
export function fabricInfoOf(error: unknown): FabricErrorInfo | undefined {
  const info = (error as { info?: Partial<FabricErrorInfo> } | null)?.info;
  return info && typeof info.kind === 'string' && typeof info.message === 'string' ? (info as FabricErrorInfo) : undefined;
}

/** A token failure as an actionable failure, from the AADSTS code when there is one. */
export function explainTokenFailure(error: unknown): ConnectionFailure {
  // The Fabric client wraps token failures as kind 'auth'; explain the original MSAL error.
  const info = fabricInfoOf(error);
  const original = info?.kind === 'auth' && error instanceof Error && error.cause !== undefined ? error.cause : error;
  const explained = explainAuthError(original);
  const code = explained.aadsts !== undefined ? `AADSTS${explained.aadsts}` : `token:${explained.kind}`;
  const title = explained.aadsts !== undefined ? `AADSTS${explained.aadsts}: ${explained.title}.` : `${explained.title}.`;
  return { stage: 'token', code, title: redact(title), action: redact(sentence(explained.action)) };
}

function sentence(text: string): string {
  const t = text.trim();
  return !t || /[.!?]$/.test(t) ? t : `${t}.`;
}

/**
 * Any failure of opening a session or reading metadata, explained: a refusal before sending (credentials
 * missing, untrusted workspace, host not allowed), a token failure, or a Fabric HTTP/network failure.
 */
export function explainFailure(error: unknown, host?: string, caller: Caller = 'servicePrincipal'): ConnectionFailure {
  const info = fabricInfoOf(error);
  if (info) return info.kind === 'auth' ? explainTokenFailure(error) : explainFabricFailure(info, host, caller);
  const e = error as { name?: unknown; reason?: unknown; message?: unknown; kind?: unknown; title?: unknown; action?: unknown } | null;
  if (e && e.name === 'SessionRefusedError' && typeof e.message === 'string') {
    // A refusal may carry its action apart from what went wrong (then the message is both).
    const action = typeof e.action === 'string' ? e.action : '';
    const title = action && typeof e.title === 'string' ? e.title : e.message;
    return { stage: 'setup', code: typeof e.reason === 'string' ? e.reason : 'refused', title: redact(title), action: redact(action) };
  }
  if (e && typeof e.kind === 'string' && typeof e.title === 'string' && typeof e.action === 'string') return explainTokenFailure(error);
  if (e && e.name === 'NoDefaultVersionError' && typeof e.message === 'string') {
    return { stage: 'endpoint', code: 'noDefaultVersion', title: 'The model has no default endpoint version.', action: 'Set a default version in Fabric, or edit the endpoint to use a score URL that names a version (…/endpoint/versions/<n>/score).' };
  }
  const message = errorMessage(error);
  return { stage: 'endpoint', code: 'unexpected', title: redact(message), action: 'The "Fabric ML" log has details.' };
}

/** Who made the call: the advice for a refused token or a missing role depends on it. */
export type Caller = 'user' | 'servicePrincipal';

/** A failed Fabric call (after the token was issued) as an actionable failure. */
export function explainFabricFailure(info: FabricErrorInfo, host?: string, caller: Caller = 'servicePrincipal'): ConnectionFailure {
  const where = host ?? 'the Fabric API host';
  const status = info.status;
  const errorCode = info.errorCode;
  /** "<what> (<status>, <errorCode>)<rest>." */
  const head = (what: string, statusText: string, rest = ''): string => `${what} (${statusText}${errorCode && errorCode !== statusText.replace(/^\d+ /, '') ? `, ${errorCode}` : ''})${rest}.`;
  const kind: FabricErrorKind = info.kind;
  if (kind === 'http' && status !== undefined) {
    if (status === 401) {
      if (errorCode === 'TokenExpired') {
        return fail(`HTTP ${status}`, 'Fabric says the token expired before it was checked (401 TokenExpired).', 'Test the connection again; if it keeps happening, check the computer\'s clock.');
      }
      if (caller === 'user') {
        return fail(
          `HTTP ${status}`,
          head('Fabric rejected your token', '401 Unauthorized'),
          'Sign out and in again (Accounts menu). If your organisation does not allow VS Code\'s sign-in app for Fabric, set "fabricMl.signIn.clientId" to an app it allows, and check that "fabricMl.cloud" matches your tenant\'s cloud.',
        );
      }
      return fail(
        `HTTP ${status}`,
        head('Fabric rejected the service principal\'s token', '401 Unauthorized'),
        'Entra issued the token, but Fabric did not accept it. Ask a Fabric admin to turn on the tenant setting "Service principals can use Fabric APIs" (Admin portal → Tenant settings → Developer settings) for this service principal, and check that "fabricMl.cloud" matches the tenant\'s cloud.',
      );
    }
    if (status === 403 && caller === 'user') {
      return fail(
        `HTTP ${status}`,
        head('Your account may not use this workspace or model', '403 Forbidden'),
        'Ask a workspace admin for the Contributor role or higher: scoring and activating need write permission on the ML model.',
      );
    }
    if (status === 403) {
      return fail(
        `HTTP ${status}`,
        head('The service principal may not use this workspace or model', '403 Forbidden'),
        'Add the app to the Fabric workspace (Manage access → Add people or groups) with the Contributor role or higher: scoring and activating need write permission on the ML model. If it is already a member, check the tenant setting "Service principals can use Fabric APIs".',
      );
    }
    if (status === 404) {
      return fail(
        `HTTP ${status}`,
        head('Fabric found no such endpoint', '404 Not Found', ': the workspace, model or version in the URL does not exist or has no endpoint'),
        'Copy the score URL again from the model version\'s Endpoint details in Fabric and edit the endpoint. Check the workspace ID, the model ID and the version number.',
      );
    }
    if (status === 429) {
      return fail(`HTTP ${status}`, `Fabric is throttling requests from ${caller === 'user' ? 'your account' : 'this service principal'} (429 Too Many Requests).`, 'Wait a minute, then test again.');
    }
    if (status >= 500) {
      const request = info.requestId ? ` Quote request id ${info.requestId} if you contact support.` : '';
      return fail(`HTTP ${status}`, head('Fabric had a server error', `HTTP ${status}`), `Try again in a few minutes.${request}`);
    }
    return fail(`HTTP ${status}`, head('Fabric refused the request', `HTTP ${status}`), redact(info.message));
  }
  switch (kind) {
    case 'timeout':
      return fail('timeout', `Fabric did not answer in time (${where}).`, 'Check the network and the proxy (VS Code\'s "http.proxy" setting), then test again.');
    case 'network': {
      const text = info.message;
      if (/ENOTFOUND|EAI_AGAIN|EAI_NONAME|getaddrinfo/i.test(text)) {
        return fail('dns', `The host name ${where} could not be resolved (DNS).`, 'Check the host in the score URL, the network connection and VPN; behind a proxy set VS Code\'s "http.proxy".');
      }
      if (/ECONNREFUSED/i.test(text)) {
        return fail('connectionRefused', `Nothing accepted the connection at ${where} (connection refused).`, 'Check the host and port in the score URL, and that a firewall or proxy does not block it.');
      }
      if (/CERT|SSL|TLS|self.signed|UNABLE_TO_VERIFY/i.test(text)) {
        return fail('tls', `The TLS certificate of ${where} was not accepted.`, 'A proxy that inspects HTTPS may be in the way: configure VS Code\'s "http.proxy" and "http.proxyStrictSSL", or ask IT for the proxy\'s certificate.');
      }
      return fail('network', `The connection to ${where} failed.`, `Check the network and the proxy, then test again. (${redact(text)})`);
    }
    case 'hostNotAllowed':
      return fail('hostNotAllowed', redact(info.message), 'Use a score URL on api.fabric.microsoft.com. Local test servers need the user setting "fabricMl.allowLoopbackEndpoints".');
    case 'badResponse':
      return fail('badResponse', 'Fabric\'s answer was not the JSON the API documents.', `A proxy or sign-in page may be answering instead of Fabric. (${redact(info.message)})`);
    case 'aborted':
      return fail('cancelled', 'The test was cancelled.', 'Run Test Connection again.');
    case 'auth':
      // A token failure without its original error: explain it from the text, which names the AADSTS code.
      return explainTokenFailure(new Error(info.message));
    default:
      return fail(kind, redact(info.message), 'Test the connection again; the log has details.');
  }
}

function fail(code: string, title: string, action: string): ConnectionFailure {
  return { stage: 'endpoint', code, title, action };
}

/** The status line of a version: Active is fine, anything else needs attention before a Dataflow runs. */
export function describeStatus(info: EndpointVersionInfo): ConnectionCheck {
  const v = `Version ${info.versionName}`;
  switch (info.status) {
    case 'Active':
      return { name: 'status', result: 'ok', text: `${v} is Active.` };
    case 'Deactivated':
      return { name: 'status', result: 'warning', text: `${v} is inactive (Deactivated): activate it in Fabric before the Dataflow runs.` };
    case 'Activating':
      return { name: 'status', result: 'warning', text: `${v} is Activating: wait until it is Active before the Dataflow runs.` };
    case 'Deactivating':
      return { name: 'status', result: 'warning', text: `${v} is Deactivating: it will stop answering; activate it in Fabric before the Dataflow runs.` };
    case 'Failed': {
      const why = [info.failureDetails?.errorCode, info.failureDetails?.message].filter(Boolean).join(': ');
      return { name: 'status', result: 'warning', text: `${v} failed to activate${why ? ` (${redact(why)})` : ''}: fix the model in Fabric and activate the version again.` };
    }
    default:
      return { name: 'status', result: 'warning', text: `${v} reports the status "${redact(String(info.status))}", which is not a documented status: check it in Fabric before the Dataflow runs.` };
  }
}

export function describeAutoSleep(info: EndpointVersionInfo): ConnectionCheck {
  if (info.scaleRule === AUTO_SLEEP) {
    return { name: 'autoSleep', result: 'info', text: 'Auto-sleep is on: the first call after idle is slow (the endpoint sleeps after 5 minutes without requests). Turn it off for production refreshes.' };
  }
  if (info.scaleRule === ALWAYS_ON) return { name: 'autoSleep', result: 'ok', text: 'Auto-sleep is off (always on).' };
  return { name: 'autoSleep', result: 'info', text: info.scaleRule ? `Auto-sleep: unknown scale rule "${redact(info.scaleRule)}".` : 'Auto-sleep: Fabric did not report a scale rule.' };
}

/** True when the version status is one of those Fabric documents as ready to score. */
export function isActive(info: EndpointVersionInfo): boolean {
  return info.status === 'Active';
}

export function buildConnectionReport(attempt: ConnectionAttempt): ConnectionReport {
  const name = attempt.endpointName;
  const checks: ConnectionCheck[] = [];
  const details: string[] = [];
  const report = (outcome: ConnectionOutcome, summary: string, failure?: ConnectionFailure, version?: ConnectionReport['version']): ConnectionReport => ({
    endpointId: attempt.endpointId,
    endpointName: name,
    outcome,
    summary,
    checks,
    failure,
    version,
    details,
  });
  const failed = (failure: ConnectionFailure): ConnectionReport => {
    details.push(`Failure: ${failure.code}: ${failure.title} ${failure.action}`);
    return report('failed', `Test connection failed for "${name}": ${failure.title} ${failure.action}`, failure);
  };

  if (attempt.refusal) {
    const { code, message, action = '' } = attempt.refusal;
    const text = action ? `${message} ${action}` : message;
    checks.push({ name: 'setup', result: 'failed', text });
    checks.push({ name: 'token', result: 'skipped', text: 'Token: not requested.' });
    checks.push({ name: 'endpoint', result: 'skipped', text: 'Endpoint: not called.' });
    const failure: ConnectionFailure = { stage: 'setup', code, title: message, action };
    details.push(`Refused before sending anything: ${text}`);
    return report('failed', `Test connection failed for "${name}": ${text}`, failure);
  }

  const token = attempt.token;
  if (!token || !token.ok) {
    const failure = token ? explainTokenFailure(token.error) : { stage: 'token' as const, code: 'token', title: 'No token was requested.', action: '' };
    checks.push({ name: 'token', result: 'failed', text: `Token: ${failure.title}` });
    checks.push({ name: 'endpoint', result: 'skipped', text: 'Endpoint: not called (no token).' });
    if (token && !token.ok) details.push(`Token error: ${errorText(token.error)}`);
    return failed(failure);
  }
  const profile = attempt.profileLabel ? ` for "${attempt.profileLabel}"` : '';
  checks.push({ name: 'token', result: 'ok', text: `Token: OK (issued by Entra${profile}${token.ms !== undefined ? ` in ${token.ms} ms` : ''}).` });

  const metadata = attempt.metadata;
  if (!metadata || !metadata.ok) {
    const info = metadata ? fabricInfoOf(metadata.error) : undefined;
    const failure: ConnectionFailure = metadata
      ? explainFailure(metadata.error, attempt.host, attempt.caller)
      : { stage: 'endpoint', code: 'unexpected', title: 'The endpoint was not called.', action: 'Test the connection again; the log has details.' };
    checks.push({ name: 'endpoint', result: 'failed', text: `Endpoint: ${failure.title}` });
    if (metadata && !metadata.ok) {
      details.push(`Endpoint error: ${errorText(metadata.error)}`);
      if (info?.requestId) details.push(`Request id: ${info.requestId}`);
    }
    return failed(failure);
  }

  const { info, usesDefaultVersion } = metadata;
  checks.push({
    name: 'endpoint',
    result: 'ok',
    text: `Endpoint: reachable (metadata read${metadata.ms !== undefined ? ` in ${metadata.ms} ms` : ''}${usesDefaultVersion ? `; the URL calls the default version, now ${info.versionName}` : ''}).`,
  });
  const status = describeStatus(info);
  const sleep = describeAutoSleep(info);
  checks.push(status, sleep);
  const version = {
    name: info.versionName,
    status: String(info.status),
    scaleRule: info.scaleRule,
    autoSleep: info.scaleRule === AUTO_SLEEP ? true : info.scaleRule === ALWAYS_ON ? false : undefined,
    usesDefaultVersion,
  };
  const sleepNote = info.scaleRule === AUTO_SLEEP ? ', auto-sleep on (the first call after idle is slow)' : info.scaleRule === ALWAYS_ON ? ', auto-sleep off' : '';
  if (status.result === 'ok') {
    return report('ok', `Connection to "${name}" OK: token OK, endpoint reachable, version ${info.versionName} Active${sleepNote}.`, undefined, version);
  }
  return report('warning', `Connected to "${name}" (token OK, endpoint reachable), but ${lowerFirst(status.text)}`, undefined, version);
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function errorText(error: unknown): string {
  const info = fabricInfoOf(error);
  if (info) {
    const parts = [info.kind, info.status !== undefined ? `HTTP ${info.status}` : '', info.errorCode ?? '', info.message, info.requestId ? `request id ${info.requestId}` : ''];
    return redact(parts.filter(Boolean).join(' | '));
  }
  return redact(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}
