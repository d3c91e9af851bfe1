// The keyboard pattern of the rows grid (WAI-ARIA grid): the grid is one Tab stop and keys move an active
// cell. Row -1 is the header row. Pure: the page applies the move, scrolls and announces it.

export interface Cell {
  /** -1: the header row; else a zero-based data row. */
  row: number;
  /** Position in the grid's display order. */
  column: number;
}

export interface GridSize {
  rows: number;
  columns: number;
  /** Rows that fit in the grid's viewport, for PageUp / PageDown. */
  pageRows: number;
}

export interface KeyPress {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
}

/** The cell a key moves to, or undefined when the key is not a grid move (the page lets it through). */
export function moveCell(from: Cell, press: KeyPress, size: GridSize): Cell | undefined {
  const lastRow = size.rows - 1;
  const lastColumn = size.columns - 1;
  const page = Math.max(1, size.pageRows - 1);
  const toEnds = press.ctrlKey === true || press.metaKey === true;
  const clampRow = (row: number) => Math.max(-1, Math.min(lastRow, row));
  switch (press.key) {
    case 'ArrowDown': return { ...from, row: clampRow(from.row + 1) };
    case 'ArrowUp': return { ...from, row: clampRow(from.row - 1) };
    case 'ArrowRight': return { ...from, column: Math.min(lastColumn, from.column + 1) };
    case 'ArrowLeft': return { ...from, column: Math.max(0, from.column - 1) };
    case 'Home': return toEnds ? { row: Math.min(0, lastRow), column: 0 } : { ...from, column: 0 };
    case 'End': return toEnds ? { row: lastRow, column: lastColumn } : { ...from, column: lastColumn };
    case 'PageDown': return { ...from, row: clampRow(Math.max(0, from.row) + page) };
    case 'PageUp': return { ...from, row: from.row < 0 ? -1 : Math.max(0, from.row - page) };
    default: return undefined;
  }
}
