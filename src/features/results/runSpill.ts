// The shown runs, kept on disk in the extension's storage so that a results panel comes back after a window
// reload while the page itself persists only which run it shows (a 100 000-row run would otherwise be
// serialised into the webview state, megabytes at a time). Only redacted models are written: never a token or a
// secret. The last MAX_SPILLED_RUNS runs are kept; older files are deleted when a new run is written, and a run's
// file when the user closes its panel.
import * as vscode from 'vscode';
import type { ColumnSummary, ResultsModel } from '../../core/results';
import { parseResultsWebviewState } from '../../protocol/results';

export const MAX_SPILLED_RUNS = 10;
const RUN_ID_RE = /^[A-Za-z0-9._-]{1,128}$/;

export class RunSpill {
  private readonly folder: vscode.Uri;
  private writes: Promise<void> = Promise.resolve();

  constructor(context: Pick<vscode.ExtensionContext, 'storageUri' | 'globalStorageUri'>, private readonly log: vscode.LogOutputChannel) {
    this.folder = vscode.Uri.joinPath(context.storageUri ?? context.globalStorageUri, 'results');
  }

  /** Writes the (already redacted) run; queued so that the pruning of one write never races the next. */
  save(model: ResultsModel, summaries: ColumnSummary[]): Promise<void> {
    const file = this.fileOf(model.runId);
    if (!file) return this.writes;
    this.writes = this.writes.then(async () => {
      await vscode.workspace.fs.createDirectory(this.folder);
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(JSON.stringify({ model, summaries })));
      await this.prune();
    }).catch(error => this.log.warn(`Results: could not keep run ${model.runId} for a window reload (${String(error)}).`));
    return this.writes;
  }

  /** Deletes a run's file (its panel was closed); queued behind the writes. */
  delete(runId: string): Promise<void> {
    const file = this.fileOf(runId);
    if (!file) return this.writes;
    this.writes = this.writes.then(() => vscode.workspace.fs.delete(file)).then(undefined, () => undefined);
    return this.writes;
  }

  /** The ids of the runs kept on disk, once the queued writes and deletes are done. */
  async list(): Promise<string[]> {
    await this.writes;
    const entries = await vscode.workspace.fs.readDirectory(this.folder).then(undefined, () => [] as [string, vscode.FileType][]);
    return entries.filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.json')).map(([name]) => name.slice(0, -'.json'.length));
  }

  /** The run as written, or undefined when it is gone (pruned, another machine) or does not validate. */
  async read(runId: string): Promise<{ model: ResultsModel; summaries: ColumnSummary[] } | undefined> {
    const file = this.fileOf(runId);
    if (!file) return undefined;
    try {
      const state = parseResultsWebviewState(JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(file))));
      return state && state.model.runId === runId ? state : undefined;
    } catch {
      return undefined;
    }
  }

  private fileOf(runId: string): vscode.Uri | undefined {
    return RUN_ID_RE.test(runId) ? vscode.Uri.joinPath(this.folder, `${runId}.json`) : undefined;
  }

  private async prune(): Promise<void> {
    const entries = (await vscode.workspace.fs.readDirectory(this.folder)).filter(([name, type]) => type === vscode.FileType.File && name.endsWith('.json'));
    if (entries.length <= MAX_SPILLED_RUNS) return;
    const dated = await Promise.all(entries.map(async ([name]) => {
      const uri = vscode.Uri.joinPath(this.folder, name);
      return { uri, mtime: (await vscode.workspace.fs.stat(uri)).mtime };
    }));
    dated.sort((a, b) => b.mtime - a.mtime);
    for (const old of dated.slice(MAX_SPILLED_RUNS)) await vscode.workspace.fs.delete(old.uri).then(undefined, () => undefined);
  }
}
