// The one rule that says whether an endpoint may be called with a token now and, if not, why and what the
// user can do. openSession(), the Endpoint Explorer (node text and menus) and the Refresh command all ask
// this function, so a refusal shown in one place cannot be missing in another.
import { authorityChange, type StoredCredentials } from '../auth/binding';
import { describeAuthorityChange } from './connectionReport';
import { EndpointUrlError, isLoopbackHost, isTokenHostAllowed, parseScoreUrl, scoreUrl } from './endpointUrl';
import { identityOf, type EndpointDefinition, type EndpointIdentity, type EndpointRef } from './model';

export type RefusalReason = 'unknownEndpoint' | 'restricted' | 'invalidUrl' | 'loopbackNotApproved' | 'credentialsMissing' | 'authorityChanged' | 'signedOut';

/** What the rule needs to know about one endpoint; gathered by the caller from settings and SecretStorage. */
export interface EndpointFacts {
  endpointId: string;
  definition: EndpointDefinition | undefined;
  profileLabel: string;
  /** Where the definition comes from when that is an untrusted workspace's settings (e.g. "workspace settings"). */
  untrustedOrigin?: string;
  /** The user setting `fabricMl.allowLoopbackEndpoints`. */
  allowLoopback: boolean;
  /** True when the user approved this loopback origin (e.g. `http://127.0.0.1:7357`) to receive a token. */
  isLoopbackOriginApproved(origin: string): boolean;
  /**
   * Who would call: the signed-in user or the profile's service principal. Usually the definition's identity;
   * "Test as the Dataflow will" asks for the service principal of an endpoint that calls as the user.
   * Defaults to the definition's identity.
   */
  identity?: EndpointIdentity;
  /** The signed-in Microsoft account's label; undefined when nobody is signed in. */
  signedInAccount?: string;
  /** The profile's credentials (only their binding is read here), or undefined when none are stored. */
  stored: Pick<StoredCredentials, 'authority'> | undefined;
  /** The authority origin the settings name now; undefined when the settings are unusable. */
  currentAuthority: string | undefined;
}

export interface Refusal {
  kind: 'refused';
  reason: RefusalReason;
  /** What is wrong, for a notification or an error. */
  title: string;
  /** What the user can do about it ('' when there is nothing to add). */
  action: string;
  /** A short line for a tree node. */
  short: string;
  /** Set once the URL parsed: which endpoint it would call. */
  ref?: EndpointRef;
}

export type EndpointReadiness = { kind: 'ready'; ref: EndpointRef; origin: string } | Refusal;

/** Refusals the user fixes by running the command itself (it explains, offers the fix): still offered in menus. */
const FIXABLE_BY_COMMAND: ReadonlySet<RefusalReason> = new Set(['credentialsMissing', 'authorityChanged', 'loopbackNotApproved', 'signedOut']);

export function endpointReadiness(facts: EndpointFacts): EndpointReadiness {
  const def = facts.definition;
  if (!def) {
    const text = unknownEndpointMessage(facts.endpointId);
    return { kind: 'refused', reason: 'unknownEndpoint', title: text, action: '', short: 'Unknown endpoint' };
  }
  if (facts.untrustedOrigin !== undefined) {
    return {
      kind: 'refused',
      reason: 'restricted',
      title: `"${def.name}" comes from the settings of a workspace you have not trusted, so it is listed but never called with your credentials.`,
      action: 'Trust the workspace (Manage Workspace Trust), or add the endpoint to your user settings.',
      short: `From ${facts.untrustedOrigin} of an untrusted workspace: listed, never called with your credentials.`,
    };
  }
  let ref: EndpointRef;
  try {
    ref = parseScoreUrl(def.scoreUrl, { allowLoopback: facts.allowLoopback });
  } catch (error) {
    const reason = error instanceof EndpointUrlError ? error.message : String(error);
    return { kind: 'refused', reason: 'invalidUrl', title: `"${def.name}" cannot be called: ${reason}`, action: '', short: reason };
  }
  const url = new URL(scoreUrl(ref));
  if (!isTokenHostAllowed(url.href, { allowLoopback: facts.allowLoopback })) {
    const reason = 'its host may not receive the Fabric token.';
    return { kind: 'refused', reason: 'invalidUrl', title: `"${def.name}" cannot be called: ${reason}`, action: '', short: `Its host may not receive the Fabric token.`, ref };
  }
  const identity = facts.identity ?? identityOf(def);
  const identityRefusal = identity === 'user' ? signedOutRefusal(facts, def, ref) : credentialRefusal(facts, def, ref);
  if (identityRefusal) return identityRefusal;
  // Last: approving a local address is only asked when nothing else would refuse the call anyway.
  if (isLoopbackHost(url.hostname) && !facts.isLoopbackOriginApproved(url.origin)) {
    return {
      kind: 'refused',
      reason: 'loopbackNotApproved',
      title: `"${def.name}" calls the local address ${url.origin}, which you have not approved to receive your Fabric token.`,
      action: 'Run Test Connection or Score from the Endpoint Explorer and approve it, only if you started a test server there yourself.',
      short: `Local address ${url.origin} not approved to receive your token`,
      ref,
    };
  }
  return { kind: 'ready', ref, origin: url.origin };
}

/** An endpoint that calls as the user needs a signed-in Microsoft account (and no service principal at all). */
function signedOutRefusal(facts: EndpointFacts, def: EndpointDefinition, ref: EndpointRef): Refusal | undefined {
  if (facts.signedInAccount !== undefined) return undefined;
  return {
    kind: 'refused',
    reason: 'signedOut',
    title: `"${def.name}" calls Fabric as you, and you are not signed in with a Microsoft account.`,
    action: 'Run "Fabric ML: Sign In", or edit the endpoint to use a service principal.',
    short: 'Calls as you: sign in to use it',
    ref,
  };
}

/** A service principal's credentials must be stored, for the authority the settings name now. */
function credentialRefusal(facts: EndpointFacts, def: EndpointDefinition, ref: EndpointRef): Refusal | undefined {
  if (!facts.stored) {
    return {
      kind: 'refused',
      reason: 'credentialsMissing',
      title: `Credentials missing for service principal "${facts.profileLabel}" (used by "${def.name}"). Run "Fabric ML: Set Credentials" to store its tenant ID, client ID and client secret.`,
      action: '',
      short: 'Credentials missing: set them to read the status',
      ref,
    };
  }
  const change = authorityChange(facts.stored, facts.currentAuthority);
  if (change) {
    const { title, action } = describeAuthorityChange(change.storedFor, change.current, facts.profileLabel);
    return { kind: 'refused', reason: 'authorityChanged', title, action, short: 'Credentials stored for another sign-in authority: set them again to use them here', ref };
  }
  return undefined;
}

/** What browsing Fabric as the user needs to know. */
export interface BrowseFacts {
  apiBase: string;
  signedInAccount?: string;
  allowLoopback: boolean;
  isLoopbackOriginApproved(origin: string): boolean;
}

/** The same rule for browsing: signed in, a host that may receive the token, and an approved local address. */
export function browseReadiness(facts: BrowseFacts): { kind: 'ready'; apiBase: string } | Refusal {
  if (facts.signedInAccount === undefined) {
    return { kind: 'refused', reason: 'signedOut', title: 'Sign in with your Microsoft account to browse your Fabric workspaces.', action: 'Run "Fabric ML: Sign In".', short: 'Not signed in' };
  }
  const url = new URL(facts.apiBase);
  if (!isTokenHostAllowed(url.href, { allowLoopback: facts.allowLoopback })) {
    return { kind: 'refused', reason: 'invalidUrl', title: `The Fabric API address ${url.host} may not receive your token.`, action: '', short: 'Its host may not receive the Fabric token.' };
  }
  if (isLoopbackHost(url.hostname) && !facts.isLoopbackOriginApproved(url.origin)) {
    return {
      kind: 'refused',
      reason: 'loopbackNotApproved',
      title: `Browsing would send your Microsoft account's Fabric token to the local address ${url.origin}, which you have not approved.`,
      action: 'Approve it only if you started a test server there yourself.',
      short: `Local address ${url.origin} not approved to receive your token`,
    };
  }
  return { kind: 'ready', apiBase: facts.apiBase };
}

/** The one message for an endpoint id that is not configured, used by every command and picker. */
export function unknownEndpointMessage(endpointId: string): string {
  return `There is no Fabric ML endpoint with id "${endpointId}". Add it with "Fabric ML: Add Endpoint".`;
}

/** The refusal as one sentence pair (title, then action). */
export function refusalMessage(refusal: Refusal): string {
  return refusal.action ? `${refusal.title} ${refusal.action}` : refusal.title;
}

/**
 * Flags for a tree item's contextValue, so a menu tests one flag (`viewItem =~ /\bcallable\b/`):
 * `callable` — score, test and M commands are offered (a fixable refusal is explained by the command);
 * `editable` — edit, remove and copy URL are offered (not for an untrusted workspace's endpoints).
 */
export function readinessFlags(readiness: EndpointReadiness): { callable: boolean; editable: boolean } {
  if (readiness.kind === 'ready') return { callable: true, editable: true };
  return {
    callable: FIXABLE_BY_COMMAND.has(readiness.reason),
    editable: readiness.reason !== 'restricted' && readiness.reason !== 'unknownEndpoint',
  };
}

/** The flags of an endpoint that the rule did not refuse (its metadata may still be loading or failed). */
export const READY_FLAGS = { callable: true, editable: true } as const;
