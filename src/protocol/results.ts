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
 * Where the user is on a run's page: kept in the webview state, so that the page comes back at the same
 * place after it was hidden (its page is discarded) or the window reloaded, and carried over to a Re-run.
 */
export interface ResultsViewState {
  /** The run this place belongs to; a place of another run is not applied. */
  runId: string;
  tab: ResultsTab;
  /** Zero-based index of the first grid row (at least half) visible under the grid's sticky header. */
  firstRow: number;
  /** Position in `model.batches` of the batch the Request/response tab shows. */
  rawBatch: number;
}

/**
 * What the webview keeps with `setState`, so that the panel comes back after a reload. Saved once per run:
 * VS Code serialises the whole state on every save, so the user's later moves go to the extension
 * (results/viewChanged), which hands the latest place back to the reloaded page (results/view).
 */
export interface ResultsWebviewState {
  model: ResultsModel;
  summaries: ColumnSummary[];
  /** The place when the run was saved (its opening place); absent in state from older builds. */
  view?: ResultsViewState;
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
  viewChanged: 'results/viewChanged',
  /** extension → webview: the answer to a ready that restored the run shown: where the user last was on it. */
  view: 'results/view',
  exportCsv: 'results/exportCsv',
  exportJson: 'results/exportJson',
  copyMTable: 'results/copyMTable',
  rerun: 'results/rerun',
} as const;

export type ResultsAction = typeof ResultsMessage.exportCsv | typeof ResultsMessage.exportJson
  | typeof ResultsMessage.copyMTable | typeof ResultsMessage.rerun;

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

export interface ResultsViewChangedMessage {
  type: typeof ResultsMessage.viewChanged;
  view: ResultsViewState;
}

export type ResultsWebviewMessage = ResultsReadyMessage | ResultsRenderedMessage | ResultsActionMessage | ResultsViewChangedMessage;

export interface ResultsShowMessage {
  type: typeof ResultsMessage.show;
  model: ResultsModel;
  summaries: ColumnSummary[];
  /** Where to open the run (a Re-run keeps the place of the run it repeats); absent: the default place. */
  view?: ResultsViewState;
}

export interface ResultsViewMessage {
  type: typeof ResultsMessage.view;
  /** The run the page restored; the page waits for this answer before it paints that run. */
  runId: string;
  /** The user's latest place on that run; absent: the place saved with the run. */
  view?: ResultsViewState;
}

export interface ResultsNoticeMessage {
  type: typeof ResultsMessage.notice;
  level: 'info' | 'error';
  text: string;
}

export type ResultsHostMessage = ResultsShowMessage | ResultsViewMessage | ResultsNoticeMessage;

const ACTIONS: ReadonlySet<string> = new Set<ResultsAction>([
  ResultsMessage.exportCsv, ResultsMessage.exportJson, ResultsMessage.copyMTable, ResultsMessage.rerun,
]);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isString = (v: unknown): v is string => typeof v === 'string';
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

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
  if (value.type === ResultsMessage.viewChanged) {
    return isResultsViewState(value.view) ? { type: ResultsMessage.viewChanged, view: value.view } : undefined;
  }
  if (ACTIONS.has(value.type) && isString(value.runId)) return { type: value.type as ResultsAction, runId: value.runId };
  return undefined;
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

export function isResultsViewState(value: unknown): value is ResultsViewState {
  return isRecord(value) && isString(value.runId) && (RESULTS_TABS as readonly unknown[]).includes(value.tab)
    && isIndex(value.firstRow) && isIndex(value.rawBatch);
}

/** Where a run opens when there is no place to keep: the Rows tab at the top, the first failed batch ready. */
export function defaultResultsView(model: ResultsModel): ResultsViewState {
  return { runId: model.runId, tab: 'rows', firstRow: 0, rawBatch: Math.max(0, model.batches.findIndex(b => !b.ok)) };
}

/**
 * The place to open `model` at: `view` when it belongs to this run, with its row and batch brought into
 * range; otherwise the default place.
 */
export function resultsViewFor(model: ResultsModel, view: ResultsViewState | undefined): ResultsViewState {
  if (!view || view.runId !== model.runId) return defaultResultsView(model);
  const clamp = (n: number, count: number) => Math.min(n, Math.max(0, count - 1));
  return { runId: model.runId, tab: view.tab, firstRow: clamp(view.firstRow, model.inputs.length), rawBatch: clamp(view.rawBatch, model.batches.length) };
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
    && Array.isArray(inputs) && inputs.every(Array.isArray)
    && Array.isArray(predictions) && predictions.length === inputs.length
    && predictions.every(p => p === null || Array.isArray(p))
    && Array.isArray(batches) && batches.every(b => isRecord(b) && isNumber(b.index) && isNumber(b.startRow)
      && isNumber(b.endRow) && typeof b.ok === 'boolean' && isNumber(b.durationMs) && isNumber(b.attempts))
    && isString(value.startedAt) && isNumber(value.durationMs) && isNumber(value.tokenRequests)
    && typeof value.cancelled === 'boolean' && isStringArray(value.warnings);
}

function isColumnSummary(value: unknown): value is ColumnSummary {
  return isRecord(value) && isString(value.column) && (value.kind === 'number' || value.kind === 'label' || value.kind === 'empty')
    && isNumber(value.count) && isNumber(value.nulls) && isNumber(value.unscored);
}

/**
 * Validates persisted webview state (possibly from an older build); undefined when it holds no run to show.
 * A place that does not validate is dropped, not the run.
 */
export function parseResultsWebviewState(value: unknown): ResultsWebviewState | undefined {
  if (!isRecord(value) || !isResultsModel(value.model) || !Array.isArray(value.summaries) || !value.summaries.every(isColumnSummary)) return undefined;
  const state: ResultsWebviewState = { model: value.model, summaries: value.summaries };
  if (isResultsViewState(value.view)) state.view = value.view;
  return state;
}

/** Validates a message from the extension; undefined for anything else that reaches the window. */
export function parseResultsHostMessage(value: unknown): ResultsHostMessage | undefined {
  if (!isRecord(value)) return undefined;
  if (value.type === ResultsMessage.show) {
    const state = parseResultsWebviewState(value);
    return state ? { type: ResultsMessage.show, ...state } : undefined;
  }
  if (value.type === ResultsMessage.view && isString(value.runId)) {
    if (value.view !== undefined && !(isResultsViewState(value.view) && value.view.runId === value.runId)) return undefined;
    return { type: ResultsMessage.view, runId: value.runId, ...(value.view ? { view: value.view } : {}) };
  }
  if (value.type === ResultsMessage.notice && isString(value.text) && (value.level === 'info' || value.level === 'error')) {
    return { type: ResultsMessage.notice, level: value.level, text: value.text };
  }
  return undefined;
}
