// Dataflow consistency diagnostics: while a `*.Dataflow/mashup.pq` or its queryMetadata.json is open, flags a
// `shared` member without a metadata entry (in mashup.pq), an entry without a member and a duplicate queryId
// (in queryMetadata.json), each with a quick fix that edits queryMetadata.json. For every Git-integration user,
// not only for our queries.
import * as vscode from 'vscode';
import { checkDataflow, type DataflowProblem, fixDataflowProblem, MashupError, QueryMetadataError } from '../../core/dataflow';
import { dataflowFolderOf, MASHUP_FILE, METADATA_FILE } from './dataflowTarget';

export const DATAFLOW_DIAGNOSTIC_SOURCE = 'Fabric ML';
const CHANGE_DELAY_MS = 200;

export class DataflowDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('fabricMl.dataflow');
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();
  /** The latest update started per folder: an older one that finishes later must not overwrite it. */
  private readonly latest = new Map<string, number>();
  private updates = 0;

  constructor() {
    const selector: vscode.DocumentSelector = [{ pattern: `**/*.Dataflow/${MASHUP_FILE}` }, { pattern: `**/*.Dataflow/${METADATA_FILE}` }];
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument(d => this.schedule(d.uri)),
      vscode.workspace.onDidChangeTextDocument(e => this.schedule(e.document.uri)),
      vscode.workspace.onDidSaveTextDocument(d => this.schedule(d.uri)),
      vscode.workspace.onDidCloseTextDocument(d => this.schedule(d.uri)),
      vscode.languages.registerCodeActionsProvider(selector, this, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
    );
    for (const document of vscode.workspace.textDocuments) this.schedule(document.uri);
  }

  private schedule(uri: vscode.Uri): void {
    const folder = dataflowFolderOf(uri);
    if (!folder || uri.path.endsWith('.Dataflow')) return;
    const key = folder.toString();
    const timer = this.pending.get(key);
    if (timer !== undefined) clearTimeout(timer);
    this.pending.set(key, setTimeout(() => {
      this.pending.delete(key);
      void this.update(folder);
    }, CHANGE_DELAY_MS));
  }

  private async update(folder: vscode.Uri): Promise<void> {
    const run = ++this.updates;
    this.latest.set(folder.toString(), run);
    const current = () => this.latest.get(folder.toString()) === run;
    const mashupUri = vscode.Uri.joinPath(folder, MASHUP_FILE);
    const metadataUri = vscode.Uri.joinPath(folder, METADATA_FILE);
    const clear = () => {
      this.collection.delete(mashupUri);
      this.collection.delete(metadataUri);
    };
    if (!isOpen(mashupUri) && !isOpen(metadataUri)) return clear();
    const texts = await readBoth(folder);
    if (!current()) return;
    if (!texts) return clear();
    let problems: DataflowProblem[];
    try {
      problems = checkDataflow(texts.mashup, texts.metadata);
    } catch (error) {
      // A file that does not parse is reported by the M and JSON tooling; there is nothing to compare.
      if (error instanceof MashupError || error instanceof QueryMetadataError) return clear();
      throw error;
    }
    const inMashup = problems.filter(p => p.kind === 'memberWithoutMetadata');
    const inMetadata = problems.filter(p => p.kind !== 'memberWithoutMetadata');
    this.collection.set(mashupUri, inMashup.map(p => toDiagnostic(texts.mashup, p)));
    this.collection.set(metadataUri, inMetadata.map(p => toDiagnostic(texts.metadata, p)));
  }

  async provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
    const ours = context.diagnostics.filter(d => d.source === DATAFLOW_DIAGNOSTIC_SOURCE && typeof d.code === 'string' && d.code.startsWith('dataflow.'));
    const folder = dataflowFolderOf(document.uri);
    if (ours.length === 0 || !folder) return [];
    const texts = await readBoth(folder);
    if (!texts) return [];
    // Check again rather than trust stored state: the files may have changed since the diagnostics were made.
    let problems: DataflowProblem[];
    try {
      problems = checkDataflow(texts.mashup, texts.metadata);
    } catch {
      return [];
    }
    const metadata = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder, METADATA_FILE));
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      // The problem at the diagnostic's place (custom fields do not survive the trip through the workbench).
      const problem = problems.find(p => `dataflow.${p.kind}` === diagnostic.code
        && positionAt(p.kind === 'memberWithoutMetadata' ? texts.mashup : texts.metadata, p.start).isEqual(diagnostic.range.start));
      if (!problem) continue;
      const fix = fixDataflowProblem(problem, texts.mashup, texts.metadata);
      const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      action.edit = new vscode.WorkspaceEdit();
      for (const e of fix.metadataEdits) {
        action.edit.replace(metadata.uri, new vscode.Range(metadata.positionAt(e.offset), metadata.positionAt(e.offset + e.length)), e.content);
      }
      actions.push(action);
    }
    return actions;
  }

  dispose(): void {
    for (const timer of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }
}

function isOpen(uri: vscode.Uri): boolean {
  return vscode.workspace.textDocuments.some(d => d.uri.toString() === uri.toString() && !d.isClosed);
}

/** Both files' text: an open document's (unsaved) text, else the file on disk; undefined when one is missing. */
async function readBoth(folder: vscode.Uri): Promise<{ mashup: string; metadata: string } | undefined> {
  const read = async (file: string): Promise<string | undefined> => {
    const uri = vscode.Uri.joinPath(folder, file);
    const open = vscode.workspace.textDocuments.find(d => d.uri.toString() === uri.toString());
    if (open) return open.getText();
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined;
    }
  };
  const [mashup, metadata] = await Promise.all([read(MASHUP_FILE), read(METADATA_FILE)]);
  return mashup === undefined || metadata === undefined ? undefined : { mashup, metadata };
}

function toDiagnostic(text: string, problem: DataflowProblem): vscode.Diagnostic {
  const diagnostic = new vscode.Diagnostic(new vscode.Range(positionAt(text, problem.start), positionAt(text, problem.end)), problem.message, vscode.DiagnosticSeverity.Warning);
  diagnostic.source = DATAFLOW_DIAGNOSTIC_SOURCE;
  diagnostic.code = `dataflow.${problem.kind}`;
  return diagnostic;
}

/** The position of `offset` in `text` (the file may not be open as a document). */
function positionAt(text: string, offset: number): vscode.Position {
  const before = text.slice(0, offset);
  const line = (before.match(/\n/g) ?? []).length;
  return new vscode.Position(line, offset - (before.lastIndexOf('\n') + 1));
}
