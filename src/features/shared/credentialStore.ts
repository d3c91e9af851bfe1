// Service-principal profiles: labels in the `fabricMl.profiles` setting, tenant ID / client ID / client
// secret only in SecretStorage (the OS keychain on desktop), under keys namespaced by profile id. Values
// read or written here are registered with redact() so they can never reach a log line.
//
// Each profile's credentials are bound to the Entra authority they were stored for: its origin is kept
// beside them in our SecretStorage (which no other extension can write), and openSession() refuses to send
// them anywhere else. The authority settings are ordinary user settings that any extension may change, so
// without the binding another extension could point msal at its own server and receive our client secret.
import * as vscode from 'vscode';
import type { ServicePrincipalCredentials, ServicePrincipalProfile } from '../../core/endpoints/model';
import type { CredentialStore } from '../services';
import { forgetSecret, registerIdentifier, registerSecret } from '../../core/redact';
import {
  AuthError,
  resolveAuthority,
  rotationRefusal,
  UNBOUND_AUTHORITY,
  validateClientId,
  validateProfileId,
  validateSecret,
  validateTenant,
  type AuthorityChange,
  type AuthSettings,
  type StoredCredentials,
} from '../../core/auth';
import { authSettings, SECTION } from './settings';

export const DEFAULT_PROFILE: ServicePrincipalProfile = { id: 'default', label: 'Default service principal' };

const KEY_PREFIX = `${SECTION}.sp.`;
const FIELDS = ['tenantId', 'clientId', 'clientSecret'] as const;
type Field = (typeof FIELDS)[number];
/** The key suffix of the authority origin the credentials are bound to (not a secret; kept beside them). */
const AUTHORITY_FIELD = 'authority';
const KEY_FIELDS: readonly string[] = [...FIELDS, AUTHORITY_FIELD];

/** The SecretStorage key of one credential field, e.g. `fabricMl.sp.default.clientSecret`. */
export function secretKey(profileId: string, field: Field | typeof AUTHORITY_FIELD): string {
  return `${KEY_PREFIX}${profileId}.${field}`;
}

/** The profile id a SecretStorage key belongs to, or undefined for keys that are not ours. */
export function profileIdOfKey(key: string): string | undefined {
  if (!key.startsWith(KEY_PREFIX)) return undefined;
  const rest = key.slice(KEY_PREFIX.length);
  const dot = rest.lastIndexOf('.');
  return dot > 0 && KEY_FIELDS.includes(rest.slice(dot + 1)) ? rest.slice(0, dot) : undefined;
}

export type { AuthorityChange, StoredCredentials };

/**
 * The authority origin the settings resolve to, or undefined when they are unusable (then the token source
 * refuses them itself, before sending anything).
 */
export function currentAuthority(settings: AuthSettings = authSettings()): string | undefined {
  try {
    return resolveAuthority(settings).origin;
  } catch {
    return undefined;
  }
}

/** The authority new credentials are bound to; a CredentialValidationError when the settings are unusable. */
export function authorityToBind(): string {
  try {
    return resolveAuthority(authSettings()).origin;
  } catch (error) {
    const reason = error instanceof AuthError ? `${error.title}. ${error.action}.` : String(error);
    throw new CredentialValidationError(
      'authority',
      `Credentials are stored for the sign-in authority the settings name, and those settings are not usable: ${reason} Then set the credentials again.`,
    );
  }
}

export class CredentialValidationError extends Error {
  constructor(
    readonly field: Field | 'profileId' | 'authority',
    message: string,
  ) {
    super(message);
    this.name = 'CredentialValidationError';
  }
}

export class SecretStorageCredentialStore implements CredentialStore, vscode.Disposable {
  private readonly cache = new Map<string, Promise<StoredCredentials | undefined>>();
  private readonly changed = new vscode.EventEmitter<string>();
  private readonly pendingEvents = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  readonly onDidChange = this.changed.event;

  constructor(private readonly secrets: vscode.SecretStorage) {
    // Also fires for changes made in another window: drop the cached value and tell the tree.
    this.subscriptions.push(
      secrets.onDidChange(e => {
        const profileId = profileIdOfKey(e.key);
        if (profileId === undefined) return;
        this.cache.delete(profileId);
        this.queueEvent(profileId);
      }),
    );
  }

  profiles(): ServicePrincipalProfile[] {
    // VS Code replaces arrays rather than merging them: read each level so that a workspace's profiles
    // add to the user's instead of hiding them (the user's label wins for the same id).
    const inspected = vscode.workspace.getConfiguration(SECTION).inspect<unknown>('profiles');
    const levels = [inspected?.globalValue, inspected?.workspaceValue, inspected?.workspaceFolderValue];
    const out: ServicePrincipalProfile[] = [];
    const seen = new Set<string>();
    for (const configured of levels) {
      if (!Array.isArray(configured)) continue;
      for (const entry of configured) {
        if (!entry || typeof entry !== 'object') continue;
        const { id, label } = entry as { id?: unknown; label?: unknown };
        if (typeof id !== 'string' || validateProfileId(id) || seen.has(id)) continue;
        seen.add(id);
        out.push({ id, label: typeof label === 'string' && label.trim() ? label.trim() : id });
      }
    }
    if (!seen.has(DEFAULT_PROFILE.id)) out.unshift({ ...DEFAULT_PROFILE });
    return out;
  }

  currentAuthority(): string | undefined {
    return currentAuthority();
  }

  label(profileId: string): string {
    return this.profiles().find(p => p.id === profileId)?.label ?? profileId;
  }

  async get(profileId: string): Promise<ServicePrincipalCredentials | undefined> {
    return (await this.stored(profileId))?.credentials;
  }

  /** The credentials together with the authority they are bound to, from one read. */
  stored(profileId: string): Promise<StoredCredentials | undefined> {
    let pending = this.cache.get(profileId);
    if (!pending) {
      pending = this.read(profileId);
      this.cache.set(profileId, pending);
      pending.catch(() => this.cache.delete(profileId));
    }
    return pending;
  }

  async has(profileId: string): Promise<boolean> {
    return (await this.get(profileId)) !== undefined;
  }

  /** Binds to the authority the settings name now (credentials are only ever sent there). */
  async set(profileId: string, credentials: ServicePrincipalCredentials, label?: string): Promise<void> {
    const clean = checkCredentials(profileId, credentials);
    const authority = authorityToBind();
    registerIdentifier(clean.tenantId);
    registerIdentifier(clean.clientId);
    registerSecret(clean.clientSecret);
    for (const field of FIELDS) await this.secrets.store(secretKey(profileId, field), clean[field]);
    // Written last: a reader in between sees the new values with the old binding and refuses, never the reverse.
    await this.secrets.store(secretKey(profileId, AUTHORITY_FIELD), authority);
    this.cache.set(profileId, Promise.resolve({ credentials: clean, authority }));
    await this.ensureProfile(profileId, label);
    this.queueEvent(profileId);
  }

  /**
   * Replaces the secret, for the authority the settings name now, which must be the one the credentials
   * were stored for: otherwise a caller that changed the settings could have the stored tenant and client
   * IDs sent to its own host with a secret of its choosing. Moving to another authority takes all three
   * values (set()).
   */
  async setSecret(profileId: string, clientSecret: string): Promise<void> {
    const stored = await this.stored(profileId);
    if (!stored) throw new Error(`Profile "${this.label(profileId)}" has no credentials yet. Run "Fabric ML: Set Credentials" first.`);
    const problem = validateSecret(clientSecret);
    if (problem) throw new CredentialValidationError('clientSecret', problem);
    const authority = authorityToBind();
    const refusal = rotationRefusal(stored, authority, this.label(profileId));
    if (refusal) throw new CredentialValidationError('authority', refusal);
    const secret = clientSecret.trim();
    registerSecret(secret);
    await this.secrets.store(secretKey(profileId, 'clientSecret'), secret);
    // Also records the binding of credentials stored before it existed (for the public cloud).
    await this.secrets.store(secretKey(profileId, AUTHORITY_FIELD), authority);
    this.cache.set(profileId, Promise.resolve({ credentials: { ...stored.credentials, clientSecret: secret }, authority }));
    this.queueEvent(profileId);
  }

  async clear(profileId: string): Promise<void> {
    const previous = await this.get(profileId).catch(() => undefined);
    for (const field of FIELDS) await this.secrets.delete(secretKey(profileId, field));
    await this.secrets.delete(secretKey(profileId, AUTHORITY_FIELD));
    this.cache.set(profileId, Promise.resolve(undefined));
    forgetSecret(previous?.clientSecret);
    this.queueEvent(profileId);
  }

  async removeProfile(profileId: string): Promise<void> {
    await this.clear(profileId);
    const config = vscode.workspace.getConfiguration(SECTION);
    const user = config.inspect<ServicePrincipalProfile[]>('profiles')?.globalValue;
    if (Array.isArray(user) && user.some(p => p && p.id === profileId)) {
      const rest = user.filter(p => !p || p.id !== profileId);
      await config.update('profiles', rest.length ? rest : undefined, vscode.ConfigurationTarget.Global);
    }
    this.queueEvent(profileId);
  }

  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }

  private async read(profileId: string): Promise<StoredCredentials | undefined> {
    const [tenantId, clientId, clientSecret, authority] = await Promise.all(KEY_FIELDS.map(f => this.secrets.get(`${KEY_PREFIX}${profileId}.${f}`)));
    // A half-written profile (e.g. another window is saving) counts as missing rather than as broken.
    if (!tenantId || !clientId || !clientSecret) return undefined;
    // Only IDs of a valid shape are masked: a stored value such as "common" would otherwise turn every
    // later "common" in every message into [REDACTED].
    if (!validateTenant(tenantId)) registerIdentifier(tenantId);
    if (!validateClientId(clientId)) registerIdentifier(clientId);
    registerSecret(clientSecret);
    return { credentials: { tenantId, clientId, clientSecret }, authority: authority || UNBOUND_AUTHORITY };
  }

  /** Adds the profile to the user's `fabricMl.profiles` (or relabels it) so the tree can name it. */
  private async ensureProfile(profileId: string, label?: string): Promise<void> {
    const existing = this.profiles().find(p => p.id === profileId);
    const wanted = label?.trim();
    if (existing && (!wanted || wanted === existing.label)) return;
    const config = vscode.workspace.getConfiguration(SECTION);
    const inspected = config.inspect<ServicePrincipalProfile[]>('profiles');
    const user = [...(inspected?.globalValue ?? inspected?.defaultValue ?? [DEFAULT_PROFILE])];
    const index = user.findIndex(p => p && p.id === profileId);
    const entry = { id: profileId, label: wanted || existing?.label || profileId };
    if (index >= 0) user[index] = entry;
    else user.push(entry);
    await config.update('profiles', user, vscode.ConfigurationTarget.Global);
  }

  /** set() writes four keys; coalesce their change events into one per profile. */
  private queueEvent(profileId: string): void {
    this.pendingEvents.add(profileId);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      const ids = [...this.pendingEvents];
      this.pendingEvents.clear();
      for (const id of ids) this.changed.fire(id);
    }, 0);
  }
}

/** Validates and trims credentials; throws CredentialValidationError naming the field. */
export function checkCredentials(profileId: string, credentials: ServicePrincipalCredentials): ServicePrincipalCredentials {
  const idProblem = validateProfileId(profileId);
  if (idProblem) throw new CredentialValidationError('profileId', idProblem);
  const tenantProblem = validateTenant(String(credentials.tenantId ?? ''));
  if (tenantProblem) throw new CredentialValidationError('tenantId', tenantProblem);
  const clientProblem = validateClientId(String(credentials.clientId ?? ''));
  if (clientProblem) throw new CredentialValidationError('clientId', clientProblem);
  const secretProblem = validateSecret(String(credentials.clientSecret ?? ''));
  if (secretProblem) throw new CredentialValidationError('clientSecret', secretProblem);
  return { tenantId: credentials.tenantId.trim(), clientId: credentials.clientId.trim(), clientSecret: credentials.clientSecret.trim() };
}
