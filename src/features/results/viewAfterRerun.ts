// Which place on the results page a Re-run keeps. A Re-run scores the same rows of the same file with
// the same endpoint again; the user should stay where they were (tab, batch shown), and at the same
// grid row unless the file changed its row count in between (then row N is not the same row).
import { defaultResultsView, type ResultsModel, type ResultsViewState } from '../../protocol/results';

/**
 * The place to open `next` at, given the place `view` the user had on `previous`, the run it repeats.
 * Undefined when `view` is not a place on `previous` or `next` is not a run of the same rows (another
 * endpoint or file): that run opens at its default place.
 */
export function viewAfterRerun(view: ResultsViewState | undefined, previous: ResultsModel, next: ResultsModel): ResultsViewState | undefined {
  if (!view || view.runId !== previous.runId) return undefined;
  if (next.endpoint.id !== previous.endpoint.id || next.source.fileName !== previous.source.fileName) return undefined;
  const sameRows = next.inputs.length === previous.inputs.length;
  const sameBatches = next.batches.length === previous.batches.length;
  return {
    runId: next.runId,
    tab: view.tab,
    firstRow: sameRows ? view.firstRow : 0,
    rawBatch: sameBatches ? view.rawBatch : defaultResultsView(next).rawBatch,
  };
}
