// Score Selection / Score File: rows from the open CSV/JSON file → the endpoint's input signature →
// batched, throttling-aware scoring with progress and cancellation → the results panel. Local first: the
// rows are read and the user has said yes before anything is sent (no token request, no metadata call),
// so a malformed file or a "No" costs nothing. The settings are read once per run and handed on.
import * as vscode from 'vscode';
import { pickEndpoint } from '../shared/endpointPicker';
import { recordMilestone } from '../shared/milestones';
import { randomUUID } from 'crypto';
import type { EndpointDefinition, EndpointVersionInfo } from '../../core/endpoints/model';
import { MappingError, mapToSignature, parseRows, parseRowsFromFile, type MappedRows, type ParsedTable } from '../../core/rows';
import { errorMessage } from '../../core/errorMessage';
import type { ScoreRunResult } from '../../core/fabric/types';
import { buildResultsModel, describeInputProblems, describeRunOutcome, withRowsNotSent, type ResultsModel } from '../../core/results';
import { InputProblems } from './inputProblems';
import type { ResultsPresenter } from '../results';
import type { EndpointSession, Services } from '../services';
import { scoringSettings, type ScoringSettings } from '../shared/settings';
import { showCommandError, UserError } from '../shared/commands';
import { FileRuns, type FileRunShown, fileTarget } from './scoreFileRun';
import { normalizeArgs, resolveTarget, type ScoreCommandArgs, type ScoreTarget } from './scoreTarget';

const LAST_ENDPOINT_KEY = 'fabricMl.lastEndpointId';
/**
 * Re-run needs how a run was started (endpoint, file, line range), not its rows or results. Only the
 * latest runs are kept: the panel shows one run at a time, so older ones are rarely asked for again.
 */
const RERUNNABLE_RUNS = 10;

/** What a finished command returns to its caller (tests, scripts): the model shown in the panel. */
export type ScoreCommandResult = ResultsModel | undefined;

interface RunRecipe {
  args: ScoreCommandArgs;
  wholeFile: boolean;
}

export class ScoreCommands {
  /** How the latest runs were started, oldest first (a Map keeps insertion order), at most RERUNNABLE_RUNS. */
  private readonly runs = new Map<string, RunRecipe>();
  /** Squiggles on the source lines whose values were refused ("Show Problems"). */
  readonly inputProblems = new InputProblems();
  private readonly files: FileRuns;

  constructor(private readonly services: Services, private readonly presenter: Pick<ResultsPresenter, 'show'>) {
    this.files = new FileRuns(services, presenter, this);
  }

  /** Score Selection; errors propagate to the shared command wrapper (shown, or rejected for plain args). */
  scoreSelection(arg?: unknown): Promise<ScoreCommandResult> {
    return this.run(normalizeArgs(arg), false);
  }

  scoreFile(arg?: unknown): Promise<ScoreCommandResult> {
    return this.run(normalizeArgs(arg), true);
  }

  /** Resume Score File: continues a cancelled or stopped file run from the first row not written. */
  async resumeScoreFile(arg?: unknown): Promise<ScoreCommandResult> {
    const shown = await this.files.resume(normalizeArgs(arg));
    if (shown) this.rememberFileRun(shown);
    return shown?.model;
  }

  /** Retry Failed Rows: a finished file run's failed rows sent again into a new file, the others copied. */
  async retryFailedRows(arg?: unknown): Promise<ScoreCommandResult> {
    const earlierOutput = (arg as { earlierOutput?: unknown } | undefined)?.earlierOutput;
    const shown = await this.files.retryFailed({ ...normalizeArgs(arg), ...(typeof earlierOutput === 'string' ? { earlierOutput } : {}) });
    if (shown) this.rememberFileRun(shown);
    return shown?.model;
  }

  /**
   * Re-run from the results panel: interactive, and the user already confirmed this run once. Failures
   * are shown like a command's (redacted, with a UserError's buttons); undefined when there is no new run.
   */
  async rerun(runId: string): Promise<ScoreCommandResult> {
    const previous = this.runs.get(runId);
    if (!previous) {
      void vscode.window.showWarningMessage('This result came from an earlier session; select the rows and run Score Selection again.');
      return undefined;
    }
    try {
      return await this.run({ ...previous.args, interactive: true, confirm: false }, previous.wholeFile, true);
    } catch (error) {
      showCommandError(this.services, 'Re-run', error);
      return undefined;
    }
  }

  private async run(args: ScoreCommandArgs, wholeFile: boolean, alreadyConfirmed = false): Promise<ScoreCommandResult> {
    // A saved file is streamed into an output file; an unsaved or modified one is scored from the editor.
    const file = wholeFile ? fileTarget(args) : undefined;
    if (file) {
      const shown = await this.files.run(file, args, alreadyConfirmed);
      if (shown) this.rememberFileRun(shown);
      return shown?.model;
    }
    const target = await resolveTarget(args, !wholeFile);
    const settings = scoringSettings(target.document.uri);
    const table = await this.readRows(target, wholeFile, settings);
    if (table.rows.length === 0) throw new UserError(target.selection ? 'The selection has no data rows. Select rows below the header, or clear the selection to score the first rows.' : 'The file has no data rows.');
    const endpoint = await this.pickEndpoint(args.endpointId, args.interactive !== false);
    if (!endpoint) return undefined;
    if (!(await this.checkActive(endpoint, args.interactive !== false))) return undefined;
    const batchSize = endpoint.batchSize ?? settings.batchSize;
    const askFirst = wholeFile && !alreadyConfirmed && (args.interactive !== false || args.confirm === true);
    if (askFirst && !(await this.confirmLargeRun(target, table.rows.length, batchSize, settings))) return undefined;

    // From here on the run talks to Fabric.
    const session = await this.services.openSession(endpoint.id, { purpose: 'score', resource: target.document.uri, settings, interactive: args.interactive !== false });
    const warnings: string[] = [];
    const version = await this.signatureOf(endpoint, warnings);
    const mapped = this.mapRows(table, version, settings, args, wholeFile, target);
    if (!mapped) return undefined;
    warnings.push(...mapped.warnings);
    if (mapped.ignoredColumns.length) warnings.push(`Not sent (not in the input signature): ${mapped.ignoredColumns.join(', ')}`);

    const startedAt = new Date();
    const scored = await this.scoreWithProgress(session, mapped, batchSize, settings, version);
    // Rows left out ("Score the valid rows only") stay on the page, with the reason they were not sent.
    const shown = mapped.keptRows ? withRowsNotSent(table, mapped.keptRows, scored, mapped.rejected) : { table, result: scored };
    const result = shown.result;
    this.inputProblems.clear(target.document.uri);
    const model = buildResultsModel({
      runId: randomUUID(),
      endpoint: { id: endpoint.id, name: endpoint.name, scoreUrl: endpoint.scoreUrl },
      version: version?.versionName ?? session.ref.version,
      fileName: vscode.workspace.asRelativePath(target.document.uri),
      table: shown.table, sent: mapped, inputSignature: version?.inputSignature, outputSignature: version?.outputSignature, result, startedAt, warnings,
    });
    this.remember(model.runId, { args: { endpointId: endpoint.id, uri: target.document.uri, range: target.selection, invalidRows: args.invalidRows }, wholeFile });
    this.presenter.show(model);
    await recordMilestone(this.services, 'hasScored');
    const outcome = describeRunOutcome(endpoint.name, result);
    this.services.log.info(outcome.log);
    if (outcome.warning) void vscode.window.showWarningMessage(outcome.warning);
    return model;
  }

  /**
   * The rows in the signature's shape. Values that do not fit refuse the run, listing the problems one per line,
   * unless the caller asked to score the valid rows only (`invalidRows: 'skip'`); from the UI the user is asked
   * (Score Valid Rows Only / Show Problems). Undefined when the run stops here.
   */
  private mapRows(table: ParsedTable, version: EndpointVersionInfo | undefined, settings: ScoringSettings, args: ScoreCommandArgs, wholeFile: boolean, target: ScoreTarget): MappedRows | undefined {
    try {
      return mapToSignature(table, version?.inputSignature, { dateOrder: settings.dateOrder, skipInvalidRows: args.invalidRows === 'skip' });
    } catch (error) {
      if (!(error instanceof MappingError) || error.rejected.length === 0) throw error;
      const { title, lines } = describeInputProblems(error);
      if (args.interactive === false) throw new UserError(`${title}\n${lines.join('\n')}`);
      const skip = 'Score Valid Rows Only';
      const show = 'Show Problems';
      const valid = table.rows.length - error.rejected.length;
      void vscode.window.showErrorMessage(title, { modal: true, detail: lines.join('\n') }, ...(valid > 0 ? [skip] : []), show).then(choice => {
        if (choice === show) this.inputProblems.show(target.document.uri, error.rejected);
        else if (choice === skip) void this.run({ ...args, invalidRows: 'skip', confirm: false }, wholeFile, true).catch(e => showCommandError(this.services, 'Score', e));
      }, () => undefined);
      return undefined;
    }
  }

  /** Re-run of a file run scores the whole file again into the same output file. */
  private rememberFileRun({ model, target, outputPath }: FileRunShown): void {
    this.remember(model.runId, { args: { endpointId: model.endpoint.id, uri: vscode.Uri.file(target.inputPath), output: outputPath }, wholeFile: true });
    void recordMilestone(this.services, 'hasScored');
  }

  private remember(runId: string, recipe: RunRecipe): void {
    this.runs.set(runId, recipe);
    for (const oldest of this.runs.keys()) {
      if (this.runs.size <= RERUNNABLE_RUNS) break;
      this.runs.delete(oldest);
    }
  }

  private scoreWithProgress(session: EndpointSession, mapped: MappedRows, batchSize: number,
    settings: ScoringSettings, version: EndpointVersionInfo | undefined): Thenable<ScoreRunResult> {
    return vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification,
      title: `Scoring ${mapped.rows.length} rows with ${session.definition.name}`,
      cancellable: true,
    }, async (progress, token) => {
      const abort = new AbortController();
      const onCancel = token.onCancellationRequested(() => abort.abort());
      let reported = 0;
      try {
        return await session.score({
          columns: mapped.columns,
          rows: mapped.rows,
          batchSize,
          concurrency: settings.concurrency,
          maxConcurrency: settings.maxConcurrency,
          orientation: settings.orientation,
          outputColumns: version?.outputSignature?.map(f => f.name),
          signal: abort.signal,
          // "waking the endpoint (auto-sleep)… 12 s" while a warm-up batch wakes a sleeping endpoint.
          onStatus: message => progress.report({ message }),
          onProgress: (done, total, { concurrency }) => {
            const increment = ((done - reported) / total) * 100;
            reported = done;
            progress.report({ increment, message: `${done.toLocaleString()} / ${total.toLocaleString()} rows · concurrency ${concurrency}` });
          },
        });
      } finally {
        onCancel.dispose();
      }
    });
  }

  async pickEndpoint(requested: string | undefined, interactive: boolean): Promise<EndpointDefinition | undefined> {
    const state = this.services.context.workspaceState;
    const picked = await pickEndpoint(this.services, requested === undefined ? undefined : { endpointId: requested }, { interactive }, {
      title: 'Score with which endpoint?',
      preferredId: state.get<string>(LAST_ENDPOINT_KEY),
      onlyEndpointByDefault: true,
    });
    if (picked && interactive) await state.update(LAST_ENDPOINT_KEY, picked.id);
    return picked;
  }

  /**
   * Before sending anything to a version known to be inactive (every batch would fail): from the UI, say so
   * and offer to activate it. False when the user chose not to score.
   */
  async checkActive(endpoint: EndpointDefinition, interactive: boolean): Promise<boolean> {
    const info = this.services.metadata.cached(endpoint.id);
    if (!interactive || !info || info.status === 'Active') return true;
    const activate = 'Activate Version';
    const anyway = 'Score Anyway';
    const choice = await vscode.window.showWarningMessage(
      `Version ${info.versionName} of "${endpoint.name}" is ${info.status}: every batch would fail until it is active.`,
      { modal: true, detail: 'Activating a version uses Fabric capacity. It takes a few minutes; score again when it is Active.' },
      activate,
      anyway,
    ).then(undefined, () => undefined);
    this.services.log.info(`Asked before scoring version ${info.versionName} of "${endpoint.name}" (${info.status}): ${choice ?? 'dismissed'}.`);
    if (choice === activate) void vscode.commands.executeCommand('fabricMl.activateVersion', { endpointId: endpoint.id, version: info.versionName, confirm: false });
    return choice === anyway;
  }

  async signatureOf(endpoint: EndpointDefinition, warnings: string[]): Promise<EndpointVersionInfo | undefined> {
    try {
      return await this.services.metadata.version(endpoint.id);
    } catch (e) {
      // Without the signature, columns are sent as they are; scoring itself reports any real failure.
      const reason = errorMessage(e);
      warnings.push(`Could not read the input signature (${reason}); columns were sent as they are in the file.`);
      return undefined;
    }
  }

  private async readRows(target: ScoreTarget, wholeFile: boolean, settings: ScoringSettings): Promise<ParsedTable> {
    const { document, format } = target;
    if (!wholeFile) {
      return parseRows(document.getText(), format, { selection: target.selection, maxRows: target.selection ? undefined : settings.defaultRows, maxRecordBytes: settings.maxRecordBytes });
    }
    // Whole file: stream from disk when the file is saved there, so huge files never sit in one string.
    const onDisk = document.uri.scheme === 'file' && !document.isDirty;
    const limits = { maxRecordBytes: settings.maxRecordBytes };
    return onDisk ? parseRowsFromFile(document.uri.fsPath, format, limits) : parseRows(document.getText(), format, limits);
  }

  /** Score File on more rows than `confirmAboveRows`: true when the user says to go ahead. */
  private async confirmLargeRun(target: ScoreTarget, rowCount: number, batchSize: number, settings: ScoringSettings): Promise<boolean> {
    if (rowCount <= settings.confirmAboveRows) return true;
    const go = 'Score All Rows';
    const requests = Math.ceil(rowCount / batchSize);
    const choice = await vscode.window.showWarningMessage(
      `Score all ${rowCount.toLocaleString()} rows of ${vscode.workspace.asRelativePath(target.document.uri)}? That is ${requests.toLocaleString()} requests to the endpoint and uses Fabric capacity.`,
      { modal: true }, go);
    return choice === go;
  }
}
