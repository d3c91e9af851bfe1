// redact() is the last line of defence for anything logged, shown or exported: known secret values and
// token-shaped text must disappear, ordinary text must stay readable.
import * as assert from 'assert';
import { forgetSecret, redact, redactHeaders, registerSecret } from '../../src/core/redact';

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
});
