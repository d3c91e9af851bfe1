// Per prediction column: how many values, how many nulls, and either numeric statistics with a small
// histogram or the counts per class. Computed in the extension and posted with the model, so the
// webview only draws. One pass per column; 100 000 rows take a few milliseconds.
import {
  MAX_SUMMARY_CLASSES, type ColumnSummary, type HistogramBin, type ResultsModel,
} from './model';

/** Integer columns with at most this many distinct steps get one bar per value (e.g. 0/1 classifiers). */
const MAX_INTEGER_BINS = 30;
const MIN_BINS = 5;
const MAX_BINS = 30;

export function summarizePredictions(model: Pick<ResultsModel, 'outputColumns' | 'predictions'>): ColumnSummary[] {
  return model.outputColumns.map((column, c) => {
    const values: unknown[] = [];
    let unscored = 0;
    for (const prediction of model.predictions) {
      if (prediction === null) unscored++;
      else values.push(prediction[c]);
    }
    return summarizeColumn(column, values, unscored);
  });
}

/** Summarises the values of one column of scored rows (`undefined` counts as null). */
export function summarizeColumn(column: string, values: readonly unknown[], unscored = 0): ColumnSummary {
  let nulls = 0;
  let allNumbers = true;
  const present: unknown[] = [];
  for (const value of values) {
    if (value === null || value === undefined) {
      nulls++;
      continue;
    }
    present.push(value);
    if (typeof value !== 'number' || !Number.isFinite(value)) allNumbers = false;
  }
  const base = { column, count: present.length, nulls, unscored };
  if (present.length === 0) return { kind: 'empty', ...base };
  return allNumbers ? numberSummary(base, present as number[]) : labelSummary(base, present);
}

function numberSummary(base: { column: string; count: number; nulls: number; unscored: number }, values: number[]): ColumnSummary {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let allIntegers = true;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    if (!Number.isInteger(v)) allIntegers = false;
  }
  return { kind: 'number', ...base, min, max, mean: sum / values.length, histogram: histogram(values, min, max, allIntegers) };
}

function histogram(values: number[], min: number, max: number, allIntegers: boolean): HistogramBin[] {
  if (min === max) return [{ from: min, to: max, count: values.length }];
  if (allIntegers && max - min + 1 <= MAX_INTEGER_BINS) {
    const bins: HistogramBin[] = [];
    for (let v = min; v <= max; v++) bins.push({ from: v, to: v, count: 0 });
    for (const v of values) bins[v - min].count++;
    return bins;
  }
  // Sturges' rule, bounded so that the chart stays readable.
  const binCount = Math.min(MAX_BINS, Math.max(MIN_BINS, Math.ceil(Math.log2(values.length) + 1)));
  const width = (max - min) / binCount;
  const bins: HistogramBin[] = Array.from({ length: binCount }, (_, i) => ({
    from: min + i * width,
    to: i === binCount - 1 ? max : min + (i + 1) * width,
    count: 0,
  }));
  for (const v of values) bins[Math.min(binCount - 1, Math.floor((v - min) / width))].count++;
  return bins;
}

function labelOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? String(value);
}

function labelSummary(base: { column: string; count: number; nulls: number; unscored: number }, values: unknown[]): ColumnSummary {
  // A Map keeps first-seen order, and Array.prototype.sort is stable, so ties keep that order.
  const counts = new Map<string, number>();
  for (const value of values) {
    const label = labelOf(value);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  const sorted = [...counts].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count);
  const classes = sorted.slice(0, MAX_SUMMARY_CLASSES);
  const otherCount = sorted.slice(MAX_SUMMARY_CLASSES).reduce((n, c) => n + c.count, 0);
  return { kind: 'label', ...base, distinct: counts.size, classes, otherCount };
}
