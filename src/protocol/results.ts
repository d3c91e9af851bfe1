// The results panel's contract, shared by the extension (src/features/results) and the browser bundle
// (webview/). Message names are `domain/verb` and are declared here once; both sides validate what they
// receive with the parsers below, because a message is only JSON and may come from an older build.
// Nothing here may hold a secret: the model is posted to the webview and persisted in its state.
import type { ColumnSummary, ResultsModel, ResultsRunView, RowsPage } from '../core/results/model';

// The shapes the page draws live in src/core (the extension computes them); re-exported as types only, so
// that the webview reaches them through the protocol and the protocol depends on no code of core.
export type { BatchOutcome, FabricErrorInfo, HttpExchange } from '../core/fabric/types';
export type {
  ColumnSummary, EmptyColumnSummary, HistogramBin, LabelColumnSummary, NumberColumnSummary, OutputFileInfo, ResultsModel, ResultsRunView,
  RowsPage,
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
 * A whole run with its summaries: how the extension keeps a shown run in its storage for a window reload, and
 * what the page of an older build persisted with `setState`.
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
  /** extension → webview: a run to show (without its rows, but for the first page). */
  show: 'results/show',
  /** webview → extension: the rows the grid is about to show; answered by results/rowsPage. */
  rows: 'results/rows',
  /** extension → webview: a page of a run's rows. */
  rowsPage: 'results/rowsPage',
  /** webview → extension: first paint of a model is done. */
  rendered: 'results/rendered',
  /** extension → webview: a short status line (after an export, a copy, …). */
  notice: 'results/notice',
  /** webview → extension: the user moved (tab, grid scroll, raw batch); the extension keeps the latest place. */
  placeChanged: 'results/placeChanged',
  exportCsv: 'results/exportCsv',
  exportJson: 'results/exportJson',
  copyMTable: 'results/copyMTable',
  /** webview → extension: open the output file of a Score File to file run. */
  openOutput: 'results/openOutput',
  /** webview → extension: continue a cancelled or stopped Score File to file run (Resume Score File). */
  resumeOutput: 'results/resumeOutput',
  /** webview → extension: send a finished Score File run's failed rows again (Retry Failed Rows). */
  retryFailed: 'results/retryFailed',
  /** webview → extension: a request (with an id) to score the run's rows again; answered by results/reply. */
  rerun: 'results/rerun',
  /** extension → webview: the answer to a request, with the request's id. */
  reply: 'results/reply',
  /** webview → extension: open the source document at the line of a row (double-click or Enter on the row). */
  revealLine: 'results/revealLine',
} as const;

/** Actions the page asks for and forgets: their outcome comes back as a notice. */
export type ResultsAction = typeof ResultsMessage.exportCsv | typeof ResultsMessage.exportJson | typeof ResultsMessage.copyMTable
  | typeof ResultsMessage.openOutput | typeof ResultsMessage.resumeOutput | typeof ResultsMessage.retryFailed;

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
  /** Size of what the page keeps with setState for this run (JSON characters). */
  savedStateBytes: number;
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

/** Rows start … end - 1 of `runId`; the extension answers with at most MAX_PAGE_ROWS of them. */
export interface ResultsRowsRequest {
  type: typeof ResultsMessage.rows;
  runId: string;
  start: number;
  end: number;
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
  ResultsReadyMessage | ResultsRenderedMessage | ResultsActionMessage | ResultsRerunRequest | ResultsRowsRequest | ResultsPlaceChangedMessage
  | ResultsRevealLineMessage;

export interface ResultsShowMessage {
  type: typeof ResultsMessage.show;
  run: ResultsRunView;
  summaries: ColumnSummary[];
  /** The first rows, so that the first paint waits for no round trip. */
  firstRows: RowsPage;
  /** Rows spread over the whole run, to size the grid's columns and tell number columns from others. */
  sample: Pick<RowsPage, 'inputs' | 'predictions' | 'lines'>;
  /** Where to open the run (a Re-run keeps the place of the run it repeats); absent: the default place. */
  place?: ResultsPlace;
}

export interface ResultsRowsPageMessage {
  type: typeof ResultsMessage.rowsPage;
  runId: string;
  page: RowsPage;
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

export type ResultsHostMessage = ResultsShowMessage | ResultsRowsPageMessage | ResultsNoticeMessage | ResultsReplyMessage;

const ACTIONS: ReadonlySet<string> = new Set<ResultsAction>([
  ResultsMessage.exportCsv, ResultsMessage.exportJson, ResultsMessage.copyMTable, ResultsMessage.openOutput, ResultsMessage.resumeOutput, ResultsMessage.retryFailed,
]);

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
    const { runId, rows, firstPaintMs, domRows, restored, cspViolations, savedStateBytes } = value;
    if (!isString(runId) || !isNumber(rows) || !isNumber(firstPaintMs) || !isNumber(domRows)) return undefined;
    return {
      type: ResultsMessage.rendered, runId, rows, firstPaintMs, domRows,
      restored: restored === true, cspViolations: isStringArray(cspViolations) ? cspViolations : [],
      savedStateBytes: isNumber(savedStateBytes) ? savedStateBytes : 0,
    };
  }
  if (value.type === ResultsMessage.placeChanged) {
    return isResultsPlace(value.place) ? { type: ResultsMessage.placeChanged, place: value.place } : undefined;
  }
  if (value.type === ResultsMessage.rerun) {
    return isIndex(value.requestId) && isString(value.runId) ? { type: ResultsMessage.rerun, requestId: value.requestId, runId: value.runId } : undefined;
  }
  if (value.type === ResultsMessage.rows) {
    const { runId, start, end } = value;
    return isString(runId) && isIndex(start) && isIndex(end) && end >= start ? { type: ResultsMessage.rows, runId, start, end } : undefined;
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

/** Structural check of a model (from the extension's storage or an older build's webview state). */
export function isResultsModel(value: unknown): value is ResultsModel {
  if (!isRecord(value) || !isRunFields(value)) return false;
  const { source, inputs, predictions } = value;
  return isRecord(source) && isString(source.fileName)
    && (source.rowLines === undefined || (Array.isArray(source.rowLines) && source.rowLines.every(isNumber)))
    && Array.isArray(inputs) && inputs.every(Array.isArray)
    && Array.isArray(predictions) && predictions.length === inputs.length
    && predictions.every(p => p === null || Array.isArray(p));
}

/** Structural check of a run as posted to the page; deep enough to render safely. */
export function isResultsRunView(value: unknown): value is ResultsRunView {
  if (!isRecord(value) || !isRunFields(value)) return false;
  const { source } = value;
  return isRecord(source) && isString(source.fileName) && typeof source.hasLines === 'boolean'
    && (source.batchLines === undefined || (Array.isArray(source.batchLines)
      && source.batchLines.every(pair => Array.isArray(pair) && pair.length === 2 && isIndex(pair[0]) && isNumber(pair[1]))))
    && isIndex(value.rowCount) && isIndex(value.scoredRows);
}

/** Rows whose values are arrays (a prediction may be null), and a line per row when there are lines. */
function isRows(value: unknown): value is Pick<RowsPage, 'inputs' | 'predictions'> & Record<string, unknown> {
  if (!isRecord(value)) return false;
  const { inputs, predictions } = value;
  return Array.isArray(inputs) && inputs.every(Array.isArray) && Array.isArray(predictions)
    && predictions.length === inputs.length && predictions.every(p => p === null || Array.isArray(p));
}

function pickRows({ inputs, predictions, lines }: RowsPage): Pick<RowsPage, 'inputs' | 'predictions' | 'lines'> {
  // The sample has no errors: it only sizes the columns.
  return { inputs, predictions, ...(lines ? { lines } : {}) };
}

export function isRowsPage(value: unknown): value is RowsPage {
  return isRows(value) && isIndex(value.start)
    && (value.lines === undefined || (Array.isArray(value.lines) && value.lines.length === value.inputs.length && value.lines.every(l => l === null || isNumber(l))))
    && (value.errors === undefined || (Array.isArray(value.errors) && value.errors.length === value.inputs.length && value.errors.every(e => e === null || isString(e))));
}

/** What a model and a run view have in common. */
function isRunFields(value: Record<string, unknown>): boolean {
  const { endpoint, batches } = value;
  return isString(value.runId)
    && isRecord(endpoint) && isString(endpoint.id) && isString(endpoint.name) && isString(endpoint.scoreUrl)
    && (endpoint.version === undefined || isString(endpoint.version))
    && isStringArray(value.inputColumns) && isStringArray(value.outputColumns)
    && (value.inputTypes === undefined || (Array.isArray(value.inputTypes) && value.inputTypes.length === value.inputColumns.length
      && value.inputTypes.every(t => t === null || isString(t))))
    && Array.isArray(batches) && batches.every(b => isRecord(b) && isNumber(b.index) && isNumber(b.startRow)
      && isNumber(b.endRow) && typeof b.ok === 'boolean' && isNumber(b.durationMs) && isNumber(b.attempts))
    && isString(value.startedAt) && isNumber(value.durationMs) && isNumber(value.tokenRequests)
    && typeof value.cancelled === 'boolean' && isStringArray(value.warnings)
    && (value.evaluatedBy === undefined || (isRecord(value.evaluatedBy) && isString(value.evaluatedBy.dataflow) && isString(value.evaluatedBy.query)))
    && (value.outputFile === undefined || (isRecord(value.outputFile) && isString(value.outputFile.path) && isString(value.outputFile.fileName)
      && isNumber(value.outputFile.rowsWritten) && typeof value.outputFile.complete === 'boolean'
      && (value.outputFile.failedRows === undefined || isIndex(value.outputFile.failedRows))
      && (value.outputFile.delimiter === undefined || isString(value.outputFile.delimiter))));
}

function isColumnSummary(value: unknown): value is ColumnSummary {
  return isRecord(value) && isString(value.column) && (value.kind === 'number' || value.kind === 'label' || value.kind === 'empty')
    && isNumber(value.count) && isNumber(value.nulls) && isNumber(value.unscored);
}

/** Validates a stored run (or an older build's webview state); undefined when it holds no run to show. */
export function parseResultsWebviewState(value: unknown): ResultsWebviewState | undefined {
  if (!isRecord(value) || !isResultsModel(value.model) || !Array.isArray(value.summaries) || !value.summaries.every(isColumnSummary)) return undefined;
  return { model: value.model, summaries: value.summaries };
}

/** Validates a message from the extension; undefined for anything else that reaches the window. */
export function parseResultsHostMessage(value: unknown): ResultsHostMessage | undefined {
  if (!isRecord(value)) return undefined;
  if (value.type === ResultsMessage.show) {
    const { run, summaries, firstRows, sample } = value;
    if (!isResultsRunView(run) || !Array.isArray(summaries) || !summaries.every(isColumnSummary) || !isRowsPage(firstRows)
      || !isRowsPage({ ...(isRecord(sample) ? sample : {}), start: 0 })) return undefined;
    // A place that does not validate, or belongs to another run, is dropped, not the run.
    const place = isResultsPlace(value.place) && value.place.runId === run.runId ? value.place : undefined;
    return { type: ResultsMessage.show, run, summaries, firstRows, sample: pickRows(sample as RowsPage), ...(place ? { place } : {}) };
  }
  if (value.type === ResultsMessage.rowsPage && isString(value.runId) && isRowsPage(value.page)) {
    return { type: ResultsMessage.rowsPage, runId: value.runId, page: value.page };
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

/** The run id the page persisted (`{ runId }`), or the id of the whole run an older build persisted. */
export function persistedRunId(raw: unknown): string | undefined {
  if (!isRecord(raw)) return undefined;
  if (isString(raw.runId)) return raw.runId;
  return isRecord(raw.model) && isString(raw.model.runId) ? raw.model.runId : undefined;
}
