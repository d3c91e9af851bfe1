// The generated M must be valid Power Query (checked with @microsoft/powerquery-parser, the parser behind the
// Power Query language service), follow the refresh-safe patterns (literal base URL + RelativePath, encoded
// token body, batches, one token per refresh, the `inputs` body) and never carry a credential.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as PQP from '@microsoft/powerquery-parser';
import type { EndpointRef } from '../../src/core/endpoints/model';
import {
  generateM, type GenerateMInput, isBareIdentifier, mIdentifier, MGenerationError, mText, scanForSecrets, tokenizeM,
  type MVariant,
} from '../../src/core/mcode';
import { recommendedQueries } from '../../src/core/mcode/generateRecommended';
import { checkMScope } from '../support/mScopeCheck';
import {
  CHURN_INPUT_SIGNATURE, CHURN_OUTPUT_SIGNATURE, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_MODEL_ID, DEMO_TENANT_ID,
  DEMO_WORKSPACE_ID,
} from '../../tools/fake-fabric';

interface ParseOutcome {
  ok: boolean;
  stage?: string;
  message?: string;
  line?: number;
  character?: number;
}

/** Lex + parse with powerquery-parser 2.0.0. Lex errors are not `instanceof LexError` (a 2.0.0 bug): branch on the stage. */
async function parseM(text: string): Promise<ParseOutcome> {
  const task = await PQP.TaskUtils.tryLexParse(PQP.DefaultSettings, text);
  if (PQP.TaskUtils.isOk(task)) return { ok: true };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const error = (task as any).error;
  const inner = error?.innerError ?? error;
  const pos = inner?.foundToken?.token?.positionStart ?? inner?.positionStart ?? inner?.graphemePosition;
  return { ok: false, stage: task.stage, message: inner?.message, line: pos?.lineNumber, character: pos?.lineCodeUnit };
}

async function assertParses(text: string, what: string): Promise<void> {
  const r = await parseM(text);
  if (!r.ok) {
    const lines = text.split('\n');
    const at = r.line ?? 0;
    assert.fail(`${what} does not parse (${r.stage}): ${r.message} at line ${at + 1}:${(r.character ?? 0) + 1}\n${lines.slice(Math.max(0, at - 2), at + 2).join('\n')}`);
  }
}

function count(text: string, re: RegExp): number {
  return (text.match(re) ?? []).length;
}

const VERSION_REF: EndpointRef = { apiBase: 'https://api.fabric.microsoft.com/v1', workspaceId: DEMO_WORKSPACE_ID, modelId: DEMO_MODEL_ID, version: '1' };
const DEFAULT_REF: EndpointRef = { apiBase: 'https://api.fabric.microsoft.com/v1', workspaceId: DEMO_WORKSPACE_ID, modelId: DEMO_MODEL_ID };

/** Column names that need M quoting or escaping. */
const AWKWARD_COLUMNS = [
  'monthly income', 'say "hi"', 'a#b', 'x#(lf)y', 'größe', '日本語', 'type', 'each', 'let', 'in', 'if', 'null',
  'section', '1st value', 'a.b', 'tab\there', 'line\nbreak', '_', '',
];

const churn = (extra: Partial<GenerateMInput> = {}): GenerateMInput => ({
  endpointName: 'churn-model',
  ref: VERSION_REF,
  inputColumns: CHURN_INPUT_SIGNATURE.map(f => ({ name: f.name, type: f.type })),
  outputColumns: CHURN_OUTPUT_SIGNATURE.map(f => ({ name: f.name, type: f.type })),
  ...extra,
});

const FIXTURES: Array<{ label: string; input: GenerateMInput }> = [
  { label: 'churn-model, version 1, full signature', input: churn() },
  {
    label: 'default version, awkward column names, every output type',
    input: {
      endpointName: 'Kündigung "v2" #1',
      ref: DEFAULT_REF,
      inputColumns: AWKWARD_COLUMNS.map((name, i) => ({ name, type: ['double', 'long', 'boolean', 'string', 'datetime'][i % 5] })),
      outputColumns: [
        { name: 'score', type: 'double' }, { name: 'count', type: 'long' }, { name: 'flag', type: 'boolean' },
        { name: 'label text', type: 'string' }, { name: 'when', type: 'datetime' }, { name: 'type', type: 'tensor' },
      ],
      batchSize: 250,
      sourceStep: 'Changed Type',
    },
  },
  {
    label: 'no endpoint reference, columns from a CSV header, no output signature',
    input: { endpointName: 'csv only', inputColumns: ['id', 'first name', 'amount (EUR)'].map(name => ({ name })) },
  },
  {
    label: 'no columns at all, sovereign cloud, local test server',
    input: {
      endpointName: '123',
      ref: { apiBase: 'http://127.0.0.1:49152/v1', workspaceId: DEMO_WORKSPACE_ID, modelId: DEMO_MODEL_ID, version: 'v 2/beta' },
      authorityHost: 'login.microsoftonline.us',
      inputColumns: [],
    },
  },
  {
    label: 'an endpoint name that tries to break out of strings and comments',
    input: churn({ endpointName: 'x"); Web.Contents("https://evil.example") /* \n// in let', sourceStep: 'a"b\r\nc' }),
  },
];

const VARIANTS: MVariant[] = ['recommended', 'compatible', 'invocation'];

describe('M generation', () => {
  describe('every variant parses with powerquery-parser', () => {
    for (const { label, input } of FIXTURES) {
      for (const variant of VARIANTS) {
        it(`${variant}: ${label}`, async () => {
          const text = generateM(variant, input);
          await assertParses(text, `${variant} for ${label}`);
          assert.deepStrictEqual(scanForSecrets(text), [], 'the secret scan finds nothing in generated M');
        });
        it(`${variant}: ${label}: declares every name it uses, once`, async () => {
          const text = generateM(variant, input);
          // The invocation step goes with the recommended queries; the apply query names the user's source query.
          const elsewhere = variant === 'invocation' ? recommendedQueries(input).map(q => q.name) : [];
          if (input.sourceStep) elsewhere.push(input.sourceStep);
          assert.deepStrictEqual(await checkMScope(text, elsewhere), []);
        });
      }
    }

    it('recommended without the section header parses after an existing section document', async () => {
      const text = generateM('recommended', churn({ intoSectionDocument: true }));
      assert.ok(!/^\s*section\b/m.test(text), 'no section line');
      await assertParses(`section Existing;\n\nshared Source = #table({"age"}, {{41}});\n\n${text}`, 'appended recommended');
    });

    it('compatible and invocation become shared members when inserted into a section document', async () => {
      const header = 'section Existing;\n\nshared Source = #table({"age"}, {{41}});\n\n';
      const compatible = generateM('compatible', churn({ intoSectionDocument: true }));
      const invocation = generateM('invocation', churn({ intoSectionDocument: true, sourceStep: 'Source' }));
      assert.match(compatible, /^shared CallMLEndpoint =\n {4}let\n/m);
      assert.match(invocation, /^shared #"Scored with churn-model" =\n {4}let\n/m);
      assert.ok(compatible.trimEnd().endsWith(';') && invocation.trimEnd().endsWith(';'));
      await assertParses(header + compatible + '\n' + invocation, 'section with compatible and invocation members');
      assert.strictEqual((await parseM(header + generateM('compatible', churn()))).ok, false, 'a bare let after a section header would not parse');
    });

    it('recommended with the secret from a variable library parses and warns that the library has no secret type', async () => {
      const text = generateM('recommended', churn({ secretSource: 'variableLibrary', variableLibrary: 'MLConfig' }));
      await assertParses(text, 'variable-library recommended');
      assert.match(text, /^shared ClientSecret =\n(?: {4}\/\/.*\n)+ {4}Variable\.ValueOrDefault\("\$\(\/\*\*\/MLConfig\/ClientSecret\)", "<set ClientSecret in the MLConfig variable library>"\);$/m);
      assert.match(text, /WARNING: the variable library has no secret type/);
    });
  });

  describe('recommended variant', () => {
    const text = generateM('recommended', churn());

    it('calls Web.Contents only with literal host roots and puts the path in RelativePath', () => {
      const bases = [...text.matchAll(/Web\.Contents\(([^,]*),/g)].map(m => m[1]);
      assert.deepStrictEqual(bases, ['"https://login.microsoftonline.com"', '"https://api.fabric.microsoft.com"']);
      assert.match(text, /RelativePath = Uri\.EscapeDataString\(tenantId\) & "\/oauth2\/v2\.0\/token"/);
      assert.match(text, /RelativePath = scorePath,/);
      assert.ok(text.includes('"v1/workspaces/" & WorkspaceId & "/mlmodels/" & ModelId & "/endpoint/versions/" & Uri.EscapeDataString(ModelVersion) & "/score"'));
      assert.ok(text.includes('"v1/workspaces/" & WorkspaceId & "/mlModels/" & ModelId & "/endpoint/score"'), 'default-version path with Fabric\'s casing');
    });

    it('form-encodes the token body with Uri.BuildQueryString and sends the `values` body with `inputs`', () => {
      assert.match(text, /Content = Text\.ToBinary\(Uri\.BuildQueryString\(\[\s*client_id = clientId,\s*client_secret = clientSecret,/);
      assert.ok(text.includes('Body = Json.FromValue([formatType = "dataframe", orientation = "values", inputs = rows]),'));
    });

    it('handles 400/404/409/500/502 itself, retries 500/502 a bounded number of times and reports 202 clearly', () => {
      assert.ok(text.includes('ManualStatusHandling = {400, 404, 409, 413, 500, 502},'));
      assert.match(text, /MaxRetries = 3,/);
      assert.match(text, /List\.Generate\(/);
      assert.match(text, /Function\.InvokeAfter\(\(\) => Send\(outcome\[Attempt\] \+ 1\), #duration\(0, 0, 0, Number\.Power\(2, outcome\[Attempt\]\)\)\)/);
      assert.match(text, /IsRetry = attempt > 0,/);
      assert.match(text, /else if Final\[Status\] = 202 then error Error\.Record\(\s*"FabricML\.ScoringDeferred"/);
      assert.match(text, /error Error\.Record\(\s*"FabricML\." & ErrorCode,/, 'the reason carries Fabric\'s errorCode');
      assert.match(text, /RequestId = Field\("requestId"\)/);
    });

    it('renews the token once per BatchesPerToken batches, with a request the engine cannot answer from its cache', () => {
      assert.strictEqual(count(text, /\bGetFabricToken\(/g), 1, 'exactly one call of the token function');
      assert.match(text, /^shared BatchesPerToken =\n(?: {4}\/\/.*\n)+ {4}50 meta \[IsParameterQuery = true, Type = "Number", IsParameterQueryRequired = true\];$/m);
      assert.match(text, /Groups = List\.Split\(Batches, BatchesPerToken\),/);
      assert.match(text, /Scored = List\.Combine\(List\.Transform\(List\.Positions\(Groups\), \(group\) =>\s*let\s*Token = GetFabricToken\(TenantId, ClientId, ClientSecret, group\)\s*in\s*List\.Transform\(Groups\{group\}, \(batch\) => ScoreBatch\(batch, Token\)\)\)\),/);
      assert.match(text, /\(tenantId as text, clientId as text, clientSecret as text, renewal as number\) as text =>/);
      assert.match(text, /ManualStatusHandling = \{400\},\s*IsRetry = renewal > 0,/, 'a renewal is a retry: never served from the cache');
    });

    it('reads each batch once: the body and the joined predictions come from the same buffered rows', () => {
      assert.match(text, /ScoreBatch = \(batch as table, token as text\) as table =>\s*let\s*Rows = Table\.Buffer\(batch\),\s*Predictions = List\.Buffer\(FabricScoreBatch\(token, ScorePath, ToValues\(Rows\)\)\)\s*in\s*AddOutputs\(Rows, Predictions\),/);
      assert.ok(!/ToValues\(batch\)|AddOutputs\(batch,/.test(text), 'no step reads the unbuffered batch');
    });

    it('carries [AllowCombine = true] on its section, so scoring another query\'s table is not blocked by the firewall', () => {
      assert.match(text, /^\[AllowCombine = true\]\nsection FabricML;$/m);
    });

    it('reports HTTP 413 as a batch too large for the endpoint', () => {
      assert.ok(text.includes('else if Final[Status] = 413 then error Error.Record('));
      assert.ok(text.includes('"HTTP 413: the batch is too large for the endpoint: lower BatchSize (this batch has " & Text.From(List.Count(rows)) & " rows).",'));
    });

    it('says honestly where a parameter\'s value is stored, and offers the variable library', () => {
      assert.ok(!text.includes('keep its value out of files'), 'no promise a parameter cannot keep');
      assert.match(text, /A parameter's value is stored in plain text in the dataflow's mashup\.pq/);
      assert.match(text, /variable-library form keeps it out of mashup\.pq/);
    });

    it('takes a datetimezone input in UTC, not in the machine\'s local time', () => {
      const out = generateM('recommended', churn({ inputColumns: [{ name: 'at', type: 'datetime' }] }));
      assert.ok(out.includes('[Name = "at", Type = type datetime, Convert = (value) => if value is datetimezone then DateTimeZone.RemoveZone(DateTimeZone.SwitchZone(value, 0)) else DateTime.From(value)]'));
    });

    it('declares the parameters and fills the IDs (not the credentials) from the endpoint', () => {
      // A parameter is `shared Name = value meta [...]`, with its comment lines (if any) inside the member.
      const param = (name: string, value: string, required = 'true', type = 'Text') => new RegExp(
        `^shared ${name} =(?:\\n(?: {4}//.*\\n)+ {4}| )${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} meta \\[IsParameterQuery = true, Type = "${type}", IsParameterQueryRequired = ${required}\\];$`, 'm');
      assert.match(text, param('TenantId', '"<tenant-id>"'));
      assert.match(text, param('ClientId', '"<client-id>"'));
      assert.match(text, param('ClientSecret', '"<set in Manage parameters>"'));
      assert.match(text, param('WorkspaceId', `"${DEMO_WORKSPACE_ID}"`));
      assert.match(text, param('ModelId', `"${DEMO_MODEL_ID}"`));
      assert.match(text, param('ModelVersion', '"1"', 'false'), 'an empty version is legitimate: not required');
      assert.match(text, param('BatchSize', '100', 'true', 'Number'));
      assert.match(generateM('recommended', { ...churn(), ref: DEFAULT_REF }), param('ModelVersion', '""', 'false'), 'default-version form');
      assert.match(generateM('recommended', churn({ batchSize: 37 })), param('BatchSize', '37', 'true', 'Number'));
    });

    it('splits the table into batches and sends the columns in signature order', () => {
      assert.match(text, /Batches = Table\.Split\(Checked, BatchSize\)/);
      const names = [...text.matchAll(/^ {16}\[Name = "([^"]+)", Type = [^,]+, Convert = [^\]]+\],?$/gm)].map(m => m[1]);
      assert.deepStrictEqual(names, [...CHURN_INPUT_SIGNATURE.map(f => f.name), ...CHURN_OUTPUT_SIGNATURE.map(f => f.name)]);
      assert.match(text, /List\.Transform\(InputColumns, \(column\) => column\[Convert\]\(Record\.Field\(row, column\[Name\]\)\)\)/);
    });

    it('joins predictions back as typed columns named from the output signature', () => {
      const out = generateM('recommended', churn({
        outputColumns: [
          { name: 'p', type: 'double' }, { name: 'n', type: 'long' }, { name: 'b', type: 'boolean' },
          { name: 's', type: 'string' }, { name: 'd', type: 'datetime' },
        ],
      }));
      const utc = '(value) => if value is datetimezone then DateTimeZone.RemoveZone(DateTimeZone.SwitchZone(value, 0)) else DateTime.From(value)';
      for (const [name, type, convert] of [['p', 'type number', 'Number.From'], ['n', 'Int64.Type', 'Int64.From'], ['b', 'type logical', 'Logical.From'], ['s', 'type text', 'Text.From'], ['d', 'type datetime', utc]]) {
        assert.ok(out.includes(`[Name = "${name}", Type = ${type}, Convert = ${convert}]`), `${name} → ${type}`);
      }
      assert.match(out, /Table\.AddColumn\(\s*current,\s*OutputNames\{position\},[\s\S]*?OutputColumns\{position\}\[Type\]\)\)/);
      assert.match(generateM('recommended', churn({ outputColumns: undefined })), /\[Name = "prediction", Type = type any, Convert = \(value\) => value\]/);
    });

    it('uses the configured cloud\'s authority host as the token base', () => {
      const us = generateM('recommended', churn({ authorityHost: 'https://login.microsoftonline.us/' }));
      assert.match(us, /Web\.Contents\("https:\/\/login\.microsoftonline\.us", \[/);
      assert.ok(!us.includes('login.microsoftonline.com'));
    });
  });

  describe('compatible variant', () => {
    const text = generateM('compatible', churn());

    it('keeps the how-to signature and derives RelativePath from endpointUrl after a literal base', () => {
      assert.match(text, /CallMLEndpoint = \(endpointUrl as text, tenantId as text, clientId as text, clientSecret as text, inputData as any\) as record =>/);
      assert.ok(text.includes('FabricPrefix = "https://api.fabric.microsoft.com/",'));
      assert.match(text, /Text\.StartsWith\(endpointUrl, FabricPrefix, Comparer\.OrdinalIgnoreCase\) then Text\.Range\(endpointUrl, Text\.Length\(FabricPrefix\)\)/);
      assert.match(text, /becomes the RelativePath/, 'a comment explains why');
      const bases = [...text.matchAll(/Web\.Contents\(([^,]*),/g)].map(m => m[1]);
      assert.deepStrictEqual(bases, ['"https://login.microsoftonline.com"', '"https://api.fabric.microsoft.com"']);
      assert.match(text, /RelativePath = ScorePath,/);
    });

    it('encodes the token body and wraps the rows in the documented body with `inputs`', () => {
      assert.match(text, /Content = Text\.ToBinary\(Uri\.BuildQueryString\(\[\s*client_id = clientId,\s*client_secret = clientSecret,/);
      assert.ok(text.includes('Content = Json.FromValue([formatType = "dataframe", orientation = "values", inputs = Rows]),'));
      assert.ok(text.includes('ManualStatusHandling = {400, 404, 409, 413, 500, 502},'));
      assert.match(text, /Status = 202 then error Error\.Record\(/);
      assert.match(text, /else if Status = 413 then error Error\.Record\(\s*"CallMLEndpoint\.BatchTooLarge",\s*"HTTP 413: the batch is too large for the endpoint: lower BatchSize/);
    });

    it('refuses a row that lacks an input column instead of sending null for it', () => {
      assert.ok(!text.includes('Record.FieldOrDefault(row, column[Name], null)'), 'no silent null for a missing column');
      assert.match(text, /Missing = List\.Difference\(List\.Transform\(InputColumns, \(column\) => column\[Name\]\), Record\.FieldNames\(row\)\)/);
      assert.match(text, /else error Error\.Record\(\s*"CallMLEndpoint\.MissingColumns",\s*"The input lacks the column\(s\) " & Text\.Combine\(Missing, ", "\) & " that the model expects\.",/);
    });
  });

  describe('invocation variant', () => {
    it('applies the scoring function to the previous step and names the columns it sends', async () => {
      const text = generateM('invocation', {
        endpointName: 'churn-model',
        inputColumns: AWKWARD_COLUMNS.slice(0, 4).map(name => ({ name })),
        sourceStep: 'Changed Type',
      });
      await assertParses(text, 'invocation');
      assert.ok(text.includes('    Source = #"Changed Type",'));
      assert.ok(text.includes('    #"Scored with churn-model" = ScoreChurnModel(Source)'));
      assert.match(text, /^in\n {4}#"Scored with churn-model"$/m);
      assert.ok(text.includes('// Columns sent, in the model\'s order: monthly income, say "hi", a#b, x#(lf)y. A missing column is an error.'));
    });

    it('references no name that the recommended queries do not declare (no EndpointUrl, no list-typed column)', async () => {
      const text = generateM('invocation', churn({ sourceStep: 'Customers' }));
      assert.ok(!/EndpointUrl|CallMLEndpoint|type list/.test(text), text);
      assert.deepStrictEqual(await checkMScope(text, [...recommendedQueries(churn()).map(q => q.name), 'Customers']), []);
    });

    it('a source step called Source does not become the self-reference `Source = Source`', async () => {
      const text = generateM('invocation', churn({ sourceStep: 'Source' }));
      assert.ok(!/\bSource = Source\b/.test(text), text);
      assert.ok(text.includes('    Rows = Source,') && text.includes('= ScoreChurnModel(Rows)'));
      await assertParses(text, 'invocation from Source');
    });

    it('without a source step starts from an empty table typed like the signature', () => {
      const text = generateM('invocation', churn());
      assert.ok(text.includes('Source = #table(type table [age = number, income = number, tenure_months = number, is_active = logical, plan = text, signup_date = datetime], {}),'));
    });
  });

  describe('the scope check (unknown and duplicate names)', () => {
    it('fails on a deliberately undeclared name and on a duplicate member', async () => {
      const problems = await checkMScope('section S;\nshared A = Text.From(B);\nshared A = 1;\n');
      assert.deepStrictEqual(problems.map(p => `${p.code} ${p.line}`).sort(), ['Error.DuplicateIdentifier 2', 'Error.DuplicateIdentifier 3', 'Error.UnknownIdentifier 2']);
      assert.match(problems.find(p => p.code === 'Error.UnknownIdentifier')!.message, /Cannot find the name 'B'/);
    });

    it('fails on a standard-library call with the wrong number of arguments', async () => {
      assert.deepStrictEqual(await checkMScope('let x = Table.Split({}) in x'), [{ code: 'ArgumentCount', message: 'Table.Split takes 2–2 arguments, not 1.', line: 1 }]);
    });

    it('fails on the invocation step as it was generated before (a custom column calling CallMLEndpoint with EndpointUrl)', async () => {
      const before = [
        'let',
        '    Source = Customers,',
        '    #"Scored with churn-model" = ScoreChurnModel(Source),',
        '    #"Added churn-model result" = Table.AddColumn(',
        '        Source,',
        '        "churn-model result",',
        '        each CallMLEndpoint(EndpointUrl, TenantId, ClientId, ClientSecret, {[age], [income]})[predictions]{0},',
        '        type list)',
        'in',
        '    #"Scored with churn-model"',
      ].join('\n');
      const declared = [...recommendedQueries(churn()).map(q => q.name), 'Customers'];
      const unknown = (await checkMScope(before, declared)).filter(p => p.code === 'Error.UnknownIdentifier').map(p => p.message);
      assert.deepStrictEqual(unknown, ["Cannot find the name 'CallMLEndpoint'.", "Cannot find the name 'EndpointUrl'."]);
    });
  });

  describe('credentials never reach the generated M', () => {
    const sentinels = { tenantId: 'SENTINEL-TENANT-7f3a', clientId: 'SENTINEL-CLIENT-91bc', clientSecret: 'SENTINEL~SECRET+&=42' };
    for (const variant of VARIANTS) {
      it(`${variant}: no tenant, client or secret value from the caller's objects`, () => {
        // A careless caller spreads its credentials into the input: the generator must ignore them.
        const input = { ...churn(), ...sentinels, credentials: sentinels } as GenerateMInput;
        for (const generated of [generateM(variant, input), generateM(variant, { ...input, secretSource: 'variableLibrary' })]) {
          for (const value of [...Object.values(sentinels), DEMO_TENANT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, 'SENTINEL']) {
            assert.ok(!generated.includes(value), `${variant} contains ${value}`);
          }
        }
      });
    }
  });

  describe('bad input', () => {
    it('rejects duplicate column names, naming the column and both positions', () => {
      assert.throws(
        () => generateM('recommended', { endpointName: 'e', inputColumns: [{ name: 'a' }, { name: 'b' }, { name: 'a' }] }),
        (e: unknown) => e instanceof MGenerationError && e.message === 'Input column "a" appears twice (columns 1 and 3); Power Query column names must be unique.',
      );
    });

    it('rejects a batch size that is not a positive whole number', () => {
      assert.throws(() => generateM('recommended', churn({ batchSize: 0 })), /batch size must be a whole number from 1 to 100000, not 0/);
      assert.throws(() => generateM('recommended', churn({ batchSize: 2.5 })), /not 2\.5/);
    });

    it('rejects an unknown variant', () => {
      assert.throws(() => generateM('other' as MVariant, churn()), /Unknown M variant "other"; expected one of recommended, compatible, invocation/);
    });
  });
});

describe('M text and identifier escaping', () => {
  const NASTY = ['plain', 'with "quotes"', '#(lf) literal', '#(#)', 'cr\rlf\n tab\t', 'bell\u0007', 'emoji 😀', 'line\u2028sep', 'end#', '""', '#"x"', ...AWKWARD_COLUMNS];

  it('mText writes literals that read back as the same text', async () => {
    for (const value of NASTY) {
      const literal = mText(value);
      const [token] = tokenizeM(literal);
      assert.strictEqual(token.value, value, `round trip of ${JSON.stringify(value)}`);
      assert.strictEqual(token.end, literal.length);
      await assertParses(`let x = ${literal} in x`, `literal ${JSON.stringify(value)}`);
    }
    assert.strictEqual(mText('a"b\r\n\tc#(d'), '"a""b#(cr)#(lf)#(tab)c#(#)(d"');
  });

  it('mIdentifier quotes exactly what needs quoting, and the result works as a binding name', async () => {
    assert.strictEqual(mIdentifier('age'), 'age');
    assert.strictEqual(mIdentifier('größe'), 'größe');
    assert.strictEqual(mIdentifier('type'), '#"type"');
    assert.strictEqual(mIdentifier('1st'), '#"1st"');
    assert.strictEqual(mIdentifier('a b'), '#"a b"');
    assert.strictEqual(mIdentifier('Table.Split'), '#"Table.Split"');
    assert.ok(!isBareIdentifier('each') && !isBareIdentifier('') && isBareIdentifier('_x1'));
    for (const name of NASTY) {
      const id = mIdentifier(name);
      await assertParses(`let ${id} = 1, y = [${id} = 2][${id}] in ${id} + y`, `identifier ${JSON.stringify(name)}`);
    }
  });
});

describe('Power Query snippets (media/snippets/powerquery.json)', () => {
  const file = path.resolve(__dirname, '../../../media/snippets/powerquery.json');
  const snippets = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, { prefix: string[] | string; body: string[]; description: string }>;
  /** The text VS Code inserts when every placeholder keeps its default. */
  const expand = (body: string[]) => body.join('\n').replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$\d+/g, '').replace(/\\\$/g, '$');

  it('offers fabricml-call, fabricml-token, fabricml-batch and fabricml-secret', () => {
    const prefixes = Object.values(snippets).flatMap(s => (Array.isArray(s.prefix) ? s.prefix : [s.prefix]));
    for (const p of ['fabricml-call', 'fabricml-token', 'fabricml-batch', 'fabricml-secret']) assert.ok(prefixes.includes(p), p);
  });

  it('every snippet parses with its default placeholders and holds no secret', async () => {
    for (const [name, s] of Object.entries(snippets)) {
      const text = expand(s.body);
      await assertParses(text, `snippet ${name}`);
      assert.deepStrictEqual(scanForSecrets(text), [], name);
    }
  });

  it('the per-row snippet adds a typed scalar column, never a list column (which no destination can load)', () => {
    const call = expand(Object.values(snippets).find(s => ([] as string[]).concat(s.prefix).includes('fabricml-call'))!.body);
    assert.ok(!/type list/.test(call), call);
    assert.match(call, /in if prediction is list then prediction\{0\} else prediction,\n {4}type number\)$/);
  });

  it('the token and batch snippets are the generator\'s functions (no drift)', () => {
    const generated = generateM('recommended', churn());
    const byPrefix = (p: string) => expand(Object.values(snippets).find(s => ([] as string[]).concat(s.prefix).includes(p))!.body);
    const queries = recommendedQueries(churn());
    for (const [prefix, fn] of [['fabricml-token', 'GetFabricToken'], ['fabricml-batch', 'FabricScoreBatch']]) {
      const expression = queries.find(q => q.name === fn)!.expression;
      assert.ok(generated.includes(expression.split('\n').map(l => (l ? `    ${l}` : l)).join('\n')), `${fn} is in the document`);
      // The snippet is the function itself: the expression without its leading comment lines.
      assert.strictEqual(byPrefix(prefix), expression.replace(/^(?:\/\/.*\n)+/, ''), prefix);
    }
  });
});

describe('M header with no endpoint chosen', () => {
  for (const variant of VARIANTS) {
    it(`${variant}: says none was chosen instead of naming a made-up endpoint`, () => {
      const text = generateM(variant, churn({ endpointName: 'Fabric ML endpoint', ref: undefined, sourceStep: 'Source' }));
      assert.ok(!text.includes('endpoint "Fabric ML endpoint"'), text.slice(0, 400));
      assert.match(text, /Fabric ML endpoint \(none chosen yet: fill in WorkspaceId, ModelId and ModelVersion\)/);
    });
  }
});
