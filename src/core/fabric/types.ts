// Contracts of the Fabric HTTP side and of a scoring run. Implemented in fabricClient.ts and
// scoringEngine.ts; consumed by the Explorer, the Score commands and (through src/protocol) the webview.
import type { EndpointRef, EndpointVersionInfo, ModelEndpointInfo, ScaleRule } from '../endpoints/model';
import type { BatchScorer } from './fabricClient';

export type Orientation = 'values' | 'record';

/** Why a Fabric call failed, in terms a user can act on. */
/** `notSent`: the row never left VS Code (its values do not fit the input signature). */
export type FabricErrorKind = 'http' | 'timeout' | 'network' | 'aborted' | 'badResponse' | 'lroFailed' | 'hostNotAllowed' | 'auth' | 'notSent';

export interface FabricErrorInfo {
  kind: FabricErrorKind;
  /** HTTP status when there was a response. */
  status?: number;
  /** Fabric ErrorResponse.errorCode (stable), or the AADSTS code text for auth failures. */
  errorCode?: string;
  /** Message safe to show (redacted). */
  message: string;
  requestId?: string;
}

export interface LroProgress {
  status: string;
  percentComplete?: number;
}

export interface FabricCallOptions {
  signal?: AbortSignal;
  onProgress?: (p: LroProgress) => void;
}

/** One raw HTTP exchange, for the results "raw" view. Authorization is already redacted. */
export interface HttpExchange {
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
  durationMs: number;
}

/** One request of the Fabric item clients (dataflows, executeQuery) through FabricClient.request(). */
export interface FabricRequest {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  body?: string;
  /** Accept header; default application/json. */
  accept?: string;
  /** Set when `url` came from Fabric's answer (next page, operation result): the apiBase it must stay with. */
  followUpOf?: string;
  signal?: AbortSignal;
}

/** A 2xx answer (anything else is thrown as FabricError). `text` is empty for a binary (Arrow) body. */
export interface FabricAnswer {
  status: number;
  headers: Record<string, string>;
  text: string;
  bytes: Uint8Array;
  exchange: HttpExchange;
}

/** What the dataflow client needs from the session's client: requests and the one LRO driver. */
export interface FabricTransport {
  request(request: FabricRequest): Promise<FabricAnswer>;
  /** Polls the operation a 202 started; resolves with the URL of its result. */
  awaitOperation(accepted: FabricAnswer, apiBase: string, options?: FabricCallOptions): Promise<string>;
}

/** The session's client: metadata, item requests (dataflows) and batch scoring (another version of the same model). */
export interface FabricApi extends FabricTransport, BatchScorer {
  getEndpoint(ref: EndpointRef, options?: FabricCallOptions): Promise<ModelEndpointInfo>;
  listVersions(ref: EndpointRef, options?: FabricCallOptions): Promise<EndpointVersionInfo[]>;
  getVersion(ref: EndpointRef, version: string, options?: FabricCallOptions): Promise<EndpointVersionInfo>;
  activateVersion(ref: EndpointRef, version: string, options?: FabricCallOptions): Promise<void>;
  deactivateVersion(ref: EndpointRef, version: string, options?: FabricCallOptions): Promise<void>;
  updateVersionScaleRule(ref: EndpointRef, version: string, scaleRule: ScaleRule, options?: FabricCallOptions): Promise<EndpointVersionInfo>;
}

/** Input to one scoring run. `rows` are already mapped and ordered as `columns`. */
export interface ScoreRunRequest {
  ref: EndpointRef;
  columns: string[];
  rows: unknown[][];
  batchSize: number;
  /** Batches in flight at once; with `maxConcurrency`, where the adaptive run starts. */
  concurrency: number;
  /** Adapt the concurrency (AIMD: +1 while latency holds, halve on 429/503) up to this maximum. */
  maxConcurrency?: number;
  orientation: Orientation;
  /** Names of the output signature's columns, when known: record-shaped predictions are read by name. */
  outputColumns?: string[];
  signal?: AbortSignal;
  onProgress?: (rowsDone: number, rowsTotal: number, details: ScoreProgressDetails) => void;
}

export interface ScoreProgressDetails {
  /** Batches allowed in flight now (changes during an adaptive run). */
  concurrency: number;
}

export interface BatchOutcome {
  index: number;
  /** Zero-based, inclusive first row and exclusive end row within the run's rows. */
  startRow: number;
  endRow: number;
  ok: boolean;
  durationMs: number;
  attempts: number;
  error?: FabricErrorInfo;
  /** The last exchange of this batch (request body may be truncated for display). */
  exchange?: HttpExchange;
}

export interface ScoreRunResult {
  /**
   * Names of the prediction columns when Fabric answered with objects: the output signature's names, then every
   * other key in first-seen order (each row has a value, maybe null, for each). Undefined for value predictions.
   */
  outputColumns?: string[];
  /** One entry per input row: the prediction row (array of output values), or undefined if its batch failed. */
  predictions: Array<unknown[] | undefined>;
  batches: BatchOutcome[];
  /** Token requests that went to the wire during this run. */
  tokenRequests: number;
  durationMs: number;
  cancelled: boolean;
  /** The most batches allowed in flight at once during the run. */
  peakConcurrency?: number;
  /** Score answers 429/503 (each one, retried or not). */
  throttledResponses?: number;
}
