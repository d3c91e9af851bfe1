// Files that are not text, and records too large to be rows: a picture or random bytes opened as .csv is refused by
// name ("does not look like a text CSV file") instead of a parser error quoting its bytes, and a file without line
// breaks fails at the record limit (fabricMl.scoring.maxRecordBytes) instead of being read whole. Messages never
// carry raw control characters or long runs of data.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { countDataRows, parseRows, parseRowsFromFile, RowsParseError, type SourceFormat } from '../../src/core/rows';

async function failure(run: () => unknown): Promise<RowsParseError> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof RowsParseError, `expected RowsParseError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the read to fail');
}

/** No raw control character (tab, CR, LF, NUL, DEL, C1) anywhere in a message meant for a user. */
function assertPrintable(message: string): void {
  assert.ok(!/[\u0000-\u001f\u007f-\u009f]/.test(message), `raw control characters in ${JSON.stringify(message)}`);
}

/** The start of a PNG (signature, IHDR chunk) followed by deterministic noise: what opening a picture as .csv reads. */
function pictureBytes(size: number): Buffer {
  const bytes = Buffer.alloc(size);
  Buffer.from('89504e470d0a1a0a0000000d49484452000000100000001008060000001ff3ff61', 'hex').copy(bytes);
  let seed = 7;
  for (let i = 33; i < size; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    bytes[i] = seed >> 16;
  }
  return bytes;
}

const FORMAT_NAMES: Array<[SourceFormat, string]> = [['csv', 'CSV'], ['tsv', 'TSV'], ['json', 'JSON'], ['jsonl', 'JSON Lines']];

describe('rows: files that are not text', () => {
  let dir: string;
  const file = (name: string, content: string | Buffer): string => {
    const at = path.join(dir, name);
    fs.writeFileSync(at, content);
    return at;
  };

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fabric-ml-limits-'));
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [format, name] of FORMAT_NAMES) {
    it(`refuses a picture opened as ${name}, reading rows or counting them, without quoting its bytes`, async () => {
      const picture = file(`picture.${format}`, pictureBytes(200_000));
      for (const run of [() => parseRowsFromFile(picture, format), () => countDataRows(picture, format)]) {
        const error = await failure(run);
        assert.equal(error.message, `This does not look like a text ${name} file: line 3 holds a NUL byte. Open a CSV, TSV, JSON or JSON Lines file saved as UTF-8 text.`);
      }
    });
  }

  it('refuses text that is not UTF-8 (a Latin-1 export) and names its line', async () => {
    const latin1 = file('latin1.csv', Buffer.from('name,city\nJose,Bern\nJos\xe9,Z\xfcrich\n', 'latin1'));
    const error = await failure(() => parseRowsFromFile(latin1, 'csv'));
    assert.equal(error.message, 'This does not look like a text CSV file: line 3 holds bytes that are not UTF-8. If it is text in another encoding, save it as UTF-8.');
  });

  it('refuses UTF-16 text with the encoding to use', async () => {
    const utf16 = file('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n1,2\n', 'utf16le')]));
    assert.equal((await failure(() => parseRowsFromFile(utf16, 'csv'))).message,
      'This does not look like a text CSV file: it is UTF-16 text. Save it as UTF-8.');
  });

  it('reads a UTF-8 file whose character is cut by the 64 KB the check looks at', async () => {
    const header = 'city,n\n';
    const filler = 'x'.repeat(64 * 1024 - header.length - ',1\n'.length - 1);
    // The two bytes of "é" straddle the 64 KB boundary.
    const text = `${header}${filler},1\né,2\n`;
    const at = file('straddle.csv', text);
    assert.equal(Buffer.byteLength(text.slice(0, text.indexOf('é'))), 64 * 1024 - 1);
    const table = await parseRowsFromFile(at, 'csv');
    assert.deepEqual(table.rows[1], { city: 'é', n: '2' });
  });

  it('refuses editor text with a NUL character or characters the editor could not decode', () => {
    const nul = parseErrorSync(() => parseRows('a,b\n1,2\n3,\u0000\n', 'csv'));
    assert.equal(nul.message, 'This does not look like a text CSV file: line 3 holds a NUL character. Open a CSV, TSV, JSON or JSON Lines file saved as UTF-8 text.');
    const undecoded = parseErrorSync(() => parseRows('{"a": "Z\uFFFDrich"}\n', 'jsonl'));
    assert.match(undecoded.message, /^This does not look like a text JSON Lines file: line 1 holds characters that could not be read as UTF-8/);
    assert.match(undecoded.message, /Reopen with Encoding/);
  });
});

function parseErrorSync(run: () => unknown): RowsParseError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof RowsParseError, `expected RowsParseError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the parse to fail');
}

describe('rows: the record size limit', () => {
  let dir: string;
  let noLineBreaks: string;
  const LIMIT_WORDS = 'the limit set by "fabricMl.scoring.maxRecordBytes". Check that the file holds one row per line (per array element in JSON), or raise the setting.';

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fabric-ml-limits-'));
    // 3 MB of values and commas and no line break: one record three times the default limit.
    noLineBreaks = path.join(dir, 'one-line.csv');
    fs.writeFileSync(noLineBreaks, '12,'.repeat(1024 * 1024));
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('stops a file without line breaks at the default 1 MB, for rows and for the count', async () => {
    for (const run of [() => parseRowsFromFile(noLineBreaks, 'csv'), () => countDataRows(noLineBreaks, 'csv')]) {
      const error = await failure(run);
      assert.equal(error.message, `Line 1: the line is larger than 1 MB, ${LIMIT_WORDS}`);
      assert.equal(error.line, 1);
    }
  });

  it('applies the limit the setting gives, to files and editor text of every format', async () => {
    const big = 'v'.repeat(5000);
    const csv = `a,b\n1,2\n${big},3\n`;
    const jsonl = `{"a":1}\n{"a":"${big}"}\n`;
    const json = `[\n{"a":1},\n{"a":"${big}"}\n]`;
    const cases: Array<[SourceFormat, string, string]> = [
      ['csv', csv, 'Line 3: the line'], ['tsv', csv.replace(/,/g, '\t'), 'Line 3: the line'],
      ['jsonl', jsonl, 'Line 2: the line'], ['json', json, 'Line 3: a row'],
    ];
    for (const [format, text, start] of cases) {
      const expected = `${start} is larger than 4 KB, ${LIMIT_WORDS}`;
      assert.equal(parseErrorSync(() => parseRows(text, format, { maxRecordBytes: 4096 })).message, expected, `${format} text`);
      const at = path.join(dir, `limit.${format}`);
      fs.writeFileSync(at, text);
      assert.equal((await failure(() => parseRowsFromFile(at, format, { maxRecordBytes: 4096 }))).message, expected, `${format} file`);
      // Under a larger limit the same rows read fine.
      assert.equal((await parseRowsFromFile(at, format, { maxRecordBytes: 8192 })).rows.length, 2, `${format} file under 8 KB`);
    }
  });

  it('counts a quoted value with many short lines as one record against the limit', async () => {
    const text = `a,b\n1,"${'line of a long note\n'.repeat(300)}"\n`;
    const expected = `Line 2: a record is larger than 4 KB, ${LIMIT_WORDS}`;
    assert.equal(parseErrorSync(() => parseRows(text, 'csv', { maxRecordBytes: 4096 })).message, expected);
    const at = path.join(dir, 'note.csv');
    fs.writeFileSync(at, text);
    assert.equal((await failure(() => parseRowsFromFile(at, 'csv', { maxRecordBytes: 4096 }))).message, expected);
  });
});

describe('rows: data in messages', () => {
  const hostileName = `\u0007\u001b[31m${'N'.repeat(100)}`;

  it('escapes control characters in a column name and cuts it to 40 characters', () => {
    const error = parseErrorSync(() => parseRows(`"${hostileName}",b\n1"x,2\n`, 'csv'));
    assertPrintable(error.message);
    assert.equal(error.message,
      `Line 2: a quote inside the unquoted value of column 1 (\\u0007\\u001b[31m${'N'.repeat(33)}…); quote the whole value and double the inner quote ("").`);
  });

  it('escapes a repeated header name and the character a JSON error points at', () => {
    const twice = parseErrorSync(() => parseRows(`"a\tb","a\tb"\n1,2\n`, 'csv'));
    assert.equal(twice.message, 'Line 1: the header names "a\\tb" twice (columns 1 and 2).');
    const json = parseErrorSync(() => parseRows('[{"a": \u0001}]', 'json'));
    assertPrintable(json.message);
    assert.equal(json.message, "Line 1, column 8: Expected a JSON value, found '\\u0001'.");
  });
});
