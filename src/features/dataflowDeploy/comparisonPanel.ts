// The comparison of two runs in its own webview panel (viewType fabricMl.comparison). The page is static HTML
// (comparisonHtml.ts): scripts are off and it loads nothing, so it needs no messages. One panel is reused.
import * as vscode from 'vscode';
import type { RunComparison } from '../../core/compare';
import { comparisonHtml, type ComparisonPage } from './comparisonHtml';

export const COMPARISON_VIEW_TYPE = 'fabricMl.comparison';

export class ComparisonPanels implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  show(comparison: RunComparison, page: ComparisonPage): void {
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel(COMPARISON_VIEW_TYPE, page.title, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
        { enableScripts: false, localResourceRoots: [], enableFindWidget: true, retainContextWhenHidden: false });
      this.panel.onDidDispose(() => { this.panel = undefined; });
    }
    this.panel.title = page.title;
    this.panel.webview.html = comparisonHtml(comparison, page, this.panel.webview.cspSource);
    this.panel.reveal(undefined, false);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
