// The document "Verify M in Fabric" sends: the dataflow's saved mashup with the selected rows as a #table literal
// (text escaped, numbers, logicals and nulls as M literals), the generated apply query scoring it, the dataflow's
// own parameter values kept, and its other queries untouched. Parsed back with the M parser.
import * as assert from 'node:assert/strict';
import * as PQP from '@microsoft/powerquery-parser';
import { buildVerifyDocument, mLiteral, VERIFY_ROWS_QUERY, verifyRowsQuery } from '../../src/core/compare';
import { memberNames } from '../../src/core/dataflow';
import { recommendedQueries } from '../../src/core/mcode/generateRecommended';

const SAVED = 'section Section1;\n\nshared Customers = #table({"age"}, {{34}});\nshared TenantId = "72f988bf" meta [IsParameterQuery = true, Type = "Text", IsParameterQueryRequired = true];\n';

describe('The Verify M in Fabric document', () => {
  it('writes row values as M literals', () => {
    assert.deepEqual([mLiteral(null), mLiteral(true), mLiteral(-1.5), mLiteral('say "hi"'), mLiteral(Number.NaN)], ['null', 'true', '-1.5', '"say ""hi"""', '#nan']);
  });

  it('adds the rows and the apply query over them, keeps the saved parameters and queries, and parses', async () => {
    const queries = recommendedQueries({ endpointName: 'churn-model', inputColumns: [{ name: 'age', type: 'double' }, { name: 'plan', type: 'string' }, { name: 'signup date', type: 'datetime' }], sourceStep: VERIFY_ROWS_QUERY });
    const rows = verifyRowsQuery([{ name: 'age', type: 'double' }, { name: 'plan', type: 'string' }, { name: 'signup date', type: 'datetime' }], [[34, 'a "b"', '2024-01-02'], [null, null, null]]);
    const { document, queryName } = buildVerifyDocument(SAVED, queries, rows);
    assert.equal(queryName, 'churn-model predictions');
    assert.ok(document.includes('shared Customers = #table({"age"}, {{34}});'));
    assert.ok(document.includes('shared TenantId = "72f988bf" meta'), 'the saved parameter value is kept');
    assert.equal(memberNames(document).filter(n => n === 'TenantId').length, 1);
    assert.ok(document.includes('#table(type table [age = nullable number, plan = nullable text, #"signup date" = any], {'));
    assert.ok(document.includes('{34, "a ""b""", "2024-01-02"}'));
    assert.match(document, /shared #"churn-model predictions" =[\s\S]*CallMLEndpoint\(#"Fabric ML verify rows"\)/);
    const task = await PQP.TaskUtils.tryLexParse(PQP.DefaultSettings, document);
    assert.ok(PQP.TaskUtils.isOk(task), 'the document parses');
  });
});
