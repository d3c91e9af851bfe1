// Builds the Services every feature receives: the redacting log, the endpoint and credential stores, the
// metadata cache, the user's loopback approvals, readiness() and openSession(). openSession() is the single
// gate in front of the token: it asks the one readiness rule (src/core/endpoints/readiness.ts) and refuses,
// with a message the user can act on, anything that rule refuses.
import * as vscode from 'vscode';
import { MsalTokenSource } from '../../core/auth';
import type { AuthSettings, TokenSource } from '../../core/auth/types';
import { endpointReadiness, type EndpointReadiness } from '../../core/endpoints/readiness';
import { FabricClient, runScoring } from '../../core/fabric';
import { scoreFileToFile } from '../../core/scoreFile/scoreFileToFile';
import type { EndpointSession, Services, SessionOptions } from '../services';
import { currentAuthority, SecretStorageCredentialStore } from './credentialStore';
import { describeOrigin, SettingsEndpointStore } from './endpointStore';
import { createLog } from './logger';
import { GlobalStateLoopbackApprovals } from './loopbackApprovals';
import { FabricMetadataCache } from './metadataCache';
import { SessionRefusedError } from './sessionRefused';
import { affectsConnection, authSettings, METADATA_TIMEOUT_CAP_MS, scoringSettings } from './settings';

export { SessionRefusedError } from './sessionRefused';

/**
 * Integration tests check the extension's own SecretStorage, globalState/workspaceState and log folder.
 * The context is published under this key only when VS Code runs the extension's tests (ExtensionMode.Test).
 */
export const TEST_CONTEXT_KEY = Symbol.for('fabricMl.testExtensionContext');

export function createServices(context: vscode.ExtensionContext): { services: Services; disposables: vscode.Disposable[] } {
  if (context.extensionMode === vscode.ExtensionMode.Test) (globalThis as Record<symbol, unknown>)[TEST_CONTEXT_KEY] = context;
  const log = createLog();
  const endpoints = new SettingsEndpointStore(log);
  const credentials = new SecretStorageCredentialStore(context.secrets);
  const loopbackApprovals = new GlobalStateLoopbackApprovals(context.globalState, log);
  const tokens = new SharedTokenSource(settings => new MsalTokenSource(settings, { log: line => log.debug(line) }));

  /** The readiness of an endpoint with the authority settings `auth` (one snapshot for check and use). */
  const readinessWith = async (endpointId: string, auth: AuthSettings): Promise<EndpointReadiness> => {
    const definition = endpoints.get(endpointId);
    const origin = endpoints.origin(endpointId);
    return endpointReadiness({
      endpointId,
      definition,
      profileLabel: definition ? credentials.label(definition.profileId) : '',
      untrustedOrigin: definition && endpoints.isRestricted(endpointId) ? (origin ? describeOrigin(origin) : 'workspace settings') : undefined,
      allowLoopback: auth.allowLoopback === true,
      isLoopbackOriginApproved: o => loopbackApprovals.isApproved(o),
      stored: definition ? await credentials.stored(definition.profileId) : undefined,
      currentAuthority: currentAuthority(auth),
    });
  };

  const openSession = async (endpointId: string, options: SessionOptions = {}): Promise<EndpointSession> => {
    // One snapshot of the authority settings for the check and the token source, so a change in between
    // cannot send the credentials to a host that was not checked.
    const auth = authSettings();
    let readiness = await readinessWith(endpointId, auth);
    if (readiness.kind === 'refused' && readiness.reason === 'loopbackNotApproved' && options.interactive && readiness.ref) {
      const definition = endpoints.get(endpointId);
      if (await loopbackApprovals.ask(new URL(readiness.ref.apiBase).origin, definition?.name ?? endpointId)) readiness = await readinessWith(endpointId, auth);
    }
    if (readiness.kind === 'refused') throw new SessionRefusedError(readiness);
    const definition = endpoints.get(endpointId)!;
    const stored = (await credentials.stored(definition.profileId))!;
    const creds = stored.credentials;
    const source = options.freshToken ? tokens.fresh(auth) : tokens.shared(auth);
    const settings = options.settings ?? scoringSettings(options.resource);
    const quick = options.purpose === 'metadata' || options.purpose === 'test';
    const { ref } = readiness;
    const client = new FabricClient({
      getToken: signal => source.getToken(creds, signal),
      allowLoopback: auth.allowLoopback === true,
      requestTimeoutMs: quick ? Math.min(settings.requestTimeoutMs, METADATA_TIMEOUT_CAP_MS) : settings.requestTimeoutMs,
      maxRetries: quick ? Math.min(settings.maxRetries, 1) : settings.maxRetries,
      maxRetryAfterMs: settings.maxRetryAfterMs,
      log: line => log.debug(line),
    });
    return {
      definition,
      ref,
      api: client,
      acquireToken: async signal => {
        await client.acquireToken(signal);
      },
      score: request => runScoring(client, { ...request, ref }, { tokenRequestCount: () => source.networkTokenRequests }),
      scoreFile: request => scoreFileToFile(client, { ...request, ref }),
    };
  };

  const metadata = new FabricMetadataCache((id, options) => openSession(id, options));

  // Drop cached metadata of endpoints whose definition changed, and forget tokens when the identity changes.
  let knownDefinitions = new Map(endpoints.list().map(d => [d.id, JSON.stringify(d)]));
  const disposables: vscode.Disposable[] = [
    log,
    endpoints,
    credentials,
    metadata,
    loopbackApprovals,
    endpoints.onDidChange(() => {
      const next = new Map(endpoints.list().map(d => [d.id, JSON.stringify(d)]));
      for (const [id, text] of knownDefinitions) if (next.get(id) !== text) metadata.invalidate(id);
      knownDefinitions = next;
    }),
    credentials.onDidChange(profileId => {
      tokens.clear();
      for (const def of endpoints.list()) if (def.profileId === profileId) metadata.invalidate(def.id);
    }),
    loopbackApprovals.onDidChange(() => {
      tokens.clear();
      metadata.invalidate();
    }),
    vscode.workspace.onDidChangeConfiguration(e => {
      if (!affectsConnection(e)) return;
      tokens.clear();
      metadata.invalidate();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => metadata.invalidate()),
  ];

  const services: Services = {
    context,
    log,
    endpoints,
    credentials,
    metadata,
    loopbackApprovals,
    readiness: endpointId => readinessWith(endpointId, authSettings()),
    openSession,
  };
  return { services, disposables };
}

/** One msal-node token source per authority settings, so its cache gives one token per run. */
class SharedTokenSource {
  private key = '';
  private source: TokenSource | undefined;

  constructor(private readonly create: (settings: AuthSettings) => TokenSource) {}

  /** The shared source, built from exactly the settings the readiness check saw. */
  shared(settings: AuthSettings): TokenSource {
    const key = JSON.stringify(settings);
    if (!this.source || key !== this.key) {
      this.source?.clear();
      this.source = this.create(settings);
      this.key = key;
    }
    return this.source;
  }

  /** A source of its own: the token is requested from Entra now, not taken from a cache. */
  fresh(settings: AuthSettings): TokenSource {
    return this.create(settings);
  }

  clear(): void {
    this.source?.clear();
  }
}
