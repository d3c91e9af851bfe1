// Password sign-in for the code-server instances started by `npm run demo` and the integration test runner.
// Without it, any local process or user who finds the loopback port gets a full workbench with a terminal.
// code-server takes the password from its config file (never from the command line, where `ps` would show it),
// answers an unauthenticated workbench request with a redirect to /login and every other path with 401, and
// sets a session cookie when the right password is POSTed to /login.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';

/** A fresh password for one run: 24 random bytes, URL-safe, never written anywhere but the private config file. */
export function newPassword() {
  return randomBytes(24).toString('base64url');
}

/** Writes a code-server config.yaml readable by this user only; pass it with `--config` and `--auth password`. */
export function writePasswordConfig(file, password) {
  fs.writeFileSync(file, `auth: password\npassword: ${password}\n`, { mode: 0o600 });
}

/**
 * Asks the server for the workbench and for a file on disk without a session cookie, as another local user
 * would. Returns what it answered and whether both were refused (workbench: redirect to the login page;
 * file: 401), so callers can fail loudly when a server is open to everyone.
 */
export async function probeAnonymousAccess(origin, someFile) {
  const workbench = await fetch(`${origin}/`, { redirect: 'manual' });
  const location = workbench.headers.get('location') ?? '';
  const resource = await fetch(`${origin}/vscode-remote-resource?path=${encodeURIComponent(someFile)}`, { redirect: 'manual' });
  await Promise.all([workbench.body?.cancel(), resource.body?.cancel()]);
  const refused = workbench.status === 302 && /(^|\/)login\b/.test(location) && resource.status === 401;
  return {
    refused,
    summary: `GET / → HTTP ${workbench.status}${location ? ` to ${location.split('?')[0]}` : ''}, GET /vscode-remote-resource → HTTP ${resource.status}`,
  };
}

/** Signs in the way the login form does; the returned cookie header opens the workbench. */
export async function signIn(origin, password) {
  const res = await fetch(`${origin}/login`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ password }),
  });
  await res.body?.cancel();
  // A wrong password answers 200 with the login page and an error; only a right one redirects with a cookie.
  const cookie = res.headers.getSetCookie().map(c => c.split(';')[0]).join('; ');
  if (res.status !== 302 || !cookie) throw new Error(`code-server refused the sign-in (HTTP ${res.status})`);
  return cookie;
}
