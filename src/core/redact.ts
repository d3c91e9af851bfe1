// Removes secrets and tokens from anything that is logged, shown in a webview, exported or put in an
// error message. Two layers: known secret values (registered when they are read from SecretStorage or
// returned by MSAL) are replaced wherever they appear, and token-shaped text is masked by pattern.

const REDACTED = '[REDACTED]';
const knownSecrets = new Set<string>();

/** Registers a value that must never be shown (a client secret, an access token). */
export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 6) knownSecrets.add(value);
}

/** Forgets a value (e.g. after Clear credentials), so the set does not grow without bound. */
export function forgetSecret(value: string | undefined): void {
  if (value) knownSecrets.delete(value);
}

const PATTERNS: Array<[RegExp, string]> = [
  // Authorization: Bearer xxx (header lines and JSON header maps)
  [/(authorization["']?\s*[:=]\s*["']?)(bearer\s+)?[^"'\s,}]+(\s[^"'\s,}]+)?/gi, `$1${REDACTED}`],
  [/\bBearer\s+[A-Za-z0-9\-._~+/]+=*/g, `Bearer ${REDACTED}`],
  // JWTs anywhere
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, REDACTED],
  // form or JSON fields that carry secrets
  [/((?:client_secret|access_token|refresh_token|clientSecret|accessToken)["']?\s*[=:]\s*["']?)[^"'&\s,}]+/gi, `$1${REDACTED}`],
];

/** Returns the text with every known secret and every token-shaped substring replaced. */
export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
  return out;
}

/** Redacts a header map for display: the Authorization value is always replaced. */
export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    out[name] = name.toLowerCase() === 'authorization' ? `Bearer ${REDACTED}` : redact(value);
  }
  return out;
}
