// "Verify M in Fabric" and "Compare with Version…": the same rows run two ways and compared (src/core/compare).
// Verify scores the selected rows directly, then sends the dataflow's saved mashup with those rows as a `#table`
// query feeding the generated apply query to executeQuery, and compares. Compare with Version scores the rows with
// the endpoint's version and with another version of the same model.
import * as vscode from 'vscode';
import {
  agreementText, buildVerifyDocument, compareRuns, type RunComparison, type RunForComparison, VERIFY_ROWS_QUERY, verifyRowsQuery,
} from '../../core/compare';
import { runScoring } from '../../core/fabric';
import { MASHUP_PART, partText } from '../../core/fabric';
import type { ScoreRunResult } from '../../core/fabric/types';
import { formatFromFileName, type LineRange, mapToSignature, type MappedRows, parseRows } from '../../core/rows';
import type { Services } from '../services';
import { isPlainArgs, stringArg, UserError, type CommandContext } from '../shared/commands';
import { pickEndpoint } from '../shared/endpointPicker';
import { scoringSettings } from '../shared/settings';
import { type DataflowSession, openDataflowSession, pickDataflow } from './dataflowSession';
import type { ComparisonPanels } from './comparisonPanel';
import { runQuery } from './runInFabric';

export const VERIFY_COMMAND = 'fabricMl.verifyInFabric';
export const COMPARE_VERSION_COMMAND = 'fabricMl.compareWithVersion';

export interface ComparisonResult {
  agreement: string;
  rows: number;
  agreeingRows: number;
  differingRows: number[];
  a: string;
  b: string;
}

interface Selected {
  document: vscode.TextDocument;
  mapped: MappedRows;
  rowLines: number[];
  inputColumns: string[];
  inputs: unknown[][];
}

function tolerance(): number {
  const value = vscode.workspace.getConfiguration('fabricMl').get<number>('compare.tolerance', 1e-6);
  return typeof value === 'number' && value >= 0 ? value : 1e-6;
}

/** The rows of the selection (or the first rows) of the CSV/JSON document, mapped to the signature. */
async function selectedRows(args: Record<string, unknown>, dataflow: DataflowSession): Promise<Selected> {
  const uri = stringArg(args, 'uri');
  const editor = vscode.window.activeTextEditor;
  const document = uri ? await vscode.workspace.openTextDocument(vscode.Uri.parse(uri)) : editor?.document;
  const format = document && formatFromFileName(document.fileName);
  if (!document || !format) throw new UserError('Open a CSV, TSV, JSON or JSON Lines file and select the rows to verify.');
  const range = args.range as LineRange | undefined;
  let selection: LineRange | undefined = range && typeof range.startLine === 'number' ? range : undefined;
  if (!selection && editor?.document === document && !editor.selection.isEmpty) {
    const { start, end } = editor.selection;
    selection = { startLine: start.line, endLine: end.character === 0 && end.line > start.line ? end.line - 1 : end.line };
  }
  const settings = scoringSettings(document.uri);
  const table = parseRows(document.getText(), format, { selection, maxRows: selection ? undefined : settings.defaultRows, maxRecordBytes: settings.maxRecordBytes });
  const mapped = mapToSignature(table, dataflow.signature?.inputSignature, { dateOrder: settings.dateOrder });
  if (mapped.rows.length === 0) throw new UserError('The selection has no data rows. Select rows below the header.');
  return { document, mapped, rowLines: table.rowLines, inputColumns: table.columns, inputs: table.rows.map(r => table.columns.map(c => r[c] ?? null)) };
}

function outputNames(dataflow: DataflowSession, result?: ScoreRunResult): string[] {
  return result?.outputColumns?.length ? result.outputColumns : dataflow.signature?.outputSignature?.map(f => f.name) ?? ['prediction'];
}

async function scoreDirectly(dataflow: DataflowSession, selected: Selected, label: string, version?: string): Promise<RunForComparison> {
  const settings = scoringSettings(selected.document.uri);
  const request = {
    columns: selected.mapped.columns, rows: selected.mapped.rows, batchSize: dataflow.endpoint.batchSize ?? settings.batchSize,
    concurrency: settings.concurrency, orientation: settings.orientation, outputColumns: dataflow.signature?.outputSignature?.map(f => f.name),
  };
  const result = version === undefined
    ? await dataflow.session.score(request)
    : await runScoring(dataflow.session.api, { ...request, ref: { ...dataflow.session.ref, version } });
  const failed = result.batches.find(b => !b.ok);
  if (failed?.error && result.batches.every(b => !b.ok)) throw new UserError(`${label}: every batch failed (first: ${failed.error.message}).`);
  return { label, columns: outputNames(dataflow, result), predictions: result.predictions, latenciesMs: result.batches.map(b => b.durationMs) };
}

function showComparison(panels: ComparisonPanels, title: string, comparison: RunComparison, selected: Selected, a: RunForComparison, b: RunForComparison, notes: string[]): ComparisonResult {
  panels.show(comparison, { title, inputColumns: selected.inputColumns, inputs: selected.inputs, rowLines: selected.rowLines, a, b, notes });
  const agreement = agreementText(comparison);
  void vscode.window.showInformationMessage(`${title}: ${agreement}.`);
  return { agreement, rows: comparison.rows, agreeingRows: comparison.agreeingRows, differingRows: comparison.differences.map(d => d.row), a: a.label, b: b.label };
}

export async function verifyInFabric(services: Services, panels: ComparisonPanels, arg: unknown, ctx: CommandContext): Promise<ComparisonResult | undefined> {
  const args = isPlainArgs(arg) ? arg : {};
  const endpoint = await pickEndpoint(services, arg instanceof vscode.Uri ? undefined : arg, ctx, { title: 'Verify the M of which endpoint?' });
  if (!endpoint) return undefined;
  const dataflow = await openDataflowSession(services, endpoint, ctx.interactive);
  const selected = await selectedRows(args, dataflow);
  const target = await pickDataflow(services, dataflow, { workspaceId: stringArg(args, 'workspaceId'), dataflowId: stringArg(args, 'dataflowId') }, ctx.interactive, 'Verify M in Fabric: evaluate in which dataflow?');
  if (!target) return undefined;

  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Verifying the M of ${endpoint.name} on ${selected.mapped.rows.length} rows` }, async progress => {
    progress.report({ message: 'scoring directly' });
    const direct = await scoreDirectly(dataflow, selected, `Scored directly by ${endpoint.name}`);
    progress.report({ message: `evaluating the M in Fabric (dataflow "${target.item.displayName}")` });
    const saved = partText(await dataflow.client.getDefinition(target.workspaceId, target.item.id), MASHUP_PART);
    if (saved === undefined) throw new UserError(`The dataflow "${target.item.displayName}" has no mashup.pq.`);
    const columns = selected.mapped.columns.map(name => ({ name, type: dataflow.signature?.inputSignature?.find(f => f.name === name)?.type }));
    const verify = buildVerifyDocument(saved, dataflow.queries(VERIFY_ROWS_QUERY), verifyRowsQuery(columns, selected.mapped.rows));
    const run = await runQuery(() => dataflow.client.executeQuery(target.workspaceId, target.item.id, { queryName: verify.queryName, customMashupDocument: verify.document }));
    const names = outputNames(dataflow);
    const indexes = names.map(n => run.columns.findIndex(c => c.name === n));
    if (indexes.some(i => i < 0)) throw new UserError(`Fabric's answer lacks the prediction column(s) ${names.filter((_, i) => indexes[i] < 0).join(', ')}; it has ${run.columns.map(c => c.name).join(', ')}.`);
    if (run.rows.length !== selected.mapped.rows.length) throw new UserError(`Fabric returned ${run.rows.length} rows for the ${selected.mapped.rows.length} rows sent.`);
    const fabric: RunForComparison = { label: `Evaluated by the M in Fabric (dataflow "${target.item.displayName}", query "${verify.queryName}")`, columns: names, predictions: run.rows.map(r => indexes.map(i => r[i])), latenciesMs: [run.durationMs] };
    const comparison = compareRuns(direct, fabric, tolerance());
    return showComparison(panels, `Verify M in Fabric - ${endpoint.name}`, comparison, selected, direct, fabric, [
      'Fabric evaluated the dataflow\'s saved mashup with the selected rows as a #table query; the dataflow itself was not changed.',
      'A is one request per batch; B is one executeQuery call (the M batches inside it).',
    ]);
  });
}

export async function compareWithVersion(services: Services, panels: ComparisonPanels, arg: unknown, ctx: CommandContext): Promise<ComparisonResult | undefined> {
  const args = isPlainArgs(arg) ? arg : {};
  const endpoint = await pickEndpoint(services, arg, ctx, { title: 'Compare which endpoint with another version?' });
  if (!endpoint) return undefined;
  const dataflow = await openDataflowSession(services, endpoint, ctx.interactive);
  const own = dataflow.session.ref.version ?? dataflow.signature?.versionName;
  const other = stringArg(args, 'version') ?? (ctx.interactive ? await pickVersion(dataflow, own) : undefined);
  if (!other) {
    if (ctx.interactive) return undefined;
    throw new UserError('The argument "version" is required.');
  }
  if (other === own) throw new UserError(`The endpoint already calls version ${other}: pick another version.`);
  const selected = await selectedRows(args, dataflow);
  return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Comparing version ${own ?? 'default'} with version ${other} on ${selected.mapped.rows.length} rows` }, async () => {
    const a = await scoreDirectly(dataflow, selected, `Version ${own ?? '(default)'}`);
    const b = await scoreDirectly(dataflow, selected, `Version ${other}`, other);
    return showComparison(panels, `Compare ${endpoint.name} version ${own ?? 'default'} with ${other}`, compareRuns(a, b, tolerance()), selected, a, b, []);
  });
}

async function pickVersion(dataflow: DataflowSession, own: string | undefined): Promise<string | undefined> {
  const versions = await dataflow.session.api.listVersions(dataflow.session.ref);
  const items = versions.filter(v => v.versionName !== own).map(v => ({ label: `Version ${v.versionName}`, description: v.status, name: v.versionName }));
  if (items.length === 0) throw new UserError('The model has no other version to compare with.');
  return (await vscode.window.showQuickPick(items, { title: 'Compare with version…', placeHolder: `The endpoint calls version ${own ?? '(default)'}; compare with:` }))?.name;
}
