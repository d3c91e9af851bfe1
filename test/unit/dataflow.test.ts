// The generated queries go into a Dataflow Gen2 definition as Fabric Git integration stores it: mashup.pq gains
// (or has replaced) the scoring queries and [AllowCombine = true], queryMetadata.json gains one entry per new
// query, the user's own text is untouched, running it twice changes nothing, and the two files stay consistent.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as PQP from '@microsoft/powerquery-parser';
import {
  addQueryMetadata, applyTextEdits, checkDataflow, fixDataflowProblem, insertQueriesIntoMashup, memberNames, memberRole,
  readMashup, readQueryMetadata, stableGuid,
} from '../../src/core/dataflow';
import { recommendedQueries } from '../../src/core/mcode/generateRecommended';
import { type MQuery, renderExpression, renderSection } from '../../src/core/mcode/mQueries';
import type { GenerateMInput } from '../../src/core/mcode';
import { CHURN_INPUT_SIGNATURE, CHURN_OUTPUT_SIGNATURE, DEMO_MODEL_ID, DEMO_WORKSPACE_ID } from '../../tools/fake-fabric';
import { checkMScope } from '../support/mScopeCheck';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/workspace');
const read = (dataflow: string, file: string) => fs.readFileSync(path.join(FIXTURES, `${dataflow}.Dataflow`, file), 'utf8');

const input = (extra: Partial<GenerateMInput> = {}): GenerateMInput => ({
  endpointName: 'churn-model',
  ref: { apiBase: 'https://api.fabric.microsoft.com/v1', workspaceId: DEMO_WORKSPACE_ID, modelId: DEMO_MODEL_ID, version: '1' },
  inputColumns: CHURN_INPUT_SIGNATURE.map(f => ({ name: f.name, type: f.type })),
  outputColumns: CHURN_OUTPUT_SIGNATURE.map(f => ({ name: f.name, type: f.type })),
  sourceStep: 'Customers',
  ...extra,
});

async function parseError(text: string, behavior?: PQP.Parser.ParseBehavior): Promise<string | undefined> {
  const settings = behavior === undefined ? PQP.DefaultSettings : { ...PQP.DefaultSettings, parseBehavior: behavior };
  const task = await PQP.TaskUtils.tryLexParse(settings, text);
  if (PQP.TaskUtils.isOk(task)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const inner = (task as any).error?.innerError ?? (task as any).error;
  return `${task.stage}: ${inner?.message}`;
}

/** Inserts the queries into both files, as the command does. */
function insert(mashup: string, metadata: string, queries: MQuery[] = recommendedQueries(input())) {
  const m = insertQueriesIntoMashup(mashup, queries);
  const q = addQueryMetadata(metadata, queries);
  return { mashup: m.text, metadata: q.text, mashupEdit: m, metadataEdit: q };
}

describe('Dataflow-shaped output: one set of named queries, three renderings', () => {
  const queries = recommendedQueries(input());

  it('lists parameters, then functions, then the apply query that names the source query', () => {
    assert.deepStrictEqual(queries.map(q => `${q.role}:${q.name}`), [
      'parameter:TenantId', 'parameter:ClientId', 'parameter:ClientSecret', 'parameter:WorkspaceId', 'parameter:ModelId',
      'parameter:ModelVersion', 'parameter:BatchSize', 'parameter:BatchesPerToken',
      'function:GetFabricToken', 'function:FabricScoreBatch', 'function:CallMLEndpoint', 'query:churn-model predictions',
    ]);
    assert.match(queries[queries.length - 1].expression, /^CallMLEndpoint\(Customers\)$/m);
  });

  it('renders a `section Section1;` document with [AllowCombine = true] that parses and declares every name', async () => {
    const text = renderSection(queries);
    assert.ok(text.startsWith('[AllowCombine = true]\nsection Section1;\n\nshared TenantId =\n'), text.slice(0, 80));
    assert.strictEqual(await parseError(text), undefined);
    assert.deepStrictEqual(await checkMScope(text, ['Customers']), []);
  });

  it('renders each query as an expression the advanced editor accepts', async () => {
    for (const query of queries) {
      const text = renderExpression(query);
      assert.ok(!/^\s*shared\b/m.test(text) && !text.trimEnd().endsWith(';'), `${query.name}: no "shared", no ";"`);
      assert.strictEqual(await parseError(text, PQP.Parser.ParseBehavior.ParseExpression), undefined, query.name);
    }
  });
});

describe('Inserting the queries into a dataflow\'s mashup.pq and queryMetadata.json', () => {
  const mashup = read('Churn', 'mashup.pq');
  const metadata = read('Churn', 'queryMetadata.json');

  it('adds the queries after the user\'s, sets AllowCombine beside the existing section attribute, and parses', async () => {
    const out = insert(mashup, metadata);
    assert.ok(out.mashup.startsWith('[AllowCombine = true, StagingDefinition = [Kind = "FastCopy"]]\nsection Section1;\n'), out.mashup.slice(0, 120));
    assert.ok(out.mashup.includes(mashup.slice(mashup.indexOf('shared MinTenureMonths'), mashup.trimEnd().length)), 'the user\'s queries are byte for byte as they were');
    assert.deepStrictEqual(memberNames(out.mashup), ['MinTenureMonths', 'Customers', ...recommendedQueries(input()).map(q => q.name)]);
    assert.match(out.mashup, /^shared #"churn-model predictions" =\n {4}\/\/.*\n {4}CallMLEndpoint\(Customers\);$/m, 'the apply query scores the dataflow\'s own source query');
    assert.strictEqual(await parseError(out.mashup), undefined, 'the whole mashup parses');
    // Every name is declared: ours by the inserted queries, the user's by the dataflow (given the library
    // functions the user's Lakehouse query calls, which are not ours to define).
    assert.deepStrictEqual(await checkMScope(out.mashup, ['Lakehouse.Contents', 'Table.SelectRows', 'Table.TransformColumnTypes']), []);
    assert.deepStrictEqual(out.mashupEdit.added.length, 12);
    assert.strictEqual(out.mashupEdit.allowCombineSet, true);
  });

  it('adds one metadata entry per new query and leaves the rest of queryMetadata.json as it was', () => {
    const out = insert(mashup, metadata);
    const before = readQueryMetadata(metadata);
    const after = readQueryMetadata(out.metadata);
    assert.strictEqual(after.formatVersion, '202502');
    for (const name of ['MinTenureMonths', 'Customers']) assert.deepStrictEqual(after.queriesMetadata![name], before.queriesMetadata![name], `${name} untouched`);
    const group = after.queryGroups!.find(g => g.name === 'Fabric ML');
    assert.ok(group?.id, 'a "Fabric ML" query group');
    assert.deepStrictEqual(after.queriesMetadata!.TenantId, { queryId: stableGuid('query/TenantId'), queryName: 'TenantId', loadEnabled: false, queryGroupId: group.id });
    assert.deepStrictEqual(after.queriesMetadata!.CallMLEndpoint.loadEnabled, false, 'functions are not loaded');
    assert.ok(!('loadEnabled' in after.queriesMetadata!['churn-model predictions']), 'the scored table loads like any query');
    const ids = Object.values(after.queriesMetadata!).map(e => e.queryId);
    assert.strictEqual(new Set(ids).size, ids.length, 'queryIds are unique');
    const added = out.metadataEdit.added.map(name => after.queriesMetadata![name].queryId);
    assert.ok(added.every(id => /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id!)), 'GUIDs');
    // Formatting kept: the file's 2-space indentation, the untouched lines verbatim.
    assert.ok(out.metadata.includes('  "queriesMetadata": {\n    "MinTenureMonths": {\n      "queryId": "0b6f2f6e-3c1d-4f0a-9a57-1c2d3e4f5a60",'));
    assert.ok(out.metadata.endsWith('  "parametric": false\n}\n'));
    assert.deepStrictEqual(checkDataflow(out.mashup, out.metadata), [], 'the two files agree');
  });

  it('running it twice leaves one copy and changes nothing the second time', () => {
    const once = insert(mashup, metadata);
    const twice = insert(once.mashup, once.metadata);
    assert.strictEqual(twice.mashup, once.mashup);
    assert.strictEqual(twice.metadata, once.metadata);
    assert.deepStrictEqual(twice.mashupEdit.edits, []);
    assert.deepStrictEqual(twice.metadataEdit.edits, []);
    assert.deepStrictEqual(twice.mashupEdit.replaced.length, 9);
    assert.deepStrictEqual(twice.mashupEdit.kept, ['TenantId', 'ClientId', 'ClientSecret'], 'the credential parameters are left as the dataflow has them');
  });

  it('replaces an older copy of a generated query in place instead of adding a second one', async () => {
    const once = insert(mashup, metadata).mashup;
    const changed = recommendedQueries(input({ batchSize: 500 }));
    const again = insertQueriesIntoMashup(once, changed).text;
    assert.strictEqual((again.match(/^shared BatchSize =/gm) ?? []).length, 1);
    assert.match(again, /500 meta \[IsParameterQuery = true, Type = "Number"/);
    const batchSize100 = '    100 meta [IsParameterQuery = true, Type = "Number"';
    assert.strictEqual(again, once.replace(batchSize100, batchSize100.replace('100', '500')), 'only the value changed');
    assert.strictEqual(await parseError(again), undefined);
  });

  it('keeps the credentials the user set in the dataflow when inserting again, and follows the endpoint for the rest', async () => {
    const once = insert(mashup, metadata).mashup;
    const filledIn = once
      .replace('"<tenant-id>" meta', '"72f988bf-86f1-41af-91ab-2d7cd011db47" meta')
      .replace('"<client-id>" meta', '"0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0" meta')
      .replace('"<set in Manage parameters>" meta', '"s3cret-value" meta');
    const other = recommendedQueries(input({ ref: { apiBase: 'https://api.fabric.microsoft.com/v1', workspaceId: '11111111-2222-3333-4444-555555555555', modelId: DEMO_MODEL_ID, version: '2' } }));
    const again = insertQueriesIntoMashup(filledIn, other);
    assert.deepStrictEqual(again.kept, ['TenantId', 'ClientId', 'ClientSecret']);
    assert.deepStrictEqual(again.replacedUserQueries, [], 'every member of the same name was written by an earlier insert');
    for (const value of ['72f988bf-86f1-41af-91ab-2d7cd011db47', '0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0', 's3cret-value']) assert.ok(again.text.includes(value), `${value} kept`);
    assert.ok(again.text.includes('"11111111-2222-3333-4444-555555555555" meta'), 'the workspace of the endpoint inserted now');
    assert.ok(again.text.includes('"2" meta'), 'its version');
    assert.ok(!again.text.includes(DEMO_WORKSPACE_ID), 'not the earlier one');
  });

  it('names the queries of the generated names that it did not write, so they are replaced only when the user says so', () => {
    const own = `${mashup.trimEnd()}\n\nshared CallMLEndpoint = (rows as table) as table => Table.AddColumn(rows, "score", each 1);\n\nshared TenantId = "contoso.onmicrosoft.com";\n`;
    const insertion = insertQueriesIntoMashup(own, recommendedQueries(input()));
    assert.deepStrictEqual(insertion.replacedUserQueries, ['TenantId', 'CallMLEndpoint'], 'a hand-written function, and a TenantId that is not a parameter query');
    assert.deepStrictEqual(insertion.kept, [], 'a value that is not a parameter query is not a credential parameter to keep');
    const ours = insertQueriesIntoMashup(insertion.text, recommendedQueries(input({ sourceStep: 'Customers' })));
    assert.deepStrictEqual(ours.replacedUserQueries, [], 'what an insert wrote (the example apply query too) is replaced without asking');
  });

  it('keeps CRLF line endings, member attributes and quoted names', async () => {
    const crlf = [
      '[Description = "Sales"]',
      'section Section1;',
      '// The user\'s note about the source',
      '[Description = "Raw rows"]',
      'shared #"Raw customers" = #table({"age"}, {{41}});',
      'shared #"Shared; tricky ""name""" = "text with ; and shared inside";',
      '',
    ].join('\r\n');
    const out = insertQueriesIntoMashup(crlf, recommendedQueries(input({ sourceStep: 'Raw customers' }))).text;
    assert.ok(!/[^\r]\n/.test(out), 'every line break is CRLF');
    assert.ok(out.startsWith('[AllowCombine = true, Description = "Sales"]\r\nsection Section1;\r\n// The user\'s note about the source\r\n[Description = "Raw rows"]\r\nshared #"Raw customers" = #table'));
    assert.deepStrictEqual(memberNames(out).slice(0, 3), ['Raw customers', 'Shared; tricky "name"', 'TenantId']);
    assert.match(out, /CallMLEndpoint\(#"Raw customers"\);/);
    assert.strictEqual(await parseError(out), undefined);
    assert.strictEqual(insertQueriesIntoMashup(out, recommendedQueries(input({ sourceStep: 'Raw customers' }))).text, out, 'idempotent with CRLF too');
  });

  it('adds [AllowCombine = true] before a section without attributes, and turns AllowCombine = false on', () => {
    assert.ok(insertQueriesIntoMashup('section Section1;\n', []).text.startsWith('[AllowCombine = true]\nsection Section1;'));
    assert.strictEqual(insertQueriesIntoMashup('[AllowCombine = false]\nsection Section1;\n', []).text, '[AllowCombine = true]\nsection Section1;\n');
    assert.deepStrictEqual(insertQueriesIntoMashup('[AllowCombine = true]\nsection Section1;\n', []).edits, []);
  });

  it('refuses a mashup that is not a section document, and metadata that is not JSON', () => {
    assert.throws(() => insertQueriesIntoMashup('let x = 1 in x', []), /mashup\.pq is not a section document: it has no "section Section1;" header\./);
    assert.throws(() => addQueryMetadata('{ "queriesMetadata": { ', []), /queryMetadata\.json is not valid JSON \(.* on line 1\)\./);
  });

  it('keeps a tab-indented queryMetadata.json tab-indented and creates queriesMetadata when it is missing', () => {
    const tabbed = '{\n\t"formatVersion": "202502",\n\t"name": "Tabs"\n}\n';
    const out = addQueryMetadata(tabbed, [{ name: 'A', role: 'function' }]).text;
    assert.ok(out.includes('\n\t"queriesMetadata": {\n\t\t"A": {\n\t\t\t"queryId": '), out);
    assert.deepStrictEqual(readQueryMetadata(out).queriesMetadata!.A.loadEnabled, false);
  });
});

describe('Dataflow consistency check', () => {
  it('finds a member without metadata, metadata without a member, and a duplicate queryId, with their places', () => {
    const mashup = read('Inconsistent', 'mashup.pq');
    const metadata = read('Inconsistent', 'queryMetadata.json');
    const problems = checkDataflow(mashup, metadata);
    assert.deepStrictEqual(problems.map(p => [p.kind, p.name, p.message]), [
      ['memberWithoutMetadata', 'Scored customers', 'The query "Scored customers" has no entry in queryMetadata.json: the dataflow may fail to load it.'],
      ['duplicateQueryId', 'Orders', 'The queryId of "Orders" is also the queryId of "Customers": each query needs its own.'],
      ['metadataWithoutMember', 'Removed query', 'queryMetadata.json has an entry for "Removed query", but mashup.pq has no query of that name.'],
    ]);
    const [member, duplicate, orphan] = problems;
    assert.strictEqual(mashup.slice(member.start, member.end), '#"Scored customers"');
    assert.strictEqual(metadata.slice(duplicate.start, duplicate.end), '"11111111-2222-4333-8444-555555555555"');
    assert.strictEqual(metadata.slice(orphan.start, orphan.end), '"Removed query"');
  });

  it('each quick fix resolves its problem, and together they leave a consistent dataflow', () => {
    const mashup = read('Inconsistent', 'mashup.pq');
    let metadata = read('Inconsistent', 'queryMetadata.json');
    const titles: string[] = [];
    for (let problems = checkDataflow(mashup, metadata); problems.length; problems = checkDataflow(mashup, metadata)) {
      assert.ok(titles.length < 5, 'the fixes converge');
      const fix = fixDataflowProblem(problems[0], mashup, metadata);
      titles.push(fix.title);
      metadata = applyTextEdits(metadata, fix.metadataEdits);
      assert.ok(!checkDataflow(mashup, metadata).some(p => p.kind === problems[0].kind && p.name === problems[0].name), `${fix.title} resolved it`);
    }
    assert.deepStrictEqual(titles, [
      'Add an entry for "Scored customers" to queryMetadata.json',
      'Give "Orders" a queryId of its own',
      'Remove the entry for "Removed query" from queryMetadata.json',
    ]);
    const after = readQueryMetadata(metadata);
    assert.deepStrictEqual(Object.keys(after.queriesMetadata!), ['Customers', 'Orders', 'Scored customers']);
    assert.strictEqual(after.queriesMetadata!.Customers.queryId, '11111111-2222-4333-8444-555555555555', 'the first owner keeps its queryId');
    assert.ok(metadata.includes('\n    "Customers": {\n      "queryId": "11111111-2222-4333-8444-555555555555",'), 'formatting kept');
  });

  it('tells parameters and functions (not loaded) from queries', () => {
    assert.strictEqual(memberRole('shared P = 3 meta [IsParameterQuery = true, Type = "Number", IsParameterQueryRequired = true];'), 'parameter');
    assert.strictEqual(memberRole('shared #"F x" =\n    // adds one\n    (x as number) => x + 1;'), 'function');
    assert.strictEqual(memberRole('shared T = let Source = #table({}, {}) in Source;'), 'query');
  });

  it('finds nothing wrong in the demo dataflow', () => {
    assert.deepStrictEqual(checkDataflow(read('Churn', 'mashup.pq'), read('Churn', 'queryMetadata.json')), []);
    assert.deepStrictEqual(readMashup(read('Churn', 'mashup.pq')).members.map(m => m.name), ['MinTenureMonths', 'Customers']);
  });
});
