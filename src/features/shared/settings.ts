// Typed reads of the `fabricMl.*` settings. One place decides which settings a workspace may influence:
// `allowLoopbackEndpoints` and the cloud/authority settings are read from the user level only, so a
// cloned repository cannot point the token at its own server.
import * as vscode from 'vscode';
import type { AuthSettings, CloudName } from '../../core/auth/types';
import type { UserSignInSettings } from '../../core/auth/userTokenSource';
import type { Orientation } from '../../core/fabric/types';
import { clampSetting, type ScoringBoundName } from '../../core/scoringBounds';
import type { DateOrder } from '../../core/rows';

export const SECTION = 'fabricMl';

const CLOUDS: readonly CloudName[] = ['public', 'usGovernment', 'china', 'custom'];

/** Settings whose change invalidates tokens, sessions and cached metadata. */
const CONNECTION_KEYS = ['cloud', 'customAuthorityHost', 'allowLoopbackEndpoints'].map(k => `${SECTION}.${k}`);

function config(scope?: vscode.ConfigurationScope): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION, scope);
}

/** A user-level (application/global) value, ignoring workspace and folder values entirely. */
function userValue<T>(key: string, fallback: T): T {
  const inspected = config().inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
}

/** True only when the user (not a workspace) turned on `fabricMl.allowLoopbackEndpoints`. */
export function allowLoopback(): boolean {
  return userValue<boolean>('allowLoopbackEndpoints', false) === true;
}

export function authSettings(): AuthSettings {
  const cloud = userValue<string>('cloud', 'public');
  const host = userValue<string>('customAuthorityHost', '').trim();
  return {
    cloud: (CLOUDS as readonly string[]).includes(cloud) ? (cloud as CloudName) : 'public',
    customAuthorityHost: host || undefined,
    allowLoopback: allowLoopback(),
  };
}

/** `fabricMl.scoring.dateFormat`: how numeric dates such as 10/03/2024 are read ('iso' refuses them). */
function readDateOrder(value: string | undefined): DateOrder {
  return value === 'dayFirst' || value === 'monthFirst' ? value : 'iso';
}

/**
 * Your own public client ID and tenant for signing in (tenants where VS Code's client is not consented). User
 * settings only: a workspace must not choose which app your account signs in to.
 */
export function signInSettings(): UserSignInSettings {
  return { clientId: userValue<string>('signIn.clientId', '').trim() || undefined, tenant: userValue<string>('signIn.tenant', '').trim() || undefined };
}

export interface ScoringSettings {
  dateOrder: DateOrder;
  batchSize: number;
  concurrency: number;
  /** The most batches in flight while a run adapts (never below `concurrency`). */
  maxConcurrency: number;
  orientation: Orientation;
  requestTimeoutMs: number;
  maxRetries: number;
  maxRetryAfterMs: number;
  /** Rows Score Selection sends when nothing is selected. */
  defaultRows: number;
  /** Score File asks before scoring more rows than this. */
  confirmAboveRows: number;
  /** Largest CSV record or JSON row read from a data file. */
  maxRecordBytes: number;
}

export function scoringSettings(scope?: vscode.ConfigurationScope): ScoringSettings {
  const c = config(scope);
  const read = (name: ScoringBoundName): number => clampSetting(name, c.get<number>(`scoring.${name}`));
  return {
    batchSize: read('batchSize'),
    concurrency: read('concurrency'),
    maxConcurrency: Math.max(read('concurrency'), read('maxConcurrency')),
    orientation: c.get<string>('scoring.orientation') === 'record' ? 'record' : 'values',
    requestTimeoutMs: read('requestTimeoutSeconds') * 1000,
    maxRetries: read('maxRetries'),
    maxRetryAfterMs: read('maxRetryAfterSeconds') * 1000,
    defaultRows: read('defaultRows'),
    confirmAboveRows: read('confirmAboveRows'),
    dateOrder: readDateOrder(c.get<string>('scoring.dateFormat')),
    maxRecordBytes: read('maxRecordBytes'),
  };
}

/** CSV export neutralises formula-like text unless the user (not a workspace) turned it off. */
export function neutralizeFormulasInExport(): boolean {
  return userValue<boolean>('export.neutralizeFormulas', true) !== false;
}

/** Metadata reads (tree, Test connection) should answer quickly even when scoring allows 100 s. */
export const METADATA_TIMEOUT_CAP_MS = 30_000;

export function affectsConnection(e: vscode.ConfigurationChangeEvent): boolean {
  return CONNECTION_KEYS.some(k => e.affectsConfiguration(k));
}
