// The results panel's model of a Score File to file run: the first rows (with their batches) in the grid, the
// summaries over every row computed while the file was written, and the output file the rows are in.
import type { ResultsModel } from '../results/model';
import type { ScoreFileResult } from './scoreFileToFile';

export interface FileRunFacts {
  runId: string;
  endpoint: { id: string; name: string; scoreUrl: string };
  version?: string;
  /** The input as the user knows it (workspace-relative). */
  fileName: string;
  outputFileName: string;
  startedAt: Date;
  warnings: string[];
}

export function fileResultsModel(facts: FileRunFacts, result: ScoreFileResult): ResultsModel {
  const rows = result.firstRows;
  const inputs = rows.map((row) => row.inputs);
  // Batches of the rows shown, cut to those rows (a batch larger than the rows kept is shown in part).
  const batches = result.firstBatches.filter((batch) => batch.startRow < rows.length).map((batch) => ({ ...batch, endRow: Math.min(batch.endRow, rows.length) }));
  return {
    runId: facts.runId,
    endpoint: { ...facts.endpoint, ...(facts.version ? { version: facts.version } : {}) },
    source: { fileName: facts.fileName, rowLines: rows.map((row) => row.line) },
    inputColumns: result.layout?.inputs ?? [],
    outputColumns: result.layout?.outputs ?? [],
    inputs,
    predictions: rows.map((row) => row.prediction),
    batches,
    startedAt: facts.startedAt.toISOString(),
    durationMs: result.durationMs,
    tokenRequests: result.tokenRequests,
    cancelled: result.cancelled,
    warnings: facts.warnings,
    outputFile: {
      path: result.outputPath, fileName: facts.outputFileName, rowsWritten: result.rowsWritten, complete: result.complete, failedRows: result.failedRows,
      ...(result.layout?.format === 'csv' ? { delimiter: result.layout.delimiter } : {}),
    },
  };
}
