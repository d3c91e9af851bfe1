// A .json file streamed for Score File: the array is cut into its elements wherever the file's chunks break, each
// row keeps its line, a malformed document is reported in the same words (line, column, what is wrong) as when the
// whole text is parsed, and the rows before a malformed element are handed out first.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { openRowStream, RowsParseError } from '../../src/core/rows';
import { JsonArraySplitter, type JsonElementText } from '../../src/core/rows/jsonArrayStream';
import { parseJsonText } from '../../src/core/rows/parseJson';

/** Cuts `text` fed as the given pieces. */
function split(pieces: string[]): JsonElementText[] {
  const elements: JsonElementText[] = [];
  const splitter = new JsonArraySplitter(element => elements.push(element));
  for (const piece of pieces) splitter.push(piece);
  splitter.end();
  return elements;
}

async function readAll(file: string): Promise<Array<{ row: Record<string, unknown>; line: number }>> {
  const reader = await openRowStream(file, 'json');
  try {
    const rows = [];
    for (let batch = await reader.take(7); batch.length > 0; batch = await reader.take(7)) rows.push(...batch);
    return rows;
  } finally {
    reader.close();
  }
}

describe('JSON documents read as a stream', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fabric-ml-json-stream-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('cuts the array into its elements wherever the text is broken into pieces, with each element\'s line', () => {
    const rows = [
      { note: 'brackets ] } [ { and a "quote"', n: -1.5e3 },
      { note: 'escapes \\" \\\\ \u00e9 \u2028', nested: { list: [1, [2, { deep: '}' }]] } },
      { note: '', empty: {}, none: null, yes: true },
    ];
    const text = `[\n  ${rows.map(r => JSON.stringify(r)).join(',\n  ')}\n]\n`;
    for (let cut = 0; cut <= text.length; cut++) {
      const elements = split([text.slice(0, cut), text.slice(cut)]);
      assert.deepEqual(elements.map(e => JSON.parse(e.text) as unknown), rows, `cut at ${cut}`);
      assert.deepEqual(elements.map(e => [e.line, e.column]), [[2, 3], [3, 3], [4, 3]], `cut at ${cut}`);
    }
    assert.deepEqual(split(['{"one": ', '"object"}']).map(e => e.text), ['{"one": "object"}'], 'a document of one object is one row');
  });

  const malformed = [
    '[{"a":1},]',
    '[{"a":1} {"b":2}]',
    '[{"a":1}',
    '[{"a":1},',
    '{"a":1} x',
    '[{"a":1}] x',
    '"text"',
    '[{"a":[1}, {"b":2}]',
    '[{"a":"unterminated}]',
    '[\n{"a":1},\n{"a":tru},\n{"a":3}]',
    '[{"a":1}\n,{"b":2]\n',
    '[{"a":1}, 2]',
    '[{"a":1}}',
    '[{"a":1},\n  {"a": "x\ty"}]',
    '[{"a":1},{"a":1e}]',
    '[]',
  ];
  for (const text of malformed) {
    it(`says what is wrong with ${JSON.stringify(text)} in the words of the whole-document parser`, async () => {
      const file = path.join(dir, 'rows.json');
      fs.writeFileSync(file, text);
      let whole: unknown;
      try {
        parseJsonText(text);
      } catch (error) {
        whole = error;
      }
      assert.ok(whole instanceof RowsParseError);
      await assert.rejects(readAll(file), (error: unknown) => {
        assert.ok(error instanceof RowsParseError);
        assert.deepEqual([error.message, error.line, error.column], [whole.message, whole.line, whole.column]);
        return true;
      });
    });
  }

  it('reports a bracket that does not match where it is, not as a row over the size limit', () => {
    const splitter = new JsonArraySplitter(() => undefined, 200);
    const text = `[{"a": [1}, ${Array.from({ length: 50 }, (_, i) => `{"id": ${i}}`).join(', ')}]`;
    assert.throws(() => {
      for (let at = 0; at < text.length; at += 16) splitter.push(text.slice(at, at + 16));
    }, (error: unknown) => error instanceof RowsParseError && error.message === "Line 1, column 10: Expected ',' or ']' after an array element, found '}'.");
  });

  it('hands out the rows before a malformed element, then says where it is', async () => {
    const file = path.join(dir, 'rows.json');
    const good = Array.from({ length: 2000 }, (_, i) => JSON.stringify({ id: i + 1, text: `row ${i + 1}` }));
    fs.writeFileSync(file, `[\n${[...good.slice(0, 1500), '{"id": 1501, "text": "row 1501",}', ...good.slice(1501)].join(',\n')}\n]`);
    const reader = await openRowStream(file, 'json');
    const rows = [];
    try {
      for (let batch = await reader.take(100); batch.length > 0; batch = await reader.take(100)) rows.push(...batch);
      assert.fail('the malformed element was not reported');
    } catch (error) {
      assert.ok(error instanceof RowsParseError);
      assert.equal(error.message, 'Line 1502, column 33: Expected a property name in double quotes, found \'}\'.');
    } finally {
      reader.close();
    }
    assert.equal(rows.length, 1500);
    assert.deepEqual(rows[1499], { row: { id: 1500, text: 'row 1500' }, line: 1501 });
  });
});
