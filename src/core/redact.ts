// Removes secrets and tokens from anything that is logged, shown in a webview, exported or put in an
// error message. Two layers: known secret values (registered when they are read from SecretStorage or
// returned by MSAL) are replaced wherever they appear, in any letter case, percent- or form-encoded,
// JSON-escaped or wrapped across lines; and token-shaped text is masked by pattern.
import { isGuid } from './endpoints/endpointUrl';

const REDACTED = '[REDACTED]';
const knownSecrets = new Set<string>();
/** One case-insensitive alternation of every spelling of every known value; rebuilt when the set changes. */
let knownPattern: RegExp | undefined;

/** Registers a value that must never be shown (a client secret, an access token), however short. */
export function registerSecret(value: string | undefined): void {
  if (value === undefined || value.trim() === '') return;
  for (const v of new Set([value, value.trim()])) {
    if (!knownSecrets.has(v)) {
      knownSecrets.add(v);
      knownPattern = undefined;
    }
  }
}

/**
 * Registers an identifier that should stay out of logs (a tenant or client ID), but only when it cannot be an
 * ordinary word: a GUID or a dotted domain name. "common" or "organizations" are ignored, so that the product's
 * own text keeps its words. Returns whether the value was registered.
 */
export function registerIdentifier(value: string | undefined): boolean {
  const id = value?.trim() ?? '';
  if (!isGuid(id) && !DOMAIN_NAME_RE.test(id)) return false;
  registerSecret(id);
  return true;
}

/** Forgets a registered secret or identifier (e.g. after Clear credentials), so the set does not grow without bound. */
export function forgetSecret(value: string | undefined): void {
  if (!value) return;
  for (const v of [value, value.trim()]) {
    if (knownSecrets.delete(v)) knownPattern = undefined;
  }
}

/** At least two labels, a letter-only top-level label: contoso.onmicrosoft.com, not "common". */
const DOMAIN_NAME_RE = /^(?=.{4,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** The ways a value is written where it may leak: as is, percent-encoded, form-encoded, inside a JSON string. */
function spellings(value: string): string[] {
  const form = new URLSearchParams({ v: value }).toString().slice(2);
  return [value, encodeURIComponent(value), form, form.replace(/\+/g, '%20'), JSON.stringify(value).slice(1, -1)];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

function knownValuesPattern(): RegExp | undefined {
  if (knownSecrets.size === 0) return undefined;
  if (knownPattern) return knownPattern;
  const all = new Set<string>();
  for (const secret of knownSecrets) for (const spelling of spellings(secret)) all.add(spelling);
  // Longest first, so that a value is never half-replaced by a shorter one it contains.
  knownPattern = new RegExp([...all].sort((a, b) => b.length - a.length).map(escapeRegExp).join('|'), 'gi');
  return knownPattern;
}

/** A line break with the indentation around it: what wrapping puts inside a long value. */
const LINE_BREAK = /[ \t]*\r?\n[ \t]*/g;

/**
 * Replaces known values, also those wrapped across lines: they are searched in the text with its line breaks
 * taken out, and each match replaces the stretch of the original text it came from.
 */
function replaceKnownValues(text: string, known: RegExp): string {
  if (!text.includes('\n')) return text.replace(known, REDACTED);
  // origin[j] is the index in `text` of character j of `joined`.
  const origin: number[] = [];
  let joined = '';
  let from = 0;
  for (const lineBreak of text.matchAll(LINE_BREAK)) {
    for (let i = from; i < lineBreak.index; i++) origin.push(i);
    joined += text.slice(from, lineBreak.index);
    from = lineBreak.index + lineBreak[0].length;
  }
  for (let i = from; i < text.length; i++) origin.push(i);
  joined += text.slice(from);
  let out = '';
  let copied = 0;
  for (const match of joined.matchAll(known)) {
    if (match[0].length === 0) continue;
    const start = origin[match.index];
    if (start < copied) continue;
    out += `${text.slice(copied, start)}${REDACTED}`;
    copied = origin[match.index + match[0].length - 1] + 1;
  }
  return out + text.slice(copied);
}

/** Characters of an OAuth bearer token (RFC 6750 b64token). */
const TOKEN_CHARS = 'A-Za-z0-9\\-._~+/';

/** A word after "bearer" is a token when it is long, or has a digit or a token punctuation mark ("bearer token" is prose). */
function maskBearer(match: string, word: string, token: string): string {
  const looksLikeToken = token.length >= 20 || (token.length >= 8 && /[^A-Za-z]/.test(token));
  return looksLikeToken ? `${word} ${REDACTED}` : match;
}

const PATTERNS: Array<[RegExp, string | ((...args: string[]) => string)]> = [
  // Authorization / Proxy-Authorization: <scheme> xxx (header lines, JSON header maps, escaped JSON inside JSON)
  [/(authorization\\?["']?\s*[:=]\s*\\?["']?)(bearer\s+)?[^"'\s,}\\]+(\s[^"'\s,}\\]+)?/gi, `$1${REDACTED}`],
  // Cookie / Set-Cookie headers: the whole value, up to the end of the line or string
  [/(\b(?:set-)?cookie\\?["']?\s*:\s*\\?["']?)[^"'\r\n\\]+/gi, `$1${REDACTED}`],
  // bearer <token> anywhere, in any case
  [new RegExp(`\\b(bearer)\\s+([${TOKEN_CHARS}]+=*)`, 'gi'), maskBearer],
  // JWTs anywhere
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // form or JSON fields that carry secrets (also JSON escaped inside a JSON string)
  [/((?:client_secret|access_token|refresh_token|clientSecret|accessToken)\\?["']?\s*[=:]\s*\\?["']?)[^"'&\s,}\\]+/gi, `$1${REDACTED}`],
];

/** Returns the text with every known secret and every token-shaped substring replaced. */
export function redact(text: string): string {
  const known = knownValuesPattern();
  let out = known ? replaceKnownValues(text, known) : text;
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement as string);
  return out;
}

/** Headers whose whole value is a credential. */
const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

/** Redacts a header map for display: credential headers (Authorization, Proxy-Authorization, Cookie) are always replaced. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!CREDENTIAL_HEADERS.has(lower)) out[name] = redact(value);
    else out[name] = lower.endsWith('authorization') && /^bearer\s/i.test(value) ? `Bearer ${REDACTED}` : REDACTED;
  }
  return out;
}
