// A virtualized grid: a sticky header row and a <lit-virtualizer> body inside one scroll container, so
// that both scroll together horizontally and only the visible rows exist in the DOM. Rows are CSS-grid
// divs sized by the --grid-cols/--grid-width custom properties, set through CSSOM (a style attribute
// would be blocked by the CSP). Pinned columns come first and stick at their --pin-left-<n>.
// The grid is one Tab stop; a grid that takes keys (rows, batches) names its active cell with
// aria-activedescendant, and the row renderer marks that cell.
import { html, nothing, type TemplateResult } from 'lit';
import { ref } from 'lit/directives/ref.js';
import '@lit-labs/virtualizer';
import { gridSizeVars, type GridColumn } from '../modelView';

/** The id of the active cell of the rows grid. */
export const ACTIVE_CELL_ID = 'grid-active-cell';
/** The id of the active row's first cell in the Batches grid (both grids are in the DOM at once). */
export const ACTIVE_BATCH_ID = 'batches-active-row';

export interface VirtualGridOptions<T> {
  className: string;
  label: string;
  columns: readonly GridColumn[];
  items: readonly T[];
  /** Keep the same function between renders, so that visible rows are not rebuilt needlessly. */
  renderItem: (item: T, index: number) => TemplateResult;
  /** The header cell's content; default: the column's label. */
  renderHeader?: (column: GridColumn, position: number) => TemplateResult | string;
  /** Position of the active header cell, when the active cell is in the header row. */
  activeHeader?: number;
  /** The id the active cell has in the DOM (keyboard-driven grids). */
  activeId?: string;
  /** More custom properties for the row templates (e.g. --pred-span). */
  vars?: Record<string, string>;
  /** Scroll events of the grid's scroll container. */
  onScroll?: (event: Event) => void;
  onKeyDown?: (event: KeyboardEvent) => void;
  onClick?: (event: MouseEvent) => void;
  onDblClick?: (event: MouseEvent) => void;
}

function applyVars(element: Element | undefined, vars: Record<string, string>): void {
  if (!(element instanceof HTMLElement)) return;
  for (const [name, value] of Object.entries(vars)) element.style.setProperty(name, value);
}

/** The classes every cell of a column carries: its own, and where it sticks when pinned. */
export function columnClasses(column: GridColumn): string {
  return column.pin === undefined ? column.cls : `${column.cls} pinned pin-${column.pin}`;
}

export function virtualGrid<T>(options: VirtualGridOptions<T>): TemplateResult {
  const vars = { ...gridSizeVars(options.columns), ...options.vars };
  const header = options.renderHeader ?? ((c: GridColumn) => c.label);
  return html`
    <div class="grid-scroll ${options.className}" role="grid" tabindex="0" aria-label=${options.label}
      aria-rowcount=${options.items.length + 1} aria-colcount=${options.columns.length}
      aria-activedescendant=${options.activeId ?? nothing}
      ${ref(el => applyVars(el, vars))} @scroll=${options.onScroll} @keydown=${options.onKeyDown}
      @click=${options.onClick} @dblclick=${options.onDblClick}>
      <div class="vrow head" role="row" aria-rowindex="1">
        ${options.columns.map((c, i) => {
          const active = options.activeHeader === i;
          return html`<div class="cell ${columnClasses(c)}${active ? ' active' : ''}" role="columnheader" title=${c.title}
            aria-label=${c.ariaLabel ?? nothing} aria-colindex=${i + 1} data-col=${i} id=${active ? ACTIVE_CELL_ID : nothing}>${header(c, i)}</div>`;
        })}
      </div>
      <lit-virtualizer class="grid-body" role="rowgroup" .items=${options.items} .renderItem=${options.renderItem}></lit-virtualizer>
    </div>`;
}
