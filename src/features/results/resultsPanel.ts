// The results panel: one webview panel (viewType fabricMl.results) that shows the latest scoring run,
// owned by a ResultsPanels object that createResultsFeature() creates (with the restore serializer) and
// the extension disposes.
// Handshake: the webview posts results/ready, the panel answers with results/show (the run without its rows, but
// the first page, and the user's place), and the webview reports results/rendered after its first paint. The
// grid asks for the rows it is about to show (results/rows → results/rowsPage). The run is held here by column
// (ShownRun) and written to the extension's storage (RunSpill); the page persists only its id, and after a window
// reload the panel is restored from storage. Where the user is on a run (results/placeChanged) is kept by the PlaceKeeper, and a Re-run opens its
// run at the same place.
// Exports and the M copy arrive as messages and are carried out here; Re-run is a request with an id,
// carried out by the handler the scoring feature registers and answered with results/reply. The model
// posted is always passed through the redaction gate first.
import * as path from 'path';
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errorMessage';
import { redact } from '../../core/redact';
import {
  redactResultsModel, resultsToCsv, resultsToJson, resultsToMTable, ShownRun, summarizePredictions, type ColumnSummary, type ResultsModel,
} from '../../core/results';
import {
  parseResultsWebviewMessage, parseResultsWebviewState, persistedRunId, ResultsMessage, type ResultsHostMessage, type ResultsPlace,
  type ResultsRenderedMessage, type ResultsRerunRequest, type ResultsRowsRequest, type ResultsWebviewMessage,
} from '../../protocol/results';
import type { Services } from '../services';
import { neutralizeFormulasInExport } from '../shared/settings';
import { PlaceKeeper } from './placeKeeper';
import { RunSpill } from './runSpill';
import { resultsHtml } from './resultsHtml';

export const RESULTS_VIEW_TYPE = 'fabricMl.results';

/** Rows posted with results/show: more than a tall panel shows, so that the first paint needs no round trip. */
const FIRST_PAGE_ROWS = 100;
/** Rows the page sizes the grid's columns from, spread over the whole run. */
const SAMPLE_ROWS = 200;

/** What the panel needs from the services. */
export type ResultsDeps = Pick<Services, 'context' | 'log'>;

export interface ResultsPanelHandle {
  /** The run shown (or about to be shown). */
  readonly runId: string | undefined;
  /** Replaces the run shown and reveals the panel. */
  update(model: ResultsModel, summaries?: ColumnSummary[]): void;
  readonly onDidDispose: vscode.Event<void>;
  dispose(): void;
}

/** What tests can read about the panel; there is deliberately no command for it. */
export interface ResultsPanelTestView {
  html: string;
  /** The run shown (or restored), after redaction, as a whole model again (built for the test). */
  model: ResultsModel | undefined;
  /** Rows the page asked for since the run was shown (results/rows), as [start, end) ranges. */
  rowRequests: Array<[number, number]>;
  summaries: ColumnSummary[];
  /** The webview's last results/rendered report. */
  rendered: ResultsRenderedMessage | undefined;
  /** Every message posted to the webview, in order (types only, models are large). */
  postedTypes: string[];
  visible: boolean;
  /** Where the user is on the run shown (tab, first grid row, raw batch), as the PlaceKeeper has it. */
  place: ResultsPlace | undefined;
}

/**
 * Scores the rows of a run again; resolves with the new run once it is shown, undefined when there is
 * none (cancelled, or failed and already told the user why).
 */
export type RerunHandler = (runId: string) => Promise<ResultsModel | undefined>;

/** What the scoring feature needs: show a run, and carry out Re-run requests. */
export interface ResultsPresenter {
  /** `summaries`: computed over more rows than the model holds (Score File to file); else from the model. */
  show(model: ResultsModel, summaries?: ColumnSummary[]): void;
  /** Registers the one handler of Re-run requests; disposing it unregisters it. */
  handleRerun(handler: RerunHandler): vscode.Disposable;
}

/**
 * The results panels of one activation: the panel shown (at most one is reused for new runs), the
 * serializer that restores a panel after a window reload, the user's places and the Re-run handler.
 * Created once per activation by createResultsFeature() and disposed with the extension, so nothing
 * outlives it.
 */
export class ResultsPanels implements ResultsPresenter, vscode.Disposable {
  /** The panel new runs go to. */
  private current: ResultsPanel | undefined;
  /** The panel most recently created or restored, for tests. */
  private lastCreated: ResultsPanel | undefined;
  private readonly live = new Set<ResultsPanel>();
  private rerunHandler: RerunHandler | undefined;
  private readonly places: PlaceKeeper;
  /** The shown runs on disk, so that a panel comes back after a window reload (the page keeps only the run id). */
  private readonly spill: RunSpill;
  private readonly serializer: vscode.Disposable;
  private disposed = false;

  constructor(private readonly deps: ResultsDeps) {
    this.places = new PlaceKeeper(deps.context.workspaceState);
    this.spill = new RunSpill(deps.context, deps.log);
    this.serializer = vscode.window.registerWebviewPanelSerializer(RESULTS_VIEW_TYPE, {
      deserializeWebviewPanel: (panel, state) => this.revive(panel, state),
    });
  }

  handleRerun(handler: RerunHandler): vscode.Disposable {
    this.rerunHandler = handler;
    return new vscode.Disposable(() => { if (this.rerunHandler === handler) this.rerunHandler = undefined; });
  }

  /** Shows a run in the panel, creating the panel or revealing the existing one. */
  show(model: ResultsModel, summaries?: ColumnSummary[]): ResultsPanelHandle {
    if (this.disposed) throw new Error('The results panels were disposed (the extension is shutting down).');
    if (this.current) {
      this.current.update(model, summaries);
      return this.current;
    }
    const panel = vscode.window.createWebviewPanel(RESULTS_VIEW_TYPE, panelTitle(model.endpoint.name),
      { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(this.deps));
    const created = this.adopt(new ResultsPanel(this.deps, panel, this.places, runId => this.rerun(runId), this.spill));
    this.current = created;
    created.update(model, summaries);
    return created;
  }

  /** The panel most recently created or restored, for integration tests. */
  testView(): ResultsPanelTestView | undefined {
    return this.lastCreated?.testView();
  }

  /** The runs kept in the extension's storage for a window reload, for integration tests. */
  keptRunIds(): Promise<string[]> {
    return this.spill.list();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.serializer.dispose();
    this.rerunHandler = undefined;
    for (const panel of [...this.live]) panel.dispose();
  }

  /**
   * Restores a panel after a window reload. The page persists only which run it shows (`{ runId }`); the run
   * itself comes from the extension's storage. State from an older build may still hold the whole run.
   */
  private async revive(panel: vscode.WebviewPanel, raw: unknown): Promise<void> {
    const runId = persistedRunId(raw);
    const state = parseResultsWebviewState(raw) ?? (runId ? await this.spill.read(runId) : undefined);
    if (!state) {
      // Nothing to show (the run was pruned from storage, or the window closed before the first paint).
      this.deps.log.info('Results: a results panel from the last session had no results to restore; closed it.');
      panel.dispose();
      return;
    }
    panel.webview.options = webviewOptions(this.deps);
    const revived = this.adopt(new ResultsPanel(this.deps, panel, this.places, runId => this.rerun(runId), this.spill));
    revived.restore(state.model, state.summaries);
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

  private rerun(runId: string): Promise<ResultsModel | undefined> {
    if (!this.rerunHandler) return Promise.reject(new Error('Re-run is not available while the extension starts or stops.'));
    return this.rerunHandler(runId);
  }
}

type ExportFormat = 'csv' | 'json';

class ResultsPanel implements ResultsPanelHandle {
  /** The run shown, by column; the model's row arrays are not kept. */
  private run: ShownRun | undefined;
  private rowRequests: Array<[number, number]> = [];
  /** The run whose rows could not be read (from its output file), once said. */
  private rowsFailedFor: string | undefined;
  private summaries: ColumnSummary[] = [];
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
    private readonly places: PlaceKeeper,
    private readonly rerunHandler: RerunHandler,
    private readonly spill: RunSpill,
  ) {
    panel.iconPath = vscode.Uri.joinPath(deps.context.extensionUri, 'media', 'fabric-ml.svg');
    this.disposables.push(
      panel.onDidDispose(() => {
        // Closed by the user (the extension's own dispose() comes first at shutdown, and a window reload keeps
        // the panel): nothing will ask for its run again.
        if (!this.disposed && this.run) void this.spill.delete(this.run.runId);
        this.dispose();
      }),
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
    return this.run?.runId;
  }

  update(model: ResultsModel, summaries?: ColumnSummary[]): void {
    const previous = this.run;
    // The run replaced here can no longer come back after a reload.
    if (previous && previous.runId !== model.runId) void this.spill.delete(previous.runId);
    const redacted = redactResultsModel(model);
    const next = ShownRun.of(redacted);
    // The run a Re-run produced opens where the user was on the run it repeats.
    if (previous && this.rerunOf === previous.runId) this.places.carryOver(previous.view, next.view);
    this.rerunOf = undefined;
    this.run = next;
    this.rowRequests = [];
    this.summaries = summaries ?? summarizePredictions(redacted);
    void this.spill.save(redacted, this.summaries);
    this.panel.title = panelTitle(next.view.endpoint.name);
    this.panel.reveal(this.panel.viewColumn, true);
    // A page that is still loading gets the run when it says results/ready.
    if (this.webviewReady) this.postShow();
  }

  /** Takes the run kept in storage, after a window reload; the page asks for it when it says results/ready. */
  restore(model: ResultsModel, summaries: ColumnSummary[]): void {
    this.run = ShownRun.of(redactResultsModel(model));
    this.summaries = summaries;
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
      html: this.html, model: this.run?.toModel(), rowRequests: [...this.rowRequests], summaries: this.summaries, rendered: this.rendered,
      postedTypes: [...this.postedTypes], visible: this.panel.visible, place: this.run && this.places.placeFor(this.run.runId),
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
    const run = this.run;
    if (!run) return;
    const place = this.places.placeFor(run.runId);
    this.post({
      type: ResultsMessage.show, run: run.view, summaries: this.summaries,
      firstRows: run.firstPage(FIRST_PAGE_ROWS), sample: run.rows.sample(SAMPLE_ROWS), ...withPlace(place),
    });
  }

  /** The grid asks for the rows it is about to show (a file run's later rows are read from its output file). */
  private async postRows(request: ResultsRowsRequest): Promise<void> {
    const run = this.run;
    // A request from a run that has since been replaced is not answered: the page dropped that run.
    if (!run || request.runId !== run.runId) return;
    try {
      const page = await run.page(request.start, request.end);
      this.rowRequests.push([page.start, page.start + page.inputs.length]);
      if (this.run === run && !this.disposed) this.post({ type: ResultsMessage.rowsPage, runId: run.runId, page });
    } catch (e) {
      // Said once per run: every later page would fail the same way.
      if (this.rowsFailedFor === run.runId) return;
      this.rowsFailedFor = run.runId;
      const reason = redact(errorMessage(e));
      this.deps.log.warn(`Results: rows ${request.start + 1}… of run ${run.runId} could not be read: ${reason}`);
      this.notice('error', `Rows past the first ${run.rows.length.toLocaleString('en-US')} cannot be shown: ${reason}`);
    }
  }

  private notice(level: 'info' | 'error', text: string): void {
    this.post({ type: ResultsMessage.notice, level, text });
  }

  private async receive(message: ResultsWebviewMessage): Promise<void> {
    switch (message.type) {
      case ResultsMessage.ready:
        // Also when the page comes back after being hidden: the run and the user's latest place on it.
        this.webviewReady = true;
        return this.postShow();
      case ResultsMessage.rows:
        return this.postRows(message);
      case ResultsMessage.rendered:
        this.rendered = message;
        this.deps.log.info(`Results: ${message.rows} rows painted in ${Math.round(message.firstPaintMs)} ms (${message.domRows} grid rows in the DOM${message.restored ? ', restored' : ''}).`);
        if (message.cspViolations.length) this.deps.log.warn(`Results webview CSP violations: ${message.cspViolations.join('; ')}`);
        return;
      case ResultsMessage.placeChanged:
        // A report from a run that has since been replaced says nothing about the new one.
        if (message.place.runId === this.run?.runId) this.places.remember(message.place);
        return;
      case ResultsMessage.rerun:
        return this.rerun(message);
      case ResultsMessage.revealLine:
        return this.revealLine(message.runId, message.row);
    }
    // An action from a run that has since been replaced must not act on the new one.
    if (!this.run || message.runId !== this.run.runId) return;
    // The whole run as row arrays, for as long as the action takes.
    const model = this.run.toModel();
    try {
      switch (message.type) {
        case ResultsMessage.exportCsv: return await this.exportFile(model, 'csv');
        case ResultsMessage.exportJson: return await this.exportFile(model, 'json');
        case ResultsMessage.copyMTable: return await this.copyMTable(model);
        case ResultsMessage.openOutput: return await this.openOutput(model);
        case ResultsMessage.resumeOutput: return await this.continueFileRun(model, 'fabricMl.resumeScoreFile');
        case ResultsMessage.retryFailed: return await this.continueFileRun(model, 'fabricMl.retryFailedRows');
      }
    } catch (e) {
      const reason = redact(errorMessage(e));
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

  /**
   * Double-click or Enter on a row: opens the run's source document at the row's line, in an editor beside
   * the panel (or where the document is already shown). Said in the panel when it cannot.
   */
  private async revealLine(runId: string, row: number): Promise<void> {
    const run = this.run;
    // A request from a run that has since been replaced says nothing about the new one.
    if (!run || runId !== run.runId) return;
    const model = run.view;
    const line = run.rows.lineOf(row);
    if (line === undefined) return this.notice('info', `Row ${row + 1} has no source line to go to.`);
    const uri = sourceDocumentUri(model.source.fileName);
    if (!uri) return this.notice('error', `${model.source.fileName} is not open or in this workspace any more; open it to go to line ${line}.`);
    try {
      const document = await vscode.workspace.openTextDocument(uri);
      const shown = vscode.window.visibleTextEditors.find(e => e.document.uri.toString() === uri.toString());
      const column = shown?.viewColumn ?? (this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One);
      const at = new vscode.Position(Math.min(line - 1, Math.max(0, document.lineCount - 1)), 0);
      const editor = await vscode.window.showTextDocument(document, { viewColumn: column, selection: new vscode.Range(at, at), preview: false });
      editor.revealRange(new vscode.Range(at, at), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      this.deps.log.info(`Results: revealed row ${row + 1} at line ${line} of ${model.source.fileName}.`);
    } catch (e) {
      const reason = redact(errorMessage(e));
      this.deps.log.error(`Results: could not open ${model.source.fileName}: ${reason}`);
      this.notice('error', `Could not open ${model.source.fileName}: ${reason}`);
    }
  }

  /**
   * Carries out a Re-run request and answers it. The handler tells the user about its own failures (in a
   * notification); the reply says whether a new run was shown, and the page words the outcome.
   */
  private async rerun(request: ResultsRerunRequest): Promise<void> {
    let reply: { newRunId?: string; error?: string } = {};
    // A request about a run that has since been replaced must not act on the new one.
    if (request.runId === this.run?.runId) {
      this.rerunOf = request.runId;
      try {
        const next = await this.rerunHandler(request.runId);
        if (next) reply = { newRunId: next.runId };
      } catch (e) {
        // The reason reaches the page: it goes through the redaction gate like the model.
        const reason = redact(errorMessage(e));
        this.deps.log.error(`Results: Re-run failed: ${reason}`);
        void vscode.window.showErrorMessage(`Fabric ML: ${reason}`);
        reply = { error: reason };
      } finally {
        if (this.rerunOf === request.runId) this.rerunOf = undefined;
      }
    }
    if (!this.disposed) this.post({ type: ResultsMessage.reply, requestId: request.requestId, ...reply });
  }

  /**
   * Resume or Retry Failed Rows of the file run shown, named by its endpoint, input and output (not the latest
   * run the commands would default to). The command shows its progress and outcome, and the new run here.
   */
  private async continueFileRun(model: ResultsModel, command: 'fabricMl.resumeScoreFile' | 'fabricMl.retryFailedRows'): Promise<void> {
    const file = model.outputFile;
    const input = sourceDocumentUri(model.source.fileName);
    if (!file || !input) throw new Error(`${model.source.fileName} is not in this workspace any more: open the input file and run the command from the palette.`);
    const output = command === 'fabricMl.resumeScoreFile' ? { output: file.path } : { earlierOutput: file.path };
    await vscode.commands.executeCommand(command, { endpointId: model.endpoint.id, uri: input.toString(), ...output });
  }

  /** Opens the output file of a Score File to file run in an editor. */
  private async openOutput(model: ResultsModel): Promise<void> {
    if (!model.outputFile) return;
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(model.outputFile.path));
  }

  private async copyMTable(model: ResultsModel): Promise<void> {
    const text = resultsToMTable(model);
    await vscode.env.clipboard.writeText(text);
    const columns = model.inputColumns.length + model.outputColumns.length + 1;
    this.notice('info', `Copied an M #table with ${model.inputs.length.toLocaleString()} rows and ${columns} columns to the clipboard.`);
  }
}

function withPlace(place: ResultsPlace | undefined): { place?: ResultsPlace } {
  return place ? { place } : {};
}

function bundleRoot(deps: ResultsDeps): vscode.Uri {
  return vscode.Uri.joinPath(deps.context.extensionUri, 'dist', 'webview');
}

function webviewOptions(deps: ResultsDeps): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return { enableScripts: true, retainContextWhenHidden: false, localResourceRoots: [bundleRoot(deps)] };
}

function panelTitle(endpointName: string): string {
  return `Results: ${endpointName}`;
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

/**
 * The document a run was read from, by the name the model keeps (`asRelativePath` of its URI): an open
 * document with that name (also an unsaved one), else the file under the workspace folder it names.
 */
function sourceDocumentUri(fileName: string): vscode.Uri | undefined {
  const open = vscode.workspace.textDocuments.find(d => vscode.workspace.asRelativePath(d.uri) === fileName);
  if (open) return open.uri;
  if (path.isAbsolute(fileName)) return vscode.Uri.file(fileName);
  const folders = vscode.workspace.workspaceFolders ?? [];
  // In a multi-root workspace the name starts with the folder's name.
  const named = folders.length > 1 ? folders.find(f => fileName.startsWith(`${f.name}/`)) : undefined;
  if (named) return vscode.Uri.joinPath(named.uri, fileName.slice(named.name.length + 1));
  return folders[0] ? vscode.Uri.joinPath(folders[0].uri, fileName) : undefined;
}
