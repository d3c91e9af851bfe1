// The credential rules that do not depend on VS Code: which values are acceptable as a tenant ID, client ID,
// client secret and profile id, and the authority binding (a profile's credentials are only ever sent to the
// Entra authority they were stored for). Validation messages never quote the rejected value: a secret pasted
// into the wrong field must not travel on into an error, a log line or a test report.
import { isGuid } from '../endpoints/endpointUrl';
import { describeAuthorityChange } from '../endpoints/connectionReport';
import { isValidClientId, isValidTenant } from './authErrors';
import { AUTHORITY_HOSTS } from './clouds';

/** A profile's credentials and the authority origin they may be sent to. */
export interface StoredCredentials {
  credentials: { tenantId: string; clientId: string; clientSecret: string };
  /** e.g. `https://login.microsoftonline.com`, or the custom / loopback origin current when they were stored. */
  authority: string;
}

/** The stored authority and the one the settings name now, when they differ. */
export interface AuthorityChange {
  storedFor: string;
  current: string;
}

/** Credentials stored before the binding existed count as stored for the public cloud. */
export const UNBOUND_AUTHORITY = AUTHORITY_HOSTS.public;

/** How the authority changed since the credentials were stored; undefined while it is the same (or unknown). */
export function authorityChange(stored: Pick<StoredCredentials, 'authority'>, current: string | undefined): AuthorityChange | undefined {
  return current === undefined || current === stored.authority ? undefined : { storedFor: stored.authority, current };
}

/** Why the secret may not be rotated while the settings name `authority`, if they name another one. */
export function rotationRefusal(stored: Pick<StoredCredentials, 'authority'>, authority: string | undefined, profileLabel: string): string | undefined {
  if (authority === undefined || authority === stored.authority) return undefined;
  const { title } = describeAuthorityChange(stored.authority, authority, profileLabel);
  return `${title} Rotating the secret keeps that authority: to use the new one, run "Fabric ML: Set Credentials" again for this profile.`;
}

const PROFILE_ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** "(37 characters)": the only thing a message says about a rejected value. */
function lengthNote(value: string): string {
  return `(the value entered has ${value.length} character${value.length === 1 ? '' : 's'})`;
}

export function validateProfileId(profileId: string): string | undefined {
  return PROFILE_ID_RE.test(profileId)
    ? undefined
    : `A profile id may contain letters, digits, ".", "_" and "-" only, starting with a letter or digit, at most 64 characters ${lengthNote(profileId)}.`;
}

export function validateTenant(value: string): string | undefined {
  const v = value.trim();
  if (!v) return 'Enter the tenant ID: the Directory (tenant) ID GUID from the app registration\'s Overview page, or a verified domain such as contoso.onmicrosoft.com.';
  return isValidTenant(v)
    ? undefined
    : `The tenant ID must be a GUID (36 characters, 8-4-4-4-12 hexadecimal digits) or a domain such as contoso.onmicrosoft.com ${lengthNote(v)}. Use the Directory (tenant) ID from the app registration's Overview page.`;
}

export function validateClientId(value: string): string | undefined {
  const v = value.trim();
  if (!v) return 'Enter the client ID: the Application (client) ID GUID from the app registration\'s Overview page.';
  return isValidClientId(v)
    ? undefined
    : `The client ID must be a GUID (36 characters, 8-4-4-4-12 hexadecimal digits) ${lengthNote(v)}. It is the Application (client) ID from the app registration's Overview page.`;
}

export function validateSecret(value: string): string | undefined {
  if (!value.trim()) return 'Enter the client secret: the Value column under Certificates & secrets (shown only right after it is created).';
  // The Secret ID column is a GUID and a frequent mix-up (it makes Entra answer AADSTS7000215).
  if (isGuid(value.trim())) return 'That looks like the secret\'s ID (a GUID). Paste the secret\'s Value instead: the Value column under Certificates & secrets.';
  return undefined;
}
