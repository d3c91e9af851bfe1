// "Show Problems" for rows whose values do not fit the input signature: one diagnostic per refused row on its
// source line, in the Problems view and as a squiggle. Cleared when the document changes or closes, and when
// the next run from that document succeeds.
import * as vscode from 'vscode';
import type { RejectedRow } from '../../core/rows';

export class InputProblems implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('fabricMl.inputProblems');
  private readonly subscriptions = [
    vscode.workspace.onDidChangeTextDocument(e => this.clear(e.document.uri)),
    vscode.workspace.onDidCloseTextDocument(d => this.clear(d.uri)),
  ];

  show(uri: vscode.Uri, rejected: readonly RejectedRow[]): void {
    this.collection.set(uri, rejected.map(r => {
      const line = Math.max(0, r.line - 1);
      const diagnostic = new vscode.Diagnostic(new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER), `Column ${r.column}: ${r.reason}`, vscode.DiagnosticSeverity.Error);
      diagnostic.source = 'Fabric ML';
      return diagnostic;
    }));
    void vscode.commands.executeCommand('workbench.actions.view.problems');
  }

  get(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.collection.get(uri) ?? [];
  }

  clear(uri: vscode.Uri): void {
    if (this.collection.has(uri)) this.collection.delete(uri);
  }

  dispose(): void {
    this.collection.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
