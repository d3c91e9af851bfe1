// The one error type of the Fabric HTTP side. It carries what a user needs to act (kind, status, Fabric's
// stable errorCode, a redacted message, the request id) and the last raw exchange for the "raw" view.
import { redact } from '../redact';
import { describeError } from '../text';
import type { FabricErrorInfo, FabricErrorKind, HttpExchange } from './types';

/** Longest body kept in an HttpExchange for display; the rest is cut with a note. */
export const DISPLAY_BODY_LIMIT = 64 * 1024;
/** Longest excerpt of an unexpected (non-JSON) body quoted in an error message. */
const EXCERPT_LIMIT = 200;

export class FabricError extends Error {
  readonly info: FabricErrorInfo;
  /** The last HTTP exchange of the failed call (Authorization redacted, bodies truncated and redacted). */
  readonly exchange?: HttpExchange;
  /** HTTP attempts made by the failed call (1 + retries); 0 when nothing was sent. */
  readonly attempts: number;
  /** The answer was such that every other batch of a run would get it too (e.g. a proxy's sign-in page). */
  readonly everyBatchWouldRepeat: boolean;

  constructor(info: FabricErrorInfo, options: { exchange?: HttpExchange; attempts?: number; cause?: unknown; everyBatchWouldRepeat?: boolean } = {}) {
    const safe: FabricErrorInfo = { ...info, message: redact(info.message) };
    // One line for logs and notifications: "HTTP 500 UnknownError: … (request id …)".
    super(describeError(safe, { kind: false }), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FabricError';
    this.info = safe;
    this.exchange = options.exchange;
    this.attempts = options.attempts ?? 0;
    this.everyBatchWouldRepeat = options.everyBatchWouldRepeat ?? false;
  }

  get kind(): FabricErrorKind {
    return this.info.kind;
  }
}

/** Fabric's ErrorResponse (common/definitions.json); every field optional because bodies vary. */
interface ErrorResponseBody {
  errorCode?: unknown;
  message?: unknown;
  requestId?: unknown;
  moreDetails?: Array<{ errorCode?: unknown; message?: unknown }>;
}

/**
 * Turns a non-2xx response into error info. JSON ErrorResponse bodies give errorCode/message/requestId;
 * a body that is not JSON becomes a 'badResponse' with a short excerpt, so an HTML error page from a proxy
 * is recognisable without flooding the UI.
 */
export function errorInfoFromResponse(status: number, headers: Record<string, string>, bodyText: string): FabricErrorInfo {
  const headerRequestId = headers['x-ms-request-id'] || undefined;
  const trimmed = bodyText.trim();
  if (trimmed === '') {
    return { kind: 'http', status, message: withHint(status, `Fabric answered HTTP ${status} with an empty body.`), requestId: headerRequestId };
  }
  const parsed = tryParseJson(trimmed);
  if (parsed === undefined || typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { kind: 'badResponse', status, message: `Fabric answered HTTP ${status} with a body that is not JSON: "${excerpt(trimmed)}"`, requestId: headerRequestId };
  }
  const body = parsed as ErrorResponseBody;
  const errorCode = typeof body.errorCode === 'string' ? body.errorCode : undefined;
  const details = Array.isArray(body.moreDetails)
    ? body.moreDetails
        .map(d => [typeof d?.errorCode === 'string' ? d.errorCode : '', typeof d?.message === 'string' ? d.message : ''].filter(Boolean).join(': '))
        .filter(Boolean)
    : [];
  const main = typeof body.message === 'string' && body.message ? body.message : `Fabric answered HTTP ${status}.`;
  const message = details.length ? `${main} (${details.join('; ')})` : main;
  return {
    kind: 'http',
    status,
    errorCode,
    message: withHint(status, message),
    requestId: (typeof body.requestId === 'string' && body.requestId) || headerRequestId,
  };
}

/** Adds what to do for the statuses whose cause is on the user's side. */
function withHint(status: number, message: string): string {
  if (status === 401) return `${message} The token was rejected: it expired or was issued for another audience.`;
  if (status === 403) {
    return `${message} The service principal may not call this endpoint: add it to the workspace (Contributor or higher) and check that the tenant setting "Service principals can use Fabric APIs" is on.`;
  }
  return message;
}

/** Converts anything thrown (a token supplier's error, a bug) into FabricErrorInfo for a BatchOutcome. */
export function toFabricErrorInfo(error: unknown): FabricErrorInfo {
  if (error instanceof FabricError) return error.info;
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'network', message: redact(message) };
}

/** Wraps a failure of the token supplier: kind 'auth', errorCode "AADSTS…" when the message names one. */
export function authError(error: unknown): FabricError {
  if (error instanceof FabricError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const own = (error as { aadsts?: unknown; errorCode?: unknown; code?: unknown } | null) ?? {};
  const aadsts = typeof own.aadsts === 'number' ? String(own.aadsts) : /AADSTS(\d+)/.exec(message)?.[1];
  const errorCode = aadsts
    ? `AADSTS${aadsts}`
    : typeof own.errorCode === 'string'
      ? own.errorCode
      : typeof own.code === 'string'
        ? own.code
        : undefined;
  return new FabricError({ kind: 'auth', errorCode, message: `Could not get a Fabric token: ${message}` }, { cause: error });
}

export function abortedError(exchange?: HttpExchange, attempts = 0): FabricError {
  return new FabricError({ kind: 'aborted', message: 'Cancelled.' }, { exchange, attempts });
}

/** Cuts a body for display, saying how much was left out. */
export function truncateForDisplay(text: string, limit = DISPLAY_BODY_LIMIT): string {
  return text.length > limit ? `${text.slice(0, limit)}… [truncated: ${text.length} characters in total]` : text;
}

/** Redacted before it is joined into one line and cut, so that neither can break a secret in two. */
function excerpt(text: string): string {
  const oneLine = redact(text).replace(/\s+/g, ' ');
  return oneLine.length > EXCERPT_LIMIT ? `${oneLine.slice(0, EXCERPT_LIMIT)}…` : oneLine;
}

export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A body that should have been JSON but was not: badResponse with status and an excerpt. */
export function nonJsonSuccessInfo(status: number, headers: Record<string, string>, bodyText: string): FabricErrorInfo {
  const shown = bodyText.trim() === '' ? 'an empty body' : `a body that is not JSON: "${excerpt(bodyText.trim())}"`;
  return { kind: 'badResponse', status, message: `Fabric answered HTTP ${status} with ${shown}`, requestId: headers['x-ms-request-id'] || undefined };
}
