// A one-click sign-in link for `npm run demo`: a static page on its own loopback port that posts the password
// from the link's #fragment to code-server's /login form, which sets the session cookie and opens the workbench.
// The fragment never leaves the browser (it is not part of the HTTP request), so this page's server never sees
// the password; the script removes it from the address bar and history before submitting.
import { createHash } from 'node:crypto';
import http from 'node:http';

const SCRIPT = `const password = decodeURIComponent(location.hash.slice(1));
history.replaceState(null, '', location.pathname);
if (password) { const form = document.forms[0]; form.password.value = password; form.submit(); }
else document.querySelector('p').textContent = 'This link has no password: copy the whole link that npm run demo printed, including the part after #.';`;

const escapeAttribute = s => s.replaceAll('&', '&amp;').replaceAll('"', '&quot;').replaceAll('<', '&lt;');

/** Serves the page on 127.0.0.1 (random port); `workbenchPath` is where code-server sends the browser after login. */
export async function startSignInPage(codeServerOrigin, workbenchPath) {
  // /login keeps the query string and redirects to the workbench with it once the password is right.
  const action = `${codeServerOrigin}/login${workbenchPath.slice(workbenchPath.indexOf('?'))}`;
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fabric ML demo: signing in</title></head>
<body><p>Signing in to the Fabric ML demo…</p>
<form method="post" action="${escapeAttribute(action)}"><input type="hidden" name="password"></form>
<script>${SCRIPT}</script></body></html>`;
  const scriptHash = createHash('sha256').update(SCRIPT).digest('base64');
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || new URL(req.url, 'http://x').pathname !== '/') { res.statusCode = 404; res.end(); return; }
    res.writeHead(200, {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'referrer-policy': 'no-referrer',
      // Only this page's own script runs, and the form may post to code-server only.
      'content-security-policy': `default-src 'none'; script-src 'sha256-${scriptHash}'; form-action ${codeServerOrigin}; base-uri 'none'; frame-ancestors 'none'`,
    });
    res.end(html);
  });
  await new Promise((resolve, reject) => { server.once('error', reject); server.listen(0, '127.0.0.1', resolve); });
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}
