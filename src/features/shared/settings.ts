// Typed reads of the `fabricMl.*` settings. One place decides which settings a workspace may influence:
// `allowLoopbackEndpoints` and the cloud/authority settings are read from the user level only, so a
// cloned repository cannot point the token at its own server.
import * as vscode from 'vscode';
import type { AuthSettings, CloudName } from '../../core/auth/types';
import type { Orientation } from '../../core/fabric/types';

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

export interface ScoringSettings {
  batchSize: number;
  concurrency: number;
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
  const num = (key: string, fallback: number, min: number, max: number): number => {
    const v = c.get<number>(key);
    return typeof v === 'number' && Number.isFinite(v) ? Math.min(max, Math.max(min, v)) : fallback;
  };
  return {
    batchSize: Math.round(num('scoring.batchSize', 100, 1, 10_000)),
    concurrency: Math.round(num('scoring.concurrency', 4, 1, 32)),
    orientation: c.get<string>('scoring.orientation') === 'record' ? 'record' : 'values',
    requestTimeoutMs: num('scoring.requestTimeoutSeconds', 100, 1, 3600) * 1000,
    maxRetries: Math.round(num('scoring.maxRetries', 3, 0, 10)),
    maxRetryAfterMs: num('scoring.maxRetryAfterSeconds', 120, 1, 3600) * 1000,
    defaultRows: Math.round(num('scoring.defaultRows', 20, 1, 1_000_000)),
    confirmAboveRows: Math.round(num('scoring.confirmAboveRows', 10_000, 1, Number.MAX_SAFE_INTEGER)),
    maxRecordBytes: Math.round(num('scoring.maxRecordBytes', 1_048_576, 1024, 2 ** 30)),
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
