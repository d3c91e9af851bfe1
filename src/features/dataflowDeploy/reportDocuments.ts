// Read-only virtual documents (scheme fabricml-report): the two sides of Deploy's mashup.pq diff. Their text lives
// in memory for the window's lifetime; nothing is written to disk.
import * as vscode from 'vscode';

export const REPORT_SCHEME = 'fabricml-report';

export class ReportDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this);
  private counter = 0;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** A new read-only document named `fileName` (its extension picks the language). */
  put(fileName: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: `/${++this.counter}/${fileName.replace(/[\\/:*?"<>|]/g, '_')}` });
    this.texts.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
    this.texts.clear();
  }
}
