// What the composition root (extension.ts) hands to every feature's register(). Features never build
// these themselves, so that each Disposable has one owner and tests drive the same objects.
import type * as vscode from 'vscode';
import type { EndpointDefinition, EndpointRef, EndpointVersionInfo, ServicePrincipalCredentials, ServicePrincipalProfile } from '../core/endpoints/model';
import type { FabricApi, ScoreRunRequest, ScoreRunResult } from '../core/fabric/types';

/** Endpoint definitions from the `fabricMl.endpoints` setting (user and workspace), with trust info. */
export interface EndpointStore {
  list(): EndpointDefinition[];
  get(id: string): EndpointDefinition | undefined;
  /** True when the definition comes from workspace settings and the workspace is untrusted. */
  isRestricted(id: string): boolean;
  add(def: EndpointDefinition, target?: vscode.ConfigurationTarget): Promise<void>;
  update(def: EndpointDefinition): Promise<void>;
  remove(id: string): Promise<void>;
  refFor(def: EndpointDefinition): EndpointRef;
  readonly onDidChange: vscode.Event<void>;
}

/** Service-principal profiles (labels in settings) and their credentials (SecretStorage only). */
export interface CredentialStore {
  profiles(): ServicePrincipalProfile[];
  get(profileId: string): Promise<ServicePrincipalCredentials | undefined>;
  has(profileId: string): Promise<boolean>;
  set(profileId: string, credentials: ServicePrincipalCredentials, label?: string): Promise<void>;
  setSecret(profileId: string, clientSecret: string): Promise<void>;
  clear(profileId: string): Promise<void>;
  readonly onDidChange: vscode.Event<string>;
}

/** Cached Fabric metadata per endpoint, for the tree, mapping and M generation. */
export interface EndpointMetadataCache {
  /** The version the endpoint calls (its own, or the default version), from cache or fetched. */
  version(endpointId: string, options?: { refresh?: boolean; signal?: AbortSignal }): Promise<EndpointVersionInfo>;
  cached(endpointId: string): EndpointVersionInfo | undefined;
  invalidate(endpointId?: string): void;
}

/** A ready-to-use authenticated connection to one endpoint. */
export interface EndpointSession {
  definition: EndpointDefinition;
  ref: EndpointRef;
  api: FabricApi;
  score(request: Omit<ScoreRunRequest, 'ref'>): Promise<ScoreRunResult>;
}

export interface SessionOptions {
  /** 'metadata' and 'test' use a shorter timeout and fewer retries than scoring. */
  purpose?: 'score' | 'metadata' | 'test';
  /** Use a token source of its own, so the token is requested from Entra now (Test connection). */
  freshToken?: boolean;
  /** The document being scored: its folder's scoring settings apply (multi-root workspaces). */
  resource?: vscode.Uri;
}

export interface Services {
  context: vscode.ExtensionContext;
  /** Every line written here goes through redact(). */
  log: vscode.LogOutputChannel;
  endpoints: EndpointStore;
  credentials: CredentialStore;
  metadata: EndpointMetadataCache;
  /** Builds a session for an endpoint; throws a user-facing Error when credentials are missing,
   *  the workspace is untrusted for it, or its host may not receive a token. */
  openSession(endpointId: string, options?: SessionOptions): Promise<EndpointSession>;
}
