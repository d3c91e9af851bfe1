// Fabric long-running operations (reference §1.7): a 202 carries Location (the operation URL, followed
// verbatim; a relative one is resolved against the endpoint's origin), x-ms-operation-id and Retry-After.
// Poll until Succeeded or Failed; on success the poll's Location names the result. Every wait honours Retry-After with a floor and stops when the signal aborts.
import { FabricError } from './fabricError';
import { parseRetryAfter } from './retry';
import type { HttpExchange, LroProgress } from './types';

/** What the poller needs from one HTTP answer. */
export interface LroAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  exchange: HttpExchange;
}

export interface LroDriver {
  /** GET with the client's auth, host check, retries and timeout. */
  get(url: string): Promise<LroAnswer>;
  /** Cancellable wait; rejects with the client's 'aborted' error. */
  wait(ms: number): Promise<void>;
  /** Smallest wait between polls, whatever Retry-After says (Fabric may say 0). */
  pollFloorMs: number;
  /** Longest wait between polls, whatever Retry-After says (the user's Retry-After cap). */
  maxPollWaitMs: number;
  /** Longest the whole operation may take; past it the call fails with kind 'timeout'. */
  operationTimeoutMs: number;
  /** `https://host/v1`: builds the operation URL when a 202 has x-ms-operation-id but no Location. */
  apiBase: string;
  onProgress?: (progress: LroProgress) => void;
}

export interface OperationOutcome {
  /** Where the result can be read: the Location of the final poll, else `{operation}/result`. */
  resultUrl: string;
  final: LroAnswer;
  polls: number;
}

/** `OperationState` statuses that end polling. */
const SUCCEEDED = 'succeeded';
const FAILED = new Set(['failed', 'cancelled', 'canceled']);

/** Polls the operation started by `accepted` (a 202) until it ends. Throws FabricError 'lroFailed' on failure. */
export async function waitForOperation(accepted: LroAnswer, driver: LroDriver): Promise<OperationOutcome> {
  const located = (answer: LroAnswer): string | undefined => resolveLocation(answer.headers['location'], driver.apiBase);
  const operationUrl = located(accepted) ?? operationUrlFromId(accepted, driver.apiBase);
  let pollUrl = operationUrl;
  let waitHint = accepted.headers['retry-after'];
  let polls = 0;
  const deadline = Date.now() + driver.operationTimeoutMs;
  driver.onProgress?.({ status: 'Accepted' });
  for (;;) {
    const asked = Math.max(driver.pollFloorMs, parseRetryAfter(waitHint) ?? 0);
    const wait = Math.min(asked, driver.maxPollWaitMs, Math.max(0, deadline - Date.now()));
    await driver.wait(wait);
    if (Date.now() >= deadline) {
      throw new FabricError(
        {
          kind: 'timeout',
          status: accepted.status,
          message: `The Fabric operation did not finish within ${(driver.operationTimeoutMs / 1000).toFixed(driver.operationTimeoutMs < 10_000 ? 1 : 0)} s (${polls} polls). It may still complete in Fabric; try again later or with fewer rows.`,
          requestId: accepted.headers['x-ms-request-id'] || undefined,
        },
        { exchange: accepted.exchange, attempts: 1 },
      );
    }
    const answer = await driver.get(pollUrl);
    polls++;
    const state = readOperationState(answer);
    driver.onProgress?.({ status: state.status, percentComplete: state.percentComplete });
    const status = state.status.toLowerCase();
    if (status === SUCCEEDED) {
      return { resultUrl: located(answer) ?? `${operationUrl.replace(/\/+$/, '')}/result`, final: answer, polls };
    }
    if (FAILED.has(status)) {
      const error = state.error ?? {};
      // No HTTP status: the poll itself succeeded (200); what failed is the operation, named by its error code.
      throw new FabricError(
        {
          kind: 'lroFailed',
          errorCode: typeof error.errorCode === 'string' ? error.errorCode : undefined,
          message: `The Fabric operation ended as ${state.status}: ${typeof error.message === 'string' && error.message ? error.message : 'no reason given.'}`,
          requestId: (typeof error.requestId === 'string' && error.requestId) || answer.headers['x-ms-request-id'] || undefined,
        },
        { exchange: answer.exchange, attempts: 1 },
      );
    }
    // Running / NotStarted / Undefined (and statuses Fabric may add): keep polling where Fabric says.
    pollUrl = located(answer) ?? pollUrl;
    waitHint = answer.headers['retry-after'];
  }
}

interface OperationState {
  status: string;
  percentComplete?: number;
  error?: { errorCode?: unknown; message?: unknown; requestId?: unknown };
}

function readOperationState(answer: LroAnswer): OperationState {
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    body = undefined;
  }
  const status = (body as { status?: unknown } | undefined)?.status;
  if (typeof body !== 'object' || body === null || typeof status !== 'string') {
    throw new FabricError(
      { kind: 'badResponse', status: answer.status, message: 'The Fabric operation state has no "status" field.', requestId: answer.headers['x-ms-request-id'] || undefined },
      { exchange: answer.exchange, attempts: 1 },
    );
  }
  const state = body as { percentComplete?: unknown; error?: OperationState['error'] };
  return {
    status,
    percentComplete: typeof state.percentComplete === 'number' ? state.percentComplete : undefined,
    error: typeof state.error === 'object' && state.error !== null ? state.error : undefined,
  };
}

function operationUrlFromId(accepted: LroAnswer, apiBase: string): string {
  const id = accepted.headers['x-ms-operation-id'];
  if (!id) {
    throw new FabricError(
      { kind: 'badResponse', status: accepted.status, message: 'Fabric accepted the request (202) but sent neither Location nor x-ms-operation-id to follow.', requestId: accepted.headers['x-ms-request-id'] || undefined },
      { exchange: accepted.exchange, attempts: 1 },
    );
  }
  return `${apiBase}/operations/${encodeURIComponent(id)}`;
}

/**
 * The URL a Location header names: absolute as sent, or a relative one (`/v1/operations/x`) resolved against
 * the endpoint's origin. Undefined when there is none. Whether the token may go there is the client's check.
 */
export function resolveLocation(location: string | undefined, apiBase: string): string | undefined {
  const text = location?.trim();
  if (!text) return undefined;
  try {
    return new URL(text, `${new URL(apiBase).origin}/`).toString();
  } catch {
    return text;
  }
}
