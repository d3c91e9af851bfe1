// Score File to file: a saved data file is streamed through the endpoint into an output file next to it (or where
// the user picks), with progress (rows written, rows/s, time left, concurrency, failed batches) and a Cancel that
// stops at a row boundary. The results panel shows the first rows, the summary over every row and a button that
// opens the output. A cancelled or stopped run is remembered so that Resume can continue it, and a finished run
// with failed batches so that Retry Failed Rows can send those rows again into a new file. Local first, like
// Score Selection: the file is checked and the user has said yes before anything is sent.
import { randomUUID } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { EndpointDefinition, EndpointVersionInfo } from '../../core/endpoints/model';
import { estimateDataRows, formatFromFileName, type SourceFormat } from '../../core/rows';
import { defaultOutputPath, outputFormatOf } from '../../core/scoreFile/outputFile';
import { retriedOutputPath } from '../../core/scoreFile/retryFailed';
import { fileResultsModel } from '../../core/scoreFile/fileResultsModel';
import { describeFileProgress, type ScoreFileResult } from '../../core/scoreFile/scoreFileToFile';
import type { ResultsModel } from '../../core/results';
import type { ResultsPresenter } from '../results';
import type { Services } from '../services';
import { UserError } from '../shared/commands';
import { neutralizeFormulasInExport, scoringSettings, type ScoringSettings } from '../shared/settings';
import type { ScoreCommandArgs } from './scoreTarget';

/** The run Resume continues: kept in workspace state (paths and an endpoint id, nothing secret). */
const INCOMPLETE_RUN_KEY = 'fabricMl.incompleteFileRun';
/** The finished run with failed batches that Retry Failed Rows sends again (the same shape, nothing secret). */
const FAILED_ROWS_RUN_KEY = 'fabricMl.failedRowsFileRun';
/** Rows the panel's grid holds at most; the summary covers all rows. */
const MAX_ROWS_SHOWN = 1000;

interface IncompleteRun {
  endpointId: string;
  inputPath: string;
  outputPath: string;
}

/** A file on disk that Score File streams (a dirty or unsaved document is scored from the editor instead). */
export interface FileTarget {
  inputPath: string;
  format: SourceFormat;
  /** As the user knows it (workspace-relative). */
  fileName: string;
}

/** What the file run borrows from Score Selection's flow: the endpoint pick, the inactive check, the signature. */
export interface EndpointSteps {
  pickEndpoint(requested: string | undefined, interactive: boolean): Promise<EndpointDefinition | undefined>;
  checkActive(endpoint: EndpointDefinition, interactive: boolean): Promise<boolean>;
  signatureOf(endpoint: EndpointDefinition, warnings: string[]): Promise<EndpointVersionInfo | undefined>;
}

/** The file a Score File call means, when it is a saved file on disk; undefined otherwise. */
export function fileTarget(args: ScoreCommandArgs): FileTarget | undefined {
  let uri: vscode.Uri | undefined;
  if (args.uri) uri = typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args.uri;
  else uri = vscode.window.activeTextEditor?.document.uri;
  if (!uri || uri.scheme !== 'file') return undefined;
  const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
  if (open?.isDirty) return undefined;
  const format = formatFromFileName(uri.fsPath) ?? languageFormat(open?.languageId);
  if (!format || !fs.existsSync(uri.fsPath)) return undefined;
  return { inputPath: uri.fsPath, format, fileName: vscode.workspace.asRelativePath(uri) };
}

function languageFormat(languageId: string | undefined): SourceFormat | undefined {
  return languageId === 'csv' || languageId === 'tsv' || languageId === 'jsonl' ? languageId : languageId === 'json' ? 'json' : undefined;
}

/** A run shown in the panel, with what Re-run needs to start it again. */
export interface FileRunShown {
  model: ResultsModel;
  target: FileTarget;
  outputPath: string;
}

export class FileRuns {
  constructor(
    private readonly services: Services,
    private readonly presenter: Pick<ResultsPresenter, 'show'>,
    private readonly steps: EndpointSteps,
  ) {}

  /** Score File of a saved file: checks it, asks, streams it to the output file and shows the panel. */
  async run(target: FileTarget, args: ScoreCommandArgs, alreadyConfirmed: boolean): Promise<FileRunShown | undefined> {
    const settings = scoringSettings(vscode.Uri.file(target.inputPath));
    const interactive = args.interactive !== false;
    // Local first: a malformed small file or an empty one fails here, before any token or metadata request.
    const estimate = await estimateDataRows(target.inputPath, target.format, { maxRecordBytes: settings.maxRecordBytes });
    if (estimate.rows === 0) throw new UserError('The file has no data rows.');
    const endpoint = await this.steps.pickEndpoint(args.endpointId, interactive);
    if (!endpoint || !(await this.steps.checkActive(endpoint, interactive))) return undefined;
    let outputPath = outputPathOf(args.output, target);
    const batchSize = endpoint.batchSize ?? settings.batchSize;
    const askFirst = !alreadyConfirmed && (interactive || args.confirm === true);
    if (askFirst && estimate.rows > settings.confirmAboveRows) {
      const chosen = await this.confirm(target, estimate, batchSize, outputPath);
      if (!chosen) return undefined;
      outputPath = chosen;
    }
    return this.score(target, endpoint, outputPath, settings, false, interactive);
  }

  /** Resume: continues the remembered (or given) run from the first row not written. */
  async resume(args: ScoreCommandArgs): Promise<FileRunShown | undefined> {
    const remembered = this.services.context.workspaceState.get<IncompleteRun>(INCOMPLETE_RUN_KEY);
    const given = args.uri ? fileTarget(args) : undefined;
    if (args.uri && !given) throw new UserError('Resume Score File needs a saved .csv, .tsv, .json or .jsonl file.');
    const inputPath = given?.inputPath ?? remembered?.inputPath;
    if (!inputPath) throw new UserError('There is no cancelled or stopped Score File run to resume. Run Score File on the file first.');
    const target = given ?? fileTarget({ uri: vscode.Uri.file(inputPath) });
    if (!target) throw new UserError(`${inputPath} can no longer be read as a data file, so its run cannot be resumed.`);
    const outputPath = args.output !== undefined || !remembered || remembered.inputPath !== inputPath ? outputPathOf(args.output, target) : remembered.outputPath;
    if (!fs.existsSync(outputPath)) throw new UserError(`${path.basename(outputPath)} does not exist: there is nothing to resume. Run Score File instead.`);
    const interactive = args.interactive !== false;
    const endpoint = await this.steps.pickEndpoint(args.endpointId ?? remembered?.endpointId, interactive);
    if (!endpoint) return undefined;
    return this.score(target, endpoint, outputPath, scoringSettings(vscode.Uri.file(inputPath)), true, interactive);
  }

  /**
   * Retry Failed Rows: the remembered (or given) finished run's failed rows are sent again into a new file next to
   * its output (`<output>.retried.<ext>`, or `output`); the other rows are copied from the earlier output.
   */
  async retryFailed(args: ScoreCommandArgs & { earlierOutput?: string }): Promise<FileRunShown | undefined> {
    const remembered = this.services.context.workspaceState.get<IncompleteRun>(FAILED_ROWS_RUN_KEY);
    const given = args.uri ? fileTarget(args) : undefined;
    if (args.uri && !given) throw new UserError('Retry Failed Rows needs a saved .csv, .tsv, .json or .jsonl file.');
    const inputPath = given?.inputPath ?? remembered?.inputPath;
    if (!inputPath) throw new UserError('There is no Score File run with failed batches to retry. Run Score File on the file first.');
    const target = given ?? fileTarget({ uri: vscode.Uri.file(inputPath) });
    if (!target) throw new UserError(`${inputPath} can no longer be read as a data file, so its failed rows cannot be retried.`);
    const earlier = args.earlierOutput !== undefined ? resolveNear(args.earlierOutput, target)
      : remembered?.inputPath === inputPath ? remembered.outputPath : outputPathOf(undefined, target);
    if (!fs.existsSync(earlier)) throw new UserError(`${path.basename(earlier)} does not exist: there are no failed rows to retry. Run Score File instead.`);
    const endpoint = await this.steps.pickEndpoint(args.endpointId ?? remembered?.endpointId, args.interactive !== false);
    if (!endpoint) return undefined;
    const outputPath = args.output !== undefined ? resolveNear(args.output, target) : retriedOutputPath(earlier);
    return this.score(target, endpoint, outputPath, scoringSettings(vscode.Uri.file(inputPath)), false, args.interactive !== false, earlier);
  }

  private async confirm(target: FileTarget, estimate: { rows: number; exact: boolean }, batchSize: number, outputPath: string): Promise<string | undefined> {
    const go = 'Score All Rows';
    const elsewhere = 'Choose Output File…';
    const requests = Math.ceil(estimate.rows / batchSize).toLocaleString();
    const rows = estimate.exact ? `all ${estimate.rows.toLocaleString()} rows of ${target.fileName}` : `all of ${target.fileName} (about ${estimate.rows.toLocaleString()} rows)`;
    const replaces = fs.existsSync(outputPath) ? ', replacing it' : '';
    const choice = await vscode.window.showWarningMessage(
      `Score ${rows}? That is ${estimate.exact ? '' : 'about '}${requests} requests to the endpoint and uses Fabric capacity.`,
      { modal: true, detail: `The rows and their predictions are written to ${path.basename(outputPath)} next to the file${replaces}.` },
      go, elsewhere);
    if (choice === go) return outputPath;
    if (choice !== elsewhere) return undefined;
    const picked = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(outputPath), saveLabel: 'Score into This File', filters: { 'CSV': ['csv', 'tsv'], 'JSON Lines': ['jsonl'] } });
    return picked?.fsPath;
  }

  private async score(target: FileTarget, endpoint: EndpointDefinition, outputPath: string, settings: ScoringSettings, resume: boolean, interactive: boolean, retryFailedOf?: string): Promise<FileRunShown> {
    const session = await this.services.openSession(endpoint.id, { purpose: 'score', resource: vscode.Uri.file(target.inputPath), settings, interactive });
    const warnings: string[] = [];
    const version = await this.steps.signatureOf(endpoint, warnings);
    const batchSize = endpoint.batchSize ?? settings.batchSize;
    const startedAt = new Date();
    const verb = resume ? 'Resuming' : retryFailedOf !== undefined ? 'Retrying the failed rows of' : 'Scoring';
    const result = await this.withProgress(target, endpoint, verb, async (signal, onProgress) =>
      session.scoreFile({
        inputPath: target.inputPath,
        inputFormat: target.format,
        outputPath,
        outputFormat: outputFormatOf(outputPath),
        signature: version?.inputSignature,
        dateOrder: settings.dateOrder,
        outputColumns: version?.outputSignature?.map(f => f.name),
        batchSize,
        concurrency: settings.concurrency,
        maxConcurrency: settings.maxConcurrency,
        orientation: settings.orientation,
        maxRecordBytes: settings.maxRecordBytes,
        neutralizeFormulas: neutralizeFormulasInExport(),
        resume,
        retryFailedOf,
        firstRows: Math.min(MAX_ROWS_SHOWN, Math.max(200, Math.ceil(200 / batchSize) * batchSize)),
        signal,
        onProgress,
      }));
    await this.rememberIncomplete(endpoint, target, result);
    const model = fileResultsModel({
      runId: randomUUID(),
      endpoint: { id: endpoint.id, name: endpoint.name, scoreUrl: endpoint.scoreUrl },
      version: version?.versionName ?? session.ref.version,
      fileName: target.fileName,
      outputFileName: vscode.workspace.asRelativePath(outputPath),
      startedAt,
      warnings: [...warnings, ...result.warnings],
    }, result);
    this.presenter.show(model, result.summaries);
    this.services.log.info(`Score File with "${endpoint.name}": ${result.message} (${result.durationMs} ms, peak concurrency ${result.peakConcurrency}, ${result.throttledResponses} answers 429/503).`);
    this.tell(result);
    return { model, target, outputPath };
  }

  private withProgress(target: FileTarget, endpoint: EndpointDefinition, verb: string,
    work: (signal: AbortSignal, onProgress: (p: Parameters<typeof describeFileProgress>[0]) => void) => Promise<ScoreFileResult>): Thenable<ScoreFileResult> {
    return vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification,
      title: `${verb} ${target.fileName} with ${endpoint.name}`,
      cancellable: true,
    }, async (progress, token) => {
      const abort = new AbortController();
      const onCancel = token.onCancellationRequested(() => abort.abort());
      try {
        return await work(abort.signal, p => progress.report({ message: describeFileProgress(p) }));
      } finally {
        onCancel.dispose();
      }
    });
  }

  private async rememberIncomplete(endpoint: EndpointDefinition, target: FileTarget, result: ScoreFileResult): Promise<void> {
    const state = this.services.context.workspaceState;
    const run = { endpointId: endpoint.id, inputPath: target.inputPath, outputPath: result.outputPath } satisfies IncompleteRun;
    await state.update(INCOMPLETE_RUN_KEY, result.complete ? undefined : run);
    await state.update(FAILED_ROWS_RUN_KEY, result.complete && result.failedBatches > 0 ? run : undefined);
  }

  /** One notification: where the rows are (Open Output File), how far a run got (Resume), or what failed (Retry Failed Rows). */
  private tell(result: ScoreFileResult): void {
    const open = 'Open Output File';
    const resume = 'Resume';
    const retry = 'Retry Failed Rows';
    const reply = (choice: string | undefined): void => {
      if (choice === open) void vscode.commands.executeCommand('vscode.open', vscode.Uri.file(result.outputPath));
      if (choice === resume) void vscode.commands.executeCommand('fabricMl.resumeScoreFile');
      if (choice === retry) void vscode.commands.executeCommand('fabricMl.retryFailedRows');
    };
    if (!result.complete) void vscode.window.showWarningMessage(result.message, resume, open).then(reply);
    else if (result.failedBatches > 0) void vscode.window.showWarningMessage(result.message, retry, open).then(reply);
    else void vscode.window.showInformationMessage(result.message, open).then(reply);
  }
}

/** The output file: given (path or file URI), else `<name>.scored.<ext>` next to the input. */
function outputPathOf(output: string | undefined, target: FileTarget): string {
  if (output === undefined) return defaultOutputPath(target.inputPath, target.format, target.format === 'csv' || target.format === 'tsv' ? 'csv' : 'jsonl');
  return resolveNear(output, target);
}

/** A path or file URI given as an argument; a relative path is relative to the input's folder. */
function resolveNear(file: string, target: FileTarget): string {
  return file.startsWith('file:') ? vscode.Uri.parse(file).fsPath : path.resolve(path.dirname(target.inputPath), file);
}
