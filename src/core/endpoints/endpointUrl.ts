// Parsing and building of Fabric ML endpoint URLs, and the rule deciding which hosts may receive the
// bearer token. Fabric's default-version score path is spelled `mlModels`, every other path `mlmodels`;
// both spellings are accepted on input and the documented casing is produced on output.
import type { EndpointRef } from './model';

/** Hosts that speak the Fabric REST API. The token is sent to these (and to loopback when allowed) only. */
export const FABRIC_API_HOSTS: readonly string[] = ['api.fabric.microsoft.com'];

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
const GUID_RE = new RegExp(`^${GUID}$`);
const PATH_RE = /^\/v1\/workspaces\/([^/]+)\/mlmodels\/([^/]+)\/endpoint(?:\/versions\/([^/]+))?\/score\/?$/i;

export const SCORE_URL_EXAMPLE =
  'https://api.fabric.microsoft.com/v1/workspaces/<workspace-guid>/mlmodels/<model-guid>/endpoint/versions/<n>/score';

export class EndpointUrlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EndpointUrlError';
  }
}

export interface ParseOptions {
  /** Accept http(s)://127.0.0.1 / localhost / [::1] (local test servers). */
  allowLoopback: boolean;
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

export function isGuid(text: string): boolean {
  return GUID_RE.test(text);
}

/**
 * Parses a score URL copied from Fabric. Throws EndpointUrlError with a message that says what a valid URL
 * looks like. Query strings and fragments are ignored; a trailing slash is tolerated.
 */
export function parseScoreUrl(input: string, options: ParseOptions): EndpointRef {
  const text = input.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new EndpointUrlError(`"${truncate(text)}" is not a URL. Paste the score URL from the model's endpoint page in Fabric, e.g. ${SCORE_URL_EXAMPLE}`);
  }
  const portal = portalPageMessage(url);
  if (portal) throw new EndpointUrlError(portal);
  const loopback = isLoopbackHost(url.hostname);
  if (loopback && !options.allowLoopback) {
    throw new EndpointUrlError(`${url.host} is a local address. Turn on the user setting "fabricMl.allowLoopbackEndpoints" to call a local test server.`);
  }
  if (!loopback) {
    if (url.protocol !== 'https:') throw new EndpointUrlError(`Fabric endpoints use https. Plain http is allowed only on loopback. Expected ${SCORE_URL_EXAMPLE}`);
    if (!FABRIC_API_HOSTS.includes(url.hostname.toLowerCase())) {
      throw new EndpointUrlError(`${url.hostname} is not a Fabric API host (${FABRIC_API_HOSTS.join(', ')}). The credentials are only sent to Fabric. Expected ${SCORE_URL_EXAMPLE}`);
    }
  } else if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new EndpointUrlError(`Unsupported scheme ${url.protocol}. Expected ${SCORE_URL_EXAMPLE}`);
  }
  const m = PATH_RE.exec(url.pathname);
  if (!m) {
    throw new EndpointUrlError(`That is not a model endpoint score URL. It should end in /endpoint/versions/<n>/score (one version) or /endpoint/score (default version), e.g. ${SCORE_URL_EXAMPLE}`);
  }
  const [, workspaceId, modelId, version] = m;
  if (!isGuid(workspaceId)) throw new EndpointUrlError(`The workspace ID "${truncate(workspaceId)}" is not a GUID. Expected ${SCORE_URL_EXAMPLE}`);
  if (!isGuid(modelId)) throw new EndpointUrlError(`The model ID "${truncate(modelId)}" is not a GUID. Expected ${SCORE_URL_EXAMPLE}`);
  const ref: EndpointRef = {
    apiBase: `${url.protocol}//${url.host}/v1`,
    workspaceId: workspaceId.toLowerCase(),
    modelId: modelId.toLowerCase(),
  };
  if (version !== undefined) {
    try {
      ref.version = decodeURIComponent(version);
    } catch {
      throw new EndpointUrlError(`The version "${truncate(version)}" in the URL is not valid. Expected ${SCORE_URL_EXAMPLE}`);
    }
  }
  return ref;
}

/** Hosts of the Fabric portal (the pages a user browses), not of the API. */
const PORTAL_HOSTS = ['app.fabric.microsoft.com', 'app.powerbi.com'];
const PORTAL_MODEL_RE = /\/groups\/([^/]+)\/mlmodels\/([^/?#]+)/i;

/**
 * A user often copies the address bar of the model's page in the portal instead of the score URL. Say so, and
 * when the page names both IDs, give the default-version score URL built from them.
 */
function portalPageMessage(url: URL): string | undefined {
  if (!PORTAL_HOSTS.includes(url.hostname.toLowerCase())) return undefined;
  const m = PORTAL_MODEL_RE.exec(url.pathname);
  const base = 'This is a page of the Fabric portal, not the score URL. On the ML model\'s page, open the version\'s Endpoint details and copy its score URL';
  if (m && isGuid(m[1]) && isGuid(m[2])) {
    const derived = scoreUrl({ apiBase: `https://${FABRIC_API_HOSTS[0]}/v1`, workspaceId: m[1].toLowerCase(), modelId: m[2].toLowerCase() });
    return `${base}, or paste this URL, which calls the model's default version: ${derived}`;
  }
  return `${base} (${SCORE_URL_EXAMPLE}).`;
}

/** The score URL for a ref: `mlModels` for the default version, `mlmodels` for a version. */
export function scoreUrl(ref: EndpointRef, version = ref.version): string {
  return version === undefined
    ? `${ref.apiBase}/workspaces/${ref.workspaceId}/mlModels/${ref.modelId}/endpoint/score`
    : `${endpointUrl(ref)}/versions/${encodeURIComponent(version)}/score`;
}

/** `…/mlmodels/{model}/endpoint`: the metadata root of the model's endpoint. */
export function endpointUrl(ref: EndpointRef): string {
  return `${ref.apiBase}/workspaces/${ref.workspaceId}/mlmodels/${ref.modelId}/endpoint`;
}

export function versionUrl(ref: EndpointRef, version: string): string {
  return `${endpointUrl(ref)}/versions/${encodeURIComponent(version)}`;
}

/** The normalised text of a score URL (documented casing, no query, no trailing slash). */
export function normalizeScoreUrl(input: string, options: ParseOptions): string {
  return scoreUrl(parseScoreUrl(input, options));
}

/** True when a bearer token may be sent to this URL. */
export function isTokenHostAllowed(target: string, options: ParseOptions): boolean {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return false;
  }
  if (isLoopbackHost(url.hostname)) return options.allowLoopback && (url.protocol === 'http:' || url.protocol === 'https:');
  return url.protocol === 'https:' && FABRIC_API_HOSTS.includes(url.hostname.toLowerCase());
}

/** The host (with port) of a URL, or undefined when the text is not a URL. */
export function hostOf(url: string): string | undefined {
  try {
    return new URL(url).host;
  } catch {
    return undefined;
  }
}

function truncate(text: string, max = 80): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
