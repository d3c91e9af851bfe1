// The Fabric REST client: metadata, activate/deactivate, scale rule and scoring, over global fetch.
// Every request (LRO Location and continuationUri included) passes the token-host check first, so the bearer
// token never leaves for a host that is not Fabric (or loopback when the user allowed it); an address the
// endpoint answered with must also stay on a loopback endpoint's own origin (scheme, host and port).
import { endpointUrl, FABRIC_API_HOSTS, hostOf, isLoopbackHost, isTokenHostAllowed, scoreUrl, versionUrl } from '../endpoints/endpointUrl';
import type { EndpointRef, EndpointVersionInfo, ModelEndpointInfo, ScaleRule } from '../endpoints/model';
import { redact, redactHeaders } from '../redact';
import {
  abortedError,
  authError,
  errorInfoFromResponse,
  FabricError,
  nonJsonSuccessInfo,
  truncateForDisplay,
  tryParseJson,
} from './fabricError';
import { resolveLocation, waitForOperation, type LroAnswer, type LroDriver } from './lro';

import { backoffMs, formatDuration, isRetryableStatus, parseRetryAfter, sleep, SleepAbortedError } from './retry';
import { buildScoreBody, readPredictions } from './scoreBody';
import type { FabricAnswer, FabricApi, FabricCallOptions, FabricRequest, HttpExchange, Orientation } from './types';

/** A score or activation that has not finished after this long is reported instead of polled for ever. */
const DEFAULT_OPERATION_TIMEOUT_MS = 15 * 60_000;

export interface FabricClientOptions {
  /** A bearer token for the Fabric API. May cache (MsalTokenSource does); runScoring calls it once per run. */
  getToken(signal?: AbortSignal): Promise<string>;
  /** Let the token go to 127.0.0.1 / localhost (local test servers). */
  allowLoopback: boolean;
  /** Timeout of one HTTP request, body included. */
  requestTimeoutMs: number;
  /** Retries after 429/503 or a dropped connection (not counting the first attempt). */
  maxRetries: number;
  /** Longest Retry-After honoured; a longer one fails the call at once. */
  maxRetryAfterMs: number;
  /** Smallest wait between LRO polls (default 1000 ms; tests use 0). */
  pollFloorMs?: number;
  /** Longest a long-running operation may take from its 202 to its end (default 15 min). */
  operationTimeoutMs?: number;
  /** One line per request (method, URL, status, ms), already redacted. */
  log?: (line: string) => void;
}

/** A bearer token, or a function giving the one to send now. */
export type TokenSupply = string | (() => string);

export interface ScoreBatchOptions {
  signal?: AbortSignal;
  /**
   * A token acquired once for a whole run, or how to read the run's token as each attempt goes out (a batch that
   * waited for its slot then goes with a token another batch renewed meanwhile); without it the client asks getToken.
   */
  token?: TokenSupply;
  onProgress?: FabricCallOptions['onProgress'];
  /** The output signature's column names: record-shaped predictions are read by these names. */
  outputColumns?: readonly string[];
  /** The run's concurrency slot for this batch's score POST: taken before each attempt, told of each answer. */
  slot?: RequestSlot;
}

/**
 * Lets a scoring run count the requests it has at the endpoint (its concurrency, fixed or adaptive). The slot is
 * taken once the body is ready, just before each attempt goes out, and the run hears of the answer as soon as its
 * status and headers are in, before the body is read: a slot it frees then is used by the next batch at once.
 */
export interface RequestSlot {
  /** Resolves when the attempt may be sent. */
  take(signal?: AbortSignal): Promise<void>;
  /** The endpoint answered the attempt (headers in, body not read yet). Not called when the connection failed. */
  answered(answer: SlotAnswer): void;
}

export interface SlotAnswer {
  status: number;
  /** From sending the attempt to its headers. */
  latencyMs: number;
  /** The answer says its body is JSON (Content-Type). */
  json: boolean;
  /** Retry-After of a 429/503, when it had one. */
  retryAfterMs?: number;
}

export interface ScoreBatchResult {
  /** One prediction row per input row, in input order. */
  predictions: unknown[][];
  /** The last exchange (the score POST, or the LRO result GET). */
  exchange: HttpExchange;
  /** HTTP attempts of the score POST (1 + retries). */
  attempts: number;
  /** Names of the prediction columns when predictions were objects: the output signature's names, then other keys. */
  columns?: string[];
}

/** What runScoring needs from a client; FabricClient implements it. */
export interface BatchScorer {
  /** Throws FabricError 'hostNotAllowed' when the token may not be sent to `url`. */
  assertTokenHostAllowed(url: string): void;
  acquireToken(signal?: AbortSignal): Promise<string>;
  scoreBatch(ref: EndpointRef, columns: string[], rows: unknown[][], orientation: Orientation, options?: ScoreBatchOptions): Promise<ScoreBatchResult>;
}

interface SendRequest {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  /** Set when `url` came from Fabric's answer (LRO Location, result, next page): the endpoint's apiBase it must stay with. */
  followUpOf?: string;
  body?: string;
  token?: TokenSupply;
  signal?: AbortSignal;
  /** Accept header (default application/json). */
  accept?: string;
  slot?: RequestSlot;
}

interface SendResult extends LroAnswer {
  attempts: number;
  /** The raw body (Arrow answers are binary; `text` is empty for them). */
  bytes: Uint8Array;
}

type AttemptOutcome =
  | { type: 'response'; status: number; headers: Record<string, string>; text: string; bytes: Uint8Array; exchange: HttpExchange }
  | { type: 'network'; detail: string; exchange: HttpExchange; cause: unknown };

const DEFAULT_POLL_FLOOR_MS = 1000;
/** Guards against a server that hands back the same continuation forever. */
const MAX_VERSION_PAGES = 1000;

export class FabricClient implements FabricApi, BatchScorer {
  private readonly pollFloorMs: number;

  constructor(private readonly options: FabricClientOptions) {
    this.pollFloorMs = options.pollFloorMs ?? DEFAULT_POLL_FLOOR_MS;
  }

  /** Asks the token supplier; failures become FabricError kind 'auth' (or 'aborted'). */
  async acquireToken(signal?: AbortSignal): Promise<string> {
    if (signal?.aborted) throw abortedError();
    try {
      return await this.options.getToken(signal);
    } catch (error) {
      if (signal?.aborted) throw abortedError();
      throw authError(error);
    }
  }

  async getEndpoint(ref: EndpointRef, options: FabricCallOptions = {}): Promise<ModelEndpointInfo> {
    const answer = await this.send({ method: 'GET', url: endpointUrl(ref), signal: options.signal });
    return this.jsonObject(answer, 'endpoint') as ModelEndpointInfo;
  }

  async listVersions(ref: EndpointRef, options: FabricCallOptions = {}): Promise<EndpointVersionInfo[]> {
    const firstUrl = `${endpointUrl(ref)}/versions`;
    const versions: EndpointVersionInfo[] = [];
    const seen = new Set<string>();
    let url: string | undefined = firstUrl;
    for (let page = 0; url !== undefined; page++) {
      if (page >= MAX_VERSION_PAGES || seen.has(url)) {
        throw new FabricError({ kind: 'badResponse', message: `Fabric's version list did not end after ${page} pages.` });
      }
      seen.add(url);
      const answer = await this.send({ method: 'GET', url, followUpOf: page > 0 ? ref.apiBase : undefined, signal: options.signal });
      const body = this.jsonObject(answer, 'version list') as { value?: unknown; continuationToken?: unknown; continuationUri?: unknown };
      if (!Array.isArray(body.value)) {
        throw this.badResponse(answer, 'The version list has no "value" array.');
      }
      versions.push(...(body.value as EndpointVersionInfo[]));
      if (typeof body.continuationUri === 'string' && body.continuationUri) url = resolveLocation(body.continuationUri, ref.apiBase);
      else if (typeof body.continuationToken === 'string' && body.continuationToken) url = `${firstUrl}?continuationToken=${encodeURIComponent(body.continuationToken)}`;
      else url = undefined;
    }
    return versions;
  }

  async getVersion(ref: EndpointRef, version: string, options: FabricCallOptions = {}): Promise<EndpointVersionInfo> {
    const answer = await this.send({ method: 'GET', url: versionUrl(ref, version), signal: options.signal });
    return this.versionInfo(answer);
  }

  activateVersion(ref: EndpointRef, version: string, options: FabricCallOptions = {}): Promise<void> {
    return this.runOperation(ref, `${versionUrl(ref, version)}/activate`, options);
  }

  deactivateVersion(ref: EndpointRef, version: string, options: FabricCallOptions = {}): Promise<void> {
    return this.runOperation(ref, `${versionUrl(ref, version)}/deactivate`, options);
  }

  async updateVersionScaleRule(ref: EndpointRef, version: string, scaleRule: ScaleRule, options: FabricCallOptions = {}): Promise<EndpointVersionInfo> {
    const answer = await this.send({ method: 'PATCH', url: versionUrl(ref, version), body: JSON.stringify({ scaleRule }), signal: options.signal });
    return this.versionInfo(answer);
  }

  /**
   * GET of one Fabric resource as a JSON object (the listings in browse.ts). `followUpOf` is the apiBase a
   * next-page address Fabric answered with must stay with.
   */
  async getObject(url: string, options: { signal?: AbortSignal; followUpOf?: string } = {}): Promise<Record<string, unknown>> {
    const answer = await this.send({ method: 'GET', url, followUpOf: options.followUpOf, signal: options.signal });
    return this.jsonObject(answer, 'listing');
  }

  /** Scores one batch: 200 → predictions; 202 → poll the operation, then read its result. */
  async scoreBatch(
    ref: EndpointRef,
    columns: string[],
    rows: unknown[][],
    orientation: Orientation,
    options: ScoreBatchOptions = {},
  ): Promise<ScoreBatchResult> {
    const { signal } = options;
    const url = scoreUrl(ref);
    this.assertTokenHostAllowed(url);
    const body = buildScoreBody(columns, rows, orientation);
    const supply = options.token ?? (await this.acquireToken(signal));
    const first = await this.send({ method: 'POST', url, body, token: supply, signal, slot: options.slot });
    // The operation is polled with the token the POST went with.
    const token = typeof supply === 'function' ? supply() : supply;
    try {
      let final: LroAnswer = first;
      if (first.status === 202) {
        const operation = await waitForOperation(first, this.lroDriver(ref, token, signal, options.onProgress));
        final = await this.send({ method: 'GET', url: operation.resultUrl, followUpOf: ref.apiBase, token, signal });
      }
      const body = this.json(final);
      const read = readPredictions(body, rows.length, options.outputColumns);
      if ('problem' in read) {
        throw new FabricError(
          { kind: 'badResponse', status: final.status, message: `Fabric's score response is unusable: ${read.problem}.`, requestId: final.headers['x-ms-request-id'] || undefined },
          { exchange: final.exchange },
        );
      }
      return { predictions: read.predictions, columns: read.columns, exchange: final.exchange, attempts: first.attempts };
    } catch (error) {
      // The POST was sent whatever failed after it: the batch reports its attempts, and the 202 when nothing later was answered.
      if (!(error instanceof FabricError)) throw error;
      throw new FabricError(error.info, { exchange: error.exchange ?? first.exchange, attempts: first.attempts, cause: error.cause, everyBatchWouldRepeat: error.everyBatchWouldRepeat });
    }
  }

  /**
   * One request for the other Fabric item clients (dataflows, executeQuery): the same host checks, token, retries
   * on 429/503 and timeout as scoring. `followUpOf` names the apiBase an address Fabric answered with belongs to.
   */
  async request(request: FabricRequest): Promise<FabricAnswer> {
    const token = await this.acquireToken(request.signal);
    const answer = await this.send({ ...request, token });
    return { status: answer.status, headers: answer.headers, text: answer.text, bytes: answer.bytes, exchange: answer.exchange };
  }

  /** Polls the operation a 202 from request() started (the one LRO driver); returns where its result is. */
  async awaitOperation(accepted: FabricAnswer, apiBase: string, options: FabricCallOptions = {}): Promise<string> {
    const token = await this.acquireToken(options.signal);
    const outcome = await waitForOperation(accepted, this.lroDriver({ apiBase, workspaceId: '', modelId: '' }, token, options.signal, options.onProgress));
    return outcome.resultUrl;
  }

  /** How operations are polled: with this call's token and signal, within the Retry-After cap and deadline. */
  private lroDriver(ref: EndpointRef, token: string, signal: AbortSignal | undefined, onProgress: FabricCallOptions['onProgress']): LroDriver {
    return {
      get: pollUrl => this.send({ method: 'GET', url: pollUrl, followUpOf: ref.apiBase, token, signal }),
      wait: ms => this.wait(ms, signal),
      pollFloorMs: this.pollFloorMs,
      maxPollWaitMs: this.options.maxRetryAfterMs,
      operationTimeoutMs: this.options.operationTimeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS,
      apiBase: ref.apiBase,
      onProgress,
    };
  }

  /** activate / deactivate: 200 ends at once, 202 is polled to Succeeded (or fails with the operation's error). */
  private async runOperation(ref: EndpointRef, url: string, options: FabricCallOptions): Promise<void> {
    const { signal } = options;
    this.assertTokenHostAllowed(url);
    const token = await this.acquireToken(signal);
    const first = await this.send({ method: 'POST', url, token, signal });
    if (first.status !== 202) {
      options.onProgress?.({ status: 'Succeeded', percentComplete: 100 });
      return;
    }
    await waitForOperation(first, this.lroDriver(ref, token, signal, options.onProgress));
  }

  /**
   * One logical request: host check, token, then attempts with retries on 429/503 (Retry-After honoured up
   * to maxRetryAfterMs) and on dropped connections. Resolves with any 2xx; throws FabricError otherwise.
   */
  private async send(request: SendRequest): Promise<SendResult> {
    this.assertTokenHostAllowed(request.url);
    if (request.followUpOf !== undefined) this.assertSameOriginWhenLoopback(request.url, request.followUpOf);
    const supply = request.token ?? (await this.acquireToken(request.signal));
    const baseHeaders: Record<string, string> = { Accept: request.accept ?? 'application/json' };
    if (request.body !== undefined) baseHeaders['Content-Type'] = 'application/json';
    const { maxRetries, maxRetryAfterMs } = this.options;
    let previous: HttpExchange | undefined;
    for (let attempt = 1; ; attempt++) {
      if (request.slot) await this.takeSlot(request.slot, request.signal, previous, attempt - 1);
      const token = typeof supply === 'function' ? supply() : supply;
      const headers: Record<string, string> = { Authorization: `Bearer ${token}`, ...baseHeaders };
      const outcome = await this.attempt(request, headers, attempt);
      previous = outcome.exchange;
      const retriesLeft = attempt <= maxRetries;
      if (outcome.type === 'network') {
        if (retriesLeft) {
          await this.wait(backoffMs(attempt - 1), request.signal, outcome.exchange, attempt);
          continue;
        }
        const retried = attempt > 1 ? ` (after ${attempt - 1} ${attempt === 2 ? 'retry' : 'retries'})` : '';
        throw new FabricError(
          { kind: 'network', message: `The connection to ${hostOrEmpty(request.url)} failed: ${outcome.detail}${retried}.` },
          { exchange: outcome.exchange, attempts: attempt, cause: outcome.cause },
        );
      }
      const { status, headers: responseHeaders, text, exchange } = outcome;
      if (status >= 200 && status < 300) return { status, headers: responseHeaders, text, bytes: outcome.bytes, exchange, attempts: attempt };
      if (isRetryableStatus(status)) {
        const info = errorInfoFromResponse(status, responseHeaders, text);
        const askedMs = parseRetryAfter(responseHeaders['retry-after']);
        if (askedMs !== undefined && askedMs > maxRetryAfterMs) {
          throw new FabricError(
            {
              ...info,
              kind: 'http',
              message: `Throttled: Fabric asked to wait ${formatDuration(askedMs)} (Retry-After), longer than the ${formatDuration(maxRetryAfterMs)} this extension waits. Try again later or with fewer rows. ${info.message}`,
            },
            { exchange, attempts: attempt },
          );
        }
        if (retriesLeft) {
          await this.wait(askedMs ?? backoffMs(attempt - 1), request.signal, exchange, attempt);
          continue;
        }
        const what = status === 429 ? 'Still throttled' : 'Still unavailable';
        throw new FabricError(
          { ...info, message: `${what} after ${attempt - 1} ${attempt === 2 ? 'retry' : 'retries'}: ${info.message}` },
          { exchange, attempts: attempt },
        );
      }
      if (status >= 300 && status < 400) {
        // Redirects are not followed (redirect: 'manual'), so the token cannot be carried elsewhere.
        throw new FabricError(
          { kind: 'http', status, message: `Fabric redirected the request to ${hostOrEmpty(responseHeaders['location'] ?? '') || 'another address'}; redirects are not followed so that the token stays with Fabric.`, requestId: responseHeaders['x-ms-request-id'] || undefined },
          { exchange, attempts: attempt },
        );
      }
      throw new FabricError(errorInfoFromResponse(status, responseHeaders, text), { exchange, attempts: attempt });
    }
  }

  /** One HTTP attempt with its own timeout; cancellation and timeout throw, a dropped connection returns. */
  private async attempt(request: SendRequest, headers: Record<string, string>, attempt: number): Promise<AttemptOutcome> {
    const { signal } = request;
    if (signal?.aborted) throw abortedError(undefined, attempt - 1);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.options.requestTimeoutMs);
    const onAbort = (): void => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    const started = performance.now();
    const exchangeOf = (partial: Partial<HttpExchange>): HttpExchange => ({
      method: request.method,
      url: redact(request.url),
      requestHeaders: redactHeaders(headers),
      requestBody: request.body === undefined ? undefined : truncateForDisplay(redact(request.body)),
      durationMs: Math.round(performance.now() - started),
      ...partial,
    });
    try {
      const response = await fetch(request.url, { method: request.method, headers, body: request.body, signal: controller.signal, redirect: 'manual' });
      request.slot?.answered({
        status: response.status,
        latencyMs: performance.now() - started,
        json: /[/+]json\b/i.test(response.headers.get('content-type') ?? ''),
        retryAfterMs: isRetryableStatus(response.status) ? parseRetryAfter(response.headers.get('retry-after')) : undefined,
      });
      const bytes = new Uint8Array(await response.arrayBuffer());
      const responseHeaders: Record<string, string> = {};
      response.headers.forEach((value, name) => {
        responseHeaders[name.toLowerCase()] = value;
      });
      // An Arrow answer (executeQuery) is binary: it is kept as bytes and shown by its size only.
      const binary = /apache\.arrow/i.test(responseHeaders['content-type'] ?? '');
      const text = binary ? '' : new TextDecoder().decode(bytes);
      const shown = binary ? `[${bytes.length} bytes of Apache Arrow]` : truncateForDisplay(redact(text));
      const exchange = exchangeOf({ status: response.status, responseHeaders: redactHeaders(responseHeaders), responseBody: shown });
      this.logLine(request, String(response.status), exchange.durationMs);
      return { type: 'response', status: response.status, headers: responseHeaders, text, bytes, exchange };
    } catch (error) {
      const exchange = exchangeOf({});
      if (signal?.aborted) {
        this.logLine(request, 'cancelled', exchange.durationMs);
        throw abortedError(exchange, attempt);
      }
      if (timedOut) {
        this.logLine(request, 'timeout', exchange.durationMs);
        throw new FabricError(
          { kind: 'timeout', message: `Fabric did not answer within ${formatDuration(this.options.requestTimeoutMs)} (${request.method} ${hostOrEmpty(request.url)}). Use a smaller batch or a longer request timeout.` },
          { exchange, attempts: attempt, cause: error },
        );
      }
      const detail = networkDetail(error);
      this.logLine(request, `network error (${detail})`, exchange.durationMs);
      return { type: 'network', detail, exchange, cause: error };
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /** Waits for the run's go-ahead to send an attempt; a cancel becomes FabricError 'aborted'. */
  private async takeSlot(slot: RequestSlot, signal: AbortSignal | undefined, previous: HttpExchange | undefined, attemptsSoFar: number): Promise<void> {
    try {
      await slot.take(signal);
    } catch (error) {
      if (signal?.aborted) throw abortedError(previous, attemptsSoFar);
      throw error;
    }
  }

  /** Cancellable wait between attempts or polls; an abort becomes FabricError 'aborted'. */
  private async wait(ms: number, signal: AbortSignal | undefined, exchange?: HttpExchange, attempts = 0): Promise<void> {
    try {
      await sleep(ms, signal);
    } catch (error) {
      if (error instanceof SleepAbortedError) throw abortedError(exchange, attempts);
      throw error;
    }
  }

  assertTokenHostAllowed(url: string): void {
    if (isTokenHostAllowed(url, { allowLoopback: this.options.allowLoopback })) return;
    const host = hostOrEmpty(url) || url;
    const loopbackHint = this.options.allowLoopback ? '' : ' and loopback only when the user setting "fabricMl.allowLoopbackEndpoints" is on';
    throw new FabricError({
      kind: 'hostNotAllowed',
      message: `Refused to send the Fabric token to ${redact(host)}: only ${FABRIC_API_HOSTS.join(', ')} over https may receive it${loopbackHint}.`,
    });
  }

  /**
   * While loopback is allowed, an address Fabric answered with (operation, result, next page) must be on the
   * endpoint's own origin (scheme, host and port): another local port may be another program listening.
   */
  private assertSameOriginWhenLoopback(url: string, apiBase: string): void {
    const target = originOf(url);
    const own = originOf(apiBase);
    if (target === own) return;
    const loopback = [url, apiBase].some(u => isLoopbackHost(hostnameOf(u)));
    if (!loopback) return;
    throw new FabricError({
      kind: 'hostNotAllowed',
      message: `Refused to send the Fabric token to ${redact(hostOrEmpty(url) || url)}: an address the endpoint answered with must be on the endpoint's own origin (${own ?? apiBase}).`,
    });
  }

  /** A 2xx that is not JSON is a proxy or sign-in page: every other batch would get the same page. */
  private json(answer: LroAnswer): unknown {
    const parsed = answer.text.trim() === '' ? undefined : tryParseJson(answer.text);
    if (parsed === undefined) {
      throw new FabricError(nonJsonSuccessInfo(answer.status, answer.headers, answer.text), { exchange: answer.exchange, attempts: 1, everyBatchWouldRepeat: true });
    }
    return parsed;
  }

  private jsonObject(answer: LroAnswer, what: string): Record<string, unknown> {
    const parsed = this.json(answer);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw this.badResponse(answer, `The ${what} response is not a JSON object.`);
    return parsed as Record<string, unknown>;
  }

  private versionInfo(answer: LroAnswer): EndpointVersionInfo {
    const body = this.jsonObject(answer, 'version');
    if (typeof body.versionName !== 'string' || typeof body.status !== 'string') {
      throw this.badResponse(answer, 'The version response lacks versionName or status.');
    }
    return body as unknown as EndpointVersionInfo;
  }

  private badResponse(answer: LroAnswer, message: string): FabricError {
    return new FabricError({ kind: 'badResponse', status: answer.status, message, requestId: answer.headers['x-ms-request-id'] || undefined }, { exchange: answer.exchange, attempts: 1 });
  }

  private logLine(request: SendRequest, outcome: string, durationMs: number): void {
    this.options.log?.(redact(`${request.method} ${request.url} ${outcome} ${durationMs} ms`));
  }
}


/** "other side closed (UND_ERR_SOCKET)": the innermost useful reason of a fetch failure. */
function networkDetail(error: unknown): string {
  let current: unknown = error;
  let detail = error instanceof Error ? error.message : String(error);
  for (let depth = 0; depth < 4 && current instanceof Error && current.cause !== undefined; depth++) {
    current = current.cause;
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      detail = typeof code === 'string' ? `${current.message} (${code})` : current.message;
    }
  }
  return redact(detail);
}

function hostOrEmpty(url: string): string {
  return hostOf(url) ?? '';
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}
