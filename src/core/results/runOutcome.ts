// A finished scoring run turned into what the user sees: the results model the panel shows and the
// command returns, and the outcome text (a log line, and a warning when the run was cancelled or some
// batches failed). Pure, so that the wording is unit-tested and the scoring feature only orchestrates.
import type { SignatureField } from '../endpoints/model';
import type { ScoreRunResult } from '../fabric/types';
import type { ParsedTable } from '../rows';
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
    inputs: table.rows.map(r => table.columns.map(c => r[c] ?? null)),
    predictions: result.predictions.map(p => p ?? null),
    batches: result.batches,
    startedAt: run.startedAt.toISOString(),
    durationMs: result.durationMs,
    tokenRequests: result.tokenRequests,
    cancelled: result.cancelled,
    warnings: run.warnings,
  };
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
  const failed = result.batches.filter(b => !b.ok);
  const total = result.predictions.length;
  const rows = result.predictions.filter(p => p !== undefined).length;
  const log = `Scored ${rows}/${total} rows with ${endpointName} in ${result.durationMs} ms: ${result.batches.length - failed.length} batches ok, ${failed.length} failed, ${result.tokenRequests} token requests${result.cancelled ? ', cancelled' : ''}.`;
  if (result.cancelled) {
    return { log, warning: `Scoring cancelled: ${rows.toLocaleString()} of ${total.toLocaleString()} rows were scored and are shown.` };
  }
  if (failed.length === 0) return { log };
  const first = failed[0];
  const what = first.error ? describeError(first.error, { requestId: false }) : 'failed';
  if (failed.length === result.batches.length) {
    return { log, warning: `All ${failed.length} batch${failed.length === 1 ? '' : 'es'} failed (first: ${rowsText(first)}, ${what}); no predictions came back.` };
  }
  return { log, warning: `${failed.length} of ${result.batches.length} batches failed (first: ${rowsText(first)}, ${what}). The other batches' predictions are shown.` };
}
