// One card per prediction column: counts, then min/max/mean and a histogram for numbers, or the
// counts per class for labels. Charts are plain SVG from lit `svg` templates, coloured by CSS classes
// that use the theme's chart colours.
import { html, nothing, svg, type TemplateResult } from 'lit';
import type { ColumnSummary, LabelColumnSummary, NumberColumnSummary } from '../../src/protocol/results';
import { formatCount, formatStat } from '../format';

// Must match the viewBox of the histogram svg below.
const CHART_WIDTH = 300;
const CHART_HEIGHT = 80;

function stat(label: string, value: string): TemplateResult {
  return html`<div class="stat"><dt>${label}</dt><dd>${value}</dd></div>`;
}

function binLabel(from: number, to: number, last: boolean): string {
  if (from === to) return formatStat(from);
  return `${formatStat(from)} to ${formatStat(to)}${last ? '' : ' (exclusive)'}`;
}

function histogram(summary: NumberColumnSummary): TemplateResult {
  const bins = summary.histogram;
  const tallest = Math.max(1, ...bins.map(b => b.count));
  const slot = CHART_WIDTH / bins.length;
  const gap = Math.min(2, slot / 4);
  const bars = bins.map((bin, i) => {
    const height = bin.count === 0 ? 0 : Math.max(1, (bin.count / tallest) * (CHART_HEIGHT - 2));
    return svg`<rect class="bar" x=${i * slot + gap / 2} y=${CHART_HEIGHT - height} width=${slot - gap} height=${height}>
      <title>${binLabel(bin.from, bin.to, i === bins.length - 1)}: ${formatCount(bin.count)}</title></rect>`;
  });
  return html`<figure class="histogram">
    <svg viewBox="0 0 300 80" preserveAspectRatio="none" role="img"
      aria-label=${`Histogram of ${summary.column}, ${bins.length} bins`}>
      ${bars}
      ${svg`<line class="axis" x1="0" y1=${CHART_HEIGHT} x2=${CHART_WIDTH} y2=${CHART_HEIGHT}></line>`}
    </svg>
    <figcaption class="axis-labels"><span>${formatStat(summary.min)}</span><span>${formatStat(summary.max)}</span></figcaption>
    ${summary.histogramSample ? html`<figcaption class="sample-note">Bars scaled from a sample of ${formatCount(summary.histogramSample)} values; count, min, max and mean are exact.</figcaption>` : nothing}
  </figure>`;
}

function classes(summary: LabelColumnSummary): TemplateResult {
  const total = Math.max(1, summary.count);
  const row = (label: string, count: number, cls = '') => {
    const share = (count / total) * 100;
    return html`<li class=${cls}>
      <span class="class-label" title=${label}>${label}</span>
      <svg class="class-bar" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true">${svg`<rect class="bar" x="0" y="0" width=${share} height="10"></rect>`}</svg>
      <span class="class-count">${formatCount(count)} <span class="muted">(${share.toFixed(share < 10 ? 1 : 0)}%)</span></span>
    </li>`;
  };
  const others = summary.distinct - summary.classes.length;
  return html`<ul class="classes" aria-label=${`Counts per class of ${summary.column}`}>
    ${summary.classes.map(c => row(c.label, c.count))}
    ${others > 0 ? row(`${formatCount(others)} other ${others === 1 ? 'class' : 'classes'}`, summary.otherCount, 'other') : nothing}
  </ul>`;
}

function card(summary: ColumnSummary): TemplateResult {
  const kind = summary.kind === 'number' ? 'number' : summary.kind === 'label' ? `${formatCount(summary.distinct)} classes` : 'no values';
  return html`<article class="summary-card" aria-label=${`Summary of ${summary.column}`}>
    <h3><span class="column-name">${summary.column}</span> <span class="chip">${kind}</span></h3>
    <dl class="stats compact">
      ${stat('Count', formatCount(summary.count))}
      ${stat('Nulls', formatCount(summary.nulls))}
      ${summary.unscored ? stat('Not scored', formatCount(summary.unscored)) : nothing}
      ${summary.kind === 'number' ? [stat('Min', formatStat(summary.min)), stat('Max', formatStat(summary.max)), stat('Mean', formatStat(summary.mean))] : nothing}
    </dl>
    ${summary.kind === 'number' ? histogram(summary) : summary.kind === 'label' ? classes(summary) : html`<p class="empty">Every value is null or missing.</p>`}
  </article>`;
}

export function summaryView(summaries: readonly ColumnSummary[]): TemplateResult {
  if (summaries.length === 0) return html`<p class="empty">No prediction columns.</p>`;
  return html`<div class="summary-cards">${summaries.map(card)}</div>`;
}
