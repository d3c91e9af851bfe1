// Warns about client secrets written as text in Power Query M documents and offers a quick fix that turns
// the literal into a parameter reference. Diagnostics never quote the secret.
import * as vscode from 'vscode';
import { scanForSecrets, type SecretFinding, secretFixFor } from '../../core/mcode';
import { isMDocument } from './insertMFunction';

export const SECRET_DIAGNOSTIC_SOURCE = 'Fabric ML';
export const SECRET_DIAGNOSTIC_CODE = 'hardcodedSecret';
/** Larger documents are not scanned on every change (Dataflow mashups are limited to 512 KB anyway). */
const MAX_SCAN_CHARS = 2_000_000;
/** Typing is scanned after a short pause (a 512 KB document takes ~25 ms). */
const CHANGE_DELAY_MS = 200;

export class SecretDiagnostics implements vscode.CodeActionProvider, vscode.Disposable {
  static readonly providedCodeActionKinds = [vscode.CodeActionKind.QuickFix];
  private readonly collection = vscode.languages.createDiagnosticCollection('fabricMl.secrets');
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly pending = new Map<string, ReturnType<typeof setTimeout>>();

  constructor() {
    this.subscriptions.push(
      vscode.workspace.onDidOpenTextDocument(d => this.update(d)),
      vscode.workspace.onDidChangeTextDocument(e => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument(d => {
        this.cancel(d.uri);
        this.collection.delete(d.uri);
      }),
      vscode.languages.registerCodeActionsProvider(
        [{ language: 'powerquery' }, { pattern: '**/*.{pq,pqm}' }],
        this,
        { providedCodeActionKinds: SecretDiagnostics.providedCodeActionKinds },
      ),
    );
    for (const document of vscode.workspace.textDocuments) this.update(document);
  }

  private schedule(document: vscode.TextDocument): void {
    if (!isMDocument(document)) return;
    this.cancel(document.uri);
    this.pending.set(document.uri.toString(), setTimeout(() => {
      this.pending.delete(document.uri.toString());
      if (!document.isClosed) this.update(document);
    }, CHANGE_DELAY_MS));
  }

  private cancel(uri: vscode.Uri): void {
    const timer = this.pending.get(uri.toString());
    if (timer !== undefined) clearTimeout(timer);
    this.pending.delete(uri.toString());
  }

  private update(document: vscode.TextDocument): void {
    if (!isMDocument(document)) return;
    const text = document.getText();
    if (text.length > MAX_SCAN_CHARS) {
      this.collection.delete(document.uri);
      return;
    }
    this.collection.set(document.uri, scanForSecrets(text).map(f => toDiagnostic(document, f)));
  }

  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const ours = context.diagnostics.filter(d => d.source === SECRET_DIAGNOSTIC_SOURCE && d.code === SECRET_DIAGNOSTIC_CODE);
    if (ours.length === 0) return [];
    // Scan again rather than trust stored state: the document may have changed since the diagnostic was made.
    const text = document.getText();
    const findings = scanForSecrets(text);
    const actions: vscode.CodeAction[] = [];
    for (const diagnostic of ours) {
      const fix = secretFixFor(text, { start: document.offsetAt(diagnostic.range.start), end: document.offsetAt(diagnostic.range.end) }, findings);
      if (!fix) continue;
      const action = new vscode.CodeAction(fix.title, vscode.CodeActionKind.QuickFix);
      action.diagnostics = [diagnostic];
      action.isPreferred = true;
      action.edit = new vscode.WorkspaceEdit();
      // The whole literal (or chain of literals) that holds the secret is replaced, never a part of it.
      action.edit.replace(document.uri, new vscode.Range(document.positionAt(fix.start), document.positionAt(fix.end)), fix.newText);
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

function toDiagnostic(document: vscode.TextDocument, finding: SecretFinding): vscode.Diagnostic {
  const range = new vscode.Range(document.positionAt(finding.start), document.positionAt(finding.end));
  const diagnostic = new vscode.Diagnostic(range, finding.message, vscode.DiagnosticSeverity.Warning);
  diagnostic.source = SECRET_DIAGNOSTIC_SOURCE;
  diagnostic.code = SECRET_DIAGNOSTIC_CODE;
  return diagnostic;
}
