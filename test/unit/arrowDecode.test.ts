// Arrow decoding of executeQuery answers, with tables built by apache-arrow itself: numbers, strings, booleans,
// timestamps, nulls, 64-bit integers, the file format as well as the stream, an error carried in the
// "PQ Arrow Metadata" column or the schema metadata, and bytes that are not Arrow.
import * as assert from 'node:assert/strict';
import { Bool, type Field, Float64, Int64, RecordBatch, Schema, Table, tableToIPC, TimestampMillisecond, Utf8, vectorFromArray } from 'apache-arrow';
import { ArrowDecodeError, decodeArrow, PQ_METADATA_COLUMN } from '../../src/core/arrow/decodeArrow';

function sample(): Table {
  return new Table({
    score: vectorFromArray([0.25, null, -3], new Float64()),
    label: vectorFromArray(['churn', 'stay', null], new Utf8()),
    active: vectorFromArray([true, null, false], new Bool()),
    at: vectorFromArray([new Date('2025-01-02T03:04:05.000Z'), null, new Date('1999-12-31T23:59:59.000Z')], new TimestampMillisecond()),
    count: vectorFromArray([1n, 9007199254740993n, null], new Int64()),
  });
}

const EXPECTED_ROWS = [
  [0.25, 'churn', true, '2025-01-02T03:04:05.000Z', 1],
  [null, 'stay', null, null, '9007199254740993'],
  [-3, null, false, '1999-12-31T23:59:59.000Z', null],
];

describe('Arrow decoding (executeQuery answers)', () => {
  it('decodes numbers, strings, booleans, timestamps and nulls from a stream', () => {
    const decoded = decodeArrow(tableToIPC(sample(), 'stream'));
    assert.deepEqual(decoded.columns.map(c => c.name), ['score', 'label', 'active', 'at', 'count']);
    assert.deepEqual(decoded.rows, EXPECTED_ROWS);
    assert.equal(decoded.embeddedError, undefined);
  });

  it('reads the Arrow file format as well', () => {
    assert.deepEqual(decodeArrow(tableToIPC(sample(), 'file')).rows, EXPECTED_ROWS);
  });

  it('finds an error in the PQ Arrow Metadata column and hides that column', () => {
    const table = new Table({
      Value: vectorFromArray([null], new Utf8()),
      [PQ_METADATA_COLUMN]: vectorFromArray([JSON.stringify({ Error: 'Expression.Error: boom' })], new Utf8()),
    });
    const decoded = decodeArrow(tableToIPC(table, 'stream'));
    assert.equal(decoded.embeddedError, 'Expression.Error: boom');
    assert.deepEqual(decoded.columns.map(c => c.name), ['Value']);
  });

  it('finds an error in the schema metadata', () => {
    const data = new Table({ Value: vectorFromArray([1], new Float64()) });
    const schema = new Schema(data.schema.fields as Field[], new Map([['PQ Arrow Metadata', JSON.stringify({ Error: { Message: 'DataSource.Error: denied' } })]]));
    const table = new Table(schema, data.batches.map(b => new RecordBatch(schema, b.data)));
    assert.equal(decodeArrow(tableToIPC(table, 'stream')).embeddedError, 'DataSource.Error: denied');
  });

  it('refuses bytes that are not Arrow', () => {
    assert.throws(() => decodeArrow(new TextEncoder().encode('{"errorCode":"x"}')), ArrowDecodeError);
  });
});
