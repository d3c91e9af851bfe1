// JSON export of a run: what ran (endpoint, source, timing, the input signature's types, batches without
// their raw bodies) and one object per row with its predictions and its inputs as sent (numbers as numbers)
// keyed by column name, predictions first like the grid. Rows are written one per line
// so that a 100 000-row file stays readable and diffable.
import type { ResultsModel } from './model';
import { describeRows } from '../text';
import { exportColumns, rowErrors } from './columns';

export interface ExportedRow {
  /** 1-based position in the run. */
  row: number;
  /** 1-based line in the source file, when known. */
  sourceLine?: number;
  /** null when the row was not scored (see `error`). */
  predictions: Record<string, unknown> | null;
  inputs: Record<string, unknown>;
  error?: string;
}

function record(names: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  names.forEach((name, i) => { out[name] = values[i] ?? null; });
  return out;
}

export function resultsToJson(model: ResultsModel): string {
  const columns = exportColumns(model);
  const errors = rowErrors(model);
  const header = {
    runId: model.runId,
    endpoint: { name: model.endpoint.name, version: model.endpoint.version ?? null, scoreUrl: model.endpoint.scoreUrl },
    source: { fileName: model.source.fileName },
    startedAt: model.startedAt,
    durationMs: model.durationMs,
    tokenRequests: model.tokenRequests,
    cancelled: model.cancelled,
    columns: {
      predictions: columns.outputs,
      inputs: columns.inputs,
      // The signature type each input was sent as; absent for a column sent (or kept) as in the file.
      ...(model.inputTypes ? { inputTypes: Object.fromEntries(columns.inputs.flatMap((name, c) => (model.inputTypes?.[c] ? [[name, model.inputTypes[c]]] : []))) } : {}),
    },
    warnings: model.warnings,
    batches: model.batches.map(b => ({
      batch: b.index + 1,
      rows: describeRows(b, model.source.rowLines),
      ok: b.ok,
      durationMs: b.durationMs,
      attempts: b.attempts,
      ...(b.error ? { error: { status: b.error.status ?? null, errorCode: b.error.errorCode ?? null, message: b.error.message, requestId: b.error.requestId ?? null } } : {}),
    })),
  };
  const rows = model.inputs.map((input, i) => {
    const prediction = model.predictions[i];
    const line = model.source.rowLines?.[i];
    const row: ExportedRow = {
      row: i + 1,
      ...(line !== undefined ? { sourceLine: line } : {}),
      predictions: prediction === null ? null : record(columns.outputs, prediction),
      inputs: record(columns.inputs, input),
      ...(errors[i] !== undefined ? { error: errors[i] } : {}),
    };
    return '    ' + JSON.stringify(row);
  });
  const head = JSON.stringify(header, null, 2);
  // Splice the rows in as the last property, one object per line.
  return `${head.slice(0, -2)},\n  "rows": [\n${rows.join(',\n')}\n  ]\n}\n`;
}
