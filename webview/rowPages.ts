// The rows of the run shown, as far as the page has them: the extension keeps the run and sends the rows the
// grid is about to show, a page of PAGE_ROWS at a time (results/rows → results/rowsPage). Asking for a row that
// is not here yet asks for its page (one request per run of adjacent missing pages, sent after the current
// render); the grid shows the row as loading until the page comes. At most MAX_PAGES pages are kept, the least
// recently used dropped first, so that scrolling through a million rows does not fill the page's memory.
// Pure: no DOM, so the rules are unit-tested in plain Node.
import type { RowsPage } from '../src/protocol/results';

export const PAGE_ROWS = 100;
export const MAX_PAGES = 60;
/** Pages asked for in one request: the extension answers at most 1 000 rows (MAX_PAGE_ROWS) at a time. */
const MAX_PAGES_PER_REQUEST = 10;

export interface LoadedRow {
  input: unknown[];
  prediction: unknown[] | null;
  /** The source line; null for a row read back from an output file. */
  line?: number | null;
  /** Why a row read back from an output file has no prediction. */
  error?: string | null;
}

type Page = Array<LoadedRow>;

export class RowPages {
  /** Pages by index, in least-recently-used order (a Map keeps insertion order). */
  private readonly pages = new Map<number, Page>();
  private readonly asked = new Set<number>();
  private readonly wanted = new Set<number>();
  private flushScheduled = false;

  /**
   * @param ask posts a request for rows start … end - 1.
   * @param schedule runs the flush of wanted pages after the current render (a microtask in the page).
   */
  constructor(
    readonly runId: string,
    readonly rowCount: number,
    private readonly ask: (start: number, end: number) => void,
    private readonly schedule: (flush: () => void) => void = flush => queueMicrotask(flush),
  ) {}

  /** The row when its page is here; else undefined, and its page is asked for. */
  row(index: number): LoadedRow | undefined {
    if (index < 0 || index >= this.rowCount) return undefined;
    const pageIndex = Math.floor(index / PAGE_ROWS);
    const page = this.pages.get(pageIndex);
    if (page) {
      // Used: moved to the most recent end.
      this.pages.delete(pageIndex);
      this.pages.set(pageIndex, page);
      return page[index - pageIndex * PAGE_ROWS];
    }
    this.want(pageIndex);
    return undefined;
  }

  /** Takes rows from the extension; true when they filled at least one page not here before. */
  receive(rows: RowsPage): boolean {
    let added = false;
    for (let offset = 0; offset < rows.inputs.length;) {
      const index = rows.start + offset;
      const pageIndex = Math.floor(index / PAGE_ROWS);
      const pageStart = pageIndex * PAGE_ROWS;
      const pageEnd = Math.min(pageStart + PAGE_ROWS, this.rowCount);
      // Only whole pages are kept: a part page is asked for again when needed.
      if (index !== pageStart || rows.inputs.length - offset < pageEnd - pageStart) {
        offset = pageEnd - rows.start;
        continue;
      }
      const page: Page = [];
      for (let r = 0; r < pageEnd - pageStart; r++) {
        const at = offset + r;
        page.push({
          input: rows.inputs[at], prediction: rows.predictions[at],
          ...(rows.lines ? { line: rows.lines[at] } : {}), ...(rows.errors?.[at] ? { error: rows.errors[at] } : {}),
        });
      }
      this.asked.delete(pageIndex);
      added ||= !this.pages.has(pageIndex);
      this.pages.delete(pageIndex);
      this.pages.set(pageIndex, page);
      offset += page.length;
    }
    this.evict();
    return added;
  }

  /** Pages held now (for tests and the timing report). */
  get pagesHeld(): number {
    return this.pages.size;
  }

  private want(pageIndex: number): void {
    if (this.asked.has(pageIndex)) return;
    this.wanted.add(pageIndex);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    this.schedule(() => this.flush());
  }

  /** One request per run of adjacent wanted pages. */
  private flush(): void {
    this.flushScheduled = false;
    const indexes = [...this.wanted].sort((a, b) => a - b);
    this.wanted.clear();
    let first = 0;
    for (let i = 0; i < indexes.length; i++) {
      this.asked.add(indexes[i]);
      if (i + 1 < indexes.length && indexes[i + 1] === indexes[i] + 1 && i + 1 - first < MAX_PAGES_PER_REQUEST) continue;
      this.ask(indexes[first] * PAGE_ROWS, Math.min((indexes[i] + 1) * PAGE_ROWS, this.rowCount));
      first = i + 1;
    }
  }

  private evict(): void {
    for (const oldest of this.pages.keys()) {
      if (this.pages.size <= MAX_PAGES) return;
      this.pages.delete(oldest);
    }
  }
}
