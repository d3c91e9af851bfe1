// The results webview surface: the panel, its restore-after-reload serializer, and the hooks the
// scoring feature uses (show a run, carry out Re-run requests). Unlike the other surfaces it hands back more than its
// disposables: the presenter the scoring feature needs and the test view the extension API serves both
// belong to the ResultsPanels object created here, so that they live and die with this activation.
import type * as vscode from 'vscode';
import type { Services } from '../services';
import { ResultsPanels, type ResultsPanelTestView, type ResultsPresenter } from './resultsPanel';

export { RESULTS_VIEW_TYPE, type RerunHandler, type ResultsPanelHandle, type ResultsPanelTestView, type ResultsPresenter } from './resultsPanel';

export interface ResultsFeature {
  /** For context.subscriptions: disposing them closes the panel and drops the serializer and listeners. */
  readonly disposables: vscode.Disposable[];
  /** What the scoring feature needs: show a run, and carry out Re-run requests. */
  readonly presenter: ResultsPresenter;
  /** The panel most recently created or restored; the extension API serves it only in test mode. */
  testView(): ResultsPanelTestView | undefined;
  /** The runs kept in the extension's storage for a window reload; the extension API serves it only in test mode. */
  keptRunIds(): Promise<string[]>;
}

export function createResultsFeature(services: Services): ResultsFeature {
  const panels = new ResultsPanels(services);
  return {
    disposables: [panels],
    presenter: { show: (model, summaries) => { panels.show(model, summaries); }, handleRerun: handler => panels.handleRerun(handler) },
    testView: () => panels.testView(),
    keptRunIds: () => panels.keptRunIds(),
  };
}
