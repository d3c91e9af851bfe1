// "Fabric ML: Run in Fabric": evaluates one query of a dataflow in Fabric's own engine (executeQuery) and shows the
// table it returns. From a mashup.pq editor the query at the cursor runs and the editor's whole document is sent as
// customMashupDocument (unsaved work included); otherwise the saved query of the deployed dataflow runs.
import * as vscode from 'vscode';
import { queryResultReport } from '../../core/compare';
import { MashupError, readMashup } from '../../core/dataflow';
import { ExecuteQueryError, type QueryRunResult } from '../../core/fabric';
import type { Services } from '../services';
import { isPlainArgs, stringArg, UserError, type CommandContext } from '../shared/commands';
import { pickEndpoint } from '../shared/endpointPicker';
import { openDataflowSession, pickDataflow } from './dataflowSession';
import type { ReportDocuments } from './reportDocuments';

export const RUN_IN_FABRIC_COMMAND = 'fabricMl.runInFabric';

export interface RunInFabricResult {
  dataflowId: string;
  queryName: string;
  columns: string[];
  rowCount: number;
  /** The read-only report shown. */
  reportUri: string;
  sentDocument: boolean;
}

export async function runInFabric(services: Services, reports: ReportDocuments, arg: unknown, ctx: CommandContext): Promise<RunInFabricResult | undefined> {
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
  const text = queryResultReport({
    dataflow: target.item.displayName, query: queryName,
    document: customMashupDocument === undefined ? 'the saved dataflow' : `${vscode.workspace.asRelativePath(document!.uri)}${document!.isDirty ? ' (unsaved)' : ''}, sent as customMashupDocument`,
  }, result);
  const reportUri = await reports.show(`${target.item.displayName} - ${queryName} (Fabric).md`, text);
  services.log.info(`Evaluated "${queryName}" in the dataflow "${target.item.displayName}": ${result.rows.length} rows in ${result.durationMs} ms.`);
  return { dataflowId: target.item.id, queryName, columns: result.columns.map(c => c.name), rowCount: result.rows.length, reportUri: reportUri.toString(), sentDocument: customMashupDocument !== undefined };
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
