// The numeric scoring settings have one set of bounds: what the Settings editor accepts (package.json) is
// exactly what the code clamps to, and values outside are clamped, not passed on.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { clampSetting, SCORING_BOUNDS, type ScoringBoundName } from '../../src/core/scoringBounds';

const manifest = JSON.parse(fs.readFileSync(path.resolve(__dirname, '../../../package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { type?: string; default?: unknown; minimum?: number; maximum?: number }> } };
};

describe('Scoring setting bounds', () => {
  const names = Object.keys(SCORING_BOUNDS) as ScoringBoundName[];

  for (const name of names) {
    it(`fabricMl.scoring.${name}: package.json offers the same default, minimum, maximum and type as the code`, () => {
      const property = manifest.contributes.configuration.properties[`fabricMl.scoring.${name}`];
      assert.ok(property, `fabricMl.scoring.${name} is contributed`);
      const bound = SCORING_BOUNDS[name];
      assert.deepEqual(
        { default: property.default, minimum: property.minimum, maximum: property.maximum, type: property.type },
        { default: bound.default, minimum: bound.minimum, maximum: bound.maximum, type: bound.integer ? 'integer' : 'number' },
      );
    });
  }

  it('every numeric scoring setting in package.json has bounds in the code', () => {
    const numeric = Object.entries(manifest.contributes.configuration.properties)
      .filter(([key, p]) => key.startsWith('fabricMl.scoring.') && (p.type === 'number' || p.type === 'integer'))
      .map(([key]) => key.slice('fabricMl.scoring.'.length))
      .sort();
    assert.deepEqual(numeric, [...names].sort());
  });

  it('clamps out-of-range values and falls back to the default for non-numbers', () => {
    assert.equal(clampSetting('concurrency', 500), 32);
    assert.equal(clampSetting('concurrency', 0), 1);
    assert.equal(clampSetting('batchSize', 2.6), 3);
    assert.equal(clampSetting('requestTimeoutSeconds', 7200), 3600);
    assert.equal(clampSetting('maxRetries', '5'), 3);
    assert.equal(clampSetting('maxRetries', Number.NaN), 3);
  });
});
