// The ScoreDataRequest body and the ScoreDataResponse check. Only `values` has an official example; `record`
// follows the pandas "records" shape (objects keyed by column name).
import type { Orientation } from './types';

export function buildScoreBody(columns: readonly string[], rows: readonly (readonly unknown[])[], orientation: Orientation): string {
  const inputs = orientation === 'record' ? rows.map(row => toRecord(columns, row)) : rows;
  return JSON.stringify({ formatType: 'dataframe', orientation, inputs });
}

function toRecord(columns: readonly string[], row: readonly unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i < columns.length; i++) record[columns[i]] = row[i] === undefined ? null : row[i];
  return record;
}

/**
 * Pulls one prediction row per input row out of a ScoreDataResponse. Returns a problem text instead of
 * throwing so that the caller can attach the exchange. A scalar prediction becomes [value]; an object
 * (record-shaped output) is read by the output signature's column names when any of them is a key (key
 * order in JSON is the server's choice; a missing column is null), else its values in key order.
 */
export function readPredictions(body: unknown, expectedRows: number, outputColumns?: readonly string[]): { predictions: unknown[][] } | { problem: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { problem: 'the response is not a ScoreDataResponse object' };
  }
  const predictions = (body as { predictions?: unknown }).predictions;
  if (!Array.isArray(predictions)) return { problem: 'the response has no "predictions" array' };
  if (predictions.length !== expectedRows) return { problem: `expected ${expectedRows} predictions, got ${predictions.length}` };
  return { predictions: predictions.map(value => toPredictionRow(value, outputColumns)) };
}

function toPredictionRow(value: unknown, outputColumns: readonly string[] | undefined): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'object' && value !== null) {
    const record = value as Record<string, unknown>;
    const has = (c: string): boolean => Object.prototype.hasOwnProperty.call(record, c);
    // Any known name means the record is keyed by output column: a missing one is null, never a shifted value.
    if (outputColumns?.length && outputColumns.some(has)) return outputColumns.map(c => (has(c) ? record[c] : null));
    return Object.values(record);
  }
  return [value];
}
