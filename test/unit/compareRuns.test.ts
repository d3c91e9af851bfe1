// Comparing two runs over the same rows: agreement per prediction column (exact for labels, within the tolerance
// for numbers), differing rows listed in row order with both values, rows missing in one run, and latency p50/p95.
import * as assert from 'node:assert/strict';
import { agreementText, ComparisonError, compareRuns, latencySummary, type RunForComparison } from '../../src/core/compare';

const direct: RunForComparison = {
  label: 'Scored directly',
  columns: ['churn_probability', 'churn_label'],
  predictions: [[0.1, 'stay'], [0.6, 'churn'], [0.5, 'churn'], [0.3, 'stay']],
  latenciesMs: [10, 20, 30, 40, 200],
};

function fabric(predictions: RunForComparison['predictions']): RunForComparison {
  return { label: 'Evaluated by the M in Fabric', columns: ['churn_label', 'churn_probability'], predictions, latenciesMs: [900] };
}

describe('Comparing two runs', () => {
  it('agrees fully when numbers differ within the tolerance and labels are equal (columns matched by name)', () => {
    const result = compareRuns(direct, fabric([['stay', 0.1000001], ['churn', 0.6], ['churn', 0.5], ['stay', 0.3]]), 1e-6);
    assert.equal(result.agreeingRows, 4);
    assert.deepEqual(result.differences, []);
    assert.deepEqual(result.columns.map(c => [c.column, c.kind, c.agree, c.compared]), [['churn_probability', 'number', 4, 4], ['churn_label', 'label', 4, 4]]);
    assert.equal(agreementText(result), '100 % (4 of 4 rows agree)');
  });

  it('lists the differing rows first with both values; a number beyond the tolerance and a different label each count', () => {
    const result = compareRuns(direct, fabric([['stay', 0.1], ['stay', 0.45], ['churn', 0.5001], ['stay', 0.3]]), 1e-6);
    assert.deepEqual(result.differences, [
      { row: 1, cells: [{ column: 'churn_probability', a: 0.6, b: 0.45 }, { column: 'churn_label', a: 'churn', b: 'stay' }] },
      { row: 2, cells: [{ column: 'churn_probability', a: 0.5, b: 0.5001 }] },
    ]);
    assert.equal(agreementText(result), '50 % (2 of 4 rows agree)');
    assert.ok(Math.abs((result.columns[0].maxDifference ?? 0) - 0.15) < 1e-9);
    // A wider tolerance accepts the small difference.
    assert.equal(compareRuns(direct, fabric([['stay', 0.1], ['stay', 0.45], ['churn', 0.5001], ['stay', 0.3]]), 0.001).differences.length, 1);
  });

  it('a row without a prediction in one run never agrees', () => {
    const result = compareRuns(direct, fabric([['stay', 0.1], null, ['churn', 0.5], ['stay', 0.3]]), 0);
    assert.deepEqual(result.differences.map(d => d.row), [1]);
    assert.deepEqual(result.differences[0].cells.map(c => c.b), [null, null]);
  });

  it('refuses runs over different rows, and names columns only one run has', () => {
    assert.throws(() => compareRuns(direct, fabric([]), 0), ComparisonError);
    const extra = compareRuns(direct, { ...fabric(direct.predictions.map(p => [p![1], p![0], 1])), columns: ['churn_label', 'churn_probability', 'extra'] }, 0);
    assert.deepEqual(extra.unmatchedColumns, ['extra']);
    assert.equal(extra.agreeingRows, 4);
  });

  it('summarises latency as nearest-rank p50 and p95', () => {
    assert.deepEqual(latencySummary([10, 20, 30, 40, 200]), { count: 5, p50Ms: 30, p95Ms: 200 });
    assert.deepEqual(latencySummary([]), { count: 0, p50Ms: 0, p95Ms: 0 });
    assert.deepEqual(compareRuns(direct, fabric(direct.predictions.map(p => [p![1], p![0]])), 0).b.latency, { count: 1, p50Ms: 900, p95Ms: 900 });
  });
});
