// "Fabric ML: Run in Fabric": evaluates one query of a dataflow in Fabric's own engine (executeQuery) and shows the
// table it returns. From a mashup.pq editor the query at the cursor runs and the editor's whole document is sent as
// customMashupDocument (unsaved work included); otherwise the saved query of the deployed dataflow runs. The table
// opens in the results panel (same grid, summary and export) under "Evaluated by Fabric, dataflow X, query Y".
import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import { MashupError, readMashup } from '../../core/dataflow';
import type { EndpointDefinition } from '../../core/endpoints/model';
import { ExecuteQueryError, type QueryRunResult } from '../../core/fabric';
import type { ResultsModel } from '../../core/results/model';
import type { ResultsPresenter } from '../results';
import type { Services } from '../services';
import { isPlainArgs, stringArg, UserError, type CommandContext } from '../shared/commands';
import { pickEndpoint } from '../shared/endpointPicker';
import { openDataflowSession, pickDataflow } from './dataflowSession';

export const RUN_IN_FABRIC_COMMAND = 'fabricMl.runInFabric';

export interface RunInFabricResult {
  dataflowId: string;
  queryName: string;
  columns: string[];
  rowCount: number;
  /** The results panel's run. */
  runId: string;
  sentDocument: boolean;
}

export async function runInFabric(services: Services, presenter: Pick<ResultsPresenter, 'show'>, arg: unknown, ctx: CommandContext): Promise<RunInFabricResult | undefined> {
  const args = isPlainArgs(arg) ? arg : {};
  const editor = vscode.window.activeTextEditor;
  const fromEditor = !isPlainArgs(arg) && editor && /\.pq$/i.test(editor.document.fileName) ? editor : undefined;
  const documentUri = stringArg(args, 'uri');
  const document = documentUri ? await vscode.workspace.openTextDocument(vscode.Uri.parse(documentUri)) : fromEditor?.document;
  const queryName = stringArg(args, 'queryName') ?? (fromEditor ? queryAtCursor(fromEditor) : undefined) ?? (ctx.interactive ? await vscode.window.showInputBox({ title: 'Run in Fabric', prompt: 'The query (shared member) to run' }) : undefined);
  if (!queryName) {
    if (ctx.interactive) return undefined;
    throw new UserError('The argument "queryName" is required.');
  }
  const endpoint = await pickEndpoint(services, isPlainArgs(arg) ? arg : undefined, ctx, { title: 'Run in Fabric with the token of which endpoint\'s credentials?' });
  if (!endpoint) return undefined;
  const dataflow = await openDataflowSession(services, endpoint, ctx.interactive);
  const target = await pickDataflow(services, dataflow, { workspaceId: stringArg(args, 'workspaceId'), dataflowId: stringArg(args, 'dataflowId') }, ctx.interactive, 'Run in Fabric');
  if (!target) return undefined;
  const customMashupDocument = document?.getText();
  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Evaluating "${queryName}" in Fabric (dataflow "${target.item.displayName}")`, cancellable: true },
    (_progress, token) => runQuery(() => {
      const abort = new AbortController();
      token.onCancellationRequested(() => abort.abort());
      return dataflow.client.executeQuery(target.workspaceId, target.item.id, { queryName, customMashupDocument }, { signal: abort.signal });
    }),
  );
  const source = customMashupDocument === undefined ? 'the saved dataflow' : `${vscode.workspace.asRelativePath(document!.uri)}${document!.isDirty ? ' (unsaved)' : ''}, sent as customMashupDocument`;
  const model = fabricRunModel(endpoint, dataflow.signature?.outputSignature?.map(f => f.name) ?? [], { dataflow: target.item.displayName, query: queryName }, source, result);
  presenter.show(model);
  services.log.info(`Evaluated "${queryName}" in the dataflow "${target.item.displayName}": ${result.rows.length} rows in ${result.durationMs} ms.`);
  return { dataflowId: target.item.id, queryName, columns: result.columns.map(c => c.name), rowCount: result.rows.length, runId: model.runId, sentDocument: customMashupDocument !== undefined };
}

/**
 * Fabric's table as a results-page run: the endpoint's prediction columns (when the result has them) are the
 * predictions, every other column an input; without them every column is shown as a result column.
 */
function fabricRunModel(endpoint: EndpointDefinition, predictionNames: string[], evaluatedBy: { dataflow: string; query: string }, source: string, result: QueryRunResult): ResultsModel {
  const names = result.columns.map(c => c.name);
  const outputs = names.filter(n => predictionNames.includes(n));
  const outputIndexes = (outputs.length ? outputs : names).map(n => names.indexOf(n));
  const inputIndexes = outputs.length ? names.map((_, i) => i).filter(i => !outputIndexes.includes(i)) : [];
  return {
    runId: randomUUID(),
    // The panel's tab is titled by this name: the query and dataflow, not the endpoint that lent its token.
    endpoint: { id: endpoint.id, name: `${evaluatedBy.query} (Fabric, ${evaluatedBy.dataflow})`, scoreUrl: endpoint.scoreUrl },
    source: { fileName: source },
    evaluatedBy,
    inputColumns: inputIndexes.map(i => names[i]),
    outputColumns: outputIndexes.map(i => names[i]),
    inputs: result.rows.map(row => inputIndexes.map(i => row[i])),
    predictions: result.rows.map(row => outputIndexes.map(i => row[i])),
    batches: [{ index: 0, startRow: 0, endRow: result.rows.length, ok: true, durationMs: result.durationMs, attempts: 1, exchange: result.exchange }],
    startedAt: new Date(Date.now() - result.durationMs).toISOString(),
    durationMs: result.durationMs,
    tokenRequests: 0,
    cancelled: false,
    warnings: [],
  };
}

/** Runs an executeQuery call; its failures become UserErrors carrying the reason's message (never an empty success). */
export async function runQuery(call: () => Promise<QueryRunResult>): Promise<QueryRunResult> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ExecuteQueryError) throw new UserError(`Run in Fabric failed: ${error.message}`);
    throw error;
  }
}

/** The `shared` member the cursor is in (or the nearest one before it). */
function queryAtCursor(editor: vscode.TextEditor): string | undefined {
  try {
    const offset = editor.document.offsetAt(editor.selection.active);
    const members = readMashup(editor.document.getText()).members;
    return [...members].reverse().find(m => m.start <= offset)?.name ?? members[0]?.name;
  } catch (error) {
    if (error instanceof MashupError) throw new UserError(`${error.message} Run in Fabric runs a query of a section document (a dataflow's mashup.pq).`);
    throw error;
  }
}
