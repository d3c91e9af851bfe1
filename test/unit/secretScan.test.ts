// The hard-coded-secret scan behind the .pq warning and its quick fix: it must find the ways a secret gets
// written into M (the how-to's token body, bindings, CallMLEndpoint's argument, a variable default), give
// offsets that cover exactly the literal, produce a replacement that removes the secret and still parses, and
// stay quiet on code that only refers to a secret.
import * as assert from 'assert';
import * as PQP from '@microsoft/powerquery-parser';
import { generateM, scanForSecrets, type SecretFinding, secretFixFor } from '../../src/core/mcode';
import { CHURN_INPUT_SIGNATURE } from '../../tools/fake-fabric';

const SECRET = 'Fx8Q~abcDEF123.ghiJKL456_mnoPQR789-stu';

async function parses(text: string): Promise<boolean> {
  return PQP.TaskUtils.isOk(await PQP.TaskUtils.tryLexParse(PQP.DefaultSettings, text));
}

/** The document after the quick fix for the warning over the finding's range (the edit the feature applies). */
function applyFix(text: string, finding: SecretFinding): string {
  const fix = secretFixFor(text, finding);
  assert.ok(fix, 'a quick fix is offered for the warning\'s range');
  return text.slice(0, fix.start) + fix.newText + text.slice(fix.end);
}

/** Scans, expects exactly one finding, checks its range, message and fix, and returns it with the fixed text. */
async function single(text: string, expectedLiteral: string): Promise<{ finding: SecretFinding; fixed: string }> {
  assert.ok(await parses(text), 'the sample itself parses');
  const findings = scanForSecrets(text);
  assert.strictEqual(findings.length, 1, `one finding, got ${JSON.stringify(findings)}`);
  const [finding] = findings;
  assert.strictEqual(text.slice(finding.start, finding.end), expectedLiteral, 'the range covers the literal');
  assert.ok(!finding.message.includes(SECRET), 'the message does not repeat the secret');
  assert.match(finding.message, /Anyone who can read this file or its history can call Fabric as the service principal\./);
  const fixed = applyFix(text, finding);
  assert.ok(!fixed.includes(SECRET), 'the fix removes the secret');
  assert.ok(await parses(fixed), `the fixed text parses:\n${fixed}`);
  assert.deepStrictEqual(scanForSecrets(fixed), [], 'nothing is left to flag');
  return { finding, fixed };
}

describe('scanForSecrets', () => {
  describe('finds', () => {
    it('a client_secret inside a literal token body (the how-to\'s style), and encodes the parameter in its place', async () => {
      const literal = `"client_id=abc&scope=https://api.fabric.microsoft.com/.default&client_secret=${SECRET}&grant_type=client_credentials"`;
      const text = `let\n    tokenBody = ${literal},\n    r = Text.ToBinary(tokenBody)\nin\n    r`;
      const { finding, fixed } = await single(text, literal);
      assert.strictEqual(finding.kind, 'tokenBodyText');
      assert.strictEqual(finding.fixTitle, 'Replace with parameter ClientSecret');
      assert.ok(fixed.includes('tokenBody = "client_id=abc&scope=https://api.fabric.microsoft.com/.default&client_secret=" & Uri.EscapeDataString(ClientSecret) & "&grant_type=client_credentials",'));
    });

    it('a record field client_secret = "literal" in Uri.BuildQueryString', async () => {
      const text = `Uri.BuildQueryString([client_id = ClientId, client_secret = "${SECRET}", grant_type = "client_credentials"])`;
      const { finding, fixed } = await single(text, `"${SECRET}"`);
      assert.strictEqual(finding.kind, 'binding');
      assert.strictEqual(finding.name, 'client_secret');
      assert.ok(fixed.includes('client_secret = ClientSecret,'));
    });

    it('a let binding named like a secret, after unicode text (offsets are UTF-16 like VS Code\'s)', async () => {
      const text = `let\n    Note = "Kündigungsmodell 😀",\n    clientSecret = "${SECRET}"\nin\n    clientSecret`;
      const { finding, fixed } = await single(text, `"${SECRET}"`);
      assert.strictEqual(finding.name, 'clientSecret');
      assert.ok(fixed.includes('clientSecret = ClientSecret\n'));
    });

    it('a quoted identifier #"Client Secret" = "literal"', async () => {
      const text = `let #"Client Secret" = "${SECRET}" in #"Client Secret"`;
      const { finding } = await single(text, `"${SECRET}"`);
      assert.strictEqual(finding.name, 'Client Secret');
    });

    it('a ClientSecret parameter query with a value: the fix keeps the parameter with a placeholder', async () => {
      const text = `section S;\nshared ClientSecret = "${SECRET}" meta [IsParameterQuery = true, Type = "Text", IsParameterQueryRequired = true];\n`;
      const { finding, fixed } = await single(text, `"${SECRET}"`);
      assert.strictEqual(finding.fixTitle, 'Replace with a placeholder');
      assert.ok(fixed.includes('shared ClientSecret = "<set in Manage parameters>" meta [IsParameterQuery = true'));
      assert.match(finding.message, /Home > Manage parameters/);
    });

    it('a let binding named exactly ClientSecret: the fix uses a variable-library reference, not a self-reference', async () => {
      const text = `let\n    ClientSecret = "${SECRET}",\n    Body = ClientSecret\nin\n    Body`;
      const { finding, fixed } = await single(text, `"${SECRET}"`);
      assert.strictEqual(finding.fixTitle, 'Replace with a variable-library reference');
      assert.ok(fixed.includes('ClientSecret = Variable.ValueOrDefault("$(/**/FabricML/ClientSecret)", "<set ClientSecret in the FabricML variable library>"),'));
    });

    it('the clientSecret argument of a CallMLEndpoint call', async () => {
      const text = `Table.AddColumn(Source, "p", each CallMLEndpoint(EndpointUrl, "tenant-guid", "client-guid", "${SECRET}", {[a], [b]}))`;
      const { finding, fixed } = await single(text, `"${SECRET}"`);
      assert.strictEqual(finding.kind, 'callArgument');
      assert.ok(fixed.includes('CallMLEndpoint(EndpointUrl, "tenant-guid", "client-guid", ClientSecret, {[a], [b]})'));
    });

    it('a real secret as the default of a variable-library reference', async () => {
      const text = `let s = Variable.ValueOrDefault("$(/**/MLConfig/ClientSecret)", "${SECRET}") in s`;
      const { finding, fixed } = await single(text, `"${SECRET}"`);
      assert.strictEqual(finding.kind, 'variableDefault');
      assert.ok(fixed.includes('Variable.ValueOrDefault("$(/**/MLConfig/ClientSecret)", "<set in the variable library>")'));
    });

    it('several findings in one document, in document order', () => {
      const text = `let\n    a = CallMLEndpoint(u, t, c, "${SECRET}", x),\n    mySecret = "${SECRET}2"\nin\n    a`;
      const findings = scanForSecrets(text);
      assert.deepStrictEqual(findings.map(f => f.kind), ['callArgument', 'binding']);
      assert.ok(findings[0].start < findings[1].start);
    });
  });

  describe('the quick fix replaces the whole secret, never a prefix', () => {
    // An `&` without `name=` after it, a space and a tab are part of a secret; only the next form field ends it.
    const PIECES = ['Fx8Q~abc', 'DEF&123', 'ghi.JKL_456'];

    async function fixesAll(text: string, expectedRange: string, expectedFixed: string): Promise<void> {
      assert.ok(await parses(text), 'the sample itself parses');
      const findings = scanForSecrets(text);
      assert.strictEqual(findings.length, 1, `one finding, got ${JSON.stringify(findings)}`);
      assert.strictEqual(text.slice(findings[0].start, findings[0].end), expectedRange, 'the warning covers every literal that holds the secret');
      const fixed = applyFix(text, findings[0]);
      for (const piece of PIECES) assert.ok(!fixed.includes(piece), `no part of the secret is left (${piece}):\n${fixed}`);
      assert.strictEqual(fixed, expectedFixed);
      assert.ok(await parses(fixed), `the fixed text parses:\n${fixed}`);
      assert.deepStrictEqual(scanForSecrets(fixed), [], 'nothing is left to flag');
    }

    it('a secret with a space, an & and a tab inside a token body literal', async () => {
      const literal = '"client_id=abc&client_secret=Fx8Q~abc DEF&123#(tab)ghi.JKL_456&grant_type=client_credentials"';
      await fixesAll(`let body = ${literal} in body`, literal,
        'let body = "client_id=abc&client_secret=" & Uri.EscapeDataString(ClientSecret) & "&grant_type=client_credentials" in body');
    });

    it('"client_secret=" & "literal": the concatenation of literals is the finding', async () => {
      const chain = '"client_id=abc&client_secret=" & "Fx8Q~abc" & "DEF&123 ghi.JKL_456" & "&grant_type=client_credentials"';
      await fixesAll(`let body = ${chain} in body`, chain,
        'let body = "client_id=abc&client_secret=" & Uri.EscapeDataString(ClientSecret) & "&grant_type=client_credentials" in body');
    });

    it('a second client_secret= in the same literal', async () => {
      const literal = '"client_secret=Fx8Q~abc&grant_type=client_credentials&client_secret=DEF&123 ghi.JKL_456"';
      await fixesAll(`let body = ${literal} in body`, literal,
        'let body = "client_secret=" & Uri.EscapeDataString(ClientSecret) & "&grant_type=client_credentials&client_secret=" & Uri.EscapeDataString(ClientSecret) in body');
    });

    it('a binding, a CallMLEndpoint argument and a variable default written as concatenated literals', async () => {
      await fixesAll('let clientSecret = "Fx8Q~abc" & "DEF&123" & "ghi.JKL_456" in clientSecret', '"Fx8Q~abc" & "DEF&123" & "ghi.JKL_456"',
        'let clientSecret = ClientSecret in clientSecret');
      await fixesAll('CallMLEndpoint(u, t, c, "Fx8Q~abc" & "DEF&123ghi.JKL_456", x)', '"Fx8Q~abc" & "DEF&123ghi.JKL_456"',
        'CallMLEndpoint(u, t, c, ClientSecret, x)');
      await fixesAll('Variable.ValueOrDefault("$(/**/L/ClientSecret)", "Fx8Q~abc" & "DEF&123ghi.JKL_456")', '"Fx8Q~abc" & "DEF&123ghi.JKL_456"',
        'Variable.ValueOrDefault("$(/**/L/ClientSecret)", "<set in the variable library>")');
    });

    it('offers no fix for a range that no longer holds a finding (the document changed)', () => {
      const text = `let clientSecret = "${SECRET}" in clientSecret`;
      const [finding] = scanForSecrets(text);
      assert.ok(secretFixFor(text, finding));
      assert.strictEqual(secretFixFor(text, { start: finding.start + 1, end: finding.end }), undefined);
    });
  });

  describe('stays quiet on', () => {
    const quiet: Array<[string, string]> = [
      ['the generated recommended variant', generateM('recommended', { endpointName: 'e', inputColumns: CHURN_INPUT_SIGNATURE })],
      ['the generated recommended variant with a variable library', generateM('recommended', { endpointName: 'e', inputColumns: [], secretSource: 'variableLibrary' })],
      ['the generated compatible variant', generateM('compatible', { endpointName: 'e', inputColumns: CHURN_INPUT_SIGNATURE })],
      ['a field bound to a parameter', 'Uri.BuildQueryString([client_id = ClientId, client_secret = ClientSecret])'],
      ['the how-to body built by concatenation', 'let b = "client_id=" & clientId & "&client_secret=" & clientSecret & "&grant_type=client_credentials" in b'],
      ['secrets in comments', `// clientSecret = "${SECRET}"\n/* client_secret=${SECRET} */\nlet x = 1 in x`],
      ['placeholders', 'let ClientSecret = "<your client secret>", b = "", clientSecret2 = "your-client-secret", s = "client_secret=<secret>" in b'],
      ['a comparison with a literal', `let ok = if ClientSecret = "${SECRET}" then 1 else 0 in ok`],
      ['names that describe a secret', 'let SecretName = "fabric-ml-client-secret", KeyVaultSecretUrl = "https://kv.vault.azure.net/secrets/x" in SecretName'],
      ['a variable-library reference with a placeholder default', 'Variable.ValueOrDefault("$(/**/MLConfig/ClientSecret)", "<set in library>")'],
      ['prose that mentions a client secret', 'let Help = "The client secret lives in Key Vault; never paste it here." in Help'],
      ['a secret-like binding inside a text literal', `let Note = "clientSecret = ""${SECRET}""" in Note`],
      ['a CallMLEndpoint call with parameters', 'CallMLEndpoint(EndpointUrl, TenantId, ClientId, ClientSecret, {[a]})'],
    ];
    for (const [label, text] of quiet) {
      it(label, () => assert.deepStrictEqual(scanForSecrets(text), []));
    }

    it('an unterminated literal at the end of the document (no crash, no finding)', () => {
      assert.deepStrictEqual(scanForSecrets(`let clientSecret = "${SECRET}`), []);
    });
  });
});
