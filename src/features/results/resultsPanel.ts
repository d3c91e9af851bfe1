// The results panel: one webview panel (viewType fabricMl.results) that shows the latest scoring run,
// owned by a ResultsPanels object that createResultsFeature() creates (with the restore serializer and
// the Re-run listeners) and the extension disposes.
// Handshake: the webview posts results/ready (with the run it restored from its own state, if any), the
// panel answers with results/show unless the webview already shows that run, and the webview reports
// results/rendered after its first paint. The page saves each run in its webview state once; where the
// user is on it (results/viewChanged) is kept here, not in that state (VS Code would serialise the whole
// run again on every move): a page that reloads the run from its state (the panel was hidden) is
// answered with results/view, and a Re-run opens its run at the same place. Exports, the M copy and
// Re-run arrive as messages and are carried out here; the model posted is always passed through the
// redaction gate first.
import * as path from 'path';
import * as vscode from 'vscode';
import { redactResultsModel, resultsToCsv, resultsToJson, resultsToMTable, summarizePredictions } from '../../core/results';
import { viewAfterRerun } from './viewAfterRerun';
import {
  isResultsViewState, parseResultsWebviewMessage, parseResultsWebviewState, ResultsMessage,
  type ColumnSummary, type ResultsHostMessage, type ResultsModel, type ResultsRenderedMessage, type ResultsViewState,
  type ResultsWebviewMessage,
} from '../../protocol/results';
import type { Services } from '../services';
import { neutralizeFormulasInExport } from '../shared/settings';
import { resultsHtml } from './resultsHtml';

export const RESULTS_VIEW_TYPE = 'fabricMl.results';

/** workspaceState key of the user's latest place on a results page, for a panel restored after a window reload. */
const LAST_VIEW_KEY = 'fabricMl.results.lastView';

/** What the panel needs from the services. */
export type ResultsDeps = Pick<Services, 'context' | 'log'>;

export interface ResultsPanelHandle {
  /** The run shown (or about to be shown). */
  readonly runId: string | undefined;
  /** Replaces the run shown and reveals the panel. */
  update(model: ResultsModel): void;
  readonly onDidDispose: vscode.Event<void>;
  dispose(): void;
}

/** What tests can read about the panel; there is deliberately no command for it. */
export interface ResultsPanelTestView {
  html: string;
  /** The model as last posted (or restored), after redaction. */
  model: ResultsModel | undefined;
  summaries: ColumnSummary[];
  /** The webview's last results/rendered report. */
  rendered: ResultsRenderedMessage | undefined;
  /** Every message posted to the webview, in order (types only, models are large). */
  postedTypes: string[];
  visible: boolean;
  /** Where the user is on the page (tab, first grid row, raw batch), as the page last reported or restored it. */
  view: ResultsViewState | undefined;
}

/** What the scoring feature needs: show a run, and hear Re-run (with the run's id). */
export interface ResultsPresenter {
  show(model: ResultsModel): void;
  readonly onDidRequestRerun: vscode.Event<string>;
}

type RerunListener = (runId: string) => unknown;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/**
 * The results panels of one activation: the panel shown (at most one is reused for new runs), the
 * serializer that restores a panel after a window reload, and the Re-run listeners. Created once per
 * activation by createResultsFeature() and disposed with the extension, so nothing outlives it.
 */
export class ResultsPanels implements ResultsPresenter, vscode.Disposable {
  /** The panel new runs go to. */
  private current: ResultsPanel | undefined;
  /** The panel most recently created or restored, for tests. */
  private lastCreated: ResultsPanel | undefined;
  private readonly live = new Set<ResultsPanel>();
  private readonly rerunListeners = new Set<RerunListener>();
  private readonly serializer: vscode.Disposable;
  private disposed = false;

  constructor(private readonly deps: ResultsDeps) {
    this.serializer = vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => { this.revive(panel, state); },
    });
  }

  /**
   * Fires with the runId when the user presses Re-run; the scoring feature subscribes and tells the user
   * about its own failures. A listener may return the re-run's promise: when it settles and no new run
   * has reached the panel, the status line says so instead of "Re-running…" for good.
   */
  readonly onDidRequestRerun: vscode.Event<string> = (listener, thisArgs?: unknown, disposables?: vscode.Disposable[]) => {
    const bound: RerunListener = runId => listener.call(thisArgs, runId) as unknown;
    this.rerunListeners.add(bound);
    const subscription = new vscode.Disposable(() => this.rerunListeners.delete(bound));
    disposables?.push(subscription);
    return subscription;
  };

  /** Shows a run in the panel, creating the panel or revealing the existing one. */
  show(model: ResultsModel): ResultsPanelHandle {
    if (this.disposed) throw new Error('The results panels were disposed (the extension is shutting down).');
    if (this.current) {
      this.current.update(model);
      return this.current;
    }
    const panel = vscode.window.createWebviewPanel(RESULTS_VIEW_TYPE, panelTitle(model),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(this.deps));
    const created = this.adopt(new ResultsPanel(this.deps, panel, runId => this.requestRerun(runId)));
    this.current = created;
    created.update(model);
    return created;
  }

  /** The panel most recently created or restored, for integration tests. */
  testView(): ResultsPanelTestView | undefined {
    return this.lastCreated?.testView();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.serializer.dispose();
    this.rerunListeners.clear();
    for (const panel of [...this.live]) panel.dispose();
  }

  /** Restores a panel after a window reload from the state the webview persisted. */
  private revive(panel: vscode.WebviewPanel, raw: unknown): void {
    const state = parseResultsWebviewState(raw);
    if (!state) {
      // Nothing to show (state from an older build, or the window closed before the first paint).
      this.deps.log.info('Results: a results panel from the last session had no results to restore; closed it.');
      panel.dispose();
      return;
    }
    panel.webview.options = webviewOptions(this.deps);
    const revived = this.adopt(new ResultsPanel(this.deps, panel, runId => this.requestRerun(runId)));
    revived.restore(state.model, state.summaries, state.view);
    this.current ??= revived;
  }

  private adopt(panel: ResultsPanel): ResultsPanel {
    this.live.add(panel);
    this.lastCreated = panel;
    panel.onDidDispose(() => {
      this.live.delete(panel);
      if (this.current === panel) this.current = undefined;
    });
    return panel;
  }

  /** Calls every Re-run listener; returns the promises of those that returned one. */
  private requestRerun(runId: string): PromiseLike<unknown>[] {
    return [...this.rerunListeners].map(listener => listener(runId)).filter(isThenable);
  }
}

type ExportFormat = 'csv' | 'json';

class ResultsPanel implements ResultsPanelHandle {
  private model: ResultsModel | undefined;
  private summaries: ColumnSummary[] = [];
  /** The user's place on the page for `model` (see ResultsPanelTestView.view). */
  private view: ResultsViewState | undefined;
  /** The run whose Re-run the user asked for, until a run arrives or the re-run ends without one. */
  private rerunOf: string | undefined;
  private html = '';
  private rendered: ResultsRenderedMessage | undefined;
  private disposed = false;
  /** The page has said results/ready since it was last (re)loaded; until then a post could be lost. */
  private webviewReady = false;
  private readonly postedTypes: string[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.disposeEmitter];
  readonly onDidDispose = this.disposeEmitter.event;

  constructor(
    private readonly deps: ResultsDeps,
    readonly panel: vscode.WebviewPanel,
    private readonly requestRerun: (runId: string) => PromiseLike<unknown>[],
  ) {
    panel.iconPath = vscode.Uri.joinPath(deps.context.extensionUri, 'media', 'fabric-ml.svg');
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      // Without retainContextWhenHidden a hidden panel loses its page; it says ready again when shown.
      panel.onDidChangeViewState(() => { if (!panel.visible) this.webviewReady = false; }),
      panel.webview.onDidReceiveMessage(raw => {
        const message = parseResultsWebviewMessage(raw);
        if (message) void this.receive(message);
      }),
    );
    this.renderHtml();
  }

  get runId(): string | undefined {
    return this.model?.runId;
  }

  update(model: ResultsModel): void {
    const previous = this.model;
    const next = redactResultsModel(model);
    // The run a Re-run produced opens where the user was on the run it repeats.
    this.view = previous && this.rerunOf === previous.runId ? viewAfterRerun(this.view, previous, next) : undefined;
    this.rerunOf = undefined;
    this.model = next;
    this.summaries = summarizePredictions(this.model);
    this.panel.title = panelTitle(this.model);
    this.panel.reveal(this.panel.viewColumn, true);
    // A page that is still loading gets the model when it says results/ready.
    if (this.webviewReady) this.postShow();
  }

  /**
   * Takes the run the page persisted, after a window reload; the page shows it from its state. The place
   * is the latest one reported for this run before the reload, else the one saved with the run.
   */
  restore(model: ResultsModel, summaries: ColumnSummary[], view: ResultsViewState | undefined): void {
    this.model = redactResultsModel(model);
    this.summaries = summaries;
    const last = this.deps.context.workspaceState.get<unknown>(LAST_VIEW_KEY);
    this.view = isResultsViewState(last) && last.runId === model.runId ? last : view?.runId === model.runId ? view : undefined;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.disposeEmitter.fire();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  testView(): ResultsPanelTestView {
    return {
      html: this.html, model: this.model, summaries: this.summaries, rendered: this.rendered,
      postedTypes: [...this.postedTypes], visible: this.panel.visible, view: this.view,
    };
  }

  private renderHtml(): void {
    const webview = this.panel.webview;
    const asset = (file: string) => webview.asWebviewUri(vscode.Uri.joinPath(bundleRoot(this.deps), file)).toString();
    this.html = resultsHtml({
      cspSource: webview.cspSource,
      scriptUri: asset('webview.js'),
      styleUri: asset('webview.css'),
      codiconUri: asset('codicon.css'),
    });
    this.webviewReady = false;
    webview.html = this.html;
  }

  private post(message: ResultsHostMessage): void {
    this.postedTypes.push(message.type);
    void this.panel.webview.postMessage(message);
  }

  private postShow(): void {
    if (!this.model) return;
    const view = this.view?.runId === this.model.runId ? this.view : undefined;
    this.post({ type: ResultsMessage.show, model: this.model, summaries: this.summaries, ...(view ? { view } : {}) });
  }

  private notice(level: 'info' | 'error', text: string): void {
    this.post({ type: ResultsMessage.notice, level, text });
  }

  private async receive(message: ResultsWebviewMessage): Promise<void> {
    switch (message.type) {
      case ResultsMessage.ready:
        this.webviewReady = true;
        if (!this.model) return;
        if (message.restoredRunId !== this.model.runId) this.postShow();
        // The page reloaded this run from its state (saved when the run was first shown): it waits for
        // where the user has been since.
        else this.post({ type: ResultsMessage.view, runId: this.model.runId, ...(this.view?.runId === this.model.runId ? { view: this.view } : {}) });
        return;
      case ResultsMessage.rendered:
        this.rendered = message;
        this.deps.log.info(`Results: ${message.rows} rows painted in ${Math.round(message.firstPaintMs)} ms (${message.domRows} grid rows in the DOM${message.restored ? ', restored' : ''}).`);
        if (message.cspViolations.length) this.deps.log.warn(`Results webview CSP violations: ${message.cspViolations.join('; ')}`);
        return;
      case ResultsMessage.viewChanged:
        // A report from a run that has since been replaced says nothing about the new one.
        if (message.view.runId !== this.model?.runId) return;
        this.view = message.view;
        // Small, and kept for a window reload, which loses this object.
        void this.deps.context.workspaceState.update(LAST_VIEW_KEY, message.view);
        return;
    }
    const model = this.model;
    // An action from a run that has since been replaced must not act on the new one.
    if (!model || message.runId !== model.runId) return;
    try {
      switch (message.type) {
        case ResultsMessage.exportCsv: return await this.exportFile(model, 'csv');
        case ResultsMessage.exportJson: return await this.exportFile(model, 'json');
        case ResultsMessage.copyMTable: return await this.copyMTable(model);
        case ResultsMessage.rerun: return await this.rerun(model);
      }
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      this.deps.log.error(`Results: ${message.type} failed: ${reason}`);
      this.notice('error', reason);
      void vscode.window.showErrorMessage(`Fabric ML: ${reason}`);
    }
  }

  private async exportFile(model: ResultsModel, format: ExportFormat): Promise<void> {
    const label = format === 'csv' ? 'CSV' : 'JSON';
    const uri = await vscode.window.showSaveDialog({
      title: `Export ${model.inputs.length.toLocaleString()} scored rows as ${label}`,
      saveLabel: 'Export',
      defaultUri: defaultExportUri(model, format),
      filters: { [label]: [format] },
    });
    if (!uri) return;
    const text = format === 'csv' ? resultsToCsv(model, { neutralizeFormulas: neutralizeFormulasInExport() }) : resultsToJson(model);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const where = vscode.workspace.asRelativePath(uri);
    this.deps.log.info(`Results: exported ${model.inputs.length} rows as ${label} to ${where}.`);
    this.notice('info', `Exported ${model.inputs.length.toLocaleString()} rows to ${where}.`);
  }

  private async rerun(model: ResultsModel): Promise<void> {
    this.notice('info', 'Re-running with the same rows and endpoint…');
    this.rerunOf = model.runId;
    // The listeners report their own failures (the scoring feature in a notification); here only the
    // outcome for the panel matters.
    await Promise.allSettled(this.requestRerun(model.runId));
    if (this.rerunOf === model.runId) this.rerunOf = undefined;
    // A re-run that produced results has shown them (which clears the notice) before it settles. One
    // that did not failed, was cancelled (Escape at the endpoint pick) or could not start.
    if (this.disposed || this.model?.runId !== model.runId) return;
    this.notice('info', 'Re-run did not produce new results.');
  }

  private async copyMTable(model: ResultsModel): Promise<void> {
    const text = resultsToMTable(model);
    await vscode.env.clipboard.writeText(text);
    const columns = model.inputColumns.length + model.outputColumns.length + 1;
    this.notice('info', `Copied an M #table with ${model.inputs.length.toLocaleString()} rows and ${columns} columns to the clipboard.`);
  }
}

function bundleRoot(deps: ResultsDeps): vscode.Uri {
  return vscode.Uri.joinPath(deps.context.extensionUri, 'dist', 'webview');
}

function webviewOptions(deps: ResultsDeps): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [bundleRoot(deps)] };
}

function panelTitle(model: ResultsModel): string {
  return `Results: ${model.endpoint.name}`;
}

/** `<source name>-scored.<ext>` next to the source file when it is in the workspace. */
function defaultExportUri(model: ResultsModel, format: ExportFormat): vscode.Uri | undefined {
  const fileName = model.source.fileName;
  const base = path.basename(fileName).replace(/\.[^.]+$/, '') || 'results';
  const name = `${base}-scored.${format}`;
  if (path.isAbsolute(fileName)) return vscode.Uri.file(path.join(path.dirname(fileName), name));
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (!folder) return undefined;
  const dir = path.posix.dirname(fileName.replace(/\\/g, '/'));
  return dir === '.' ? vscode.Uri.joinPath(folder, name) : vscode.Uri.joinPath(folder, dir, name);
}
