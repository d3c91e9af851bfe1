// The results panel's contract, shared by the extension (src/features/results) and the browser bundle
// (webview/). Message names are `domain/verb` and are declared here once; both sides validate what they
// receive with the parsers below, because a message is only JSON and may come from an older build.
// Nothing here may hold a secret: the model is posted to the webview and persisted in its state.
import type { ColumnSummary, ResultsModel } from '../core/results/model';

// The shapes the page draws live in src/core (the extension computes them); re-exported as types only, so
// that the webview reaches them through the protocol and the protocol depends on no code of core.
export type { BatchOutcome, FabricErrorInfo, HttpExchange } from '../core/fabric/types';
export type {
  ColumnSummary, EmptyColumnSummary, HistogramBin, LabelColumnSummary, NumberColumnSummary, ResultsModel,
} from '../core/results/model';

/** The results page's tabs, in the order they are shown. */
export const RESULTS_TABS = ['rows', 'summary', 'batches', 'raw'] as const;
export type ResultsTab = typeof RESULTS_TABS[number];

/**
 * Where the user is on a run's page. The page holds it (webview/place.ts) and reports every move; the
 * extension keeps the latest one per run (src/features/results/placeKeeper.ts) and hands it back to a page
 * that comes back after being hidden or a window reload, and to the run a Re-run produces.
 */
export interface ResultsPlace {
  /** The run this place belongs to; a place of another run is not applied. */
  runId: string;
  tab: ResultsTab;
  /** Zero-based index of the first grid row (at least half) visible under the grid's sticky header; absent: the top. */
  firstRow?: number;
  /** Position in `model.batches` of the batch the Request/response tab shows; absent: the first failed batch. */
  rawBatch?: number;
  /** Zero-based data row of the rows grid's active cell (keyboard focus); absent: the first row. */
  activeRow?: number;
  /** Key of the active cell's column (`#`, `line`, `prediction:<name>`, `input:<name>`); absent: `#`. */
  activeColumn?: string;
  /** Keys of the columns the user keeps pinned at the left; absent: #, Line and the first id-like input. */
  pinned?: string[];
}

/**
 * What the webview keeps with `setState`, so that the panel comes back after it was hidden or the window
 * reloaded. Saved once per run: VS Code serialises the whole state on every save, so the place is not here.
 */
export interface ResultsWebviewState {
  model: ResultsModel;
  summaries: ColumnSummary[];
}

/**
 * What the page persists with `setState`: only which run it shows. The run stays with the extension, written to
 * its storage, so a window reload restores the panel without VS Code serialising a 100 000-row run into the
 * webview state.
 */
export interface ResultsPersistedState {
  runId: string;
}

/** Every message name, declared once. */
export const ResultsMessage = {
  /** webview → extension: the script runs and listens; carries the run it restored from state, if any. */
  ready: 'results/ready',
  /** extension → webview: a model to show. */
  show: 'results/show',
  /** webview → extension: first paint of a model is done. */
  rendered: 'results/rendered',
  /** extension → webview: a short status line (after an export, a copy, …). */
  notice: 'results/notice',
  /** webview → extension: the user moved (tab, grid scroll, raw batch); the extension keeps the latest place. */
  placeChanged: 'results/placeChanged',
  /** extension → webview: the answer to a ready that restored the run shown: where the user last was on it. */
  place: 'results/place',
  exportCsv: 'results/exportCsv',
  exportJson: 'results/exportJson',
  copyMTable: 'results/copyMTable',
  /** webview → extension: open the output file of a Score File to file run. */
  openOutput: 'results/openOutput',
  /** webview → extension: a request (with an id) to score the run's rows again; answered by results/reply. */
  rerun: 'results/rerun',
  /** extension → webview: the answer to a request, with the request's id. */
  reply: 'results/reply',
  /** webview → extension: open the source document at the line of a row (double-click or Enter on the row). */
  revealLine: 'results/revealLine',
} as const;

/** Actions the page asks for and forgets: their outcome comes back as a notice. */
export type ResultsAction = typeof ResultsMessage.exportCsv | typeof ResultsMessage.exportJson | typeof ResultsMessage.copyMTable | typeof ResultsMessage.openOutput;

export interface ResultsReadyMessage {
  type: typeof ResultsMessage.ready;
  restoredRunId?: string;
}

export interface ResultsRenderedMessage {
  type: typeof ResultsMessage.rendered;
  runId: string;
  rows: number;
  /** From receiving the model (or reading it from state) to the first painted frame. */
  firstPaintMs: number;
  /** Grid row elements in the DOM after first paint (the virtualizer keeps this small). */
  domRows: number;
  restored: boolean;
  /** CSP violations seen by the page so far ("directive blockedURI"). Expected empty. */
  cspViolations: string[];
}

export interface ResultsActionMessage {
  type: ResultsAction;
  runId: string;
}

/** Score the rows of `runId` again. The extension answers with a results/reply carrying `requestId`. */
export interface ResultsRerunRequest {
  type: typeof ResultsMessage.rerun;
  requestId: number;
  runId: string;
}

export interface ResultsPlaceChangedMessage {
  type: typeof ResultsMessage.placeChanged;
  place: ResultsPlace;
}

/** Open the run's source document at the line where row `row` (zero-based) starts. */
export interface ResultsRevealLineMessage {
  type: typeof ResultsMessage.revealLine;
  runId: string;
  row: number;
}

export type ResultsWebviewMessage =
  ResultsReadyMessage | ResultsRenderedMessage | ResultsActionMessage | ResultsRerunRequest | ResultsPlaceChangedMessage | ResultsRevealLineMessage;

export interface ResultsShowMessage {
  type: typeof ResultsMessage.show;
  model: ResultsModel;
  summaries: ColumnSummary[];
  /** Where to open the run (a Re-run keeps the place of the run it repeats); absent: the default place. */
  place?: ResultsPlace;
}

export interface ResultsPlaceMessage {
  type: typeof ResultsMessage.place;
  /** The run the page restored; the page waits for this answer before it paints that run. */
  runId: string;
  /** The user's latest place on that run; absent: the default place. */
  place?: ResultsPlace;
}

export interface ResultsNoticeMessage {
  type: typeof ResultsMessage.notice;
  level: 'info' | 'error';
  text: string;
}

/**
 * The answer to a request. For a Re-run: `newRunId` when a new run was shown (it arrived in results/show
 * first), nothing when there is no new run (the user cancelled, or it failed and said why in a
 * notification), `error` when the request could not be carried out at all.
 */
export interface ResultsReplyMessage {
  type: typeof ResultsMessage.reply;
  requestId: number;
  newRunId?: string;
  error?: string;
}

export type ResultsHostMessage = ResultsShowMessage | ResultsPlaceMessage | ResultsNoticeMessage | ResultsReplyMessage;

const ACTIONS: ReadonlySet<string> = new Set<ResultsAction>([ResultsMessage.exportCsv, ResultsMessage.exportJson, ResultsMessage.copyMTable, ResultsMessage.openOutput]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);
const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Validates a message from the webview; undefined for anything that is not one of ours. */
export function parseResultsWebviewMessage(value: unknown): ResultsWebviewMessage | undefined {
  if (!isRecord(value) || !isString(value.type)) return undefined;
  if (value.type === ResultsMessage.ready) {
    if (value.restoredRunId !== undefined && !isString(value.restoredRunId)) return undefined;
    return { type: ResultsMessage.ready, restoredRunId: value.restoredRunId };
  }
  if (value.type === ResultsMessage.rendered) {
    const { runId, rows, firstPaintMs, domRows, restored, cspViolations } = value;
    if (!isString(runId) || !isNumber(rows) || !isNumber(firstPaintMs) || !isNumber(domRows)) return undefined;
    return {
      type: ResultsMessage.rendered, runId, rows, firstPaintMs, domRows,
      restored: restored === true, cspViolations: isStringArray(cspViolations) ? cspViolations : [],
    };
  }
  if (value.type === ResultsMessage.placeChanged) {
    return isResultsPlace(value.place) ? { type: ResultsMessage.placeChanged, place: value.place } : undefined;
  }
  if (value.type === ResultsMessage.rerun) {
    return isIndex(value.requestId) && isString(value.runId) ? { type: ResultsMessage.rerun, requestId: value.requestId, runId: value.runId } : undefined;
  }
  if (value.type === ResultsMessage.revealLine) {
    return isString(value.runId) && isIndex(value.row) ? { type: ResultsMessage.revealLine, runId: value.runId, row: value.row } : undefined;
  }
  if (ACTIONS.has(value.type) && isString(value.runId)) return { type: value.type as ResultsAction, runId: value.runId };
  return undefined;
}

export function isResultsPlace(value: unknown): value is ResultsPlace {
  return isRecord(value) && isString(value.runId) && (RESULTS_TABS as readonly unknown[]).includes(value.tab)
    && (value.firstRow === undefined || isIndex(value.firstRow)) && (value.rawBatch === undefined || isIndex(value.rawBatch))
    && (value.activeRow === undefined || isIndex(value.activeRow)) && (value.activeColumn === undefined || isString(value.activeColumn))
    && (value.pinned === undefined || isStringArray(value.pinned));
}

/** Structural check of a model (from persisted webview state or a message); deep enough to render safely. */
export function isResultsModel(value: unknown): value is ResultsModel {
  if (!isRecord(value)) return false;
  const { endpoint, source, inputs, predictions, batches } = value;
  return isString(value.runId)
    && isRecord(endpoint) && isString(endpoint.id) && isString(endpoint.name) && isString(endpoint.scoreUrl)
    && (endpoint.version === undefined || isString(endpoint.version))
    && isRecord(source) && isString(source.fileName)
    && (source.rowLines === undefined || (Array.isArray(source.rowLines) && source.rowLines.every(isNumber)))
    && isStringArray(value.inputColumns) && isStringArray(value.outputColumns)
    && (value.inputTypes === undefined || (Array.isArray(value.inputTypes) && value.inputTypes.length === value.inputColumns.length
      && value.inputTypes.every(t => t === null || isString(t))))
    && Array.isArray(inputs) && inputs.every(Array.isArray)
    && Array.isArray(predictions) && predictions.length === inputs.length
    && predictions.every(p => p === null || Array.isArray(p))
    && Array.isArray(batches) && batches.every(b => isRecord(b) && isNumber(b.index) && isNumber(b.startRow)
      && isNumber(b.endRow) && typeof b.ok === 'boolean' && isNumber(b.durationMs) && isNumber(b.attempts))
    && isString(value.startedAt) && isNumber(value.durationMs) && isNumber(value.tokenRequests)
    && typeof value.cancelled === 'boolean' && isStringArray(value.warnings)
    && (value.evaluatedBy === undefined || (isRecord(value.evaluatedBy) && isString(value.evaluatedBy.dataflow) && isString(value.evaluatedBy.query)))
    && (value.outputFile === undefined || (isRecord(value.outputFile) && isString(value.outputFile.path) && isString(value.outputFile.fileName)
      && isNumber(value.outputFile.rowsWritten) && typeof value.outputFile.complete === 'boolean'));
}

function isColumnSummary(value: unknown): value is ColumnSummary {
  return isRecord(value) && isString(value.column) && (value.kind === 'number' || value.kind === 'label' || value.kind === 'empty')
    && isNumber(value.count) && isNumber(value.nulls) && isNumber(value.unscored);
}

/** Validates persisted webview state (possibly from an older build); undefined when it holds no run to show. */
export function parseResultsWebviewState(value: unknown): ResultsWebviewState | undefined {
  if (!isRecord(value) || !isResultsModel(value.model) || !Array.isArray(value.summaries) || !value.summaries.every(isColumnSummary)) return undefined;
  return { model: value.model, summaries: value.summaries };
}

/** Validates a message from the extension; undefined for anything else that reaches the window. */
export function parseResultsHostMessage(value: unknown): ResultsHostMessage | undefined {
  if (!isRecord(value)) return undefined;
  if (value.type === ResultsMessage.show) {
    const state = parseResultsWebviewState(value);
    if (!state) return undefined;
    // A place that does not validate, or belongs to another run, is dropped, not the run.
    const place = isResultsPlace(value.place) && value.place.runId === state.model.runId ? value.place : undefined;
    return { type: ResultsMessage.show, ...state, ...(place ? { place } : {}) };
  }
  if (value.type === ResultsMessage.place && isString(value.runId)) {
    if (value.place !== undefined && !(isResultsPlace(value.place) && value.place.runId === value.runId)) return undefined;
    return { type: ResultsMessage.place, runId: value.runId, ...(value.place ? { place: value.place } : {}) };
  }
  if (value.type === ResultsMessage.notice && isString(value.text) && (value.level === 'info' || value.level === 'error')) {
    return { type: ResultsMessage.notice, level: value.level, text: value.text };
  }
  if (value.type === ResultsMessage.reply && isIndex(value.requestId)) {
    if ((value.newRunId !== undefined && !isString(value.newRunId)) || (value.error !== undefined && !isString(value.error))) return undefined;
    return {
      type: ResultsMessage.reply, requestId: value.requestId,
      ...(value.newRunId !== undefined ? { newRunId: value.newRunId } : {}), ...(value.error !== undefined ? { error: value.error } : {}),
    };
  }
  return undefined;
}
