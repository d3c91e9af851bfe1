// The results panel: one webview panel (viewType fabricMl.results) that shows the latest scoring run.
// Handshake: the webview posts results/ready (with the run it restored from its own state, if any), the
// panel answers with results/show unless the webview already shows that run, and the webview reports
// results/rendered after its first paint. Exports, the M copy and Re-run arrive as messages and are
// carried out here; the model posted is always passed through the redaction gate first.
import * as path from 'path';
import * as vscode from 'vscode';
import { redactResultsModel, resultsToCsv, resultsToJson, resultsToMTable, summarizePredictions } from '../../core/results';
import {
  isResultsWebviewState, parseResultsWebviewMessage, ResultsMessage,
  type ColumnSummary, type ResultsHostMessage, type ResultsModel, type ResultsRenderedMessage, type ResultsWebviewMessage,
} from '../../protocol/results';
import type { Services } from '../services';
import { resultsHtml } from './resultsHtml';

export const RESULTS_VIEW_TYPE = 'fabricMl.results';

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
}

type RerunListener = (runId: string) => unknown;
const rerunListeners = new Set<RerunListener>();

/**
 * Fires with the runId when the user presses Re-run; the scoring feature subscribes. A listener may
 * return the re-run's promise: when it settles and no new run has reached the panel, the status line
 * says the re-run failed instead of "Re-running…" for good.
 */
export const onDidRequestRerun: vscode.Event<string> = (listener, thisArgs?: unknown, disposables?: vscode.Disposable[]) => {
  const bound: RerunListener = runId => listener.call(thisArgs, runId) as unknown;
  rerunListeners.add(bound);
  const subscription = new vscode.Disposable(() => rerunListeners.delete(bound));
  disposables?.push(subscription);
  return subscription;
};

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

let current: ResultsPanel | undefined;
let lastForTests: ResultsPanel | undefined;

type ExportFormat = 'csv' | 'json';

export class ResultsPanel implements ResultsPanelHandle {
  private model: ResultsModel | undefined;
  private summaries: ColumnSummary[] = [];
  private html = '';
  private rendered: ResultsRenderedMessage | undefined;
  private disposed = false;
  /** The page has said results/ready since it was last (re)loaded; until then a post could be lost. */
  private webviewReady = false;
  private readonly postedTypes: string[] = [];
  private readonly disposeEmitter = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [this.disposeEmitter];
  readonly onDidDispose = this.disposeEmitter.event;

  /** Shows a run in the panel, creating the panel or revealing the existing one. */
  static show(deps: ResultsDeps, model: ResultsModel): ResultsPanelHandle {
    if (current) {
      current.update(model);
      return current;
    }
    const panel = vscode.window.createWebviewPanel(RESULTS_VIEW_TYPE, panelTitle(model),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(deps));
    current = lastForTests = new ResultsPanel(deps, panel);
    current.update(model);
    return current;
  }

  /** Restores a panel after a window reload from the state the webview persisted. */
  static revive(deps: ResultsDeps, panel: vscode.WebviewPanel, state: unknown): ResultsPanelHandle | undefined {
    if (!isResultsWebviewState(state)) {
      // Nothing to show (state from an older build, or the window closed before the first paint).
      deps.log.info('Results: a results panel from the last session had no results to restore; closed it.');
      panel.dispose();
      return undefined;
    }
    panel.webview.options = webviewOptions(deps);
    const revived = lastForTests = new ResultsPanel(deps, panel);
    revived.model = redactResultsModel(state.model);
    revived.summaries = state.summaries;
    current ??= revived;
    return revived;
  }

  private constructor(private readonly deps: ResultsDeps, readonly panel: vscode.WebviewPanel) {
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
    this.model = redactResultsModel(model);
    this.summaries = summarizePredictions(this.model);
    this.panel.title = panelTitle(this.model);
    this.panel.reveal(this.panel.viewColumn, true);
    // A page that is still loading gets the model when it says results/ready.
    if (this.webviewReady) this.postShow();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (current === this) current = undefined;
    this.disposeEmitter.fire();
    this.panel.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  testView(): ResultsPanelTestView {
    return {
      html: this.html, model: this.model, summaries: this.summaries, rendered: this.rendered,
      postedTypes: [...this.postedTypes], visible: this.panel.visible,
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
    if (this.model) this.post({ type: ResultsMessage.show, model: this.model, summaries: this.summaries });
  }

  private notice(level: 'info' | 'error', text: string): void {
    this.post({ type: ResultsMessage.notice, level, text });
  }

  private async receive(message: ResultsWebviewMessage): Promise<void> {
    switch (message.type) {
      case ResultsMessage.ready:
        this.webviewReady = true;
        if (this.model && message.restoredRunId !== this.model.runId) this.postShow();
        return;
      case ResultsMessage.rendered:
        this.rendered = message;
        this.deps.log.info(`Results: ${message.rows} rows painted in ${Math.round(message.firstPaintMs)} ms (${message.domRows} grid rows in the DOM${message.restored ? ', restored' : ''}).`);
        if (message.cspViolations.length) this.deps.log.warn(`Results webview CSP violations: ${message.cspViolations.join('; ')}`);
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
    const text = format === 'csv' ? resultsToCsv(model) : resultsToJson(model);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(text));
    const where = vscode.workspace.asRelativePath(uri);
    this.deps.log.info(`Results: exported ${model.inputs.length} rows as ${label} to ${where}.`);
    this.notice('info', `Exported ${model.inputs.length.toLocaleString()} rows to ${where}.`);
  }

  private async rerun(model: ResultsModel): Promise<void> {
    this.notice('info', 'Re-running with the same rows and endpoint…');
    const pending = [...rerunListeners].map(listener => listener(model.runId)).filter(isThenable);
    if (pending.length === 0) return;
    const outcomes = await Promise.allSettled(pending);
    // A re-run that produced results has shown them (which clears the notice) before it settles.
    if (this.disposed || this.model?.runId !== model.runId) return;
    const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    if (failed) throw failed.reason;
    // The scoring feature has told the user why in a notification.
    this.notice('error', 'Re-run ended without new results; the notification says why.');
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

/** Creates or reveals the results panel with this run. */
export function showResults(deps: ResultsDeps, model: ResultsModel): ResultsPanelHandle {
  return ResultsPanel.show(deps, model);
}

/** The panel most recently created or restored, for integration tests. */
export function lastResultsPanelForTests(): ResultsPanelTestView | undefined {
  return lastForTests?.testView();
}

export function registerResultsPanel(deps: ResultsDeps): vscode.Disposable[] {
  return [
    vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => { ResultsPanel.revive(deps, panel, state); },
    }),
    { dispose: () => current?.dispose() },
    { dispose: () => rerunListeners.clear() },
  ];
}
