// Exports "as sent": a run scored from a CSV file against the churn model's input signature keeps the
// values it sent (numbers, booleans, ISO dates) and their signature types, and every export writes them so,
// in the grid's column order (predictions first). The rows go through the real parser and signature mapping.
import * as assert from 'assert';
import * as PQP from '@microsoft/powerquery-parser';
import { parse as parseCsv } from 'csv-parse/sync';
import { buildResultsModel, mDateTimeZone, resultsToCsv, resultsToJson, resultsToMTable, type ResultsModel } from '../../src/core/results';
import { mapToSignature, parseRows } from '../../src/core/rows';
import { isResultsModel } from '../../src/protocol/results';
import { CHURN_INPUT_SIGNATURE, CHURN_OUTPUT_SIGNATURE } from '../../tools/fake-fabric';

const CSV = [
  'customer_id,age,income,tenure_months,is_active,plan,signup_date',
  'C-1001,49,66784.5,66,true,pro,2022-10-10',
  'C-1002,46,33664,4,false,,2024-06-17T08:30:00Z',
].join('\n');

function scoredRun(withSignature = true): ResultsModel {
  const table = parseRows(CSV, 'csv');
  const sent = mapToSignature(table, withSignature ? CHURN_INPUT_SIGNATURE : undefined);
  return buildResultsModel({
    runId: 'run-typed', endpoint: { id: 'churn', name: 'Churn', scoreUrl: 'https://api.fabric.microsoft.com/v1/x/score' },
    fileName: 'customers.csv', table, sent, inputSignature: withSignature ? CHURN_INPUT_SIGNATURE : undefined,
    outputSignature: CHURN_OUTPUT_SIGNATURE,
    result: {
      predictions: [[0.25, 'stay'], [0.75, 'churn']],
      batches: [{ index: 0, startRow: 0, endRow: 2, ok: true, durationMs: 5, attempts: 1 }],
      tokenRequests: 1, durationMs: 5, cancelled: false,
    },
    startedAt: new Date('2026-01-15T10:30:00Z'), warnings: [],
  });
}

describe('Results exports as sent', () => {
  it('keep the file\'s columns, with the values the signature took as they were sent and their types', () => {
    const model = scoredRun();
    assert.deepStrictEqual(model.inputColumns, ['customer_id', 'age', 'income', 'tenure_months', 'is_active', 'plan', 'signup_date']);
    assert.deepStrictEqual(model.inputs[0], ['C-1001', 49, 66784.5, 66, true, 'pro', '2022-10-10T00:00:00.000Z']);
    assert.deepStrictEqual(model.inputs[1], ['C-1002', 46, 33664, 4, false, null, '2024-06-17T08:30:00.000Z']);
    assert.deepStrictEqual(model.inputTypes, [null, 'double', 'double', 'long', 'boolean', 'string', 'datetime'], 'customer_id was not sent');
    assert.ok(isResultsModel(model), 'the protocol accepts it');
    assert.ok(!isResultsModel({ ...model, inputTypes: ['double'] }), 'one type per input column');
  });

  it('Copy as M #table types inputs by the signature: number, Int64.Type, logical, text, datetimezone', async () => {
    const text = resultsToMTable(scoredRun());
    const task = await PQP.TaskUtils.tryLexParse(PQP.DefaultSettings, text);
    assert.ok(PQP.TaskUtils.isOk(task), text);
    assert.ok(text.includes('type table [churn_probability = number, churn_label = text, customer_id = text, age = number, income = number, '
      + 'tenure_months = Int64.Type, is_active = logical, plan = nullable text, signup_date = datetimezone, #"error" = nullable text]'), text);
    assert.ok(text.includes('{0.25, "stay", "C-1001", 49, 66784.5, 66, true, "pro", #datetimezone(2022, 10, 10, 0, 0, 0, 0, 0), null}'), text);
    assert.ok(text.includes('{0.75, "churn", "C-1002", 46, 33664, 4, false, null, #datetimezone(2024, 6, 17, 8, 30, 0, 0, 0), null}'), text);
  });

  it('Copy as M #table falls back to the values\' types without a signature (everything the file had is text)', () => {
    const text = resultsToMTable(scoredRun(false));
    assert.match(text, /customer_id = text, age = text, income = text/);
    assert.strictEqual(mDateTimeZone('2024-06-17T08:30:01.5Z'), '#datetimezone(2024, 6, 17, 8, 30, 1.5, 0, 0)');
    assert.strictEqual(mDateTimeZone('17/06/2024'), undefined);
  });

  it('JSON export writes numbers as numbers and booleans as booleans, and names each input\'s type', () => {
    const doc = JSON.parse(resultsToJson(scoredRun()));
    assert.deepStrictEqual(doc.rows[0].inputs, {
      customer_id: 'C-1001', age: 49, income: 66784.5, tenure_months: 66, is_active: true, plan: 'pro', signup_date: '2022-10-10T00:00:00.000Z',
    });
    assert.deepStrictEqual(doc.columns.inputTypes, { age: 'double', income: 'double', tenure_months: 'long', is_active: 'boolean', plan: 'string', signup_date: 'datetime' });
    assert.deepStrictEqual(doc.columns.predictions, ['churn_probability', 'churn_label']);
  });

  it('CSV export uses the grid\'s column order: predictions, then inputs as sent, then the error column', () => {
    const rows = parseCsv(resultsToCsv(scoredRun())) as string[][];
    assert.deepStrictEqual(rows[0], ['churn_probability', 'churn_label', 'customer_id', 'age', 'income', 'tenure_months', 'is_active', 'plan', 'signup_date', 'error']);
    assert.deepStrictEqual(rows[2], ['0.75', 'churn', 'C-1002', '46', '33664', '4', 'false', '', '2024-06-17T08:30:00.000Z', '']);
  });
});
