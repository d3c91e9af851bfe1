// Test connection: get a fresh token with msal-node, read the endpoint's version metadata with it, and
// report token / reachability / status / auto-sleep. The report is returned (for tests and scripts) and
// shown as one notification; details go to the redacted "Fabric ML" log.
import * as vscode from 'vscode';
import { hostOf } from '../../core/endpoints/endpointUrl';
import { describeIdentity, identityOf, type EndpointIdentity } from '../../core/endpoints/model';
import { buildConnectionReport, type ConnectionAttempt, type ConnectionReport } from '../../core/endpoints/connectionReport';
import { unknownEndpointMessage } from '../../core/endpoints/readiness';
import type { Services } from '../services';
import { SessionRefusedError } from '../shared/sessionRefused';
import { pickEndpoint } from '../shared/endpointPicker';
import { readVersionInfo } from '../shared/metadataCache';
import { registerCommand } from '../shared/commands';
import { EndpointNode, ProfileNode, VersionNode } from '../explorer/nodes';
import { registerLocalAddressCommands } from './localAddresses';

export function register(services: Services): vscode.Disposable[] {
  const s = services;
  return [
    registerCommand(s, 'fabricMl.testConnection', async (arg, ctx) => {
      const def = await pickEndpoint(s, arg, ctx, { title: 'Test the connection to which endpoint?' });
      if (!def) return undefined;
      const report = ctx.interactive
        ? await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: `Testing the connection to "${def.name}"…`, cancellable: true },
            (_progress, token) => testConnection(s, def.id, { cancel: token, interactive: true }),
          )
        : await testConnection(s, def.id);
      show(s, report);
      return report;
    }),
    ...registerLocalAddressCommands(s),
  ];
}

export async function testConnection(
  services: Services,
  endpointId: string,
  options: { cancel?: vscode.CancellationToken; interactive?: boolean; identity?: EndpointIdentity } = {},
): Promise<ConnectionReport> {
  const { cancel } = options;
  const { endpoints, credentials, metadata, log } = services;
  const def = endpoints.get(endpointId);
  if (!def) throw new Error(unknownEndpointMessage(endpointId));
  const abort = new AbortController();
  const onCancel = cancel?.onCancellationRequested(() => abort.abort());
  const identity = options.identity ?? identityOf(def);
  const asUser = identity === 'user' ? `you (${services.account.current?.label ?? 'not signed in'})` : undefined;
  const attempt: ConnectionAttempt = { endpointId, endpointName: def.name, profileLabel: asUser ?? credentials.label(def.profileId), caller: identity, host: hostOf(def.scoreUrl) };
  log.info(`Test connection: "${def.name}" (${def.id}), ${describeIdentity(identity, { account: services.account.current?.label, profileLabel: credentials.label(def.profileId) })}, ${def.scoreUrl}`);
  try {
    // A token source of its own: the token is requested from Entra now, not taken from a cache.
    const session = await services.openSession(endpointId, { purpose: 'test', freshToken: true, interactive: options.interactive, identity });
    let started = Date.now();
    try {
      await session.acquireToken(abort.signal);
      attempt.token = { ok: true, ms: Date.now() - started };
    } catch (error) {
      attempt.token = { ok: false, error };
    }
    if (attempt.token.ok) {
      started = Date.now();
      try {
        const { info, usesDefaultVersion } = await readVersionInfo(session, abort.signal);
        attempt.metadata = { ok: true, info, usesDefaultVersion, ms: Date.now() - started };
        metadata.set(endpointId, info, usesDefaultVersion);
      } catch (error) {
        attempt.metadata = { ok: false, error };
        // A cancelled read says nothing about the endpoint: keep the node as it was.
        if (!abort.signal.aborted) metadata.setFailed(endpointId, error);
      }
    }
  } catch (error) {
    if (!(error instanceof SessionRefusedError)) throw error;
    attempt.refusal = error.action ? { code: error.reason, message: error.title, action: error.action } : { code: error.reason, message: error.message };
  } finally {
    onCancel?.dispose();
  }
  if (abort.signal.aborted) {
    log.info(`Test connection: cancelled for "${def.name}".`);
    return { ...buildConnectionReport(attempt), outcome: 'cancelled', summary: `Test connection to "${def.name}" was cancelled.`, failure: undefined };
  }
  const report = buildConnectionReport(attempt);
  for (const check of report.checks) log.info(`  [${check.result}] ${check.text}`);
  for (const line of report.details) log.info(`  ${line}`);
  log.info(`Test connection: ${report.outcome}. ${report.summary}`);
  return report;
}

/** One notification per test: information, warning (connected but not ready) or error. */
function show(services: Services, report: ConnectionReport): void {
  // The user cancelled: they know, and a notification would only add noise.
  if (report.outcome === 'cancelled') return;
  const details = 'Show Details';
  // Both are fixed by storing the credentials (again, for the authority the settings name now).
  const setAgain = report.failure?.code === 'credentialsMissing' || report.failure?.code === 'authorityChanged';
  const buttons = setAgain ? ['Set Credentials', details] : [details];
  // A version that is not active is fixed by activating it: offer that, not only the log.
  const activate = report.version && report.version.status !== 'Active' && report.version.status !== 'Activating' ? 'Activate Version' : undefined;
  const shown =
    report.outcome === 'ok'
      ? vscode.window.showInformationMessage(report.summary, details)
      : report.outcome === 'warning'
        ? vscode.window.showWarningMessage(report.summary, ...(activate ? [activate] : []), details)
        : vscode.window.showErrorMessage(report.summary, ...buttons);
  void shown.then(choice => {
    if (choice === details) services.log.show(true);
    else if (choice === activate && report.version) {
      // An endpoint node keeps the command interactive, so it confirms first as from the tree.
      void vscode.commands.executeCommand('fabricMl.activateVersion', new VersionNode(new EndpointNode(report.endpointId), report.endpointId, report.version.name));
    } else if (choice === 'Set Credentials') {
      const def = services.endpoints.get(report.endpointId);
      // A profile node (not a plain object) keeps the command interactive: it prompts for the values.
      void vscode.commands.executeCommand('fabricMl.setCredentials', def ? new ProfileNode(undefined, def.profileId) : undefined);
    }
  });
}
