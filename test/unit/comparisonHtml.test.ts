// The comparison page renders every value as text: a label an endpoint returns with markup stays escaped, and
// the page allows no script.
import * as assert from 'node:assert/strict';
import { compareRuns } from '../../src/core/compare';
import { comparisonHtml } from '../../src/features/dataflowDeploy/comparisonHtml';

describe('Comparison page HTML', () => {
  it('escapes values from files and endpoints and allows no script', () => {
    const a = { label: 'A <b>', columns: ['label'], predictions: [['<img src=x onerror=alert(1)>']], latenciesMs: [1] };
    const b = { label: 'B', columns: ['label'], predictions: [['stay']], latenciesMs: [2] };
    const html = comparisonHtml(compareRuns(a, b, 0), { title: 'T', inputColumns: ['plan'], inputs: [['<script>x</script>']], rowLines: [2], a, b, notes: [] }, 'vscode-resource:');
    assert.ok(!html.includes('<img src=x'), 'markup from a prediction is escaped');
    assert.ok(!html.includes('<script>x'), 'markup from an input is escaped');
    assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
    assert.match(html, /content="default-src 'none'; style-src 'nonce-[^']+'; img-src vscode-resource:"/);
    assert.ok(!/<script/i.test(html));
    assert.match(html, /Agreement: 0 % \(0 of 1 rows agree\)/);
  });
});
