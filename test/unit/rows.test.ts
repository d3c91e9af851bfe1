import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  countDataRows,
  formatFromFileName,
  type ParsedTable,
  parseRows,
  parseRowsFromFile,
  RowsParseError,
  type SourceFormat,
} from '../../src/core/rows';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/rows');

function fixturePath(name: string): string {
  return path.join(FIXTURES, name);
}

function fixture(name: string): string {
  return fs.readFileSync(fixturePath(name), 'utf8');
}

/** Runs a parse that must fail and returns the RowsParseError. */
function parseError(run: () => unknown): RowsParseError {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof RowsParseError, `expected RowsParseError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the parse to fail');
}

async function parseErrorAsync(run: () => Promise<unknown>): Promise<RowsParseError> {
  try {
    await run();
  } catch (error) {
    assert.ok(error instanceof RowsParseError, `expected RowsParseError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected the parse to fail');
}

const CHURN_HEADER = ['age', 'income', 'tenure_months', 'is_active', 'plan', 'signup_date'];

describe('rows: formatFromFileName', () => {
  it('maps each supported extension, in any case, and nothing else', () => {
    assert.equal(formatFromFileName('/data/churn.csv'), 'csv');
    assert.equal(formatFromFileName('C:\\data\\CHURN.TSV'), 'tsv');
    assert.equal(formatFromFileName('rows.json'), 'json');
    assert.equal(formatFromFileName('rows.jsonl'), 'jsonl');
    assert.equal(formatFromFileName('rows.ndjson'), 'jsonl');
    assert.equal(formatFromFileName('notes.txt'), undefined);
    assert.equal(formatFromFileName('Makefile'), undefined);
    assert.equal(formatFromFileName('dir.csv/readme'), undefined);
  });
});

describe('rows: CSV text', () => {
  const churn = fixture('churn.csv');

  it('reads every row with its start line, skipping the blank line', () => {
    const table = parseRows(churn, 'csv');
    assert.deepEqual(table.columns, CHURN_HEADER);
    assert.equal(table.delimiter, ',');
    assert.deepEqual(table.rowLines, [2, 3, 5, 6, 7, 9]);
    assert.deepEqual(table.rows[0], {
      age: '34',
      income: '52000',
      tenure_months: '12',
      is_active: 'true',
      plan: 'basic',
      signup_date: '2023-01-15',
    });
    assert.equal(table.rows[3].plan, 'basic, legacy');
    assert.deepEqual(table.warnings, []);
  });

  it('takes the header from line 1 when the selection starts lower down', () => {
    const table = parseRows(churn, 'csv', { selection: { startLine: 4, endLine: 5 } });
    assert.deepEqual(table.columns, CHURN_HEADER);
    assert.deepEqual(table.rowLines, [5, 6]);
    assert.deepEqual(table.rows.map((r) => [r.age, r.plan, r.is_active]), [
      ['29', 'plus', 'yes'],
      ['45', 'basic, legacy', 'no'],
    ]);
  });

  it('does not turn the header into a row when the selection includes line 1', () => {
    const table = parseRows(churn, 'csv', { selection: { startLine: 0, endLine: 2 } });
    assert.deepEqual(table.rowLines, [2, 3]);
    assert.deepEqual(table.rows.map((r) => r.age), ['34', '51']);
  });

  it('accepts a selection given bottom-up', () => {
    const table = parseRows(churn, 'csv', { selection: { startLine: 2, endLine: 1 } });
    assert.deepEqual(table.rowLines, [2, 3]);
  });

  it('without a selection returns the first maxRows rows', () => {
    const table = parseRows(churn, 'csv', { maxRows: 3 });
    assert.deepEqual(table.rowLines, [2, 3, 5]);
    assert.deepEqual(table.rows.map((r) => r.age), ['34', '51', '29']);
  });

  it('reads further than maxRows lines when blank lines leave too few rows', () => {
    const text = 'a,b\n\n\n\n\n1,2\n3,4\n5,6\n';
    const table = parseRows(text, 'csv', { maxRows: 2 });
    assert.deepEqual(table.rowLines, [6, 7]);
    assert.deepEqual(table.rows, [
      { a: '1', b: '2' },
      { a: '3', b: '4' },
    ]);
  });

  it('keeps a quoted multi-line field in one row and counts lines after it correctly', () => {
    const table = parseRows(churn, 'csv');
    assert.equal(table.rows[4].plan, 'multi\nline plan');
    assert.equal(table.rows[4].signup_date, '2023-08-08');
    assert.equal(table.rowLines[4], 7);
    assert.equal(table.rowLines[5], 9);
    assert.equal(table.rows[5].age, '62');
  });

  it('selects a multi-line record by its first line only', () => {
    const onStart = parseRows(churn, 'csv', { selection: { startLine: 6, endLine: 6 } });
    assert.deepEqual(onStart.rowLines, [7]);
    assert.equal(onStart.rows[0].plan, 'multi\nline plan');

    const onSecondLine = parseRows(churn, 'csv', { selection: { startLine: 7, endLine: 8 } });
    assert.deepEqual(onSecondLine.rowLines, [9]);
    assert.equal(onSecondLine.rows[0].age, '62');
  });

  it('counts CRLF line breaks inside quoted fields once', () => {
    const text = 'a,b\r\n1,"x\r\ny"\r\n\r\n3,4\r\n5,"p\r\nq\r\nr"\r\n6,7\r\n';
    const table = parseRows(text, 'csv');
    assert.deepEqual(table.rowLines, [2, 5, 6, 9]);
    assert.equal(table.rows[0].b, 'x\r\ny');
    const selected = parseRows(text, 'csv', { selection: { startLine: 8, endLine: 8 } });
    assert.deepEqual(selected.rows, [{ a: '6', b: '7' }]);
  });

  it('reads a quoted value that runs past the end of the selection', () => {
    const text = 'id,comment\n1,"first\nsecond\nthird"\n2,short\n';
    const table = parseRows(text, 'csv', { selection: { startLine: 1, endLine: 1 } });
    assert.deepEqual(table.rows, [{ id: '1', comment: 'first\nsecond\nthird' }]);
    assert.deepEqual(table.rowLines, [2]);
  });

  it('strips a byte order mark from the first column name', () => {
    const table = parseRows(fixture('bom.csv'), 'csv');
    assert.equal(fixture('bom.csv').charCodeAt(0), 0xfeff);
    assert.deepEqual(table.columns, CHURN_HEADER);
    assert.equal(table.rows[0].age, '34');
  });

  it('detects a semicolon delimiter from the header line', () => {
    const table = parseRows(fixture('churn-semicolon.csv'), 'csv');
    assert.equal(table.delimiter, ';');
    assert.deepEqual(table.columns, CHURN_HEADER);
    assert.equal(table.rows[0].income, '52000,5');
    assert.equal(table.rows[1].plan, 'pro; gold');
  });

  it('detects a tab delimiter in a .csv document', () => {
    const table = parseRows('age\tplan\n34\tbasic, legacy\n', 'csv');
    assert.equal(table.delimiter, '\t');
    assert.deepEqual(table.rows, [{ age: '34', plan: 'basic, legacy' }]);
  });

  it('TSV always splits on tabs and keeps quotes inside values literally', () => {
    const forced = parseRows('a,b\tc\n1,2\t3\n', 'tsv');
    assert.deepEqual(forced.columns, ['a,b', 'c']);
    assert.deepEqual(forced.rows, [{ 'a,b': '1,2', c: '3' }]);

    const table = parseRows(fixture('churn.tsv'), 'tsv');
    assert.equal(table.delimiter, '\t');
    assert.deepEqual(table.columns, CHURN_HEADER);
    assert.equal(table.rows[0].plan, 'pro "gold"');
    assert.equal(table.rows[1].plan, 'basic, legacy');
  });

  it('names the line and column of an unclosed quote', () => {
    const error = parseError(() => parseRows(fixture('unclosed-quote.csv'), 'csv'));
    assert.equal(error.message, 'Line 3: unclosed quote in column 5 (plan).');
    assert.equal(error.line, 3);
    assert.equal(error.column, 5);
  });

  it('still reads a selection that ends before a broken record', () => {
    const table = parseRows(fixture('unclosed-quote.csv'), 'csv', { selection: { startLine: 1, endLine: 1 } });
    assert.deepEqual(table.rowLines, [2]);
    assert.equal(table.rows[0].plan, 'basic');
  });

  it('names the line of a row with the wrong number of fields', () => {
    const error = parseError(() => parseRows(fixture('ragged.csv'), 'csv'));
    assert.equal(error.message, 'Line 3: expected 6 fields like the header, found 5.');
    assert.equal(error.line, 3);
    // A ragged row outside the selection does not matter.
    const table = parseRows(fixture('ragged.csv'), 'csv', { selection: { startLine: 3, endLine: 3 } });
    assert.deepEqual(table.rows.map((r) => r.plan), ['plus']);
  });

  it('explains a stray quote inside an unquoted value and text after a closing quote', () => {
    const stray = parseError(() => parseRows('a,b\n1,2\n3,4"x\n', 'csv'));
    assert.equal(
      stray.message,
      'Line 3: a quote inside the unquoted value of column 2 (b); quote the whole value and double the inner quote ("").',
    );
    assert.equal(stray.column, 2);
    const after = parseError(() => parseRows('a,b\n"1"x,2\n', 'csv'));
    assert.equal(after.message, 'Line 2: unexpected text after the closing quote in column 1 (a).');
  });

  it('reports a selection of blank lines clearly', () => {
    const error = parseError(() => parseRows(churn, 'csv', { selection: { startLine: 3, endLine: 3 } }));
    assert.equal(error.message, 'The selection has no data rows.');
    const headerOnly = parseError(() => parseRows(churn, 'csv', { selection: { startLine: 0, endLine: 0 } }));
    assert.equal(headerOnly.message, 'The selection has no data rows.');
    const noRows = parseError(() => parseRows('a,b\n\n', 'csv'));
    assert.equal(noRows.message, 'The file has no data rows.');
  });

  it('rejects duplicate and empty header names', () => {
    const duplicate = parseError(() => parseRows('age,plan,age\n1,x,2\n', 'csv'));
    assert.equal(duplicate.message, 'Line 1: the header names "age" twice (columns 1 and 3).');
    assert.equal(duplicate.column, 3);
    const empty = parseError(() => parseRows('age,,plan\n1,2,3\n', 'csv'));
    assert.equal(empty.message, 'Line 1: column 2 of the header has no name.');
    assert.equal(empty.column, 2);
  });

  it('keeps a column named __proto__ as an ordinary field', () => {
    const table = parseRows('__proto__,b\nx,2\n', 'csv');
    assert.deepEqual(Object.keys(table.rows[0]), ['__proto__', 'b']);
    assert.equal(Object.getPrototypeOf(table.rows[0]), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(table.rows[0], '__proto__')?.value, 'x');
  });

  it('skips rows whose fields are all empty and says so', () => {
    const table = parseRows('a,b\n1,2\n,\n,\n', 'csv');
    assert.deepEqual(table.rows, [{ a: '1', b: '2' }]);
    assert.deepEqual(table.warnings, ['Skipped 2 rows whose fields are all empty.']);
  });
});

describe('rows: JSON text', () => {
  const churn = fixture('churn.json');

  it('reads an array of objects with each element’s start line and the union of keys', () => {
    const table = parseRows(churn, 'json');
    assert.deepEqual(table.columns, [...CHURN_HEADER, 'notes']);
    assert.deepEqual(table.rowLines, [2, 10, 11, 12]);
    assert.deepEqual(table.rows[0], {
      age: 34,
      income: 52000,
      tenure_months: 12,
      is_active: true,
      plan: 'basic',
      signup_date: '2023-01-15',
    });
    assert.deepEqual(table.rows[3].notes, { vip: true });
    assert.deepEqual(table.warnings, ['4 rows lack some of the 7 keys; the missing values are empty.']);
    assert.equal(table.delimiter, undefined);
  });

  it('returns the first maxRows elements', () => {
    const table = parseRows(churn, 'json', { maxRows: 2 });
    assert.deepEqual(table.rowLines, [2, 10]);
    assert.deepEqual(table.rows.map((r) => r.age), [34, 51]);
  });

  it('reads a single object as one row', () => {
    const table = parseRows(fixture('single.json'), 'json');
    assert.equal(table.rows.length, 1);
    assert.deepEqual(table.rowLines, [1]);
    assert.equal(table.rows[0].signup_date, '2024-05-01T10:30:00Z');
    assert.deepEqual(table.columns, CHURN_HEADER);
  });

  it('reads a selected fragment of comma-separated objects on its own', () => {
    const table = parseRows(churn, 'json', { selection: { startLine: 9, endLine: 10 } });
    assert.deepEqual(table.rowLines, [10, 11]);
    assert.deepEqual(table.rows.map((r) => r.plan), ['pro', 'plus']);
  });

  it('reads a selected object that spans several lines', () => {
    const table = parseRows(churn, 'json', { selection: { startLine: 1, endLine: 8 } });
    assert.deepEqual(table.rowLines, [2]);
    assert.equal(table.rows[0].signup_date, '2023-01-15');
  });

  it('falls back to the array elements that overlap the selected lines', () => {
    const inside = parseRows(churn, 'json', { selection: { startLine: 4, endLine: 5 } });
    assert.deepEqual(inside.rowLines, [2]);
    assert.equal(inside.rows[0].age, 34);

    const across = parseRows(churn, 'json', { selection: { startLine: 7, endLine: 9 } });
    assert.deepEqual(across.rowLines, [2, 10]);
    assert.deepEqual(across.rows.map((r) => r.age), [34, 51]);

    const bracketOnly = parseError(() => parseRows(churn, 'json', { selection: { startLine: 0, endLine: 0 } }));
    assert.equal(bracketOnly.message, 'The selection has no data rows.');
  });

  it('names line and column of malformed JSON', () => {
    const unquoted = parseError(() => parseRows(fixture('malformed.json'), 'json'));
    assert.equal(unquoted.message, "Line 3, column 25: Expected a JSON value, found 'abc'.");
    assert.equal(unquoted.line, 3);
    assert.equal(unquoted.column, 25);

    const missingComma = parseError(() => parseRows('[\n  {"a": 1}\n  {"a": 2}\n]\n', 'json'));
    assert.equal(missingComma.message, "Line 3, column 3: Expected ',' or ']' after an array element, found '{'.");

    const trailingComma = parseError(() => parseRows('{\n  "a": 1,\n}\n', 'json'));
    assert.equal(trailingComma.message, "Line 3, column 1: Expected a property name in double quotes, found '}'.");

    const unterminated = parseError(() => parseRows('[{"a": "open}]', 'json'));
    assert.equal(unterminated.message, 'Line 1, column 8: Unterminated string.');
  });

  it('reads a valid selection of a broken document, and reports the document error otherwise', () => {
    // Line 2 is valid by itself, so it is read without looking at the broken line 3.
    const valid = parseRows(fixture('malformed.json'), 'json', { selection: { startLine: 1, endLine: 1 } });
    assert.deepEqual(valid.rows, [{ age: 34, income: 52000 }]);
    assert.deepEqual(valid.rowLines, [2]);
    const error = parseError(() => parseRows(fixture('malformed.json'), 'json', { selection: { startLine: 2, endLine: 2 } }));
    assert.equal(error.message, "Line 3, column 25: Expected a JSON value, found 'abc'.");
    assert.equal(error.column, 25);
  });

  it('names the index and line of an element that is not an object', () => {
    const error = parseError(() => parseRows('[\n  {"a": 1},\n  5,\n  {"a": 3}\n]', 'json'));
    assert.equal(error.message, 'Line 3: array element at index 1 is a number, not an object.');
    assert.equal(error.line, 3);
    const scalar = parseError(() => parseRows('"just text"', 'json'));
    assert.equal(scalar.message, 'Line 1: expected an array of objects or one object, found a string.');
    const empty = parseError(() => parseRows('[]', 'json'));
    assert.equal(empty.message, 'The file has no data rows.');
  });
});

describe('rows: JSON Lines text', () => {
  it('reads one object per non-blank line', () => {
    const table = parseRows(fixture('churn.jsonl'), 'jsonl');
    assert.deepEqual(table.rowLines, [1, 2, 4]);
    assert.deepEqual(table.columns, ['age', 'income', 'tenure_months', 'is_active', 'plan']);
    assert.deepEqual(table.rows[2], { age: 29, income: 31000, tenure_months: 3, is_active: true, plan: 'plus' });
  });

  it('reads the selected lines, or the first maxRows', () => {
    const selected = parseRows(fixture('churn.jsonl'), 'jsonl', { selection: { startLine: 1, endLine: 3 } });
    assert.deepEqual(selected.rowLines, [2, 4]);
    assert.deepEqual(selected.rows.map((r) => r.plan), ['pro', 'plus']);
    const first = parseRows(fixture('churn.jsonl'), 'jsonl', { maxRows: 1 });
    assert.deepEqual(first.rows.map((r) => r.plan), ['basic']);
    const blank = parseError(() => parseRows(fixture('churn.jsonl'), 'jsonl', { selection: { startLine: 2, endLine: 2 } }));
    assert.equal(blank.message, 'The selection has no data rows.');
  });

  it('names the bad line and column', () => {
    const error = parseError(() => parseRows(fixture('bad-line.jsonl'), 'jsonl'));
    assert.equal(error.message, "Line 3, column 12: Expected a property name in double quotes, found '}'.");
    assert.equal(error.line, 3);
    assert.equal(error.column, 12);
    // Lines before the bad one can still be selected.
    const table = parseRows(fixture('bad-line.jsonl'), 'jsonl', { selection: { startLine: 0, endLine: 1 } });
    assert.deepEqual(table.rows, [{ age: 34 }, { age: 51 }]);
  });

  it('rejects a line that is not an object', () => {
    const error = parseError(() => parseRows('{"a": 1}\r\n[1, 2]\r\n', 'jsonl'));
    assert.equal(error.message, 'Line 2: expected a JSON object, found an array.');
  });
});

describe('rows: files', () => {
  const ROW_COUNT = 5000;
  let dir: string;
  let csvFile: string;
  let jsonlFile: string;
  let jsonFile: string;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fabric-ml-rows-'));
    const csvLines = [CHURN_HEADER.join(',')];
    const jsonlLines: string[] = [];
    const objects: object[] = [];
    for (let i = 0; i < ROW_COUNT; i++) {
      const row = { age: 20 + (i % 50), income: 30000 + i, tenure_months: i % 120, is_active: i % 2 === 0, plan: `plan ${i}`, signup_date: '2023-01-15' };
      csvLines.push(`${row.age},${row.income},${row.tenure_months},${row.is_active},"${row.plan}",${row.signup_date}`);
      jsonlLines.push(JSON.stringify(row));
      objects.push(row);
    }
    csvFile = path.join(dir, 'generated.csv');
    jsonlFile = path.join(dir, 'generated.jsonl');
    jsonFile = path.join(dir, 'generated.json');
    fs.writeFileSync(csvFile, csvLines.join('\r\n') + '\r\n');
    fs.writeFileSync(jsonlFile, jsonlLines.join('\n') + '\n');
    fs.writeFileSync(jsonFile, JSON.stringify(objects, null, 2));
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('streams the first maxRows rows of a generated CSV file', async () => {
    const table = await parseRowsFromFile(csvFile, 'csv', { maxRows: 100 });
    assert.equal(table.rows.length, 100);
    assert.equal(table.rowLines[0], 2);
    assert.equal(table.rowLines[99], 101);
    assert.deepEqual(table.rows[99], {
      age: '69',
      income: '30099',
      tenure_months: '99',
      is_active: 'false',
      plan: 'plan 99',
      signup_date: '2023-01-15',
    });
  });

  it('streams every row of the generated file and counts them', async () => {
    const table = await parseRowsFromFile(csvFile, 'csv');
    assert.equal(table.rows.length, ROW_COUNT);
    assert.equal(table.rowLines[ROW_COUNT - 1], ROW_COUNT + 1);
    assert.equal(table.rows[ROW_COUNT - 1].plan, `plan ${ROW_COUNT - 1}`);
    assert.equal(await countDataRows(csvFile, 'csv'), ROW_COUNT);
  });

  it('rejects with an AbortError when aborted before or while reading', async () => {
    const before = new AbortController();
    before.abort();
    await assert.rejects(parseRowsFromFile(csvFile, 'csv', { signal: before.signal }), { name: 'AbortError' });

    for (const format of ['csv', 'jsonl', 'json'] as SourceFormat[]) {
      const file = format === 'csv' ? csvFile : format === 'jsonl' ? jsonlFile : jsonFile;
      const during = new AbortController();
      const reading = parseRowsFromFile(file, format, { signal: during.signal });
      during.abort();
      await assert.rejects(reading, { name: 'AbortError', message: 'Reading the file was cancelled.' });
    }
  });

  it('streams JSON Lines and reads JSON files with maxRows, and counts their rows', async () => {
    const lines = await parseRowsFromFile(jsonlFile, 'jsonl', { maxRows: 3 });
    assert.deepEqual(lines.rowLines, [1, 2, 3]);
    assert.deepEqual(lines.rows.map((r) => r.plan), ['plan 0', 'plan 1', 'plan 2']);
    assert.equal(await countDataRows(jsonlFile, 'jsonl'), ROW_COUNT);

    const json: ParsedTable = await parseRowsFromFile(jsonFile, 'json', { maxRows: 2 });
    assert.deepEqual(json.rowLines, [2, 10]);
    assert.deepEqual(json.rows[1], { age: 21, income: 30001, tenure_months: 1, is_active: false, plan: 'plan 1', signup_date: '2023-01-15' });
    assert.equal(await countDataRows(jsonFile, 'json'), ROW_COUNT);
  });

  it('reports the same line numbers for files as for editor text', async () => {
    const table = await parseRowsFromFile(fixturePath('churn.csv'), 'csv');
    assert.deepEqual(table.rowLines, [2, 3, 5, 6, 7, 9]);
    assert.equal(table.rows[4].plan, 'multi\nline plan');
    assert.equal(await countDataRows(fixturePath('churn.csv'), 'csv'), 6);

    const bom = await parseRowsFromFile(fixturePath('bom.csv'), 'csv');
    assert.deepEqual(bom.columns, CHURN_HEADER);

    const semicolon = await parseRowsFromFile(fixturePath('churn-semicolon.csv'), 'csv');
    assert.equal(semicolon.delimiter, ';');

    const quote = await parseErrorAsync(() => parseRowsFromFile(fixturePath('unclosed-quote.csv'), 'csv'));
    assert.equal(quote.message, 'Line 3: unclosed quote in column 5 (plan).');
    const ragged = await parseErrorAsync(() => parseRowsFromFile(fixturePath('ragged.csv'), 'csv'));
    assert.equal(ragged.message, 'Line 3: expected 6 fields like the header, found 5.');
    const jsonl = await parseErrorAsync(() => parseRowsFromFile(fixturePath('bad-line.jsonl'), 'jsonl'));
    assert.equal(jsonl.line, 3);
    const json = await parseErrorAsync(() => countDataRows(fixturePath('malformed.json'), 'json'));
    assert.equal(json.message, "Line 3, column 25: Expected a JSON value, found 'abc'.");
  });
});
