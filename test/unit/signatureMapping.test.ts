import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SignatureField } from '../../src/core/endpoints/model';
import { CHURN_INPUT_SIGNATURE } from '../../tools/fake-fabric';
import { CoercionError, coercerFor, coerceValue, MappingError, mapToSignature, type ParsedTable, parseRows } from '../../src/core/rows';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/rows');

/** The demo churn model's input signature, as the fake server reports it. */
const CHURN_SIGNATURE: SignatureField[] = CHURN_INPUT_SIGNATURE;

function table(columns: string[], rows: Record<string, unknown>[], rowLines?: number[], warnings: string[] = []): ParsedTable {
  return { columns, rows, rowLines: rowLines ?? rows.map((_, i) => i + 2), warnings };
}

function coercionMessage(value: unknown, type: string): string {
  try {
    coerceValue(value, type);
  } catch (error) {
    assert.ok(error instanceof CoercionError, `expected CoercionError, got ${String(error)}`);
    return error.message;
  }
  assert.fail(`expected ${JSON.stringify(value)} to be refused as ${type}`);
}

function mappingError(run: () => unknown): MappingError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof MappingError, `expected MappingError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the mapping to fail');
}

describe('rows: coerceValue', () => {
  it('double/float/number: numbers and numeric text, including exponents', () => {
    assert.equal(coerceValue('3.5', 'double'), 3.5);
    assert.equal(coerceValue(' 42 ', 'double'), 42);
    assert.equal(coerceValue('-1e3', 'double'), -1000);
    assert.equal(coerceValue('1.5E-2', 'float'), 0.015);
    assert.equal(coerceValue('.5', 'number'), 0.5);
    assert.equal(coerceValue(7, 'Double'), 7);
    assert.equal(coerceValue('0', 'double'), 0);
  });

  it('double: refuses thousands separators, hex, Infinity, words and non-numbers', () => {
    assert.equal(
      coercionMessage('1,234', 'double'),
      '"1,234" is not a double (write numbers without thousands separators, with a point for decimals)',
    );
    assert.equal(coercionMessage('abc', 'double'), '"abc" is not a double');
    assert.equal(coercionMessage('0x1F', 'double'), '"0x1F" is not a double');
    assert.equal(coercionMessage('Infinity', 'float'), '"Infinity" is not a float');
    assert.equal(coercionMessage('1 2', 'double'), '"1 2" is not a double');
    assert.equal(coercionMessage('-', 'double'), '"-" is not a double');
    assert.equal(coercionMessage('1e999', 'double'), '"1e999" is not a double');
    assert.equal(coercionMessage(true, 'double'), 'true is not a double');
    assert.equal(coercionMessage({ a: 1 }, 'number'), '{"a":1} is not a number');
  });

  it('long/int/integer/int32/int64: integral values only', () => {
    assert.equal(coerceValue('42', 'long'), 42);
    assert.equal(coerceValue('3.0', 'long'), 3);
    assert.equal(coerceValue('-5', 'int'), -5);
    assert.equal(coerceValue('1e3', 'integer'), 1000);
    assert.equal(coerceValue(7, 'int32'), 7);
    assert.equal(coerceValue(8.0, 'int64'), 8);
    assert.equal(coercionMessage('3.5', 'long'), '"3.5" is not a long');
    assert.equal(coercionMessage(2.5, 'int'), '2.5 is not an int');
    assert.equal(coercionMessage('seven', 'integer'), '"seven" is not an integer');
    assert.equal(coercionMessage('9007199254740993', 'int64'), '"9007199254740993" is not an int64 (too large to send exactly)');
    assert.equal(coercionMessage('1,000', 'int32'), '"1,000" is not an int32');
  });

  it('boolean: true/false, 1/0, yes/no in any case', () => {
    assert.equal(coerceValue(true, 'boolean'), true);
    assert.equal(coerceValue(false, 'boolean'), false);
    assert.equal(coerceValue('true', 'boolean'), true);
    assert.equal(coerceValue('FALSE', 'boolean'), false);
    assert.equal(coerceValue(' Yes ', 'boolean'), true);
    assert.equal(coerceValue('NO', 'boolean'), false);
    assert.equal(coerceValue('1', 'boolean'), true);
    assert.equal(coerceValue('0', 'boolean'), false);
    assert.equal(coerceValue(1, 'boolean'), true);
    assert.equal(coerceValue(0, 'boolean'), false);
    assert.equal(coercionMessage('maybe', 'boolean'), '"maybe" is not a boolean (use true/false, 1/0 or yes/no)');
    assert.equal(coercionMessage(2, 'boolean'), '2 is not a boolean');
  });

  it('string: any value as text, objects as JSON', () => {
    assert.equal(coerceValue('abc', 'string'), 'abc');
    assert.equal(coerceValue('  ', 'string'), '  ');
    assert.equal(coerceValue(42, 'string'), '42');
    assert.equal(coerceValue(false, 'string'), 'false');
    assert.equal(coerceValue({ vip: true }, 'string'), '{"vip":true}');
    assert.equal(coerceValue([1, 2], 'string'), '[1,2]');
  });

  it('datetime/date/timestamp: ISO 8601 or Date-parsable text becomes an ISO string', () => {
    assert.equal(coerceValue('2024-02-29', 'datetime'), '2024-02-29T00:00:00.000Z');
    assert.equal(coerceValue('2024-01-31T09:30:00+02:00', 'datetime'), '2024-01-31T07:30:00.000Z');
    assert.equal(coerceValue('Jan 5, 2024 10:00 UTC', 'date'), '2024-01-05T10:00:00.000Z');
    assert.equal(coerceValue(new Date(Date.UTC(2023, 0, 15)), 'timestamp'), '2023-01-15T00:00:00.000Z');
    const hint = ' (use ISO 8601, e.g. 2024-01-31T09:30:00Z)';
    assert.equal(coercionMessage('not a date', 'datetime'), `"not a date" is not a datetime${hint}`);
    assert.equal(coercionMessage('2024-13-45', 'datetime'), `"2024-13-45" is not a datetime${hint}`);
    assert.equal(coercionMessage('2023-02-30', 'date'), `"2023-02-30" is not a date${hint}`);
    assert.equal(coercionMessage('12', 'timestamp'), `"12" is not a timestamp${hint}`);
    assert.equal(coercionMessage(1700000000, 'datetime'), '1700000000 is not a datetime (use ISO 8601 text, e.g. 2024-01-31T09:30:00Z)');
  });

  it('empty text, null and undefined become null for every type', () => {
    for (const type of ['double', 'float', 'number', 'long', 'int', 'integer', 'int32', 'int64', 'boolean', 'string', 'datetime', 'date', 'timestamp']) {
      assert.equal(coerceValue('', type), null, `"" as ${type}`);
      assert.equal(coerceValue(null, type), null, `null as ${type}`);
      assert.equal(coerceValue(undefined, type), null, `undefined as ${type}`);
    }
    assert.equal(coerceValue('   ', 'double'), null);
    assert.equal(coerceValue('   ', 'boolean'), null);
    assert.equal(coerceValue('   ', 'datetime'), null);
  });

  it('passes values of unknown types through unchanged', () => {
    const value = { shape: [2, 2] };
    assert.equal(coerceValue(value, 'tensor'), value);
    assert.equal(coerceValue('0x1F', 'binary'), '0x1F');
  });
});

describe('rows: datetime values do not depend on the machine\'s time zone', () => {
  let savedTz: string | undefined;
  before(() => {
    savedTz = process.env.TZ;
    process.env.TZ = 'Europe/Berlin'; // UTC+1 in March: a local-time reading would shift every value by an hour
  });
  after(() => {
    if (savedTz === undefined) delete process.env.TZ;
    else process.env.TZ = savedTz;
  });

  it('reads text without a zone as UTC wall-clock time', () => {
    assert.equal(new Date(Date.UTC(2024, 2, 1, 10)).getTimezoneOffset(), -60, 'the zone change took effect');
    assert.equal(coerceValue('2024-03-01 10:00', 'datetime'), '2024-03-01T10:00:00.000Z');
    assert.equal(coerceValue('2024-03-01T10:00:00', 'datetime'), '2024-03-01T10:00:00.000Z');
    const monthFirst = coercerFor('datetime', { dateOrder: 'monthFirst' })!;
    assert.equal(monthFirst('03/01/2024'), '2024-03-01T00:00:00.000Z');
    assert.equal(coerceValue('2024-03-01', 'datetime'), '2024-03-01T00:00:00.000Z');
    assert.equal(monthFirst('12-31-2024'), '2024-12-31T00:00:00.000Z', 'a year after a dash is not an offset');
    assert.equal(coerceValue('2024', 'datetime'), '2024-01-01T00:00:00.000Z', 'a bare year is already UTC');
    assert.equal(coerceValue('2024-03-31 02:30', 'datetime'), '2024-03-31T02:30:00.000Z', 'a time in the local daylight-saving gap stays as written');
  });

  it('keeps an explicit zone', () => {
    assert.equal(coerceValue('2024-03-01T10:00:00+02:00', 'datetime'), '2024-03-01T08:00:00.000Z');
    assert.equal(coerceValue('2024-03-01T10:00:00Z', 'datetime'), '2024-03-01T10:00:00.000Z');
    assert.equal(coerceValue('2024-03-01 10:00 GMT', 'datetime'), '2024-03-01T10:00:00.000Z');
    assert.equal(coerceValue('2024-03-01T10:00:00-0500', 'datetime'), '2024-03-01T15:00:00.000Z');
  });
});

describe('rows: mapToSignature', () => {
  it('maps the churn CSV onto the churn signature with converted values', () => {
    const parsed = parseRows(fs.readFileSync(path.join(FIXTURES, 'churn.csv'), 'utf8'), 'csv');
    const mapped = mapToSignature(parsed, CHURN_SIGNATURE);
    assert.deepEqual(mapped.columns, ['age', 'income', 'tenure_months', 'is_active', 'plan', 'signup_date']);
    assert.deepEqual(mapped.rows, [
      [34, 52000, 12, true, 'basic', '2023-01-15T00:00:00.000Z'],
      [51, 87000.5, 48, false, 'pro', '2021-06-01T00:00:00.000Z'],
      [29, 31000, 3, true, 'plus', '2024-02-29T00:00:00.000Z'],
      [45, 61000, 24, false, 'basic, legacy', '2022-11-30T00:00:00.000Z'],
      [38, 45500, 7, true, 'multi\nline plan', '2023-08-08T00:00:00.000Z'],
      [62, 99000, 120, false, 'pro', '2019-03-03T00:00:00.000Z'],
    ]);
    assert.deepEqual(mapped.ignoredColumns, []);
    assert.deepEqual(mapped.warnings, []);
  });

  it('matches names ignoring case and surrounding spaces, in signature order, and reports extras', () => {
    const source = table(
      [' AGE ', 'Income', 'extra', 'TENURE_MONTHS', 'Is_Active', 'Plan', 'note'],
      [{ ' AGE ': '40', Income: '1e4', extra: 'x', TENURE_MONTHS: '6', Is_Active: 'yes', Plan: 'pro', note: 'n' }],
    );
    const mapped = mapToSignature(source, CHURN_SIGNATURE);
    assert.deepEqual(mapped.columns, ['age', 'income', 'tenure_months', 'is_active', 'plan', 'signup_date']);
    assert.deepEqual(mapped.rows, [[40, 10000, 6, true, 'pro', null]]);
    assert.deepEqual(mapped.ignoredColumns, ['extra', 'note']);
    assert.deepEqual(mapped.warnings, ['Optional column signup_date is not in the file; it is sent as null.']);
  });

  it('lists every missing required column in one error', () => {
    const source = table(['plan', 'tenure_months', 'is_active', 'note'], [{ plan: 'a', tenure_months: '1', is_active: '1', note: '' }]);
    const error = mappingError(() => mapToSignature(source, CHURN_SIGNATURE));
    assert.equal(error.message, 'Missing required columns: age, income. The file has: plan, tenure_months, is_active, note.');
    assert.deepEqual(error.missingColumns, ['age', 'income']);
    assert.deepEqual(error.problems, []);
  });

  it('collects conversion failures with line and column into one error', () => {
    const source = table(
      ['age', 'income', 'tenure_months', 'is_active'],
      [
        { age: '30', income: '1000', tenure_months: '1', is_active: 'true' },
        { age: '31', income: 'abc', tenure_months: '2', is_active: 'false' },
        { age: '32', income: '3000', tenure_months: '3.5', is_active: 'maybe' },
      ],
      [2, 12, 15],
    );
    const error = mappingError(() => mapToSignature(source, CHURN_SIGNATURE));
    assert.deepEqual(error.problems, [
      'Line 12, column income: "abc" is not a double',
      'Line 15, column tenure_months: "3.5" is not a long',
      'Line 15, column is_active: "maybe" is not a boolean (use true/false, 1/0 or yes/no)',
    ]);
    assert.equal(error.message, `3 values do not match the input signature:\n${error.problems.join('\n')}`);
    assert.equal(error.problemCount, 3);
    assert.deepEqual(error.missingColumns, []);
  });

  it('lists at most 20 conversion failures and counts the rest', () => {
    const rows = Array.from({ length: 25 }, (_, i) => ({ age: `x${i}`, income: '1', tenure_months: '1', is_active: '1' }));
    const error = mappingError(() => mapToSignature(table(['age', 'income', 'tenure_months', 'is_active'], rows), CHURN_SIGNATURE));
    assert.equal(error.problems.length, 20);
    assert.equal(error.problemCount, 25);
    assert.equal(error.problems[19], 'Line 21, column age: "x19" is not a double');
    assert.ok(error.message.startsWith('25 values do not match the input signature:\nLine 2, column age: "x0" is not a double\n'));
    assert.ok(error.message.endsWith('\nLine 21, column age: "x19" is not a double\n… and 5 more.'));
  });

  it('warns when a required column is empty in some rows', () => {
    const rows = [
      { age: '30', income: '1', tenure_months: '1', is_active: '1' },
      { age: '', income: '1', tenure_months: '1', is_active: '1' },
      { age: '33', income: '1', tenure_months: '', is_active: '1' },
      { age: ' ', income: '1', tenure_months: '1', is_active: '1' },
    ];
    const mapped = mapToSignature(table(['age', 'income', 'tenure_months', 'is_active'], rows, [2, 4, 5, 7]), CHURN_SIGNATURE);
    assert.deepEqual(mapped.rows.map((r) => r[0]), [30, null, 33, null]);
    assert.deepEqual(mapped.warnings, [
      'Optional column plan is not in the file; it is sent as null.',
      'Optional column signup_date is not in the file; it is sent as null.',
      'Required column age is empty in 2 rows (lines 4, 7).',
      'Required column tenure_months is empty in 1 row (line 5).',
    ]);
  });

  it('passes values of unknown types through with one warning per type', () => {
    const signature: SignatureField[] = [
      { name: 'image', type: 'binary', required: true },
      { name: 'thumb', type: 'Binary', required: false },
      { name: 'score', type: 'double', required: true },
    ];
    const mapped = mapToSignature(table(['image', 'thumb', 'score'], [{ image: 'AAEC', thumb: '', score: '0.5' }]), signature);
    assert.deepEqual(mapped.rows, [['AAEC', null, 0.5]]);
    assert.deepEqual(mapped.warnings, ['Type "binary" (image, thumb) is not converted; its values are sent as they are.']);
  });

  it('keeps columns and values as they are without a signature', () => {
    const source = table(['b', 'a'], [{ b: '2', a: { x: 1 } }, { a: 5 }], [1, 2], ['1 row lacks some of the 2 keys; the missing values are empty.']);
    for (const signature of [undefined, []]) {
      const mapped = mapToSignature(source, signature);
      assert.deepEqual(mapped.columns, ['b', 'a']);
      assert.deepEqual(mapped.rows, [
        ['2', { x: 1 }],
        [null, 5],
      ]);
      assert.deepEqual(mapped.ignoredColumns, []);
      assert.deepEqual(mapped.warnings, ['1 row lacks some of the 2 keys; the missing values are empty.']);
    }
  });

  it('maps JSON rows, turning nested objects into JSON text for string columns and keeping table warnings', () => {
    const parsed = parseRows(fs.readFileSync(path.join(FIXTURES, 'churn.json'), 'utf8'), 'json');
    const signature: SignatureField[] = [...CHURN_SIGNATURE, { name: 'notes', type: 'string', required: false }];
    const mapped = mapToSignature(parsed, signature);
    assert.deepEqual(mapped.rows[1], [51, 87000.5, 48, false, 'pro', null, null]);
    assert.deepEqual(mapped.rows[3], [45, 61000, 24, false, null, null, '{"vip":true}']);
    assert.deepEqual(mapped.warnings, ['4 rows lack some of the 7 keys; the missing values are empty.']);
  });

  it('prefers the exact-case column when two columns differ only in case', () => {
    const source = table(['AGE', 'age', 'income', 'tenure_months', 'is_active'], [{ AGE: '1', age: '2', income: '3', tenure_months: '4', is_active: 'no' }]);
    const mapped = mapToSignature(source, CHURN_SIGNATURE.slice(0, 4));
    assert.deepEqual(mapped.rows, [[2, 3, 4, false]]);
    assert.deepEqual(mapped.ignoredColumns, ['AGE']);
    assert.deepEqual(mapped.warnings, ['Columns "AGE" and "age" both match age; using "age".']);
  });
});

describe('rows: numeric dates are never guessed', () => {
  const table = (dates: string[]) => ({ columns: ['d'], rows: dates.map(d => ({ d })), rowLines: dates.map((_, i) => i + 2), warnings: [] });
  const signature = [{ name: 'd', type: 'datetime', required: true }];

  it('refuses 10/03/2024 by default, saying how to make it unambiguous', () => {
    assert.throws(() => coerceValue('10/03/2024', 'datetime'), /"10\/03\/2024" is not a datetime \(day and month order is ambiguous: write ISO 8601 such as 2024-03-10, or set "fabricMl\.scoring\.dateFormat" to dayFirst or monthFirst\)/);
    assert.throws(() => mapToSignature(table(['10/03/2024']), signature), /Line 2, column d: "10\/03\/2024" is not a datetime \(day and month order is ambiguous/);
  });

  it('reads the configured order and says which form it assumed', () => {
    const dayFirst = mapToSignature(table(['10/03/2024', '25.12.2023 08:15', '10/03/2024']), signature, { dateOrder: 'dayFirst' });
    assert.deepEqual(dayFirst.rows.map(r => r[0]), ['2024-03-10T00:00:00.000Z', '2023-12-25T08:15:00.000Z', '2024-03-10T00:00:00.000Z']);
    assert.ok(dayFirst.warnings.includes('3 dates were written like 10/03/2024 and read as day/month/year (setting "fabricMl.scoring.dateFormat").'), JSON.stringify(dayFirst.warnings));
    const monthFirst = mapToSignature(table(['10/03/2024']), signature, { dateOrder: 'monthFirst' });
    assert.deepEqual(monthFirst.rows[0], ['2024-10-03T00:00:00.000Z']);
    assert.throws(() => mapToSignature(table(['25/12/2023']), signature, { dateOrder: 'monthFirst' }), /read as month\/day\/year, there is no month 25/);
  });

  it('keeps accepting ISO 8601 without any setting', () => {
    const iso = mapToSignature(table(['2024-03-10', '2024-03-10T09:30:00Z']), signature);
    assert.deepEqual(iso.rows.map(r => r[0]), ['2024-03-10T00:00:00.000Z', '2024-03-10T09:30:00.000Z']);
    assert.ok(!iso.warnings.some(w => w.includes('dateFormat')));
  });
});
