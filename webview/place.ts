// The page's half of "where the user is on a run's page": the tab shown, the first visible grid row, the
// batch the Request/response tab shows, the grid's active cell and the columns pinned, for the run shown. The page changes it as the user moves and
// reports it (results/placeChanged); the extension keeps the latest one (src/features/results/
// placeKeeper.ts) and hands it back when the page comes back or a Re-run opens. Here the parts the
// extension left out are filled in, and every part is kept in the run's range. Pure: no DOM.
import type { ResultsPlace, ResultsRunView } from '../src/protocol/results';
import { columnRefs, defaultPinned, ROW_NUMBER_KEY } from './columns';

/** A place with every part filled in. */
export type PagePlace = Required<ResultsPlace>;

export class Place {
  private current: PagePlace | undefined;
  /** The place the extension last heard from this page. */
  private reported: PagePlace | undefined;

  /** Where the user is; undefined until a run is shown. */
  get value(): PagePlace | undefined {
    return this.current;
  }

  /**
   * Opens `model` at `given` when it is a place on this run, brought into the run's range; otherwise at
   * the default place: Rows, the top, the first failed batch ready in Request/response, the active cell on
   * the first row's #, and #, Line and the first id-like input column pinned.
   */
  open(model: Pick<ResultsRunView, 'runId' | 'rowCount' | 'batches' | 'source' | 'inputColumns' | 'outputColumns'>, given?: ResultsPlace): PagePlace {
    const own = given?.runId === model.runId ? given : undefined;
    const firstFailed = Math.max(0, model.batches.findIndex(b => !b.ok));
    const keys = new Set(columnRefs(model).map(c => c.key));
    const firstRow = clamp(own?.firstRow ?? 0, model.rowCount);
    const pinned = own?.pinned?.filter(k => keys.has(k));
    this.current = {
      runId: model.runId,
      tab: own?.tab ?? 'rows',
      firstRow,
      rawBatch: clamp(own?.rawBatch ?? firstFailed, model.batches.length),
      activeRow: clamp(own?.activeRow ?? firstRow, model.rowCount),
      activeColumn: own?.activeColumn !== undefined && keys.has(own.activeColumn) ? own.activeColumn : ROW_NUMBER_KEY,
      // # always stays pinned, first.
      pinned: pinned ? [ROW_NUMBER_KEY, ...pinned.filter(k => k !== ROW_NUMBER_KEY)] : defaultPinned(model),
    };
    this.reported = undefined;
    return this.current;
  }

  /** A move by the user; undefined when no run is shown. */
  move(change: Partial<Omit<PagePlace, 'runId'>>): PagePlace | undefined {
    if (!this.current) return undefined;
    this.current = { ...this.current, ...change };
    return this.current;
  }

  /** The place, when the extension has not heard it yet (from then on it has); else undefined. */
  takeUnreported(): PagePlace | undefined {
    const place = this.current;
    if (!place || (this.reported && samePlace(this.reported, place))) return undefined;
    this.reported = place;
    return place;
  }
}

function clamp(index: number, count: number): number {
  return Math.min(index, Math.max(0, count - 1));
}

function samePlace(a: PagePlace, b: PagePlace): boolean {
  return a.runId === b.runId && a.tab === b.tab && a.firstRow === b.firstRow && a.rawBatch === b.rawBatch
    && a.activeRow === b.activeRow && a.activeColumn === b.activeColumn && a.pinned.join('\n') === b.pinned.join('\n');
}
