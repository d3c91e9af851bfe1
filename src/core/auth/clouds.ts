// Where tokens come from: the Entra authority host of each cloud, and the one scope Fabric needs.
import type { AuthSettings, CloudName } from './types';
import { isLoopbackHost } from '../endpoints/endpointUrl';
import { AuthError } from './authErrors';

/** The client-credentials scope of the Fabric REST API. */
export const FABRIC_SCOPE = 'https://api.fabric.microsoft.com/.default';

/** Authority hosts of the clouds msal knows; "custom" comes from the `fabricMl.customAuthorityHost` setting. */
export const AUTHORITY_HOSTS: Readonly<Record<Exclude<CloudName, 'custom'>, string>> = {
  public: 'https://login.microsoftonline.com',
  usGovernment: 'https://login.microsoftonline.us',
  china: 'https://login.partner.microsoftonline.cn',
};

/** Where Fabric's REST API is for every cloud this extension supports. */
export const FABRIC_API_BASE = 'https://api.fabric.microsoft.com/v1';

/**
 * The API base browsing starts from. A local test server (cloud "custom" with a loopback authority, allowed by
 * the user setting) serves the Fabric API on the same origin as its token endpoint; everything else is Fabric.
 */
export function fabricApiBase(settings: AuthSettings): string {
  if (settings.cloud !== 'custom' || !settings.allowLoopback) return FABRIC_API_BASE;
  try {
    const authority = resolveAuthority(settings);
    return authority.loopback ? `${authority.origin}/v1` : FABRIC_API_BASE;
  } catch {
    return FABRIC_API_BASE;
  }
}

/** The VS Code authentication provider for a cloud: sovereign clouds have their own. */
export function accountProviderFor(cloud: CloudName): 'microsoft' | 'microsoft-sovereign-cloud' {
  return cloud === 'usGovernment' || cloud === 'china' ? 'microsoft-sovereign-cloud' : 'microsoft';
}

export interface ResolvedAuthority {
  /** Scheme + host (+ port), no trailing slash, e.g. `https://login.microsoftonline.com`. */
  origin: string;
  /** True for http(s)://127.0.0.1 / localhost / [::1], allowed only with `allowLoopback`. */
  loopback: boolean;
}

/** The authority origin for the settings. Throws AuthError (kind invalidInput) for an unusable custom host. */
export function resolveAuthority(settings: AuthSettings): ResolvedAuthority {
  if (settings.cloud !== 'custom') {
    const origin = AUTHORITY_HOSTS[settings.cloud];
    if (!origin) throw invalidHost(`Unknown cloud "${String(settings.cloud)}"`, 'Set "fabricMl.cloud" to public, usGovernment, china or custom');
    return { origin, loopback: false };
  }
  const text = (settings.customAuthorityHost ?? '').trim();
  if (!text) {
    throw invalidHost('No custom authority host is set', 'Set "fabricMl.customAuthorityHost" (e.g. https://login.example.com) or choose another "fabricMl.cloud"');
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw invalidHost(`The custom authority host "${clip(text)}" is not a URL`, 'Use a full address such as https://login.example.com');
  }
  if (url.pathname !== '/' && url.pathname !== '') {
    throw invalidHost('The custom authority host must not contain a path', `Use only scheme and host, e.g. ${url.protocol}//${url.host} (the tenant is added from the credentials)`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw invalidHost('The custom authority host must be a plain scheme and host', `Use ${url.protocol}//${url.host}`);
  }
  const loopback = isLoopbackHost(url.hostname);
  if (loopback && !settings.allowLoopback) {
    throw invalidHost(
      `The authority ${url.host} is a local address`,
      'A local token server is used only when the user setting "fabricMl.allowLoopbackEndpoints" is on',
    );
  }
  if (url.protocol === 'http:' && !loopback) {
    throw invalidHost(`The authority ${url.host} uses plain http`, 'Entra authorities use https; plain http is allowed only for a local test server on 127.0.0.1');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalidHost(`Unsupported scheme ${url.protocol} in the custom authority host`, 'Use https://');
  }
  return { origin: `${url.protocol}//${url.host}`, loopback };
}

function invalidHost(title: string, action: string): AuthError {
  return new AuthError({ kind: 'invalidInput', title, action });
}

function clip(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
