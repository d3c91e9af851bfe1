// A virtualized grid: a sticky header row and a <lit-virtualizer> body inside one scroll container, so
// that both scroll together horizontally and only the visible rows exist in the DOM. Rows are CSS-grid
// divs sized by the --grid-cols/--grid-width custom properties, set through CSSOM (a style attribute
// would be blocked by the CSP).
import { html, type TemplateResult } from 'lit';
import { ref } from 'lit/directives/ref.js';
import '@lit-labs/virtualizer';
import { gridSizeVars, type GridColumn } from '../modelView';

export interface VirtualGridOptions<T> {
  className: string;
  label: string;
  columns: readonly GridColumn[];
  items: readonly T[];
  /** Keep the same function between renders, so that visible rows are not rebuilt needlessly. */
  renderItem: (item: T, index: number) => TemplateResult;
  /** More custom properties for the row templates (e.g. --pred-count). */
  vars?: Record<string, string>;
  /** Scroll events of the grid's scroll container. */
  onScroll?: (event: Event) => void;
}

function applyVars(element: Element | undefined, vars: Record<string, string>): void {
  if (!(element instanceof HTMLElement)) return;
  for (const [name, value] of Object.entries(vars)) element.style.setProperty(name, value);
}

export function virtualGrid<T>(options: VirtualGridOptions<T>): TemplateResult {
  const vars = { ...gridSizeVars(options.columns), ...options.vars };
  return html`
    <div class="grid-scroll ${options.className}" role="grid" tabindex="0" aria-label=${options.label}
      aria-rowcount=${options.items.length + 1} aria-colcount=${options.columns.length}
      ${ref(el => applyVars(el, vars))} @scroll=${options.onScroll}>
      <div class="vrow head" role="row">
        ${options.columns.map(c => html`<div class="cell ${c.cls}" role="columnheader" title=${c.title}>${c.label}</div>`)}
      </div>
      <lit-virtualizer class="grid-body" role="rowgroup" .items=${options.items} .renderItem=${options.renderItem}></lit-virtualizer>
    </div>`;
}
