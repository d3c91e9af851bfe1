// The results webview surface: the panel, its restore-after-reload serializer, and the hooks the
// scoring feature uses (show a run, hear Re-run).
import type * as vscode from 'vscode';
import type { ResultsModel } from '../../protocol/results';
import type { Services } from '../services';
import { onDidRequestRerun, registerResultsPanel, showResults, type ResultsDeps } from './resultsPanel';

export { lastResultsPanelForTests, onDidRequestRerun, RESULTS_VIEW_TYPE, showResults, type ResultsPanelHandle, type ResultsPanelTestView } from './resultsPanel';

export function register(services: Services): vscode.Disposable[] {
  return registerResultsPanel(services);
}

/** What the scoring feature needs: show a run, and hear Re-run (with the run's id). */
export function resultsPresenter(deps: ResultsDeps): { show(model: ResultsModel): void; onDidRequestRerun: vscode.Event<string> } {
  return { show: model => { showResults(deps, model); }, onDidRequestRerun };
}
