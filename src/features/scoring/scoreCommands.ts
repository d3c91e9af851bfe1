// Score Selection / Score File: rows from the open CSV/JSON file → the endpoint's input signature →
// batched, throttling-aware scoring with progress and cancellation → the results panel.
import * as vscode from 'vscode';
import { randomUUID } from 'crypto';
import type { EndpointDefinition, EndpointVersionInfo, SignatureField } from '../../core/endpoints/model';
import { countDataRows, mapToSignature, parseRows, parseRowsFromFile, type ParsedTable } from '../../core/rows';
import type { ScoreRunResult } from '../../core/fabric/types';
import type { ResultsModel } from '../../protocol/results';
import type { Services } from '../services';
import { scoringSettings, type ScoringSettings } from '../shared/settings';
import { showCommandError, UserError } from '../shared/commands';
import { normalizeArgs, resolveTarget, type ScoreCommandArgs, type ScoreTarget } from './scoreTarget';

const LAST_ENDPOINT_KEY = 'fabricMl.lastEndpointId';

/** What a finished command returns to its caller (tests, scripts): the model shown in the panel. */
export type ScoreCommandResult = ResultsModel | undefined;

export interface ResultsPresenter {
  show(model: ResultsModel): void;
}

export class ScoreCommands {
  /** Re-run needs to know how a run was started. */
  private readonly runs = new Map<string, { args: ScoreCommandArgs; wholeFile: boolean }>();

  constructor(private readonly services: Services, private readonly presenter: ResultsPresenter) {}

  /** Score Selection; errors propagate to the shared command wrapper (shown, or rejected for plain args). */
  scoreSelection(arg?: unknown): Promise<ScoreCommandResult> {
    return this.run(normalizeArgs(arg), false);
  }

  scoreFile(arg?: unknown): Promise<ScoreCommandResult> {
    return this.run(normalizeArgs(arg), true);
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
    const target = await resolveTarget(args, !wholeFile);
    const endpoint = await this.pickEndpoint(args.endpointId, args.interactive !== false);
    if (!endpoint) return undefined;
    const settings = scoringSettings(target.document.uri);
    const session = await this.services.openSession(endpoint.id, { purpose: 'score', resource: target.document.uri });

    const warnings: string[] = [];
    const version = await this.signatureOf(endpoint, warnings);
    const batchSize = endpoint.batchSize ?? settings.batchSize;
    const askFirst = !alreadyConfirmed && (args.interactive !== false || args.confirm === true);
    const table = await this.readRows(target, wholeFile, settings, batchSize, askFirst);
    if (!table) return undefined;
    const mapped = mapToSignature(table, version?.inputSignature);
    warnings.push(...mapped.warnings);
    if (mapped.ignoredColumns.length) warnings.push(`Not sent (not in the input signature): ${mapped.ignoredColumns.join(', ')}`);
    if (mapped.rows.length === 0) throw new UserError(target.selection ? 'The selection has no data rows. Select rows below the header, or clear the selection to score the first rows.' : 'The file has no data rows.');

    const startedAt = new Date();
    const result = await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification,
      title: `Scoring ${mapped.rows.length} rows with ${endpoint.name}`,
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
          orientation: settings.orientation,
          outputColumns: version?.outputSignature?.map(f => f.name),
          signal: abort.signal,
          // "waking the endpoint (auto-sleep)… 12 s" while a warm-up batch wakes a sleeping endpoint.
          onStatus: message => progress.report({ message }),
          onProgress: (done, total) => {
            const increment = ((done - reported) / total) * 100;
            reported = done;
            progress.report({ increment, message: `${done.toLocaleString()} / ${total.toLocaleString()} rows` });
          },
        });
      } finally {
        onCancel.dispose();
      }
    });

    const model = this.toModel(endpoint, version, target, table, result, startedAt, warnings);
    this.runs.set(model.runId, { args: { endpointId: endpoint.id, uri: target.document.uri, range: target.selection }, wholeFile });
    this.presenter.show(model);
    this.reportOutcome(endpoint, result);
    return model;
  }

  private async pickEndpoint(requested: string | undefined, interactive: boolean): Promise<EndpointDefinition | undefined> {
    const all = this.services.endpoints.list();
    if (requested) {
      const found = this.services.endpoints.get(requested);
      if (!found) throw new UserError(`No endpoint with id "${requested}". Known endpoints: ${all.map(e => e.id).join(', ') || 'none'}.`);
      return found;
    }
    if (all.length === 0) throw new UserError('No Fabric ML endpoint is configured yet.', [{ title: 'Add Endpoint', command: 'fabricMl.addEndpoint' }]);
    if (all.length === 1) return all[0];
    if (!interactive) throw new UserError(`Several endpoints are configured; pass endpointId (one of: ${all.map(e => e.id).join(', ')}).`);
    const state = this.services.context.workspaceState;
    const last = state.get<string>(LAST_ENDPOINT_KEY);
    const items = all
      .map(e => ({ label: e.name, description: e.id === last ? 'last used' : undefined, detail: e.scoreUrl, endpoint: e }))
      .sort((a, b) => Number(b.endpoint.id === last) - Number(a.endpoint.id === last));
    const picked = await vscode.window.showQuickPick(items, { title: 'Score with which endpoint?', matchOnDetail: true });
    if (picked) await state.update(LAST_ENDPOINT_KEY, picked.endpoint.id);
    return picked?.endpoint;
  }

  private async signatureOf(endpoint: EndpointDefinition, warnings: string[]): Promise<EndpointVersionInfo | undefined> {
    try {
      return await this.services.metadata.version(endpoint.id);
    } catch (e) {
      // Without the signature, columns are sent as they are; scoring itself reports any real failure.
      const reason = e instanceof Error ? e.message : String(e);
      warnings.push(`Could not read the input signature (${reason}); columns were sent as they are in the file.`);
      return undefined;
    }
  }

  private async readRows(target: ScoreTarget, wholeFile: boolean, settings: ScoringSettings, batchSize: number, askFirst: boolean): Promise<ParsedTable | undefined> {
    const { document, format } = target;
    if (!wholeFile) {
      return parseRows(document.getText(), format, { selection: target.selection, maxRows: target.selection ? undefined : settings.defaultRows, maxRecordBytes: settings.maxRecordBytes });
    }
    // Whole file: stream from disk when the file is saved there, so huge files never sit in one string.
    const onDisk = document.uri.scheme === 'file' && !document.isDirty;
    const limits = { maxRecordBytes: settings.maxRecordBytes };
    const rowCount = onDisk ? await countDataRows(document.uri.fsPath, format, limits) : parseRows(document.getText(), format, limits).rows.length;
    if (rowCount > settings.confirmAboveRows && askFirst) {
      const go = 'Score All Rows';
      const requests = Math.ceil(rowCount / batchSize);
      const choice = await vscode.window.showWarningMessage(
        `Score all ${rowCount.toLocaleString()} rows of ${vscode.workspace.asRelativePath(document.uri)}? That is ${requests.toLocaleString()} requests to the endpoint and uses Fabric capacity.`,
        { modal: true }, go);
      if (choice !== go) return undefined;
    }
    return onDisk ? parseRowsFromFile(document.uri.fsPath, format, limits) : parseRows(document.getText(), format, limits);
  }

  private toModel(endpoint: EndpointDefinition, version: EndpointVersionInfo | undefined, target: ScoreTarget, table: ParsedTable,
    result: ScoreRunResult, startedAt: Date, warnings: string[]): ResultsModel {
    const outputColumns = result.outputColumns?.length ? result.outputColumns : outputColumnNames(version?.outputSignature, result.predictions);
    return {
      runId: randomUUID(),
      endpoint: { id: endpoint.id, name: endpoint.name, version: version?.versionName ?? this.services.endpoints.refFor(endpoint).version, scoreUrl: endpoint.scoreUrl },
      source: { fileName: vscode.workspace.asRelativePath(target.document.uri), rowLines: table.rowLines },
      inputColumns: table.columns,
      outputColumns,
      inputs: table.rows.map(r => table.columns.map(c => r[c] ?? null)),
      predictions: result.predictions.map(p => p ?? null),
      batches: result.batches,
      startedAt: startedAt.toISOString(),
      durationMs: result.durationMs,
      tokenRequests: result.tokenRequests,
      cancelled: result.cancelled,
      warnings,
    };
  }

  private reportOutcome(endpoint: EndpointDefinition, result: ScoreRunResult): void {
    const failed = result.batches.filter(b => !b.ok);
    const rows = result.predictions.filter(p => p !== undefined).length;
    this.services.log.info(`Scored ${rows}/${result.predictions.length} rows with ${endpoint.name} in ${result.durationMs} ms: ${result.batches.length - failed.length} batches ok, ${failed.length} failed, ${result.tokenRequests} token requests${result.cancelled ? ', cancelled' : ''}.`);
    if (result.cancelled) {
      void vscode.window.showWarningMessage(`Scoring cancelled: ${rows.toLocaleString()} of ${result.predictions.length.toLocaleString()} rows were scored and are shown.`);
    } else if (failed.length) {
      const first = failed[0];
      const what = first.error ? `${first.error.status ? `HTTP ${first.error.status} ` : ''}${first.error.errorCode ?? first.error.kind}: ${first.error.message}` : 'failed';
      void vscode.window.showWarningMessage(`${failed.length} of ${result.batches.length} batches failed (first: rows ${first.startRow + 1}–${first.endRow}, ${what}). The other batches' predictions are shown.`);
    }
  }
}

function outputColumnNames(signature: SignatureField[] | undefined, predictions: Array<unknown[] | undefined>): string[] {
  const width = predictions.reduce((w, p) => Math.max(w, p?.length ?? 0), 0);
  const names = (signature ?? []).map(f => f.name);
  for (let i = names.length; i < width; i++) names.push(`prediction_${i + 1}`);
  return names.length ? names : ['prediction'];
}
