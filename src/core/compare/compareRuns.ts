// The comparison of two runs over the same rows ("scored directly" vs "evaluated by the M in Fabric", or version A
// vs version B): per prediction column, how many rows agree (exactly for labels, within a tolerance for numbers),
// the rows that differ first, and each run's latency percentiles.

export interface RunForComparison {
  /** "Scored directly (version 1)", "Evaluated by the M in Fabric (dataflow X)". */
  label: string;
  /** Prediction column names, in order. */
  columns: string[];
  /** One prediction row per input row (undefined/null: the row has no prediction, e.g. its batch failed). */
  predictions: ReadonlyArray<ReadonlyArray<unknown> | null | undefined>;
  /** Latency of each request (batch, or the one executeQuery call), in ms. */
  latenciesMs: readonly number[];
}

export interface ColumnAgreement {
  column: string;
  kind: 'number' | 'label';
  agree: number;
  compared: number;
  /** Largest absolute difference of a numeric column (0 when all agree exactly). */
  maxDifference?: number;
}

export interface RowDifference {
  /** Zero-based row index in both runs. */
  row: number;
  /** The columns that differ, with each run's value. */
  cells: Array<{ column: string; a: unknown; b: unknown }>;
}

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p95Ms: number;
}

export interface RunComparison {
  a: { label: string; latency: LatencySummary };
  b: { label: string; latency: LatencySummary };
  rows: number;
  columns: ColumnAgreement[];
  /** Columns only one run has (not compared). */
  unmatchedColumns: string[];
  /** Rows with at least one differing column (or a prediction in only one run), in row order. */
  differences: RowDifference[];
  /** Rows where every compared column agrees. */
  agreeingRows: number;
  tolerance: number;
}

export class ComparisonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ComparisonError';
  }
}

/** Compares `a` and `b` row by row; numbers agree when |a − b| ≤ tolerance, everything else when equal. */
export function compareRuns(a: RunForComparison, b: RunForComparison, tolerance: number): RunComparison {
  if (a.predictions.length !== b.predictions.length) {
    throw new ComparisonError(`The runs are over different rows: ${a.label} has ${a.predictions.length}, ${b.label} has ${b.predictions.length}.`);
  }
  if (!(tolerance >= 0)) throw new ComparisonError(`The tolerance must be zero or more, not ${tolerance}.`);
  const shared = a.columns.filter(c => b.columns.includes(c));
  const unmatchedColumns = [...a.columns.filter(c => !b.columns.includes(c)), ...b.columns.filter(c => !a.columns.includes(c))];
  const stats = new Map<string, ColumnAgreement>(shared.map(c => [c, { column: c, kind: 'label', agree: 0, compared: 0 }]));
  const numeric = new Set(shared.filter(c => isNumericColumn(a, c) && isNumericColumn(b, c)));
  for (const c of numeric) Object.assign(stats.get(c)!, { kind: 'number', maxDifference: 0 });
  const differences: RowDifference[] = [];

  for (let row = 0; row < a.predictions.length; row++) {
    const rowA = a.predictions[row];
    const rowB = b.predictions[row];
    const cells: RowDifference['cells'] = [];
    for (const column of shared) {
      const va = rowA ? rowA[a.columns.indexOf(column)] : undefined;
      const vb = rowB ? rowB[b.columns.indexOf(column)] : undefined;
      const stat = stats.get(column)!;
      stat.compared++;
      const same = numeric.has(column) ? numbersAgree(va, vb, tolerance, stat) : labelsAgree(va, vb);
      if (same) stat.agree++;
      else cells.push({ column, a: va ?? null, b: vb ?? null });
    }
    if (cells.length) differences.push({ row, cells });
  }
  return {
    a: { label: a.label, latency: latencySummary(a.latenciesMs) },
    b: { label: b.label, latency: latencySummary(b.latenciesMs) },
    rows: a.predictions.length,
    columns: shared.map(c => stats.get(c)!),
    unmatchedColumns,
    differences,
    agreeingRows: a.predictions.length - differences.length,
    tolerance,
  };
}

function isNumericColumn(run: RunForComparison, column: string): boolean {
  const index = run.columns.indexOf(column);
  let sawNumber = false;
  for (const row of run.predictions) {
    const value = row?.[index];
    if (value === null || value === undefined) continue;
    if (typeof value !== 'number') return false;
    sawNumber = true;
  }
  return sawNumber;
}

function numbersAgree(a: unknown, b: unknown, tolerance: number, stat: ColumnAgreement): boolean {
  if (typeof a !== 'number' || typeof b !== 'number') return (a ?? null) === (b ?? null) && a !== undefined && b !== undefined;
  const difference = Math.abs(a - b);
  stat.maxDifference = Math.max(stat.maxDifference ?? 0, difference);
  return difference <= tolerance;
}

/** Labels agree when equal; a row missing in either run never agrees. */
function labelsAgree(a: unknown, b: unknown): boolean {
  if (a === undefined || b === undefined) return false;
  return a === b || (typeof a === 'object' && JSON.stringify(a) === JSON.stringify(b));
}

/** Nearest-rank percentiles: p50 and p95 of the request latencies. */
export function latencySummary(latencies: readonly number[]): LatencySummary {
  if (latencies.length === 0) return { count: 0, p50Ms: 0, p95Ms: 0 };
  const sorted = [...latencies].sort((x, y) => x - y);
  const rank = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
  return { count: sorted.length, p50Ms: Math.round(rank(50)), p95Ms: Math.round(rank(95)) };
}

/** "100 % (60 of 60 rows)" — agreement of a comparison as the view's headline says it. */
export function agreementText(comparison: RunComparison): string {
  const percent = comparison.rows === 0 ? 100 : (comparison.agreeingRows / comparison.rows) * 100;
  const shown = Number.isInteger(percent) ? String(percent) : percent.toFixed(1);
  return `${shown} % (${comparison.agreeingRows} of ${comparison.rows} rows agree)`;
}
