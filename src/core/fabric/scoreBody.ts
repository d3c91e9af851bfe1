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

/** Prediction rows, and the names of their columns when the predictions were objects. */
export interface ReadPredictions {
  predictions: unknown[][];
  /** Record-shaped predictions only: the output signature's names, then every other key in first-seen order. */
  columns?: string[];
}

/**
 * Pulls one prediction row per input row out of a ScoreDataResponse. Returns a problem text instead of
 * throwing so that the caller can attach the exchange. Object predictions are read by the output signature's
 * names (a missing one is null) and their other keys become further columns; a nested value stays in its own
 * column. Value predictions (a scalar, or a list of scalars) must fit the output signature's width when there is
 * one: a list of another length, or a list holding lists or objects, fails the batch rather than mislabel it.
 */
export function readPredictions(body: unknown, expectedRows: number, outputColumns?: readonly string[]): ReadPredictions | { problem: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { problem: 'the response is not a ScoreDataResponse object' };
  }
  const predictions = (body as { predictions?: unknown }).predictions;
  if (!Array.isArray(predictions)) return { problem: 'the response has no "predictions" array' };
  if (predictions.length !== expectedRows) {
    return { problem: `expected ${expectedRows} ${expectedRows === 1 ? 'prediction' : 'predictions'}, got ${predictions.length}` };
  }
  const records = predictions.filter(isRecord).length;
  if (records > 0 && records + predictions.filter(p => p === null).length === predictions.length) {
    return readRecords(predictions as Array<Record<string, unknown> | null>, outputColumns ?? []);
  }
  if (records > 0) return { problem: 'some predictions are objects and others are not' };
  const rows = predictions.map(value => (Array.isArray(value) ? (value as unknown[]) : [value]));
  if (outputColumns?.length) {
    const misfit = rows.findIndex(row => row.length !== outputColumns.length || row.some(v => typeof v === 'object' && v !== null));
    if (misfit >= 0) return { problem: shapeProblem(outputColumns, predictions[misfit], misfit) };
  }
  return { predictions: rows };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readRecords(records: Array<Record<string, unknown> | null>, outputColumns: readonly string[]): ReadPredictions {
  const columns = [...outputColumns];
  const known = new Set(columns);
  for (const record of records) {
    for (const key of Object.keys(record ?? {})) {
      if (!known.has(key)) {
        known.add(key);
        columns.push(key);
      }
    }
  }
  const has = (record: Record<string, unknown>, c: string): boolean => Object.prototype.hasOwnProperty.call(record, c);
  return { columns, predictions: records.map(record => columns.map(c => (record && has(record, c) ? record[c] : null))) };
}

/** "the output signature expects 1 value per row (prediction), but prediction 3 is a list holding a list: [[52,104]]" */
function shapeProblem(outputColumns: readonly string[], value: unknown, index: number): string {
  const width = outputColumns.length;
  const expected = `${width} ${width === 1 ? 'value' : 'values'} per row (${outputColumns.join(', ')})`;
  return `the output signature expects ${expected}, but prediction ${index + 1} is ${describeShape(value)}: ${clip(JSON.stringify(value) ?? String(value))}; no prediction of this batch was used`;
}

function describeShape(value: unknown): string {
  if (!Array.isArray(value)) return 'one value';
  const nested = value.find(v => typeof v === 'object' && v !== null);
  if (nested !== undefined) return `a list holding ${Array.isArray(nested) ? 'a list' : 'an object'}`;
  return `a list of ${value.length} ${value.length === 1 ? 'value' : 'values'}`;
}

function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
