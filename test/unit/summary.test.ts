// The results summary of object-shaped predictions: a label column and a nested-object column are classes,
// never numeric statistics, and the signature's column left empty by object predictions is "empty".
import * as assert from 'node:assert/strict';
import { summarizePredictions } from '../../src/core/results/summary';

describe('summary of object-shaped predictions', () => {
  it('counts labels and nested objects as classes, and never treats a column with objects as numbers', () => {
    const summaries = summarizePredictions({
      outputColumns: ['prediction', 'label', 'probabilities', 'score'],
      predictions: [
        [null, 'high', { high: 0.8, low: 0.2 }, 0.8],
        [null, 'low', { high: 0.1, low: 0.9 }, { calibrated: 0.9 }],
        [null, 'high', { high: 0.8, low: 0.2 }, 0.7],
        null,
      ],
    });
    assert.deepEqual(summaries.map(s => [s.column, s.kind]), [['prediction', 'empty'], ['label', 'label'], ['probabilities', 'label'], ['score', 'label']]);
    const [empty, label, probabilities] = summaries;
    assert.deepEqual([empty.nulls, empty.unscored], [3, 1]);
    assert.ok(label.kind === 'label' && probabilities.kind === 'label');
    assert.deepEqual(label.classes, [{ label: 'high', count: 2 }, { label: 'low', count: 1 }]);
    assert.deepEqual(probabilities.classes, [{ label: '{"high":0.8,"low":0.2}', count: 2 }, { label: '{"high":0.1,"low":0.9}', count: 1 }]);
  });
});
