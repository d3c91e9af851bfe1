// redact() is the last line of defence for anything logged, shown or exported: known secret values and
// token-shaped text must disappear, ordinary text must stay readable.
import * as assert from 'assert';
import { forgetSecret, redact, redactHeaders, registerIdentifier, registerSecret } from '../../src/core/redact';

describe('redact', () => {
  it('replaces a registered secret wherever it appears, including URL-encoded form bodies', () => {
    const secret = 'demo~Secret.Value+with&odd=chars_0123456789';
    registerSecret(secret);
    try {
      const out = redact(`failed with secret ${secret} in "${secret}"`);
      assert.ok(!out.includes(secret));
      assert.strictEqual(out, 'failed with secret [REDACTED] in "[REDACTED]"');
    } finally {
      forgetSecret(secret);
    }
  });

  it('masks bearer tokens, JWTs and secret form/JSON fields', () => {
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXBhcnQ';
    assert.strictEqual(redact(`Authorization: Bearer abc.def-ghi`), 'Authorization: [REDACTED]');
    assert.strictEqual(redact(`token ${jwt} used`), 'token [REDACTED] used');
    assert.strictEqual(redact('client_id=1&client_secret=s3cr3t%2Bx&scope=y'), 'client_id=1&client_secret=[REDACTED]&scope=y');
    assert.strictEqual(redact('{"access_token":"opaque-token-value","expires_in":3599}'), '{"access_token":"[REDACTED]","expires_in":3599}');
  });

  it('leaves ordinary text alone', () => {
    const text = 'POST https://api.fabric.microsoft.com/v1/workspaces/abc/mlmodels/def/endpoint/versions/1/score -> 200 in 35 ms';
    assert.strictEqual(redact(text), text);
  });

  it('always replaces the Authorization header value for display', () => {
    assert.deepStrictEqual(redactHeaders({ Authorization: 'Bearer xyz', 'Content-Type': 'application/json' }),
      { Authorization: 'Bearer [REDACTED]', 'Content-Type': 'application/json' });
  });

  it('finds a registered secret percent-encoded, form-encoded, upper-cased or wrapped across lines', () => {
    const secret = 'Q8~x y+z/Secret_Val';
    registerSecret(secret);
    try {
      const written = [
        `client_id=1&password=${encodeURIComponent(secret)}&scope=x`,
        `body: ${new URLSearchParams({ p: secret }).toString()}`,
        `percent escapes in lower case: ${encodeURIComponent(secret).toLowerCase()}`,
        `shouted: ${secret.toUpperCase()}`,
        `wrapped: ${secret.slice(0, 7)}\r\n    ${secret.slice(7)}`,
        `json: {"note":${JSON.stringify(secret)}}`,
      ];
      for (const text of written) {
        const out = redact(text);
        assert.match(out, /\[REDACTED\]/, `redacted in: ${text}`);
        for (const piece of ['Secret_Val', 'SECRET_VAL', 'secret_val', 'Q8~x', 'Q8%7Ex', 'Q8%7EX']) {
          assert.ok(!out.includes(piece), `"${piece}" survived in: ${out}`);
        }
      }
      assert.equal(redact(`client_id=1&password=${encodeURIComponent(secret)}&scope=x`), 'client_id=1&password=[REDACTED]&scope=x');
    } finally {
      forgetSecret(secret);
    }
  });

  it('registers secrets of any length, and forgets them again', () => {
    registerSecret('k3Y');
    try {
      assert.equal(redact('the secret is k3Y.'), 'the secret is [REDACTED].');
    } finally {
      forgetSecret('k3Y');
    }
    assert.equal(redact('the secret is k3Y.'), 'the secret is k3Y.');
  });

  it('masks a bearer token in any case without an Authorization key, and leaves the words "bearer token" alone', () => {
    assert.equal(redact('retrying with bearer 0pAqu3-t0ken.value after 401'), 'retrying with bearer [REDACTED] after 401');
    assert.equal(redact('BEARER abcdefghijklmnopqrstuvwxyz'), 'BEARER [REDACTED]');
    assert.equal(redact('The bearer token was rejected.'), 'The bearer token was rejected.');
  });

  it('masks Authorization and secret fields in JSON escaped inside a JSON string', () => {
    const logged = JSON.stringify({ request: JSON.stringify({ headers: { Authorization: 'Bearer opaque!tok' }, form: { client_secret: 's3cr3t!v' } }) });
    const out = redact(logged);
    assert.ok(!out.includes('opaque') && !out.includes('tok\\"') && !out.includes('s3cr3t'), out);
    assert.equal(out, JSON.stringify({ request: JSON.stringify({ headers: { Authorization: '[REDACTED]' }, form: { client_secret: '[REDACTED]' } }) }));
  });

  it('masks Proxy-Authorization and Cookie headers, in header maps and in text', () => {
    assert.deepStrictEqual(
      redactHeaders({ 'Proxy-Authorization': 'Basic dXNlcjpwYXNz', Cookie: 'session=abc123; theme=dark', 'set-cookie': 'sid=xyz; HttpOnly', Accept: 'application/json' }),
      { 'Proxy-Authorization': '[REDACTED]', Cookie: '[REDACTED]', 'set-cookie': '[REDACTED]', Accept: 'application/json' },
    );
    assert.equal(redact('Proxy-Authorization: Basic dXNlcjpwYXNz\r\nCookie: session=abc123; theme=dark\r\nAccept: */*'),
      'Proxy-Authorization: [REDACTED]\r\nCookie: [REDACTED]\r\nAccept: */*');
    assert.equal(redact('{"cookie":"session=abc123"}'), '{"cookie":"[REDACTED]"}');
  });

  it('registers tenant and client IDs only when they cannot be ordinary words', () => {
    const tenant = '72F988BF-86F1-41AF-91AB-2D7CD011DB47';
    assert.equal(registerIdentifier(tenant), true);
    assert.equal(registerIdentifier('contoso.onmicrosoft.com'), true);
    assert.equal(registerIdentifier('common'), false);
    assert.equal(registerIdentifier('organizations'), false);
    assert.equal(registerIdentifier(''), false);
    try {
      assert.equal(redact(`tenant ${tenant.toLowerCase()} of contoso.onmicrosoft.com`), 'tenant [REDACTED] of [REDACTED]');
      const hint = 'Service principals sign in to one tenant; "common" and "organizations" are not allowed.';
      assert.equal(redact(hint), hint);
    } finally {
      forgetSecret(tenant);
      forgetSecret('contoso.onmicrosoft.com');
    }
  });
});
