// The read-only reports "Run in Fabric" and the run comparisons open: Markdown text, every value from a file, an
// endpoint or Fabric escaped as table-cell text.
import type { DecodedTable } from '../arrow/decodeArrow';
import { agreementText, type RunComparison } from './compareRuns';

/** A value as one Markdown table cell: pipes escaped, line breaks flattened, long text cut. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return '·';
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : JSON.stringify(value);
  const flat = text.replace(/\r?\n|\r/g, ' ').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;');
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat;
}

function table(header: string[], rows: unknown[][]): string[] {
  return [`| ${header.map(cell).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map(r => `| ${r.map(cell).join(' | ')} |`)];
}

/** Rows shown in a report; the rest are counted, not listed. */
export const REPORT_ROW_LIMIT = 500;

export interface QueryReportInfo {
  dataflow: string;
  query: string;
  /** "the saved dataflow" or "the local mashup.pq (sent as customMashupDocument)". */
  document: string;
}

export function queryResultReport(info: QueryReportInfo, result: DecodedTable & { durationMs: number }): string {
  const shown = result.rows.slice(0, REPORT_ROW_LIMIT);
  return [
    `# Evaluated by Fabric, dataflow ${cell(info.dataflow)}, query ${cell(info.query)}`,
    '',
    `${result.rows.length} rows × ${result.columns.length} columns in ${result.durationMs} ms, from ${info.document}.`,
    '',
    ...table(result.columns.map(c => `${c.name} (${c.type})`), shown),
    ...(result.rows.length > shown.length ? ['', `… ${result.rows.length - shown.length} more rows not shown.`] : []),
    '',
  ].join('\n');
}

export interface ComparisonReportInfo {
  title: string;
  inputColumns: string[];
  inputs: unknown[][];
  /** 1-based source line of each row. */
  rowLines: number[];
  /** Prediction columns of run A and run B (in each run's order). */
  a: { columns: string[]; predictions: ReadonlyArray<ReadonlyArray<unknown> | null | undefined> };
  b: { columns: string[]; predictions: ReadonlyArray<ReadonlyArray<unknown> | null | undefined> };
  notes?: string[];
}

export function comparisonReport(comparison: RunComparison, info: ComparisonReportInfo): string {
  const { a, b } = comparison;
  const lines = [
    `# ${cell(info.title)}`,
    '',
    `**A**: ${cell(a.label)}  `,
    `**B**: ${cell(b.label)}`,
    '',
    `**Agreement: ${agreementText(comparison)}**, numbers within ${comparison.tolerance} (setting fabricMl.compare.tolerance), labels exactly.`,
    '',
    ...table(['prediction column', 'compared as', 'rows agreeing', 'largest difference'],
      comparison.columns.map(c => [c.column, c.kind === 'number' ? `number (± ${comparison.tolerance})` : 'label (exact)', `${c.agree} of ${c.compared}`, c.kind === 'number' ? c.maxDifference : ''])),
    '',
    ...table(['run', 'requests', 'latency p50', 'latency p95'], [
      [`A: ${a.label}`, a.latency.count, `${a.latency.p50Ms} ms`, `${a.latency.p95Ms} ms`],
      [`B: ${b.label}`, b.latency.count, `${b.latency.p50Ms} ms`, `${b.latency.p95Ms} ms`],
    ]),
    ...(comparison.unmatchedColumns.length ? ['', `Not compared (only one run has them): ${comparison.unmatchedColumns.map(cell).join(', ')}.`] : []),
    ...(info.notes?.length ? ['', ...info.notes.map(n => `> ${n}`)] : []),
    '',
    `## Rows that differ (${comparison.differences.length})`,
    '',
  ];
  if (comparison.differences.length === 0) lines.push('None: every row agrees.');
  else {
    const rows = comparison.differences.slice(0, REPORT_ROW_LIMIT).flatMap(d => d.cells.map(c => [d.row + 1, info.rowLines[d.row] ?? '', c.column, c.a, c.b]));
    lines.push(...table(['row', 'line', 'column', 'A', 'B'], rows));
  }
  const pick = (run: ComparisonReportInfo['a'], i: number) => comparison.columns.map(c => run.predictions[i]?.[run.columns.indexOf(c.column)]);
  const differing = new Set(comparison.differences.map(d => d.row));
  const all = info.inputs.slice(0, REPORT_ROW_LIMIT).map((input, i) => [differing.has(i) ? '≠' : '=', i + 1, ...input, ...pick(info.a, i), ...pick(info.b, i)]);
  lines.push('', '## All rows', '', ...table(['', 'row', ...info.inputColumns, ...comparison.columns.map(c => `A ${c.column}`), ...comparison.columns.map(c => `B ${c.column}`)], all), '');
  return lines.join('\n');
}
