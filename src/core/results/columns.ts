// Column names and per-row error texts shared by the exports (CSV, JSON, M #table), which write the columns
// in the grid's order: predictions first, then the inputs, then why a row has no prediction. Exported files must
// have unique column names: M rejects a table type with a duplicate field, and CSV readers drop one of
// two equal headers, so a prediction column that repeats an input column's name gets a suffix.
import type { BatchOutcome } from '../fabric/types';
import { describeError, describeRows } from '../text';
import type { ResultsModel } from './model';

export interface ExportColumns {
  inputs: string[];
  outputs: string[];
  /** The column that explains why a row has no prediction. */
  error: string;
}

/** Returns the names made unique in order: a repeat becomes `name (suffix)`, then `name (suffix 2)`, … */
export function uniqueNames(names: readonly string[], suffix: string, taken: Set<string> = new Set()): string[] {
  return names.map(original => {
    const name = original === '' ? suffix : original;
    let candidate = name;
    for (let n = 1; taken.has(candidate); n++) candidate = n === 1 ? `${name} (${suffix})` : `${name} (${suffix} ${n})`;
    taken.add(candidate);
    return candidate;
  });
}

export function exportColumns(model: ResultsModel): ExportColumns {
  const taken = new Set<string>();
  // Inputs keep their names first: a prediction that repeats one is the column that gets the suffix.
  const inputs = uniqueNames(model.inputColumns, 'input', taken);
  const outputs = uniqueNames(model.outputColumns, 'prediction', taken);
  const [error] = uniqueNames(['error'], 'scoring', taken);
  return { inputs, outputs, error };
}

/** Why each row has no prediction, or undefined for a scored row. */
export function rowErrors(model: ResultsModel): Array<string | undefined> {
  const failedBatchOfRow: Array<BatchOutcome | undefined> = new Array(model.predictions.length);
  for (const batch of model.batches) {
    if (batch.ok) continue;
    for (let row = batch.startRow; row < batch.endRow; row++) failedBatchOfRow[row] = batch;
  }
  return model.predictions.map((prediction, row) => {
    if (prediction !== null) return undefined;
    const batch = failedBatchOfRow[row];
    if (!batch) return model.cancelled ? 'Not scored: the run was cancelled.' : 'No prediction was returned for this row.';
    // A batch that was never sent carries its own "Not sent: …" explanation.
    if (batch.attempts === 0 && batch.error) return `Batch ${batch.index + 1} (${describeRows(batch, model.source.rowLines)}): ${batch.error.message}`;
    const what = batch.error ? describeError(batch.error) : 'failed';
    const attempts = batch.attempts > 1 ? ` after ${batch.attempts} attempts` : '';
    return `Batch ${batch.index + 1} (${describeRows(batch, model.source.rowLines)}) failed${attempts}: ${what}`;
  });
}
