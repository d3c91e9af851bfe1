// Builds the Services every feature receives: the redacting log, the endpoint and credential stores, the
// metadata cache, the user's loopback approvals, readiness() and openSession(). openSession() is the single
// gate in front of the token: it asks the one readiness rule (src/core/endpoints/readiness.ts) and refuses,
// with a message the user can act on, anything that rule refuses.
import * as vscode from 'vscode';
import { fabricApiBase, MsalTokenSource, UserTokenSource, type UserAccess } from '../../core/auth';
import type { AuthSettings, TokenSource } from '../../core/auth/types';
import { identityOf, type EndpointDefinition, type EndpointIdentity } from '../../core/endpoints/model';
import { browseReadiness, endpointReadiness, type EndpointReadiness } from '../../core/endpoints/readiness';
import { FabricBrowser, FabricClient, runScoringWithWarmUp } from '../../core/fabric';
import { scoreFileToFile } from '../../core/scoreFile/scoreFileToFile';
import type { EndpointSession, FabricBrowseSession, Services, SessionOptions } from '../services';
import { EndpointStoreWithBrowsed } from './browsedEndpoints';
import { VsCodeMicrosoftAccount } from './microsoftAccount';
import { currentAuthority, SecretStorageCredentialStore } from './credentialStore';
import { describeOrigin, SettingsEndpointStore } from './endpointStore';
import { createLog } from './logger';
import { GlobalStateLoopbackApprovals } from './loopbackApprovals';
import { FabricMetadataCache } from './metadataCache';
import { SessionRefusedError } from './sessionRefused';
import { affectsConnection, authSettings, METADATA_TIMEOUT_CAP_MS, scoringSettings, signInSettings, type ScoringSettings } from './settings';

export { SessionRefusedError } from './sessionRefused';

/**
 * Integration tests check the extension's own SecretStorage, globalState/workspaceState and log folder.
 * The context is published under this key only when VS Code runs the extension's tests (ExtensionMode.Test).
 */
export const TEST_CONTEXT_KEY = Symbol.for('fabricMl.testExtensionContext');

export function createServices(context: vscode.ExtensionContext): { services: Services; disposables: vscode.Disposable[] } {
  if (context.extensionMode === vscode.ExtensionMode.Test) (globalThis as Record<symbol, unknown>)[TEST_CONTEXT_KEY] = context;
  const log = createLog();
  const endpoints = new EndpointStoreWithBrowsed(new SettingsEndpointStore(log));
  const credentials = new SecretStorageCredentialStore(context.secrets);
  const loopbackApprovals = new GlobalStateLoopbackApprovals(context.globalState, log);
  const account = new VsCodeMicrosoftAccount(context.extensionMode, log);
  const tokens = new SharedTokenSource(settings => new MsalTokenSource(settings, { log: line => log.debug(line) }));

  /** The readiness of an endpoint with the authority settings `auth` (one snapshot for check and use). */
  const readinessWith = async (endpointId: string, auth: AuthSettings, identity?: EndpointIdentity): Promise<EndpointReadiness> => {
    const definition = endpoints.get(endpointId);
    const origin = endpoints.origin(endpointId);
    return endpointReadiness({
      endpointId,
      definition,
      profileLabel: definition ? credentials.label(definition.profileId) : '',
      untrustedOrigin: definition && endpoints.isRestricted(endpointId) ? (origin ? describeOrigin(origin) : 'workspace settings') : undefined,
      allowLoopback: auth.allowLoopback === true,
      isLoopbackOriginApproved: o => loopbackApprovals.isApproved(o),
      identity,
      signedInAccount: account.current?.label,
      stored: definition ? await credentials.stored(definition.profileId) : undefined,
      currentAuthority: currentAuthority(auth),
    });
  };

  /** Asks the readiness rule; from the UI, a refusal the user can fix here (sign in, approve) is offered first. */
  const readyOrAsk = async (endpointId: string, auth: AuthSettings, options: SessionOptions): Promise<EndpointReadiness> => {
    let readiness = await readinessWith(endpointId, auth, options.identity);
    if (readiness.kind === 'refused' && readiness.reason === 'signedOut' && options.interactive && (await account.signIn())) {
      readiness = await readinessWith(endpointId, auth, options.identity);
    }
    if (readiness.kind === 'refused' && readiness.reason === 'loopbackNotApproved' && options.interactive && readiness.ref) {
      const definition = endpoints.get(endpointId);
      if (await loopbackApprovals.ask(new URL(readiness.ref.apiBase).origin, definition?.name ?? endpointId)) readiness = await readinessWith(endpointId, auth, options.identity);
    }
    return readiness;
  };

  /** The token supplier of one session: the service principal's (msal-node) or the signed-in user's. */
  const tokenSupplier = async (definition: EndpointDefinition, identity: EndpointIdentity, auth: AuthSettings, options: SessionOptions) => {
    if (identity === 'user') {
      const access: UserAccess = options.purpose === 'metadata' || options.purpose === 'test' ? 'read' : 'write';
      const source = new UserTokenSource(account, signInSettings(), options.interactive === true);
      return { getToken: (signal?: AbortSignal) => source.getToken(access, signal), requests: () => source.networkTokenRequests };
    }
    const creds = (await credentials.stored(definition.profileId))!.credentials;
    const source = options.freshToken ? tokens.fresh(auth) : tokens.shared(auth);
    return { getToken: (signal?: AbortSignal) => source.getToken(creds, signal), requests: () => source.networkTokenRequests };
  };

  const clientFor = (auth: AuthSettings, settings: ScoringSettings, quick: boolean, getToken: (signal?: AbortSignal) => Promise<string>): FabricClient =>
    new FabricClient({
      getToken,
      allowLoopback: auth.allowLoopback === true,
      requestTimeoutMs: quick ? Math.min(settings.requestTimeoutMs, METADATA_TIMEOUT_CAP_MS) : settings.requestTimeoutMs,
      maxRetries: quick ? Math.min(settings.maxRetries, 1) : settings.maxRetries,
      maxRetryAfterMs: settings.maxRetryAfterMs,
      log: line => log.debug(line),
    });

  const openSession = async (endpointId: string, options: SessionOptions = {}): Promise<EndpointSession> => {
    // One snapshot of the authority settings for the check and the token source, so a change in between
    // cannot send the credentials to a host that was not checked.
    const auth = authSettings();
    const readiness = await readyOrAsk(endpointId, auth, options);
    if (readiness.kind === 'refused') throw new SessionRefusedError(readiness);
    const definition = endpoints.get(endpointId)!;
    const identity = options.identity ?? identityOf(definition);
    const supplier = await tokenSupplier(definition, identity, auth, options);
    const settings = options.settings ?? scoringSettings(options.resource);
    const client = clientFor(auth, settings, options.purpose === 'metadata' || options.purpose === 'test', supplier.getToken);
    const { ref } = readiness;
    return {
      definition,
      identity,
      ref,
      api: client,
      acquireToken: async signal => {
        await client.acquireToken(signal);
      },
      // A version with auto-sleep on gets one warm-up batch first (src/core/fabric/warmUp.ts).
      score: ({ onStatus, ...request }) =>
        runScoringWithWarmUp(client, { ...request, ref }, { tokenRequestCount: supplier.requests, autoSleep: metadata.cached(endpointId)?.scaleRule === 'AllowScaleToZero', onStatus }),
      scoreFile: request => scoreFileToFile(client, { ...request, ref }),
    };
  };

  const openFabric = async (options: { interactive?: boolean } = {}): Promise<FabricBrowseSession> => {
    const auth = authSettings();
    const apiBase = fabricApiBase(auth);
    const facts = () => ({ apiBase, signedInAccount: account.current?.label, allowLoopback: auth.allowLoopback === true, isLoopbackOriginApproved: (o: string) => loopbackApprovals.isApproved(o) });
    let readiness = browseReadiness(facts());
    if (readiness.kind === 'refused' && readiness.reason === 'signedOut' && options.interactive && (await account.signIn())) readiness = browseReadiness(facts());
    if (readiness.kind === 'refused' && readiness.reason === 'loopbackNotApproved' && options.interactive) {
      if (await loopbackApprovals.ask(new URL(apiBase).origin, 'Fabric workspaces')) readiness = browseReadiness(facts());
    }
    if (readiness.kind === 'refused') throw new SessionRefusedError(readiness);
    const source = new UserTokenSource(account, signInSettings(), options.interactive === true);
    const client = clientFor(auth, scoringSettings(), true, signal => source.getToken('read', signal));
    return { browser: new FabricBrowser(client, apiBase) };
  };

  const metadata = new FabricMetadataCache((id, options) => openSession(id, options));

  // Drop cached metadata of endpoints whose definition changed, and forget tokens when the identity changes.
  let knownDefinitions = new Map(endpoints.list().map(d => [d.id, JSON.stringify(d)]));
  // Where a token may go changed: no cached token or endpoint state from before is trusted.
  const forgetConnections = () => {
    tokens.clear();
    metadata.invalidate();
  };
  const disposables: vscode.Disposable[] = [
    log,
    endpoints,
    credentials,
    metadata,
    loopbackApprovals,
    account,
    // Signing in or out changes which "as you" endpoints may be called: re-read their state.
    account.onDidChange(() => {
      for (const def of endpoints.list()) if (identityOf(def) === 'user') metadata.invalidate(def.id);
    }),
    endpoints.onDidChange(() => {
      const next = new Map(endpoints.list().map(d => [d.id, JSON.stringify(d)]));
      for (const [id, text] of knownDefinitions) if (next.get(id) !== text) metadata.invalidate(id);
      knownDefinitions = next;
    }),
    credentials.onDidChange(profileId => {
      tokens.clear();
      for (const def of endpoints.list()) if (def.profileId === profileId) metadata.invalidate(def.id);
    }),
    loopbackApprovals.onDidChange(forgetConnections),
    vscode.workspace.onDidChangeConfiguration(e => {
      if (affectsConnection(e)) forgetConnections();
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
    account,
    readiness: endpointId => readinessWith(endpointId, authSettings()),
    openSession,
    openFabric,
  };
  void account.refresh();
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
