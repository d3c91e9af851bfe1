// What the composition root (extension.ts) hands to every feature's register(). This interface is the whole
// contract: features use these members and never cast to the classes behind them, so that each piece of
// state has one owner and tests drive the same objects as users.
import type { ScoreFileRequest, ScoreFileResult } from '../core/scoreFile/scoreFileToFile';
import type * as vscode from 'vscode';
import type { StoredCredentials } from '../core/auth/binding';
import type { AccountTokenProvider } from '../core/auth/userTokenSource';
import type { EndpointDefinition, EndpointIdentity, EndpointRef, EndpointVersionInfo, ServicePrincipalCredentials, ServicePrincipalProfile } from '../core/endpoints/model';
import type { EndpointReadiness } from '../core/endpoints/readiness';
import type { FabricBrowser } from '../core/fabric/browse';
import type { FabricApi, ScoreRunRequest, ScoreRunResult } from '../core/fabric/types';
import type { ScoringSettings } from './shared/settings';

/** Where an endpoint definition comes from. */
export type EndpointOrigin = { kind: 'user' } | { kind: 'workspace' } | { kind: 'folder'; folder: vscode.WorkspaceFolder };

/** Endpoint definitions from the `fabricMl.endpoints` setting (user and workspace), with trust info. */
export interface EndpointStore {
  list(): EndpointDefinition[];
  get(id: string): EndpointDefinition | undefined;
  origin(id: string): EndpointOrigin | undefined;
  /** True when the definition comes from workspace settings and the workspace is untrusted. */
  isRestricted(id: string): boolean;
  add(def: EndpointDefinition, target?: vscode.ConfigurationTarget): Promise<void>;
  update(def: EndpointDefinition): Promise<void>;
  remove(id: string): Promise<void>;
  /** The endpoint's IDs parsed from its score URL (throws EndpointUrlError); calls go through openSession(). */
  refFor(def: EndpointDefinition): EndpointRef;
  /**
   * Makes a version browsed in the Fabric workspaces view known by id (not written to settings), so every
   * command that takes `{ endpointId }` works on it. get() finds it; list() (the configured ones) does not.
   */
  addBrowsed(def: EndpointDefinition): void;
  /** True for an id added by addBrowsed() that is not (also) configured in settings. */
  isBrowsed(id: string): boolean;
  readonly onDidChange: vscode.Event<void>;
}

/** The signed-in Microsoft account, as VS Code's authentication provider reports it. */
export interface SignedInAccount {
  /** What VS Code shows in its Accounts menu, e.g. data.engineer@contoso.com. */
  label: string;
}

/**
 * The Microsoft account the extension calls Fabric with "as you" (VS Code's `microsoft` provider, or
 * `microsoft-sovereign-cloud` for the US Government and China clouds). Sign-out happens in VS Code's Accounts
 * menu and is followed through onDidChangeSessions.
 */
export interface MicrosoftAccount extends AccountTokenProvider {
  /** The account, once a silent check or a sign-in found one; undefined when signed out. */
  readonly current: SignedInAccount | undefined;
  /** The authentication provider used (its id). */
  readonly providerId: string;
  /** Asks VS Code to sign in (it may show its own consent dialog); resolves with the account or undefined. */
  signIn(): Promise<SignedInAccount | undefined>;
  /** Re-reads the sign-in state without prompting. */
  refresh(): Promise<void>;
  readonly onDidChange: vscode.Event<void>;
}

/** Browsing Fabric as the signed-in user. */
export interface FabricBrowseSession {
  browser: FabricBrowser;
}

/** The endpoints configured in settings (the store underneath the browsed ones). */
export type ConfiguredEndpointStore = Omit<EndpointStore, 'addBrowsed' | 'isBrowsed'>;

/** Service-principal profiles (labels in settings) and their credentials (SecretStorage only). */
export interface CredentialStore {
  profiles(): ServicePrincipalProfile[];
  /** The profile's label, or its id when it has none. */
  label(profileId: string): string;
  /** The credentials together with the authority they are bound to, from one read. */
  stored(profileId: string): Promise<StoredCredentials | undefined>;
  has(profileId: string): Promise<boolean>;
  /** Stores all three values, bound to the authority the settings name now. */
  set(profileId: string, credentials: ServicePrincipalCredentials, label?: string): Promise<void>;
  /** Replaces the secret; refused when the settings name another authority than the stored one. */
  setSecret(profileId: string, clientSecret: string): Promise<void>;
  clear(profileId: string): Promise<void>;
  /** Clears the credentials and removes the profile from the user's `fabricMl.profiles`. */
  removeProfile(profileId: string): Promise<void>;
  /** The authority origin the settings name now (what new credentials would be bound to), if usable. */
  currentAuthority(): string | undefined;
  readonly onDidChange: vscode.Event<string>;
}

export type MetadataState =
  | { kind: 'loading' }
  | { kind: 'ready'; info: EndpointVersionInfo; usesDefaultVersion: boolean; fetchedAt: number }
  | { kind: 'failed'; error: unknown; at: number };

/** Cached Fabric metadata per endpoint, for the tree, mapping and M generation. */
export interface EndpointMetadataCache {
  /** The version the endpoint calls (its own, or the default version), from cache or fetched. */
  version(endpointId: string, options?: { refresh?: boolean; signal?: AbortSignal }): Promise<EndpointVersionInfo>;
  cached(endpointId: string): EndpointVersionInfo | undefined;
  state(endpointId: string): MetadataState | undefined;
  /** Stores a version info read elsewhere (Test connection, an action's answer). */
  set(endpointId: string, info: EndpointVersionInfo, usesDefaultVersion?: boolean): void;
  /** Records a failure seen elsewhere (Test connection), so the node shows it too. */
  setFailed(endpointId: string, error: unknown): void;
  invalidate(endpointId?: string): void;
  /** Fires with the endpoint id whose state changed, or undefined when everything was invalidated. */
  readonly onDidChange: vscode.Event<string | undefined>;
}

/** Local origins (e.g. `http://127.0.0.1:7357`) the user approved, in a modal dialog, to receive a token. */
export interface LoopbackApprovals {
  list(): string[];
  isApproved(origin: string): boolean;
  /** Asks the user in a modal dialog; resolves true when they approved. Never called for argument objects. */
  ask(origin: string, endpointName: string): Promise<boolean>;
  revoke(origin: string): Promise<void>;
  /**
   * Records an approval without asking. Only the demo feature calls it, in ExtensionMode.Development, for the
   * local fake server that `npm run demo` itself started (the user's own command is the approval).
   */
  grantForDemo(origin: string): Promise<void>;
  readonly onDidChange: vscode.Event<void>;
}

/** A ready-to-use authenticated connection to one endpoint. */
export interface EndpointSession {
  definition: EndpointDefinition;
  /** Who this session calls as (the definition's identity, or the service principal when asked for). */
  identity: EndpointIdentity;
  ref: EndpointRef;
  api: FabricApi;
  /** Requests a token now (Test connection's first check); rejects with the token source's error. */
  acquireToken(signal?: AbortSignal): Promise<void>;
  /**
   * Scores the rows. With auto-sleep on, one warm-up batch goes first and `onStatus` reports
   * "waking the endpoint (auto-sleep)… N s" while it is out.
   */
  score(request: Omit<ScoreRunRequest, 'ref'> & { onStatus?: (message: string) => void }): Promise<ScoreRunResult>;
  /** Score File to file: streamed from the input file to the output file. */
  scoreFile(request: Omit<ScoreFileRequest, 'ref'>): Promise<ScoreFileResult>;
}

export interface SessionOptions {
  /** 'metadata' and 'test' use a shorter timeout and fewer retries than scoring. */
  purpose?: 'score' | 'metadata' | 'test';
  /** Use a token source of its own, so the token is requested from Entra now (Test connection). */
  freshToken?: boolean;
  /** The scoring settings of this run (read once by the caller); read from the settings when absent. */
  settings?: ScoringSettings;
  /** The document being scored: its folder's scoring settings apply (multi-root workspaces). */
  resource?: vscode.Uri;
  /**
   * True when the user started this from the UI: an unapproved local address may then be approved in a
   * modal dialog. Argument-object calls and background reads never approve one.
   */
  interactive?: boolean;
  /** Call as this identity instead of the definition's: "Test as the Dataflow will" asks for the service principal. */
  identity?: EndpointIdentity;
}

export interface Services {
  context: vscode.ExtensionContext;
  /** Every line written here goes through redact(). */
  log: vscode.LogOutputChannel;
  endpoints: EndpointStore;
  credentials: CredentialStore;
  metadata: EndpointMetadataCache;
  loopbackApprovals: LoopbackApprovals;
  account: MicrosoftAccount;
  /** Whether the endpoint may be called now, and if not why (the one rule, src/core/endpoints/readiness.ts). */
  readiness(endpointId: string): Promise<EndpointReadiness>;
  /**
   * Builds a session for an endpoint; throws SessionRefusedError (src/features/shared/sessionRefused.ts)
   * with the readiness refusal when it may not be called.
   */
  openSession(endpointId: string, options?: SessionOptions): Promise<EndpointSession>;
  /**
   * Browses Fabric as the signed-in user; throws SessionRefusedError when nobody is signed in or the API's
   * local address (test server) is not approved. `interactive` may sign in or ask for the approval.
   */
  openFabric(options?: { interactive?: boolean }): Promise<FabricBrowseSession>;
}
