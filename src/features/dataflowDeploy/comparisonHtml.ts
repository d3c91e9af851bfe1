// The comparison page: static HTML rendered here (no script runs in it), every value from a file, an endpoint or
// Fabric escaped as text. Strict CSP: nothing but this render's inline stylesheet. Free of `vscode` so it can be
// rendered anywhere.
import { randomBytes } from 'crypto';
import { agreementText, type RunComparison } from '../../core/compare';

/** Rows listed on the page; the rest are counted, not listed. */
export const PAGE_ROW_LIMIT = 500;

export interface ComparisonPage {
  title: string;
  inputColumns: string[];
  inputs: unknown[][];
  /** 1-based source line of each row. */
  rowLines: number[];
  a: { columns: string[]; predictions: ReadonlyArray<ReadonlyArray<unknown> | null | undefined> };
  b: { columns: string[]; predictions: ReadonlyArray<ReadonlyArray<unknown> | null | undefined> };
  notes: string[];
}

export function escapeHtml(value: unknown): string {
  const text = value === null || value === undefined ? '' : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function table(header: string[], rows: Array<{ cells: unknown[]; cls?: string }>, cls = ''): string {
  const head = header.map(h => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows.map(r => `<tr class="${r.cls ?? ''}">${r.cells.map(c => `<td>${c === null || c === undefined ? '<span class="null">null</span>' : escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table class="${cls}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

export function comparisonHtml(comparison: RunComparison, page: ComparisonPage, cspSource: string): string {
  const nonce = randomBytes(16).toString('base64');
  const { a, b } = comparison;
  const allAgree = comparison.differences.length === 0;
  const columnRows = comparison.columns.map(c => ({
    cells: [c.column, c.kind === 'number' ? `number, within ± ${comparison.tolerance}` : 'label, exact', `${c.agree} of ${c.compared}`, c.kind === 'number' ? c.maxDifference : '—'],
    cls: c.agree === c.compared ? 'ok' : 'bad',
  }));
  const latencyRows = [[`A: ${a.label}`, a.latency], [`B: ${b.label}`, b.latency]].map(([label, l]) => {
    const latency = l as RunComparison['a']['latency'];
    return { cells: [label, latency.count, `${latency.p50Ms} ms`, `${latency.p95Ms} ms`] };
  });
  const differing = comparison.differences.slice(0, PAGE_ROW_LIMIT).flatMap(d => d.cells.map(c => ({ cells: [d.row + 1, page.rowLines[d.row] ?? '', c.column, c.a, c.b], cls: 'bad' })));
  const pick = (run: ComparisonPage['a'], i: number) => comparison.columns.map(c => run.predictions[i]?.[run.columns.indexOf(c.column)]);
  const differs = new Set(comparison.differences.map(d => d.row));
  const all = page.inputs.slice(0, PAGE_ROW_LIMIT).map((input, i) => ({ cells: [differs.has(i) ? '≠' : '=', i + 1, ...input, ...pick(page.a, i), ...pick(page.b, i)], cls: differs.has(i) ? 'bad' : '' }));
  const more = (shown: number, total: number) => (total > shown ? `<p class="note">${total - shown} more rows are not listed.</p>` : '');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'nonce-${escapeHtml(nonce)}'; img-src ${escapeHtml(cspSource)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeHtml(page.title)}</title>
<style nonce="${escapeHtml(nonce)}">
body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); padding: 0 16px 24px; }
h1 { font-size: 1.4em; font-weight: 600; } h2 { font-size: 1.1em; margin-top: 1.6em; }
.headline { font-size: 1.25em; padding: 8px 12px; border-left: 4px solid var(--vscode-testing-iconPassed, green); background: var(--vscode-textBlockQuote-background); }
.headline.bad { border-left-color: var(--vscode-testing-iconFailed, red); }
.runs dt { font-weight: 600; float: left; width: 1.5em; } .runs dd { margin: 0 0 4px 1.5em; }
table { border-collapse: collapse; margin: 6px 0; } th, td { border: 1px solid var(--vscode-panel-border, #8884); padding: 2px 8px; text-align: left; white-space: nowrap; }
th { background: var(--vscode-editorWidget-background); position: sticky; top: 0; }
tr.bad td { background: var(--vscode-inputValidation-errorBackground, #f002); } .null { opacity: 0.6; font-style: italic; }
.note { opacity: 0.8; } .scroll { overflow: auto; max-height: 60vh; }
</style>
</head>
<body>
<h1>${escapeHtml(page.title)}</h1>
<dl class="runs"><dt>A</dt><dd>${escapeHtml(a.label)}</dd><dt>B</dt><dd>${escapeHtml(b.label)}</dd></dl>
<p class="headline ${allAgree ? 'ok' : 'bad'}" id="agreement">Agreement: ${escapeHtml(agreementText(comparison))}</p>
<p class="note">Numbers agree within ${escapeHtml(comparison.tolerance)} (setting fabricMl.compare.tolerance); labels must be equal.</p>
${table(['Prediction column', 'Compared as', 'Rows agreeing', 'Largest difference'], columnRows)}
${table(['Run', 'Requests', 'Latency p50', 'Latency p95'], latencyRows)}
${comparison.unmatchedColumns.length ? `<p class="note">Not compared (only one run has them): ${escapeHtml(comparison.unmatchedColumns.join(', '))}.</p>` : ''}
${page.notes.map(n => `<p class="note">${escapeHtml(n)}</p>`).join('\n')}
<h2>Rows that differ (${comparison.differences.length})</h2>
${differing.length ? `<div class="scroll">${table(['Row', 'Line', 'Column', 'A', 'B'], differing)}</div>${more(Math.min(PAGE_ROW_LIMIT, comparison.differences.length), comparison.differences.length)}` : '<p>None: every row agrees.</p>'}
<h2>All rows</h2>
<div class="scroll">${table(['', 'Row', ...page.inputColumns, ...comparison.columns.map(c => `A ${c.column}`), ...comparison.columns.map(c => `B ${c.column}`)], all)}</div>
${more(all.length, page.inputs.length)}
</body>
</html>
`;
}
