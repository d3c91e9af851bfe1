// The extension's half of "where the user is on a results page": the latest place the page reported for
// each recent run, kept in workspaceState so that it survives the page being discarded (panel hidden) and
// a window reload (which loses the panel objects), and carried over to the run a Re-run produces. The page
// itself (webview/place.ts) fills in the defaults and keeps the place in range. No `vscode` import: a
// Memento is all it needs, so unit tests drive it in plain Node.
import type { Memento } from 'vscode';
import type { ResultsRunView } from '../../core/results';
import { isResultsPlace, type ResultsPlace } from '../../protocol/results';

/** What tells a Re-run's run from the run it repeats. */
type RunIdentity = Pick<ResultsRunView, 'runId' | 'endpoint' | 'source' | 'batches' | 'rowCount'>;

const PLACES_KEY = 'fabricMl.results.places';
/** Places of older runs are dropped: a panel shows one run, and only a few panels are ever open. */
const KEPT_RUNS = 20;

export class PlaceKeeper {
  /** By run id, oldest first. */
  private readonly places: Map<string, ResultsPlace>;

  constructor(private readonly state: Pick<Memento, 'get' | 'update'>) {
    const saved = state.get<unknown>(PLACES_KEY);
    const valid = Array.isArray(saved) ? saved.filter(isResultsPlace) : [];
    this.places = new Map(valid.map(place => [place.runId, place]));
  }

  placeFor(runId: string): ResultsPlace | undefined {
    return this.places.get(runId);
  }

  /** The page reported a move (or a Re-run opened at a kept place). */
  remember(place: ResultsPlace): void {
    this.places.delete(place.runId);
    this.places.set(place.runId, place);
    for (const oldest of this.places.keys()) {
      if (this.places.size <= KEPT_RUNS) break;
      this.places.delete(oldest);
    }
    void this.state.update(PLACES_KEY, [...this.places.values()]);
  }

  /**
   * A Re-run of `previous` produced `next`: the user stays where they were (tab, batch shown, pinned columns,
   * the active cell's column), and at the same grid row unless the file changed its row count in between
   * (then row N is not the same row).
   * Nothing is carried to a run of other rows or another endpoint.
   */
  carryOver(previous: RunIdentity, next: RunIdentity): void {
    const place = this.places.get(previous.runId);
    if (!place || next.endpoint.id !== previous.endpoint.id || next.source.fileName !== previous.source.fileName) return;
    const sameRows = next.rowCount === previous.rowCount;
    const sameBatches = next.batches.length === previous.batches.length;
    this.remember({
      runId: next.runId,
      tab: place.tab,
      ...(sameRows && place.firstRow !== undefined ? { firstRow: place.firstRow } : {}),
      ...(sameBatches && place.rawBatch !== undefined ? { rawBatch: place.rawBatch } : {}),
      ...(sameRows && place.activeRow !== undefined ? { activeRow: place.activeRow } : {}),
      ...(place.activeColumn !== undefined ? { activeColumn: place.activeColumn } : {}),
      ...(place.pinned ? { pinned: place.pinned } : {}),
    });
  }
}
