// How a version's status and scale rule read in the tree, and the flags its context menus test
// (`fabricMl.version canActivate canTurnAutoSleepOn …`, one flag per menu entry in package.json).
import * as vscode from 'vscode';
import type { ScaleRule, VersionStatus } from '../../core/endpoints/model';

const KNOWN_STATUSES = ['Active', 'Activating', 'Deactivated', 'Deactivating', 'Failed'];

/** `active`, `activating`, … or `unknown` for statuses Fabric does not document (e.g. "Running"). */
export function statusToken(status: VersionStatus | undefined): string {
  return status && KNOWN_STATUSES.includes(status) ? status.toLowerCase() : 'unknown';
}

/** Which version actions make sense now: the menu shows exactly these. */
export function versionFlags(status: VersionStatus | undefined, scaleRule: ScaleRule | undefined): Record<string, boolean> {
  const token = statusToken(status);
  return {
    canActivate: token === 'deactivated' || token === 'failed' || token === 'unknown',
    canDeactivate: token === 'active' || token === 'activating',
    canTurnAutoSleepOn: scaleToken(scaleRule) === 'alwaysOn',
    canTurnAutoSleepOff: scaleToken(scaleRule) === 'autoSleep',
  };
}

export function scaleToken(scaleRule: ScaleRule | undefined): 'autoSleep' | 'alwaysOn' {
  return scaleRule === 'AllowScaleToZero' ? 'autoSleep' : 'alwaysOn';
}

export function autoSleepText(scaleRule: ScaleRule | undefined): string {
  if (scaleRule === 'AllowScaleToZero') return 'auto-sleep on';
  if (scaleRule === 'AlwaysOn') return 'auto-sleep off';
  return scaleRule ? `scale rule ${scaleRule}` : 'auto-sleep unknown';
}

/** The auto-sleep line of a tooltip, without repeating "auto-sleep". */
export function autoSleepSentence(scaleRule: ScaleRule | undefined): string {
  if (scaleRule === 'AllowScaleToZero') return 'Auto-sleep is on: the endpoint sleeps when idle, and the first call after that is slow.';
  if (scaleRule === 'AlwaysOn') return 'Auto-sleep is off: the endpoint stays awake while it is active.';
  return scaleRule ? `Scale rule: ${scaleRule}.` : 'Fabric did not report whether auto-sleep is on.';
}

export function statusIcon(status: VersionStatus | undefined): vscode.ThemeIcon {
  switch (status) {
    case 'Active':
      return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'Activating':
    case 'Deactivating':
      return new vscode.ThemeIcon('sync~spin');
    case 'Deactivated':
      return new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground'));
    case 'Failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
    default:
      return new vscode.ThemeIcon('question');
  }
}
