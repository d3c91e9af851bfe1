// A finished scoring run turned into what the user sees: the results model the panel shows and the
// command returns, and the outcome text (a log line, and a warning when the run was cancelled or some
// batches failed). Pure, so that the wording is unit-tested and the scoring feature only orchestrates.
import type { SignatureField } from '../endpoints/model';
import type { BatchOutcome, ScoreRunResult } from '../fabric/types';
import type { MappedRows, ParsedTable, RejectedRow } from '../rows';
import { describeError, rowsText } from '../text';
import type { ResultsModel } from './model';

/** What the scoring feature knows about a run once it has finished. */
export interface FinishedRun {
  runId: string;
  endpoint: { id: string; name: string; scoreUrl: string };
  /** The version's name from its metadata, else the version the endpoint's URL names. */
  version?: string;
  /** The source file as the user knows it (workspace-relative). */
  fileName: string;
  table: Pick<ParsedTable, 'columns' | 'rows' | 'rowLines'>;
  /** The rows as sent (mapped onto the input signature); absent: the file's values are shown as they are. */
  sent?: Pick<MappedRows, 'columns' | 'rows' | 'sourceColumns'>;
  /** The signature `sent` was mapped onto, in the order of `sent.columns`. */
  inputSignature?: SignatureField[];
  outputSignature?: SignatureField[];
  result: ScoreRunResult;
  startedAt: Date;
  warnings: string[];
}

export function buildResultsModel(run: FinishedRun): ResultsModel {
  const { table, result } = run;
  return {
    runId: run.runId,
    endpoint: { ...run.endpoint, version: run.version },
    source: { fileName: run.fileName, rowLines: table.rowLines },
    inputColumns: table.columns,
    // Object predictions come with their names; value predictions take the signature's, then prediction_<n>.
    outputColumns: result.outputColumns?.length ? result.outputColumns : outputColumnNames(run.outputSignature, result.predictions),
    ...inputsAsSent(run),
    predictions: result.predictions.map(p => p ?? null),
    batches: result.batches,
    startedAt: run.startedAt.toISOString(),
    durationMs: result.durationMs,
    tokenRequests: result.tokenRequests,
    cancelled: result.cancelled,
    warnings: run.warnings,
  };
}

/** How many problems a refusal lists before "and N more". */
export const LISTED_INPUT_PROBLEMS = 10;

/** The refusal of rows whose values do not fit the signature: a title and one line per problem. */
export function describeInputProblems(error: { problemCount: number; rejected: readonly RejectedRow[] }): { title: string; lines: string[] } {
  const rows = error.rejected.length;
  const title = `${error.problemCount} ${error.problemCount === 1 ? 'value does' : 'values do'} not match the input signature (${rows} ${rows === 1 ? 'row' : 'rows'}). Nothing was sent.`;
  const lines = error.rejected.slice(0, LISTED_INPUT_PROBLEMS).map(r => `Line ${r.line}, column ${r.column}: ${r.reason}`);
  if (rows > LISTED_INPUT_PROBLEMS) lines.push(`… and ${rows - LISTED_INPUT_PROBLEMS} more ${rows - LISTED_INPUT_PROBLEMS === 1 ? 'row' : 'rows'}.`);
  return { title, lines };
}

/**
 * The run as the panel shows it when some rows were not sent ("Score the valid rows only"): the sent rows with
 * their results, then each refused row with no prediction and a batch of its own that says why, so no row of
 * the selection disappears from the page.
 */
export function withRowsNotSent(table: ParsedTable, keptRows: readonly number[], result: ScoreRunResult, rejected: readonly RejectedRow[]): { table: ParsedTable; result: ScoreRunResult } {
  const sentRows = keptRows.map(i => table.rows[i]);
  const sentLines = keptRows.map(i => table.rowLines[i]);
  const first = sentRows.length;
  const notSent: BatchOutcome[] = rejected.map((r, i) => ({
    index: result.batches.length + i,
    startRow: first + i,
    endRow: first + i + 1,
    ok: false,
    durationMs: 0,
    attempts: 0,
    error: { kind: 'notSent', errorCode: 'NotSent', message: `Not sent: column ${r.column}: ${r.reason}` },
  }));
  return {
    table: { ...table, rows: [...sentRows, ...rejected.map(r => table.rows[r.row])], rowLines: [...sentLines, ...rejected.map(r => r.line)] },
    result: { ...result, predictions: [...result.predictions, ...rejected.map(() => undefined)], batches: [...result.batches, ...notSent] },
  };
}

/**
 * The grid's input values: for each column of the file, the value as sent when the signature takes that
 * column (a number, a boolean, an ISO date), else the file's value; and the signature type of each column.
 */
function inputsAsSent(run: FinishedRun): Pick<ResultsModel, 'inputs' | 'inputTypes'> {
  const { table, sent, inputSignature } = run;
  if (!sent || !inputSignature?.length) return { inputs: table.rows.map(r => table.columns.map(c => r[c] ?? null)) };
  const sentAt = table.columns.map(c => sent.sourceColumns.indexOf(c));
  const inputs = table.rows.map((r, i) => table.columns.map((c, k) => (sentAt[k] >= 0 && i < sent.rows.length ? sent.rows[i][sentAt[k]] : r[c]) ?? null));
  return { inputs, inputTypes: sentAt.map(j => (j >= 0 ? inputSignature[j]?.type ?? null : null)) };
}

/** The output signature's names, then `prediction_<n>` for any further value a prediction has. */
export function outputColumnNames(signature: SignatureField[] | undefined, predictions: ReadonlyArray<unknown[] | undefined>): string[] {
  const width = predictions.reduce((w, p) => Math.max(w, p?.length ?? 0), 0);
  const names = (signature ?? []).map(f => f.name);
  for (let i = names.length; i < width; i++) names.push(`prediction_${i + 1}`);
  return names.length ? names : ['prediction'];
}

export interface RunOutcomeText {
  /** For the output channel, always. */
  log: string;
  /** For a warning notification, when the run was cancelled or some batches failed. */
  warning?: string;
}

export function describeRunOutcome(endpointName: string, result: ScoreRunResult): RunOutcomeText {
  // Rows refused before sending ("Score the valid rows only") are not failed batches: they never left VS Code.
  const sentBatches = result.batches.filter(b => b.error?.kind !== 'notSent');
  const notSent = result.batches.length - sentBatches.length;
  const failed = sentBatches.filter(b => !b.ok);
  const total = result.predictions.length;
  const rows = result.predictions.filter(p => p !== undefined).length;
  const log = `Scored ${rows}/${total} rows with ${endpointName} in ${result.durationMs} ms: ${sentBatches.length - failed.length} batches ok, ${failed.length} failed, ${notSent ? `${notSent} rows not sent, ` : ''}${result.tokenRequests} token requests${result.cancelled ? ', cancelled' : ''}.`;
  const notSentText = notSent ? ` ${notSent} ${notSent === 1 ? 'row was' : 'rows were'} not sent (values that do not fit the input signature) and ${notSent === 1 ? 'is' : 'are'} listed with the reason.` : '';
  if (result.cancelled) {
    return { log, warning: `Scoring cancelled: ${rows.toLocaleString()} of ${total.toLocaleString()} rows were scored and are shown.` };
  }
  if (failed.length === 0) return notSentText ? { log, warning: notSentText.trim() } : { log };
  const first = failed[0];
  const what = first.error ? describeError(first.error, { requestId: false }) : 'failed';
  if (failed.length === sentBatches.length) {
    return { log, warning: `All ${failed.length} batch${failed.length === 1 ? '' : 'es'} failed (first: ${rowsText(first)}, ${what}); no predictions came back.${notSentText}` };
  }
  return { log, warning: `${failed.length} of ${sentBatches.length} batches failed (first: ${rowsText(first)}, ${what}). The other batches' predictions are shown.${notSentText}` };
}
