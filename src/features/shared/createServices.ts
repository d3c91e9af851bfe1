// Builds the Services every feature receives: the redacting log, the endpoint and credential stores, the
// metadata cache and openSession(), which is the single gate in front of the token: it refuses endpoints
// whose credentials are missing, that come from an untrusted workspace's settings, whose host may not
// receive a token, or whose credentials were stored for another sign-in authority than the settings name
// now, with a message the user can act on.
import * as vscode from 'vscode';
import { MsalTokenSource } from '../../core/auth';
import type { AuthSettings, TokenSource } from '../../core/auth/types';
import { describeAuthorityChange } from '../../core/endpoints/connectionReport';
import { EndpointUrlError, isTokenHostAllowed, scoreUrl } from '../../core/endpoints/endpointUrl';
import { FabricClient, runScoring } from '../../core/fabric';
import type { EndpointSession, Services, SessionOptions } from '../services';
import { authorityChange, SecretStorageCredentialStore } from './credentialStore';
import { SettingsEndpointStore } from './endpointStore';
import { createLog } from './logger';
import { FabricMetadataCache } from './metadataCache';
import { affectsConnection, allowLoopback, authSettings, METADATA_TIMEOUT_CAP_MS, scoringSettings } from './settings';

export type SessionRefusal = 'unknownEndpoint' | 'restricted' | 'invalidUrl' | 'credentialsMissing' | 'authorityChanged';

/** openSession() said no before anything was sent. The message (title, then action) is written for the user. */
export class SessionRefusedError extends Error {
  /** What went wrong; the message adds the action when there is one. */
  readonly title: string;

  constructor(
    readonly reason: SessionRefusal,
    title: string,
    readonly action = '',
  ) {
    super(action ? `${title} ${action}` : title);
    this.name = 'SessionRefusedError';
    this.title = title;
  }
}

export type OpenSession = (endpointId: string, options?: SessionOptions) => Promise<EndpointSession>;

/** The services with the fuller openSession() signature this file implements. */
export interface ServicesImpl extends Services {
  openSession: OpenSession;
  endpoints: SettingsEndpointStore;
  credentials: SecretStorageCredentialStore;
  metadata: FabricMetadataCache;
}

/**
 * Integration tests check the extension's own SecretStorage, globalState/workspaceState and log folder.
 * The context is published under this key only when VS Code runs the extension's tests (ExtensionMode.Test).
 */
export const TEST_CONTEXT_KEY = Symbol.for('fabricMl.testExtensionContext');

export function createServices(context: vscode.ExtensionContext): { services: ServicesImpl; disposables: vscode.Disposable[] } {
  if (context.extensionMode === vscode.ExtensionMode.Test) (globalThis as Record<symbol, unknown>)[TEST_CONTEXT_KEY] = context;
  const log = createLog();
  const endpoints = new SettingsEndpointStore(log);
  const credentials = new SecretStorageCredentialStore(context.secrets);
  const newTokenSource = (settings: AuthSettings): TokenSource => new MsalTokenSource(settings, { log: line => log.debug(line) });
  const initialSettings = authSettings();
  let tokensFor = JSON.stringify(initialSettings);
  let tokens = newTokenSource(initialSettings);
  /** The shared token source, built from exactly the settings the authority check saw. */
  const sharedTokens = (settings: AuthSettings): TokenSource => {
    const key = JSON.stringify(settings);
    if (key !== tokensFor) {
      tokens.clear();
      tokens = newTokenSource(settings);
      tokensFor = key;
    }
    return tokens;
  };

  const openSession: OpenSession = async (endpointId, options = {}) => {
    const definition = endpoints.get(endpointId);
    if (!definition) {
      throw new SessionRefusedError('unknownEndpoint', `There is no Fabric ML endpoint with id "${endpointId}". Add it with "Fabric ML: Add Endpoint".`);
    }
    if (endpoints.isRestricted(endpointId)) {
      throw new SessionRefusedError(
        'restricted',
        `"${definition.name}" comes from the settings of a workspace you have not trusted, so it is listed but never called with your credentials. Trust the workspace (Manage Workspace Trust), or add the endpoint to your user settings.`,
      );
    }
    let ref;
    try {
      ref = endpoints.refFor(definition);
    } catch (error) {
      const reason = error instanceof EndpointUrlError ? error.message : String(error);
      throw new SessionRefusedError('invalidUrl', `"${definition.name}" cannot be called: ${reason}`);
    }
    const loopback = allowLoopback();
    if (!isTokenHostAllowed(scoreUrl(ref), { allowLoopback: loopback })) {
      throw new SessionRefusedError('invalidUrl', `"${definition.name}" cannot be called: its host may not receive the Fabric token.`);
    }
    // One snapshot of the authority settings for the check and the token source, so a change in between
    // cannot send the credentials to a host that was not checked.
    const auth = authSettings();
    const stored = await credentials.stored(definition.profileId);
    if (!stored) {
      throw new SessionRefusedError(
        'credentialsMissing',
        `Credentials missing for service principal "${credentials.label(definition.profileId)}" (used by "${definition.name}"). Run "Fabric ML: Set Credentials" to store its tenant ID, client ID and client secret.`,
      );
    }
    const change = authorityChange(stored, auth);
    if (change) {
      const { title, action } = describeAuthorityChange(change.storedFor, change.current, credentials.label(definition.profileId));
      throw new SessionRefusedError('authorityChanged', title, action);
    }
    const creds = stored.credentials;
    const source = options.freshToken ? newTokenSource(auth) : sharedTokens(auth);
    const settings = scoringSettings(options.resource);
    const quick = options.purpose === 'metadata' || options.purpose === 'test';
    const client = new FabricClient({
      getToken: signal => source.getToken(creds, signal),
      allowLoopback: loopback,
      requestTimeoutMs: quick ? Math.min(settings.requestTimeoutMs, METADATA_TIMEOUT_CAP_MS) : settings.requestTimeoutMs,
      maxRetries: quick ? Math.min(settings.maxRetries, 1) : settings.maxRetries,
      maxRetryAfterMs: settings.maxRetryAfterMs,
      log: line => log.debug(line),
    });
    const session: EndpointSession = {
      definition,
      ref,
      api: client,
      score: request => runScoring(client, { ...request, ref }, { tokenRequestCount: () => source.networkTokenRequests }),
    };
    return session;
  };

  const metadata = new FabricMetadataCache((id, options) => openSession(id, options));

  // Drop cached metadata of endpoints whose definition changed, and forget tokens when the identity changes.
  let knownDefinitions = new Map(endpoints.list().map(d => [d.id, JSON.stringify(d)]));
  const disposables: vscode.Disposable[] = [
    log,
    endpoints,
    credentials,
    metadata,
    endpoints.onDidChange(() => {
      const next = new Map(endpoints.list().map(d => [d.id, JSON.stringify(d)]));
      for (const [id, text] of knownDefinitions) if (next.get(id) !== text) metadata.invalidate(id);
      knownDefinitions = next;
    }),
    credentials.onDidChange(profileId => {
      tokens.clear();
      for (const def of endpoints.list()) if (def.profileId === profileId) metadata.invalidate(def.id);
    }),
    vscode.workspace.onDidChangeConfiguration(e => {
      if (!affectsConnection(e)) return;
      tokens.clear();
      sharedTokens(authSettings());
      metadata.invalidate();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => metadata.invalidate()),
  ];

  const services: ServicesImpl = { context, log, endpoints, credentials, metadata, openSession };
  return { services, disposables };
}
