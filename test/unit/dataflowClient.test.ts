// The dataflow client against the fake Fabric server (real HTTP on loopback, real Arrow): paged listing, create,
// getDefinition / updateDefinition as LROs with a read-modify-write that keeps other parts and queries, and
// executeQuery: the Verify document's predictions, every scripted fault with its own message, and an error
// embedded in a 200 answer that is never a success.
import * as assert from 'node:assert/strict';
import { buildVerifyDocument, VERIFY_ROWS_QUERY, verifyRowsQuery } from '../../src/core/compare';
import { readQueryMetadata, memberNames } from '../../src/core/dataflow';
import { parseScoreUrl } from '../../src/core/endpoints/endpointUrl';
import { applyQueryName, recommendedQueries } from '../../src/core/mcode/generateRecommended';
import {
  DataflowClient, ExecuteQueryError, type FabricError, MASHUP_PART, mergeQueriesIntoDefinition, METADATA_PART, newDefinition, partText,
  type DataflowDefinition,
} from '../../src/core/fabric';
import { CHURN_INPUT_SIGNATURE, CHURN_OUTPUT_SIGNATURE, dataflowRoutes, DEMO_WORKSPACE_ID, FakeFabricServer, type DataflowStore } from '../../tools/fake-fabric';
import { CHURN_COLUMNS, churnRows, clientFor, expectedPredictions } from '../support/fabricTestKit';

const ENDPOINT = 'churn-model';

function scoringQueries(server: FakeFabricServer, sourceStep?: string, version = '1') {
  const ref = parseScoreUrl(server.scoreUrl(version), { allowLoopback: true });
  return recommendedQueries({
    endpointName: ENDPOINT, ref, authorityHost: server.url, sourceStep,
    inputColumns: CHURN_INPUT_SIGNATURE.map(f => ({ name: f.name, type: f.type })),
    outputColumns: CHURN_OUTPUT_SIGNATURE.map(f => ({ name: f.name, type: f.type })),
  });
}

async function failure(promise: Promise<unknown>): Promise<ExecuteQueryError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof ExecuteQueryError, `expected an ExecuteQueryError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected executeQuery to fail');
}

const USER_MASHUP = 'section Section1;\r\n\r\n// the user\'s own query\r\nshared Customers = #table({"age"}, {{34}});\r\nshared TenantId = "72f988bf" meta [IsParameterQuery = true, Type = "Text", IsParameterQueryRequired = true];\r\n';
const USER_METADATA = JSON.stringify({
  formatVersion: '202502', name: 'Churn',
  queriesMetadata: { Customers: { queryId: '11111111-1111-4111-8111-111111111111', queryName: 'Customers' }, TenantId: { queryId: '22222222-2222-4222-8222-222222222222', queryName: 'TenantId', loadEnabled: false } },
}, null, 2);
const PLATFORM = JSON.stringify({ metadata: { type: 'Dataflow', displayName: 'Churn' }, config: { version: '2.0', logicalId: '00000000-0000-0000-0000-000000000000' } });

describe('Dataflow client against the fake Fabric server', () => {
  let server: FakeFabricServer;
  let store: DataflowStore;
  let client: DataflowClient;

  before(async () => {
    server = await FakeFabricServer.start();
    store = server.use(dataflowRoutes);
  });
  after(() => server.close());
  beforeEach(() => {
    store.dataflows.clear();
    store.executeQuery.faults.clear();
    for (const key of Object.keys(store.calls)) delete store.calls[key];
    server.lroPolls = 1;
    client = new DataflowClient(clientFor(server), `${server.url}/v1`);
  });

  it('lists every dataflow of the workspace across pages', async () => {
    for (const name of ['A', 'B', 'C', 'D', 'E']) store.add(DEMO_WORKSPACE_ID, name, { [MASHUP_PART]: 'section Section1;', [METADATA_PART]: '{}' });
    store.add('00000000-0000-4000-8000-000000000000', 'Elsewhere', {});
    const listed = await client.list(DEMO_WORKSPACE_ID);
    assert.deepEqual(listed.map(d => d.displayName), ['A', 'B', 'C', 'D', 'E']);
    assert.equal(store.calls.items, 3, 'three pages of two');
  });

  it('creates a dataflow whose stored mashup.pq parses and lists the generated queries with one metadata entry each', async () => {
    const queries = scoringQueries(server);
    const created = await client.create(DEMO_WORKSPACE_ID, 'Churn scoring', newDefinition('Churn scoring', queries).definition);
    const stored = store.dataflows.get(created.id)!;
    assert.equal(stored.displayName, 'Churn scoring');
    const mashup = store.text(stored, MASHUP_PART)!;
    assert.deepEqual(memberNames(mashup), queries.map(q => q.name));
    const metadata = readQueryMetadata(store.text(stored, METADATA_PART)!);
    assert.equal(metadata.formatVersion, '202502');
    assert.deepEqual(Object.keys(metadata.queriesMetadata ?? {}).sort(), queries.map(q => q.name).sort());
    const read = await client.getDefinition(DEMO_WORKSPACE_ID, created.id);
    assert.equal(partText(read, MASHUP_PART), mashup);
  });

  it('read-modify-write keeps other parts, the user\'s queries and a parameter value set in Fabric; a second deploy changes nothing', async () => {
    const dataflow = store.add(DEMO_WORKSPACE_ID, 'Churn', { [MASHUP_PART]: USER_MASHUP, [METADATA_PART]: USER_METADATA, '.platform': PLATFORM });
    const queries = scoringQueries(server, 'Customers');
    const current = await client.getDefinition(DEMO_WORKSPACE_ID, dataflow.id);
    const merge = mergeQueriesIntoDefinition(current, queries);
    assert.deepEqual(merge.kept, ['TenantId']);
    await client.updateDefinition(DEMO_WORKSPACE_ID, dataflow.id, merge.definition);
    assert.equal(store.text(dataflow, '.platform'), PLATFORM, '.platform is sent back byte for byte');
    const mashup = store.text(dataflow, MASHUP_PART)!;
    assert.ok(mashup.includes('shared Customers = #table({"age"}, {{34}});'), 'the user\'s query is untouched');
    assert.ok(mashup.includes('shared TenantId = "72f988bf" meta'), 'the parameter keeps the value set in Fabric');
    assert.equal(memberNames(mashup).filter(n => n === 'TenantId').length, 1);
    const metadata = readQueryMetadata(store.text(dataflow, METADATA_PART)!);
    assert.equal(metadata.queriesMetadata?.Customers?.queryId, '11111111-1111-4111-8111-111111111111');
    assert.ok(queries.every(q => metadata.queriesMetadata?.[q.name]), 'every generated query has metadata');

    const again = mergeQueriesIntoDefinition(await client.getDefinition(DEMO_WORKSPACE_ID, dataflow.id), queries);
    assert.equal(again.changed, false, 'deploying the same queries twice is idempotent');
  });

  it('deploying another version keeps the credentials set in Fabric and points the model parameters at the new version', async () => {
    const dataflow = store.add(DEMO_WORKSPACE_ID, 'Churn v2', { [MASHUP_PART]: USER_MASHUP, [METADATA_PART]: USER_METADATA });
    const first = mergeQueriesIntoDefinition(await client.getDefinition(DEMO_WORKSPACE_ID, dataflow.id), scoringQueries(server, 'Customers', '1'));
    await client.updateDefinition(DEMO_WORKSPACE_ID, dataflow.id, first.definition);
    const second = mergeQueriesIntoDefinition(await client.getDefinition(DEMO_WORKSPACE_ID, dataflow.id), scoringQueries(server, 'Customers', '2'));
    assert.deepEqual(second.kept, ['TenantId', 'ClientId', 'ClientSecret'], 'the credential parameters keep their values');
    assert.ok(second.mashupAfter.includes('shared TenantId = "72f988bf" meta'), 'the tenant set in Fabric');
    const versionMember = second.mashupAfter.slice(second.mashupAfter.indexOf('shared ModelVersion ='), second.mashupAfter.indexOf('shared BatchSize ='));
    assert.match(versionMember, /^\s*"2" meta/m, 'the version deployed now, not the one deployed before');
  });

  it('the fake refuses a definition whose payload is not base64 or whose query has no metadata', async () => {
    const bad: DataflowDefinition = { parts: [{ path: MASHUP_PART, payload: 'not base64!', payloadType: 'InlineBase64' }, { path: METADATA_PART, payload: '', payloadType: 'InlineBase64' }] };
    await assert.rejects(client.create(DEMO_WORKSPACE_ID, 'Bad', bad), (e: FabricError) => e.info.status === 400 && /not base64/.test(e.message));
    const orphan = newDefinition('Orphan', scoringQueries(server));
    orphan.definition.parts[1] = { path: METADATA_PART, payload: Buffer.from(JSON.stringify({ formatVersion: '202502', queriesMetadata: {} })).toString('base64'), payloadType: 'InlineBase64' };
    await assert.rejects(client.create(DEMO_WORKSPACE_ID, 'Orphan', orphan.definition), (e: FabricError) => /needs an entry in queryMetadata\.json/.test(e.message));
  });

  describe('executeQuery', () => {
    let dataflowId: string;
    const rows = churnRows(9);
    const columns = CHURN_INPUT_SIGNATURE.map(f => ({ name: f.name, type: f.type }));

    beforeEach(async () => {
      dataflowId = (await client.create(DEMO_WORKSPACE_ID, 'Churn', newDefinition('Churn', scoringQueries(server)).definition)).id;
    });

    function verify() {
      const saved = store.text(store.dataflows.get(dataflowId)!, MASHUP_PART)!;
      return buildVerifyDocument(saved, scoringQueries(server, VERIFY_ROWS_QUERY), verifyRowsQuery(columns, rows));
    }

    it('evaluates the Verify document: the rows with the toy model\'s predictions, decoded from Arrow', async () => {
      const { document, queryName } = verify();
      assert.equal(queryName, applyQueryName(ENDPOINT));
      const result = await client.executeQuery(DEMO_WORKSPACE_ID, dataflowId, { queryName, customMashupDocument: document });
      assert.deepEqual(result.columns.map(c => c.name), [...CHURN_COLUMNS, 'churn_probability', 'churn_label']);
      assert.deepEqual(result.rows.map(r => r.slice(-2)), expectedPredictions(rows));
      assert.equal(store.executeQuery.received.at(-1)?.customMashupDocument, document, 'the document is sent as plain text');
    });

    it('follows a 202 to the Arrow result', async () => {
      store.executeQuery.add({ type: 'lro', polls: 2 });
      const { document, queryName } = verify();
      const result = await client.executeQuery(DEMO_WORKSPACE_ID, dataflowId, { queryName, customMashupDocument: document });
      assert.deepEqual(result.rows.map(r => r.slice(-2)), expectedPredictions(rows));
    });

    it('gives each DataflowExecuteQueryError its own message', async () => {
      const run = () => client.executeQuery(DEMO_WORKSPACE_ID, dataflowId, { queryName: 'churn-model predictions' });
      const cases: Array<[Parameters<DataflowStore['executeQuery']['add']>[0], string, RegExp]> = [
        [{ type: 'queryNotFound' }, 'queryNotFound', /found no query "churn-model predictions" in the saved dataflow/],
        [{ type: 'parseError' }, 'documentDoesNotParse', /does not parse as a section document/],
        [{ type: 'timeout' }, 'timedOut', /longer than the 90 s/],
        [{ type: 'connectionMissing' }, 'connectionMissing', /two Web connections with Anonymous authentication/],
      ];
      const messages = new Set<string>();
      for (const [fault, reason, message] of cases) {
        store.executeQuery.add(fault);
        const error = await failure(run());
        assert.equal(error.reason, reason);
        assert.match(error.message, message);
        messages.add(error.message);
      }
      assert.equal(messages.size, cases.length);
    });

    it('a query missing from the document and a document that does not parse are found by the fake itself', async () => {
      assert.equal((await failure(client.executeQuery(DEMO_WORKSPACE_ID, dataflowId, { queryName: 'Nope' }))).reason, 'queryNotFound');
      const broken = await failure(client.executeQuery(DEMO_WORKSPACE_ID, dataflowId, { queryName: 'X', customMashupDocument: 'section Section1; shared X = (;' }));
      assert.equal(broken.reason, 'documentDoesNotParse');
    });

    it('an error embedded in a 200 answer is an error with the engine\'s message, never an empty success', async () => {
      store.executeQuery.add({ type: 'embeddedError', message: 'Expression.Error: The column \'age\' of the table wasn\'t found.' });
      const error = await failure(client.executeQuery(DEMO_WORKSPACE_ID, dataflowId, { queryName: 'churn-model predictions' }));
      assert.equal(error.reason, 'embeddedError');
      assert.match(error.message, /^Fabric's engine reported an error while evaluating "churn-model predictions" \(inside a 200 answer, so no rows are shown\): Expression\.Error: The column 'age' of the table wasn't found\./);
    });

    it('waits out a 429 and then answers', async () => {
      store.executeQuery.add({ type: 'throttle', retryAfterSeconds: 0 });
      const result = await client.executeQuery(DEMO_WORKSPACE_ID, dataflowId, { queryName: 'churn-model predictions' });
      assert.ok(result.rows.length > 0);
    });

    it('refuses to send the token to a host that is not Fabric', async () => {
      const before = store.executeQuery.received.length;
      const elsewhere = new DataflowClient(clientFor(server, { allowLoopback: false }), `${server.url}/v1`);
      await assert.rejects(elsewhere.executeQuery(DEMO_WORKSPACE_ID, dataflowId, { queryName: 'x' }), (e: FabricError) => e.kind === 'hostNotAllowed');
      assert.equal(store.executeQuery.received.length, before, 'nothing was sent');
    });
  });
});
