// Set / rotate / clear a service principal's credentials and show where they are kept. The values go
// only to SecretStorage; prompts use a password box for the secret and validate before saving. Setting
// binds the profile to the sign-in authority the settings name at that moment, and the credentials are
// sent nowhere else; rotating keeps that authority (see credentialStore.ts).
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errorMessage';
import type { Services } from '../services';
import { rotationRefusal, validateClientId, validateProfileId, validateSecret, validateTenant } from '../../core/auth/binding';
import { authorityToBind, CredentialValidationError, DEFAULT_PROFILE, secretKey } from '../shared/credentialStore';
import { confirm, isPlainArgs, registerCommand, stringArg, UserError, type CommandContext } from '../shared/commands';
import { ProfileNode } from '../explorer/nodes';
import { storageDescription, storageShortName } from '../shared/secretStorageText';

export interface CredentialCommandResult {
  profileId: string;
  label: string;
}

export interface CredentialStorageInfo {
  /** Where SecretStorage keeps values in this VS Code. */
  storage: string;
  /** The SecretStorage key names used by a profile (names only). */
  keys: string[];
  profiles: Array<{ id: string; label: string; credentialsSet: boolean }>;
  /** Local addresses the user approved to receive a token (revocable). */
  approvedLocalAddresses: string[];
}

export function register(services: Services): vscode.Disposable[] {
  const s = services;
  return [
    registerCommand(s, 'fabricMl.setCredentials', (arg, ctx) => setCredentials(s, arg, ctx)),
    registerCommand(s, 'fabricMl.rotateSecret', (arg, ctx) => rotateSecret(s, arg, ctx)),
    registerCommand(s, 'fabricMl.clearCredentials', (arg, ctx) => clearCredentials(s, arg, ctx)),
    registerCommand(s, 'fabricMl.showCredentialStorage', (_arg, ctx) => showCredentialStorage(s, ctx)),
    registerCommand(s, 'fabricMl.removeProfile', (arg, ctx) => removeProfile(s, arg, ctx)),
  ];
}

/** The profile a command is about: a profile node, `{ profileId }`, "default", or (interactive) a pick. */
async function resolveProfile(services: Services, arg: unknown, ctx: CommandContext, options: { allowNew: boolean; onlySet: boolean; title: string }): Promise<{ id: string; label?: string } | undefined> {
  if (arg instanceof ProfileNode) return { id: arg.profileId };
  if (isPlainArgs(arg)) {
    const id = stringArg(arg, 'profileId')?.trim() || 'default';
    const problem = validateProfileId(id);
    if (problem) throw new UserError(problem);
    return { id, label: stringArg(arg, 'label')?.trim() || undefined };
  }
  if (!ctx.interactive) return { id: 'default' };
  const { credentials } = services;
  const profiles = [];
  for (const p of credentials.profiles()) {
    const set = await credentials.has(p.id);
    if (!options.onlySet || set) profiles.push({ label: p.label, description: set ? 'credentials set' : 'credentials missing', id: p.id });
  }
  if (profiles.length === 0) throw new UserError('No service principal has credentials yet. Run "Fabric ML: Set Credentials" first.');
  if (profiles.length === 1 && !options.allowNew) return { id: profiles[0].id };
  const items: Array<vscode.QuickPickItem & { id?: string }> = [...profiles];
  if (options.allowNew) items.push({ label: '$(add) New service principal profile…', id: undefined });
  if (items.length === 1) return { id: profiles[0].id };
  const pick = await vscode.window.showQuickPick(items, { title: options.title, ignoreFocusOut: true });
  if (!pick) return undefined;
  if (pick.id !== undefined) return { id: pick.id };
  const label = await vscode.window.showInputBox({
    title: 'New service principal profile',
    prompt: 'A label for the profile (shown in the Explorer)',
    placeHolder: 'e.g. Production scoring app',
    ignoreFocusOut: true,
    validateInput: v => (v.trim() ? undefined : 'Enter a label.'),
  });
  if (!label) return undefined;
  const base = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || 'profile';
  let id = base;
  const taken = new Set(credentials.profiles().map(p => p.id));
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return { id, label: label.trim() };
}

async function setCredentials(services: Services, arg: unknown, ctx: CommandContext): Promise<CredentialCommandResult | undefined> {
  const profile = await resolveProfile(services, arg, ctx, { allowNew: true, onlySet: false, title: 'Set the credentials of which service principal?' });
  if (!profile) return undefined;
  const { credentials, log } = services;
  let tenantId: string;
  let clientId: string;
  let clientSecret: string;
  if (!ctx.interactive) {
    const args = arg as Record<string, unknown>;
    tenantId = stringArg(args, 'tenantId', true);
    clientId = stringArg(args, 'clientId', true);
    clientSecret = stringArg(args, 'clientSecret', true);
  } else {
    // Refuse before the user types anything when there is no usable authority to bind the credentials to.
    let authority: string;
    try {
      authority = authorityToBind();
    } catch (error) {
      throw new UserError(errorMessage(error));
    }
    const label = profile.label ?? credentials.label(profile.id);
    const title = `Set credentials of "${label}"`;
    const t = await vscode.window.showInputBox({
      title: `${title} (1/3)`,
      prompt: 'Directory (tenant) ID from the app registration\'s Overview page, or a verified domain',
      placeHolder: '00000000-0000-0000-0000-000000000000 or contoso.onmicrosoft.com',
      ignoreFocusOut: true,
      validateInput: validateTenant,
    });
    if (t === undefined) return undefined;
    const c = await vscode.window.showInputBox({
      title: `${title} (2/3)`,
      prompt: 'Application (client) ID from the app registration\'s Overview page',
      placeHolder: '00000000-0000-0000-0000-000000000000',
      ignoreFocusOut: true,
      validateInput: validateClientId,
    });
    if (c === undefined) return undefined;
    const sec = await vscode.window.showInputBox({
      title: `${title} (3/3)`,
      prompt: `Client secret value (Certificates & secrets → Value). Kept in ${storageShortName()}, never in settings, and sent only to ${authority}.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: validateSecret,
    });
    if (sec === undefined) return undefined;
    // The prompt promised this authority: if the settings changed while the user typed, store nothing.
    if (authorityToBind() !== authority) {
      throw new UserError(`The sign-in authority changed to ${authorityToBind()} while the credentials were being entered (the prompt named ${authority}). Nothing was stored; run Set Credentials again.`);
    }
    [tenantId, clientId, clientSecret] = [t, c, sec];
  }
  try {
    await credentials.set(profile.id, { tenantId, clientId, clientSecret }, profile.label);
  } catch (error) {
    if (error instanceof CredentialValidationError) throw new UserError(error.message);
    throw error;
  }
  const label = credentials.label(profile.id);
  const boundTo = (await credentials.stored(profile.id))?.authority ?? '';
  log.info(`Credentials of service principal "${label}" (profile ${profile.id}) saved in SecretStorage, for the sign-in authority ${boundTo}.`);
  if (ctx.interactive) {
    const users = services.endpoints.list().filter(d => d.profileId === profile.id);
    const buttons = users.length ? ['Test Connection'] : [];
    void vscode.window.showInformationMessage(`Saved the credentials of "${label}" in ${storageShortName()} (VS Code SecretStorage), for sign-in at ${boundTo} only.`, ...buttons).then(choice => {
      if (choice) void vscode.commands.executeCommand('fabricMl.testConnection', users.length === 1 ? { endpointId: users[0].id } : undefined);
    });
  }
  return { profileId: profile.id, label };
}

async function rotateSecret(services: Services, arg: unknown, ctx: CommandContext): Promise<CredentialCommandResult | undefined> {
  const profile = await resolveProfile(services, arg, ctx, { allowNew: false, onlySet: true, title: 'Rotate the client secret of which service principal?' });
  if (!profile) return undefined;
  const { credentials, log } = services;
  const label = credentials.label(profile.id);
  let secret: string | undefined;
  if (!ctx.interactive) secret = stringArg(arg as Record<string, unknown>, 'clientSecret', true);
  else {
    const stored = await credentials.stored(profile.id);
    if (!stored) throw new UserError(`"${label}" has no credentials yet. Run "Fabric ML: Set Credentials" first.`);
    // Say so before the user types a secret that could not be saved.
    const refusal = rotationRefusal(stored, services.credentials.currentAuthority(), label);
    if (refusal) throw new UserError(refusal);
    secret = await vscode.window.showInputBox({
      title: `Rotate the client secret of "${label}"`,
      prompt: 'The new client secret value (Certificates & secrets → Value). The tenant and client IDs stay as they are.',
      password: true,
      ignoreFocusOut: true,
      validateInput: validateSecret,
    });
    if (secret === undefined) return undefined;
  }
  try {
    await credentials.setSecret(profile.id, secret);
  } catch (error) {
    throw new UserError(errorMessage(error));
  }
  const boundTo = (await credentials.stored(profile.id))?.authority ?? '';
  log.info(`Client secret of service principal "${label}" replaced in SecretStorage, for the sign-in authority ${boundTo}.`);
  if (ctx.interactive) void vscode.window.showInformationMessage(`Replaced the client secret of "${label}", for sign-in at ${boundTo} only. Test Connection checks that Entra accepts it.`);
  return { profileId: profile.id, label };
}

async function clearCredentials(services: Services, arg: unknown, ctx: CommandContext): Promise<(CredentialCommandResult & { cleared: boolean }) | undefined> {
  const profile = await resolveProfile(services, arg, ctx, { allowNew: false, onlySet: true, title: 'Clear the credentials of which service principal?' });
  if (!profile) return undefined;
  const { credentials, endpoints, log } = services;
  const label = credentials.label(profile.id);
  const askFirst = ctx.interactive || (isPlainArgs(arg) && arg.confirm === true);
  if (askFirst) {
    const users = endpoints.list().filter(d => d.profileId === profile.id).length;
    const ok = await confirm(
      `Clear the credentials of "${label}"?`,
      `The tenant ID, client ID and client secret (and the sign-in authority they were stored for) are deleted from ${storageShortName()}.${users ? ` ${users} endpoint${users === 1 ? '' : 's'} using it cannot be called until credentials are set again.` : ''}`,
      'Clear',
    );
    if (!ok) return { profileId: profile.id, label, cleared: false };
  }
  await credentials.clear(profile.id);
  log.info(`Credentials of service principal "${label}" (profile ${profile.id}) deleted from SecretStorage.`);
  return { profileId: profile.id, label, cleared: true };
}

/**
 * Removes a service-principal profile: its credentials and its entry in the user's `fabricMl.profiles`. Refused
 * while endpoints use it (they would have nothing to call with) and for the default profile, which is always listed.
 */
async function removeProfile(services: Services, arg: unknown, ctx: CommandContext): Promise<(CredentialCommandResult & { removed: boolean }) | undefined> {
  const profile = await resolveProfile(services, arg, ctx, { allowNew: false, onlySet: false, title: 'Remove which service principal profile?' });
  if (!profile) return undefined;
  const { credentials, endpoints, log } = services;
  const label = credentials.label(profile.id);
  if (profile.id === DEFAULT_PROFILE.id) {
    throw new UserError(`"${label}" is the default profile and is always listed. Clear Credentials removes its values.`);
  }
  const users = endpoints.list().filter(d => d.profileId === profile.id);
  if (users.length) {
    const names = users.map(d => `"${d.name}"`).join(', ');
    throw new UserError(`"${label}" is used by ${names}. Point ${users.length === 1 ? 'that endpoint' : 'those endpoints'} at another service principal (Edit Endpoint) or remove ${users.length === 1 ? 'it' : 'them'} first.`);
  }
  const inWorkspace = !credentials.profiles().some(p => p.id === profile.id) ? false : !isUserProfile(profile.id);
  const askFirst = ctx.interactive || (isPlainArgs(arg) && arg.confirm === true);
  if (askFirst) {
    const ok = await confirm(
      `Remove the service principal profile "${label}"?`,
      `Its tenant ID, client ID and client secret are deleted from ${storageShortName()}, and it is removed from your user settings.${inWorkspace ? ' It is also defined in this workspace\'s settings, so it stays listed until it is removed there.' : ''}`,
      'Remove',
    );
    if (!ok) return { profileId: profile.id, label, removed: false };
  }
  await credentials.removeProfile(profile.id);
  log.info(`Removed the service principal profile "${label}" (${profile.id}) and its credentials.`);
  return { profileId: profile.id, label, removed: true };
}

/** True when the profile is in the user's own `fabricMl.profiles`. */
function isUserProfile(profileId: string): boolean {
  const user = vscode.workspace.getConfiguration('fabricMl').inspect<Array<{ id?: string }>>('profiles')?.globalValue;
  return Array.isArray(user) && user.some(p => p?.id === profileId);
}

async function showCredentialStorage(services: Services, ctx: CommandContext): Promise<CredentialStorageInfo> {
  const { credentials } = services;
  const profiles = [];
  const authorities = new Map<string, string>();
  for (const p of credentials.profiles()) {
    const stored = await credentials.stored(p.id);
    if (stored) authorities.set(p.id, stored.authority);
    profiles.push({ id: p.id, label: p.label, credentialsSet: stored !== undefined });
  }
  const info: CredentialStorageInfo = {
    storage: storageDescription(),
    keys: ['tenantId', 'clientId', 'clientSecret'].map(f => secretKey('<profile>', f as 'tenantId')),
    profiles,
    approvedLocalAddresses: services.loopbackApprovals.list(),
  };
  if (ctx.interactive) {
    const lines = [
      `Where: ${info.storage}`,
      `Keys: ${info.keys.join(', ')}.`,
      'Settings (fabricMl.endpoints, fabricMl.profiles) hold only endpoint URLs and profile labels, never a secret.',
      `Each profile's credentials are sent only to the sign-in authority they were stored for (${secretKey('<profile>', 'authority')}).`,
      '',
      ...profiles.map(p => `• ${p.label} (${p.id}): ${p.credentialsSet ? `credentials set, for ${authorities.get(p.id)}` : 'credentials missing'}`),
      '',
      info.approvedLocalAddresses.length
        ? `Local addresses you approved to receive a token: ${info.approvedLocalAddresses.join(', ')} (revoke with "Fabric ML: Revoke Local Address Approval").`
        : 'No local address is approved to receive a token.',
    ];
    void vscode.window.showInformationMessage('Where Fabric ML keeps credentials', { modal: true, detail: lines.join('\n') });
  }
  return info;
}
