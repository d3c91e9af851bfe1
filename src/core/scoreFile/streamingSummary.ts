// The summary of a prediction column over every row of a file run, in one pass and bounded memory: count, nulls,
// unscored rows, min, max and mean are exact; counts per class are exact up to 10 000 distinct labels. The
// histogram has the same bins as the in-memory summary (Sturges' rule over the exact streaming min and max, or
// one bar per integer when there are at most 30) and its counts come from a uniform reservoir sample of 10 000
// values scaled to the count — exact whenever the column has at most 10 000 values or at most 30 integers.
import { MAX_SUMMARY_CLASSES, type ColumnSummary, type HistogramBin } from '../results/model';

const RESERVOIR_SIZE = 10_000;
const MAX_DISTINCT_LABELS = 10_000;
/** The same bin rules as src/core/results/summary.ts, so a small run's summary is identical to the exact one. */
const MAX_INTEGER_BINS = 30;
const MIN_BINS = 5;
const MAX_BINS = 30;

export class StreamingColumnSummary {
  private count = 0;
  private nulls = 0;
  private unscored = 0;
  private allNumbers = true;
  private allIntegers = true;
  private min = Infinity;
  private max = -Infinity;
  private sum = 0;
  private readonly reservoir: number[] = [];
  /** Counts per number while every value is a number (no text conversion per value), then per label. */
  private numberCounts: Map<number, number> | undefined = new Map<number, number>();
  private readonly labels = new Map<string, number>();
  /** Values whose label was not counted because the distinct limit was reached. */
  private uncountedLabels = 0;
  private readonly random: () => number;

  constructor(
    readonly column: string,
    private readonly reservoirSize = RESERVOIR_SIZE,
    seed = 1,
  ) {
    this.random = mulberry32(seed);
  }

  /** A scored row's value in this column (null/undefined count as null). */
  add(value: unknown): void {
    if (value === null || value === undefined) {
      this.nulls++;
      return;
    }
    this.count++;
    const numeric = typeof value === 'number' && Number.isFinite(value);
    if (numeric && this.numberCounts) this.countLabel(this.numberCounts, value);
    else {
      if (this.numberCounts) this.switchToLabels();
      this.countLabel(this.labels, labelOf(value));
    }
    if (!this.allNumbers) return;
    if (!numeric) {
      this.allNumbers = false;
      this.reservoir.length = 0;
      return;
    }
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    this.sum += value;
    if (!Number.isInteger(value)) this.allIntegers = false;
    // Algorithm R: every value has the same chance to be in the sample.
    if (this.reservoir.length < this.reservoirSize) this.reservoir.push(value);
    else {
      const slot = Math.floor(this.random() * this.count);
      if (slot < this.reservoirSize) this.reservoir[slot] = value;
    }
  }

  private countLabel<K>(counts: Map<K, number>, key: K): void {
    const seen = counts.get(key);
    if (seen !== undefined) counts.set(key, seen + 1);
    else if (counts.size < MAX_DISTINCT_LABELS) counts.set(key, 1);
    else this.uncountedLabels++;
  }

  /** The first value that is not a number: the numbers counted so far become labels, in first-seen order. */
  private switchToLabels(): void {
    for (const [number, count] of this.numberCounts ?? []) this.labels.set(String(number), (this.labels.get(String(number)) ?? 0) + count);
    this.numberCounts = undefined;
  }

  /** A row without a prediction (its batch failed). */
  addUnscored(): void {
    this.unscored++;
  }

  finish(): ColumnSummary {
    const base = { column: this.column, count: this.count, nulls: this.nulls, unscored: this.unscored };
    if (this.count === 0) return { kind: 'empty', ...base };
    if (this.numberCounts && !this.allNumbers) this.switchToLabels();
    if (this.allNumbers) {
      const histogram = this.histogram();
      return { kind: 'number', ...base, min: this.min, max: this.max, mean: this.sum / this.count, histogram, ...(this.sampledHistogram(histogram) ? { histogramSample: this.reservoir.length } : {}) };
    }
    // A Map keeps first-seen order, and sort is stable, so ties keep that order (as the exact summary does).
    const sorted = [...this.labels].map(([label, count]) => ({ label, count })).sort((a, b) => b.count - a.count);
    const classes = sorted.slice(0, MAX_SUMMARY_CLASSES);
    const listed = classes.reduce((n, c) => n + c.count, 0);
    return { kind: 'label', ...base, distinct: this.labels.size + (this.uncountedLabels > 0 ? 1 : 0), classes, otherCount: this.count - listed };
  }

  /** Whether the bars came from the reservoir scaled to the count (not one bar per value, nor every value). */
  private sampledHistogram(bins: readonly HistogramBin[]): boolean {
    return this.reservoir.length < this.count && !(bins.length === 1 || bins.every(b => b.from === b.to));
  }

  private histogram(): HistogramBin[] {
    const { min, max, count } = this;
    if (min === max) return [{ from: min, to: max, count }];
    if (this.allIntegers && max - min + 1 <= MAX_INTEGER_BINS) {
      // At most 30 distinct integers: the label counts are exact.
      const bins: HistogramBin[] = [];
      for (let v = min; v <= max; v++) bins.push({ from: v, to: v, count: this.numberCounts?.get(v) ?? 0 });
      return bins;
    }
    const binCount = Math.min(MAX_BINS, Math.max(MIN_BINS, Math.ceil(Math.log2(count) + 1)));
    const width = (max - min) / binCount;
    const sampled = new Array<number>(binCount).fill(0);
    for (const v of this.reservoir) sampled[Math.min(binCount - 1, Math.floor((v - min) / width))]++;
    const counts = this.reservoir.length === count ? sampled : scaleTo(sampled, count);
    return counts.map((binCountValue, i) => ({ from: min + i * width, to: i === binCount - 1 ? max : min + (i + 1) * width, count: binCountValue }));
  }
}

/** Summaries of several prediction columns, fed one row at a time. */
export class StreamingSummary {
  private readonly columns: StreamingColumnSummary[];

  constructor(columnNames: readonly string[], reservoirSize?: number) {
    this.columns = columnNames.map((name, i) => new StreamingColumnSummary(name, reservoirSize, i + 1));
  }

  /** A row's predictions (null when the row has none: its batch failed). */
  addRow(prediction: readonly unknown[] | null): void {
    for (let c = 0; c < this.columns.length; c++) {
      if (prediction === null) this.columns[c].addUnscored();
      else this.columns[c].add(prediction[c]);
    }
  }

  finish(): ColumnSummary[] {
    return this.columns.map((column) => column.finish());
  }
}

/** Sample counts scaled to `total`, rounded so that they add up to it (largest remainder first). */
function scaleTo(sample: number[], total: number): number[] {
  const sampleTotal = sample.reduce((a, b) => a + b, 0);
  const exact = sample.map((n) => (n * total) / sampleTotal);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((value, i) => ({ i, remainder: value - Math.floor(value) })).sort((a, b) => b.remainder - a.remainder);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) counts[order[k].i]++;
  return counts;
}

function labelOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? String(value);
}

/** A small seeded generator: the same file gives the same sample, hence the same histogram, every run. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
