// Helpers shared by the integration tests: the extension handle, the harness control endpoints
// (screenshots, workbench text, webview text) and polling. UI checks need the offline harness
// (HARNESS_CONTROL_URL); under desktop VS Code they are skipped by the caller.
import * as assert from 'assert';
import * as vscode from 'vscode';

export const EXTENSION_ID = 'fabric-ml-endpoints.fabric-ml-endpoints';

export async function activateExtension<T = unknown>(): Promise<T> {
  const ext = vscode.extensions.getExtension<T>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} not found`);
  return ext.isActive ? ext.exports : ext.activate();
}

export const controlUrl = process.env.HARNESS_CONTROL_URL;

async function control<T>(pathAndQuery: string): Promise<T> {
  if (!controlUrl) throw new Error('HARNESS_CONTROL_URL is not set (not running under the offline harness)');
  const res = await fetch(controlUrl + pathAndQuery);
  const body = (await res.json()) as T & { error?: string };
  if (!res.ok) throw new Error(`harness ${pathAndQuery}: ${body.error ?? res.status}`);
  return body;
}

export async function screenshot(name: string, delayMs = 0): Promise<string> {
  const { file } = await control<{ file: string }>(`/screenshot?name=${encodeURIComponent(name)}&delayMs=${delayMs}`);
  return file;
}

export async function workbenchTexts(selector: string): Promise<string[]> {
  return (await control<{ texts: string[] }>(`/text?selector=${encodeURIComponent(selector)}`)).texts;
}

/** An attribute (e.g. aria-label) of every workbench element matching `selector`. */
export async function workbenchAttributes(selector: string, attr: string): Promise<string[]> {
  return (await control<{ texts: string[] }>(`/text?selector=${encodeURIComponent(selector)}&attr=${encodeURIComponent(attr)}`)).texts;
}

export async function frameTexts(contains: string): Promise<string[]> {
  return (await control<{ texts: string[] }>(`/frameText?contains=${encodeURIComponent(contains)}`)).texts;
}

/** Types into the focused workbench input (real key presses), then presses each key, e.g. pressKeys('abc', 'Enter'). */
export async function pressKeys(text: string, ...keys: string[]): Promise<void> {
  const query = new URLSearchParams();
  if (text) query.set('type', text);
  for (const key of keys) query.append('press', key);
  await control(`/keys?${query}`);
}

/**
 * A real click on the first element matching `selector` (containing `text`) in the first frame whose body text
 * contains `contains` (a webview); fails when nothing was clicked.
 */
export async function frameClick(contains: string, selector: string, text?: string): Promise<void> {
  const query = new URLSearchParams({ contains, selector, ...(text ? { text } : {}) });
  const res = await fetch(`${controlUrl}/frameClick?${query}`);
  const body = (await res.json()) as { clicked?: boolean; error?: string };
  if (!res.ok || !body.clicked) throw new Error(`harness frameClick ${selector} "${text ?? ''}": ${body.error ?? res.status}`);
}

/** Clicks the first workbench element matching `selector` that contains `text` (e.g. a dialog's button). */
export async function clickWorkbench(selector: string, text?: string): Promise<void> {
  const query = new URLSearchParams({ selector });
  if (text) query.set('text', text);
  await control(`/click?${query}`);
}

/** Polls `probe` until it returns a truthy value or the time runs out; returns the last value. */
export async function waitFor<T>(probe: () => Promise<T> | T, what: string, timeoutMs = 20_000, intervalMs = 200): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await probe();
      if (last) return last as NonNullable<T>;
    } catch (e) {
      lastError = e;
    }
    await new Promise(r => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(last)}${lastError ? `; last error: ${String(lastError)}` : ''}`);
}

// ---------------------------------------------------------------------------------------------------
// The fake Fabric + Entra server inside the extension host, and the user settings that let the
// extension reach it (loopback is a user-level opt-in; the custom authority points msal at it).
import { FakeFabricServer, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID } from '../../tools/fake-fabric';

export interface FakeFabricSetup {
  server: FakeFabricServer;
  endpointId: string;
  dispose(): Promise<void>;
}

/**
 * Stands in for the user approving a local address in the modal dialog "Send your Fabric token to …?"
 * (the harness cannot press a modal's buttons): writes the approval where the extension keeps it, its own
 * global state, reached through the context it publishes in ExtensionMode.Test only.
 */
export async function approveLocalAddress(url: string): Promise<void> {
  await activateExtension();
  const context = (globalThis as Record<symbol, unknown>)[Symbol.for('fabricMl.testExtensionContext')] as vscode.ExtensionContext | undefined;
  assert.ok(context, 'the extension publishes its ExtensionContext in ExtensionMode.Test');
  const key = 'fabricMl.approvedLoopbackOrigins';
  const approved = context.globalState.get<string[]>(key) ?? [];
  const origin = new URL(url).origin;
  if (!approved.includes(origin)) await context.globalState.update(key, [...approved, origin]);
}

/** Starts a fake server, points the user settings at it, stores the demo credentials and adds an endpoint. */
export async function setUpFakeFabric(options: { endpointId?: string; version?: string; profileId?: string; latencyMs?: number } = {}): Promise<FakeFabricSetup> {
  await activateExtension();
  const server = await FakeFabricServer.start({ latencyMs: options.latencyMs ?? 0 });
  await approveLocalAddress(server.url);
  const config = vscode.workspace.getConfiguration('fabricMl');
  await config.update('allowLoopbackEndpoints', true, vscode.ConfigurationTarget.Global);
  await config.update('cloud', 'custom', vscode.ConfigurationTarget.Global);
  await config.update('customAuthorityHost', server.url, vscode.ConfigurationTarget.Global);
  const profileId = options.profileId ?? 'default';
  await vscode.commands.executeCommand('fabricMl.setCredentials', { profileId, tenantId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET });
  const endpointId = options.endpointId ?? `fake-${server.port}`;
  await vscode.commands.executeCommand('fabricMl.addEndpoint', { id: endpointId, name: `Fake churn ${server.port}`, scoreUrl: server.scoreUrl(options.version ?? '1'), profileId, target: 'user' });
  return {
    server,
    endpointId,
    async dispose() {
      await vscode.commands.executeCommand('fabricMl.removeEndpoint', { endpointId });
      await server.close();
    },
  };
}
