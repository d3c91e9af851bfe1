// Helpers for the Explorer, Credentials and Test Connection suites: point the extension at a fake server,
// read the Endpoint Explorer's rows through the harness, reach the extension's own storage (test mode only).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { FakeFabricServer } from '../../tools/fake-fabric';
import { activateExtension, approveLocalAddress, waitFor, workbenchTexts } from './support';

const ROWS = '.monaco-list-row';

/** Rows of the Endpoint Explorer tree: label immediately followed by description, one string per row. */
export async function explorerRows(): Promise<string[]> {
  return workbenchTexts(`[id="workbench.view.extension.fabricMl"] ${ROWS}`);
}

/** A whole tree row: its label, then (the workbench puts no space between them) its description. */
export function row(label: string, description = ''): RegExp {
  const esc = (t: string): string => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`^${esc(label)}\\s*${esc(description)}$`);
}

export async function waitForRow(pattern: RegExp, what: string, timeoutMs = 20_000): Promise<string[]> {
  return waitFor(async () => {
    const rows = await explorerRows();
    return rows.some(r => pattern.test(r.trim())) ? rows : undefined;
  }, what, timeoutMs);
}

/** User settings that let the extension reach the fake server: loopback opt-in and the custom authority. */
export async function useFakeServer(server: FakeFabricServer): Promise<void> {
  await approveLocalAddress(server.url);
  const config = vscode.workspace.getConfiguration('fabricMl');
  await config.update('allowLoopbackEndpoints', true, vscode.ConfigurationTarget.Global);
  await config.update('cloud', 'custom', vscode.ConfigurationTarget.Global);
  await config.update('customAuthorityHost', server.url, vscode.ConfigurationTarget.Global);
}

/** The message a command rejected with (fails when it did not reject). */
export async function rejection(run: Thenable<unknown>): Promise<string> {
  try {
    await run;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  assert.fail('expected the command to be refused');
}

/**
 * Shows the Endpoint Explorer wide enough for its descriptions, for readable screenshots. The headless
 * workbench has no focused part, so the width commands resize the editor area: shrinking it widens the side bar.
 */
export async function widenSideBar(): Promise<void> {
  await vscode.commands.executeCommand('workbench.view.extension.fabricMl');
  await vscode.commands.executeCommand('workbench.action.closeAuxiliaryBar');
  for (let i = 0; i < 6; i++) await vscode.commands.executeCommand('workbench.action.decreaseViewWidth');
}

/** Gives the editor area its width back after widenSideBar(). */
export async function restoreSideBar(): Promise<void> {
  for (let i = 0; i < 6; i++) await vscode.commands.executeCommand('workbench.action.increaseViewWidth');
}

/** The extension's ExtensionContext, which it publishes in ExtensionMode.Test only (see createServices). */
export async function extensionContext(): Promise<vscode.ExtensionContext> {
  await activateExtension();
  const context = (globalThis as Record<symbol, unknown>)[Symbol.for('fabricMl.testExtensionContext')] as vscode.ExtensionContext | undefined;
  assert.ok(context, 'the extension publishes its ExtensionContext in ExtensionMode.Test');
  return context;
}

/** Every file the "Fabric ML" log channel wrote (it lives next to the extension's log folder). */
export function logFiles(context: vscode.ExtensionContext): string[] {
  const dir = context.logUri.fsPath;
  const found: string[] = [];
  const walk = (d: string, depth: number): void => {
    if (depth > 3 || !fs.existsSync(d)) return;
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p, depth + 1);
      else if (entry.name.endsWith('Fabric ML.log')) found.push(p);
    }
  };
  // The channel's file is in the extension's log folder or in the window's output folder beside it.
  walk(path.dirname(dir), 0);
  return found;
}

/** The user settings.json of this VS Code (next to the extension's global storage folder). */
export function userSettingsFile(context: vscode.ExtensionContext): string {
  return path.resolve(context.globalStorageUri.fsPath, '..', '..', 'settings.json');
}

/** Everything the extension keeps in globalState and workspaceState, as text. */
export function mementoText(context: vscode.ExtensionContext): string {
  const dump = (m: vscode.Memento): Record<string, unknown> => Object.fromEntries(m.keys().map(k => [k, m.get(k)]));
  return JSON.stringify({ global: dump(context.globalState), workspace: dump(context.workspaceState) });
}
