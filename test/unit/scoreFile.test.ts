// Score File to file against the real fake Fabric server: the output file's content (CSV with quoted fields, JSON
// Lines), failed batches written with an error column, back-pressure measured with counters, cancel at a row
// boundary, Resume that ends in the same file as an uninterrupted run, and the streamed summary.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseCsvSync } from 'csv-parse/sync';
import type { EndpointRef } from '../../src/core/endpoints/model';
import { summarizePredictions } from '../../src/core/results/summary';
import { ResumeMismatchError } from '../../src/core/scoreFile/resume';
import { describeFileProgress, scoreFileToFile, type ScoreFileRequest } from '../../src/core/scoreFile/scoreFileToFile';
import { estimateDataRows } from '../../src/core/rows';
import { StreamingColumnSummary } from '../../src/core/scoreFile/streamingSummary';
import { summarizeColumn } from '../../src/core/results/summary';
import { CHURN_INPUT_SIGNATURE, CHURN_OUTPUT_SIGNATURE, type FakeFabricServer, predictChurn } from '../../tools/fake-fabric';
import { FabricClient } from '../../src/core/fabric/fabricClient';
import { ShownRun } from '../../src/core/results';
import { fileResultsModel } from '../../src/core/scoreFile/fileResultsModel';
import { clientFor, fetchToken, fakeFabricPerSuite } from '../support/fabricTestKit';

const HEADER = ['customer', 'age', 'income', 'tenure_months', 'is_active', 'plan', 'signup_date', 'note'];
const NOTES = ['plain', 'He said "hi", then left', 'two\nlines', '=SUM(A1)', ' edge spaces ', 'semi;colon'];

/** Input rows as the CSV holds them (all text), each different from the others. */
function inputRows(count: number): string[][] {
  return Array.from({ length: count }, (_, i) => [
    `C${i + 1}`,
    String(20 + (i % 50)),
    String(30000 + i * 7),
    String(i % 72),
    i % 3 === 0 ? 'false' : 'true',
    ['basic', 'plus', 'pro', ''][i % 4],
    i % 5 === 0 ? '' : `2024-01-${String((i % 28) + 1).padStart(2, '0')}`,
    NOTES[i % NOTES.length],
  ]);
}

function csvText(rows: string[][], delimiter = ','): string {
  const field = (v: string): string => (/[",;\r\n\t]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [HEADER, ...rows].map(r => r.map(field).join(delimiter)).join('\n') + '\n';
}

function expected(row: string[]): [number, string] {
  return predictChurn(Object.fromEntries(HEADER.map((h, i) => [h, row[i]])));
}

/** The output file as records (header first). */
function readCsv(file: string, delimiter = ','): string[][] {
  return parseCsvSync(fs.readFileSync(file, 'utf8'), { delimiter, relax_column_count: true }) as string[][];
}

describe('Score File to file', () => {
  const fake = fakeFabricPerSuite();
  let server: FakeFabricServer;
  let ref: EndpointRef;
  let dir: string;

  beforeEach(() => {
    ({ server, ref } = fake);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fabric-ml-score-file-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function request(inputPath: string, outputPath: string, overrides: Partial<ScoreFileRequest> = {}): ScoreFileRequest {
    return {
      ref,
      inputPath,
      inputFormat: 'csv',
      outputPath,
      outputFormat: 'csv',
      signature: CHURN_INPUT_SIGNATURE,
      outputColumns: CHURN_OUTPUT_SIGNATURE.map(f => f.name),
      batchSize: 20,
      concurrency: 3,
      orientation: 'values',
      ...overrides,
    };
  }

  function writeInput(rows: string[][], name = 'input.csv', delimiter = ','): string {
    const file = path.join(dir, name);
    fs.writeFileSync(file, csvText(rows, delimiter));
    return file;
  }

  it('writes every input column as read (quoted fields kept), the predictions and an empty error column, in input order', async () => {
    const rows = inputRows(230);
    const output = path.join(dir, 'out.csv');
    const result = await scoreFileToFile(clientFor(server), request(writeInput(rows), output));
    const records = readCsv(output);
    assert.deepEqual(records[0], [...HEADER, 'churn_probability', 'churn_label', 'error']);
    assert.equal(records.length, 231);
    rows.forEach((row, i) => {
      const inputs = row.map(v => (v === '=SUM(A1)' ? "'=SUM(A1)" : v));
      assert.deepEqual(records[i + 1], [...inputs, String(expected(row)[0]), expected(row)[1], ''], `row ${i + 1}`);
    });
    assert.equal(result.complete, true);
    assert.equal(result.rowsWritten, 230);
    assert.equal(result.message, 'Scored all 230 rows into out.csv.');
    assert.equal(server.counters.scoreRequests, 12);
  });

  it('keeps the input\'s delimiter (semicolon) and quotes values that hold it', async () => {
    const rows = inputRows(30);
    const output = path.join(dir, 'out.csv');
    await scoreFileToFile(clientFor(server), request(writeInput(rows, 'input.csv', ';'), output));
    const text = fs.readFileSync(output, 'utf8');
    assert.ok(text.startsWith('customer;age;income;tenure_months;is_active;plan;signup_date;note;churn_probability;churn_label;error\r\n'));
    assert.ok(text.includes(';"semi;colon";'));
    const records = readCsv(output, ';');
    assert.deepEqual(records[6].slice(0, 8), rows[5]);
  });

  it('writes JSON Lines: each input object with its predictions and a null error', async () => {
    const input = path.join(dir, 'input.jsonl');
    const objects = inputRows(45).map(row => ({ ...Object.fromEntries(HEADER.map((h, i) => [h, row[i]])), age: Number(row[1]), is_active: row[4] === 'true' }));
    fs.writeFileSync(input, objects.map(o => JSON.stringify(o)).join('\n') + '\n');
    const output = path.join(dir, 'out.jsonl');
    await scoreFileToFile(clientFor(server), request(input, output, { inputFormat: 'jsonl', outputFormat: 'jsonl' }));
    const lines = fs.readFileSync(output, 'utf8').trimEnd().split('\n').map(line => JSON.parse(line) as Record<string, unknown>);
    assert.equal(lines.length, 45);
    lines.forEach((line, i) => {
      const [churn_probability, churn_label] = predictChurn(objects[i]);
      assert.deepEqual(line, { ...objects[i], churn_probability, churn_label, error: null });
    });
  });

  it('writes the rows of a failed batch with the reason in the error column and scores the others', async () => {
    const rows = inputRows(100);
    server.scriptScore({ type: 'error', status: 500, errorCode: 'UnknownError', message: 'Model container crashed' }, { match: inputs => (inputs[0] as unknown[])[1] === 30000 + 40 * 7 });
    const output = path.join(dir, 'out.csv');
    const result = await scoreFileToFile(clientFor(server), request(writeInput(rows), output));
    const records = readCsv(output).slice(1);
    assert.equal(records.length, 100);
    for (let i = 0; i < 100; i++) {
      const [probability, label, error] = records[i].slice(-3);
      if (i >= 40 && i < 60) {
        assert.deepEqual([probability, label], ['', ''], `row ${i + 1} has no prediction`);
        assert.match(error, /^Batch 3 \(rows 41–60, lines \d+–\d+\) failed: HTTP 500 UnknownError: Model container crashed \(request id [0-9a-f-]{36}\)$/);
      } else {
        assert.deepEqual([probability, label, error], [String(expected(rows[i])[0]), expected(rows[i])[1], '']);
      }
    }
    assert.deepEqual([result.failedBatches, result.failedRows, result.complete], [1, 20, true]);
    assert.equal(result.message, 'Scored all 100 rows into out.csv. 1 failed batch (20 rows) say why in the "error" column.');
  });

  describe('prediction keys that first come after the output\'s columns were set', () => {
    /** Every answer is objects; the batch of rows 41–60 adds a "reason" key the first batch did not have. */
    function answerWithALateKey(): void {
      server.scriptScore({ type: 'records', extra: { reason: 'short tenure' } }, { match: inputs => (inputs[0] as unknown[])[1] === 30000 + 40 * 7, times: Infinity });
      server.scriptScore({ type: 'records' }, { times: Infinity });
    }

    it('CSV: writes them as JSON in a prediction_extra column, says where they first came, and resumes such a file', async () => {
      answerWithALateKey();
      const rows = inputRows(100);
      const input = writeInput(rows);
      const output = path.join(dir, 'out.csv');
      const result = await scoreFileToFile(clientFor(server), request(input, output));
      const records = readCsv(output);
      assert.deepEqual(records[0], [...HEADER, 'churn_probability', 'churn_label', 'prediction_extra', 'error']);
      records.slice(1).forEach((record, i) => {
        const extra = i >= 40 && i < 60 ? '{"reason":"short tenure"}' : '';
        assert.deepEqual(record.slice(-4), [String(expected(rows[i])[0]), expected(rows[i])[1], extra, ''], `row ${i + 1}`);
      });
      assert.equal(result.warnings[0], `Prediction key "reason" first came in row 41 (line ${result.firstRows[40].line}), after the output's columns were set by the first batch: its values (20 rows) are in the "prediction_extra" column of out.csv as JSON.`);

      const whole = fs.readFileSync(output, 'utf8');
      const cut = whole.split('\r\n');
      // As a run cancelled after two batches leaves it (the endpoint adds the key to the batch that starts at row 41).
      fs.writeFileSync(output, cut.slice(0, 41).join('\r\n') + '\r\n');
      const resumed = await scoreFileToFile(clientFor(server), request(input, output, { resume: true }));
      assert.deepEqual([resumed.resumedRows, resumed.complete], [40, true]);
      assert.equal(fs.readFileSync(output, 'utf8'), whole);
    });

    it('CSV whose first answers had no keys: says that the late key\'s values are not in the file', async () => {
      server.scriptScore({ type: 'records', extra: { reason: 'short tenure' } }, { match: inputs => (inputs[0] as unknown[])[1] === 30000 + 40 * 7 });
      const rows = inputRows(100);
      const result = await scoreFileToFile(clientFor(server), request(writeInput(rows), path.join(dir, 'out.csv')));
      assert.deepEqual(readCsv(path.join(dir, 'out.csv'))[0], [...HEADER, 'churn_probability', 'churn_label', 'error']);
      assert.equal(result.warnings[0], `Prediction key "reason" first came in row 41 (line ${result.firstRows[40].line}), after the output's columns were set by the first batch, whose predictions had no keys: its values (20 rows) are not in out.csv. Score into a .jsonl file to keep every key.`);
    });

    it('JSON rows into a CSV: says which input key came after the header was written and from which row', async () => {
      const input = path.join(dir, 'input.jsonl');
      const objects = inputRows(100).map((row, i) => ({ ...Object.fromEntries(HEADER.map((h, c) => [h, row[c]])), ...(i >= 70 ? { comment: 'late' } : {}) }));
      fs.writeFileSync(input, objects.map(o => JSON.stringify(o)).join('\n') + '\n');
      const output = path.join(dir, 'out.csv');
      const result = await scoreFileToFile(clientFor(server), request(input, output, { inputFormat: 'jsonl', maxQueuedBatches: 2 }));
      assert.deepEqual(readCsv(output)[0], [...HEADER, 'churn_probability', 'churn_label', 'error']);
      assert.equal(result.rowsWritten, 100);
      assert.equal(result.warnings[0], 'Input key "comment" first came in row 71 (line 71), after the header of out.csv was written: its values (30 rows) are not in the file. Score into a .jsonl file to keep every key.');
    });

    it('JSON Lines: writes them on the rows that have them', async () => {
      answerWithALateKey();
      const rows = inputRows(100);
      const output = path.join(dir, 'out.jsonl');
      const result = await scoreFileToFile(clientFor(server), request(writeInput(rows), output, { outputFormat: 'jsonl' }));
      const lines = fs.readFileSync(output, 'utf8').trimEnd().split('\n').map(line => JSON.parse(line) as Record<string, unknown>);
      lines.forEach((line, i) => {
        const [churn_probability, churn_label] = expected(rows[i]);
        const inputs = Object.fromEntries(HEADER.map((h, c) => [h, rows[i][c]]));
        const late = i >= 40 && i < 60 ? { reason: 'short tenure' } : {};
        assert.deepEqual(line, { ...inputs, churn_probability, churn_label, ...late, error: null }, `row ${i + 1}`);
      });
      assert.equal(result.warnings[0], `Prediction key "reason" first came in row 41 (line ${result.firstRows[40].line}), after the output's columns were set by the first batch: it is in out.jsonl as "reason" on the 20 rows that have it; the summary does not cover it.`);
    });
  });

  it('reads no further ahead than the queue bound while batches wait (back-pressure, by counters)', async () => {
    server.latencyMs = 5;
    const output = path.join(dir, 'out.csv');
    const result = await scoreFileToFile(clientFor(server), request(writeInput(inputRows(600)), output, { batchSize: 10, concurrency: 2, maxQueuedBatches: 3 }));
    assert.equal(result.rowsWritten, 600);
    assert.ok(result.maxRowsAhead <= 30, `read ${result.maxRowsAhead} rows ahead of the writer`);
    assert.ok(result.maxRowsAhead >= 20, 'the window was used');
    assert.equal(server.counters.maxInFlight, 2);
  });

  it('streams a .json array: the file is cut no further ahead of the output than the queue bound plus one read chunk (by counters)', async () => {
    server.latencyMs = 2;
    const objects = inputRows(3000).map(row => ({ ...Object.fromEntries(HEADER.map((h, i) => [h, row[i]])), age: Number(row[1]) }));
    const input = path.join(dir, 'input.json');
    fs.writeFileSync(input, `[\n${objects.map(o => `  ${JSON.stringify(o)}`).join(',\n')}\n]\n`);
    const jsonl = path.join(dir, 'input.jsonl');
    fs.writeFileSync(jsonl, objects.map(o => JSON.stringify(o)).join('\n') + '\n');
    const output = path.join(dir, 'from-json.jsonl');
    const result = await scoreFileToFile(clientFor(server), request(input, output, { inputFormat: 'json', outputFormat: 'jsonl', batchSize: 10, concurrency: 2, maxQueuedBatches: 3 }));
    assert.equal(result.rowsWritten, 3000);
    // The reader reads 16 KB at a time and its element stream holds at most 16 elements beyond the chunk it cut.
    const shortestRow = Math.min(...objects.map(o => JSON.stringify(o).length));
    const bound = 3 * 10 + Math.ceil((16 * 1024) / shortestRow) + 16;
    assert.ok(result.maxRowsParsedAhead <= bound, `${result.maxRowsParsedAhead} rows cut out of the file ahead of the output (bound ${bound})`);
    assert.ok(result.maxRowsParsedAhead >= 30, 'the queue was used');
    const fromJsonl = path.join(dir, 'from-jsonl.jsonl');
    await scoreFileToFile(clientFor(server), request(jsonl, fromJsonl, { inputFormat: 'jsonl', outputFormat: 'jsonl' }));
    assert.equal(fs.readFileSync(output, 'utf8'), fs.readFileSync(fromJsonl, 'utf8'), 'the same rows and predictions as from JSON Lines');
  });

  it('cancels at a row boundary: rows 1–N written, nothing after, and says so', async () => {
    server.latencyMs = 10;
    const rows = inputRows(400);
    const output = path.join(dir, 'out.csv');
    const controller = new AbortController();
    const result = await scoreFileToFile(clientFor(server), request(writeInput(rows), output, {
      batchSize: 10,
      concurrency: 2,
      signal: controller.signal,
      onProgress: ({ rowsWritten }) => {
        if (rowsWritten >= 50) controller.abort();
      },
    }));
    const records = readCsv(output).slice(1);
    const n = result.rowsWritten;
    assert.ok(n >= 50 && n < 400 && n % 10 === 0, `${n} rows written`);
    assert.equal(records.length, n);
    records.forEach((record, i) => assert.deepEqual(record.slice(-3), [String(expected(rows[i])[0]), expected(rows[i])[1], '']));
    assert.equal(result.cancelled, true);
    assert.equal(result.message, `Cancelled: rows 1–${n} written to out.csv, ${n + 1}… not scored. Resume continues from row ${n + 1}.`);
  });

  it('Resume after a cancel (and a partial last line) ends in the same file and summary as an uninterrupted run', async () => {
    server.latencyMs = 5;
    const rows = inputRows(300);
    const input = writeInput(rows);
    const whole = path.join(dir, 'whole.csv');
    const uninterrupted = await scoreFileToFile(clientFor(server), request(input, whole, { batchSize: 10 }));

    const resumed = path.join(dir, 'resumed.csv');
    const controller = new AbortController();
    const first = await scoreFileToFile(clientFor(server), request(input, resumed, {
      batchSize: 10,
      signal: controller.signal,
      onProgress: ({ rowsWritten }) => {
        if (rowsWritten >= 70) controller.abort();
      },
    }));
    assert.ok(first.cancelled && first.rowsWritten < 300);
    fs.appendFileSync(resumed, 'C999,1,2'); // a run killed in the middle of a line
    server.resetCounters();
    const second = await scoreFileToFile(clientFor(server), request(input, resumed, { batchSize: 10, resume: true }));
    assert.equal(fs.readFileSync(resumed, 'utf8'), fs.readFileSync(whole, 'utf8'));
    assert.equal(second.resumedRows, first.rowsWritten);
    assert.equal(server.counters.scoreRowsReceived, 300 - first.rowsWritten, 'only the rows not written were sent');
    assert.deepEqual(second.summaries, uninterrupted.summaries);
    assert.equal(second.message, `Scored the remaining ${300 - first.rowsWritten} rows (300 in all) into resumed.csv.`);
  });

  for (const broken of [
    // The quote runs on to the next quote in the file, where csv-parse sees text after a closing quote.
    { what: 'an unterminated quote', line: '"C150,20,30000,1,true,basic,,plain', problem: (line: number) => `Line ${line}: unexpected text after the closing quote in column 1 (customer).` },
    { what: 'a wrong field count', line: 'C150,20,30000', problem: (line: number) => `Line ${line}: expected 8 fields like the header, found 3.` },
  ]) {
    it(`stops at ${broken.what} part-way through with the rows before it written, and Resume continues once the file is fixed`, async () => {
      const rows = inputRows(300);
      const input = writeInput(rows);
      const good = fs.readFileSync(input, 'utf8');
      const whole = path.join(dir, 'whole.csv');
      await scoreFileToFile(clientFor(server), request(input, whole));
      // Row 150 is broken in the file the user scores (its line is later than 151: some notes hold a line break).
      const lines = good.split('\n');
      const at = lines.findIndex(line => line.startsWith('C150,'));
      fs.writeFileSync(input, [...lines.slice(0, at), broken.line, ...lines.slice(at + 1)].join('\n'));
      const problem = broken.problem(at + 1);

      const output = path.join(dir, 'out.csv');
      const first = await scoreFileToFile(clientFor(server), request(input, output));
      assert.deepEqual([first.rowsWritten, first.complete, first.cancelled, first.malformedInput], [149, false, false, problem]);
      assert.equal(first.message, `Stopped at a malformed record: rows 1–149 written to out.csv, 150… not scored. ${problem} Fix the file, then Resume continues from row 150.`);
      assert.equal(first.warnings[0], `Input stopped at a malformed record: ${problem} The rows before it are in out.csv; fix the file, then Resume.`);
      const records = readCsv(output).slice(1);
      assert.equal(records.length, 149, 'the 9 rows read before the bad record in its batch are written too');
      records.forEach((record, i) => assert.deepEqual(record.slice(-3), [String(expected(rows[i])[0]), expected(rows[i])[1], ''], `row ${i + 1}`));

      fs.writeFileSync(input, good);
      server.resetCounters();
      const second = await scoreFileToFile(clientFor(server), request(input, output, { resume: true }));
      assert.equal(second.complete, true);
      assert.equal(server.counters.scoreRowsReceived, 151, 'only rows 150–300 were sent');
      assert.equal(fs.readFileSync(output, 'utf8'), fs.readFileSync(whole, 'utf8'));
    });
  }

  describe('Retry Failed Rows', () => {
    const crash = { type: 'error', status: 500, errorCode: 'UnknownError', message: 'Model container crashed' } as const;
    const startsAt = (row: number) => ({ match: (inputs: unknown[]) => (inputs[0] as unknown[])[1] === 30000 + (row - 1) * 7 });

    for (const format of ['csv', 'jsonl'] as const) {
      it(`${format}: sends only the failed rows again and copies the others, into a new file in input order`, async () => {
        const rows = inputRows(100);
        const input = writeInput(rows);
        const whole = path.join(dir, `whole.${format}`);
        await scoreFileToFile(clientFor(server), request(input, whole, { outputFormat: format }));
        server.scriptScore(crash, startsAt(41));
        server.scriptScore(crash, startsAt(81));
        const earlier = path.join(dir, `out.${format}`);
        const first = await scoreFileToFile(clientFor(server), request(input, earlier, { outputFormat: format }));
        assert.deepEqual([first.complete, first.failedBatches], [true, 2]);
        const earlierText = fs.readFileSync(earlier, 'utf8');

        server.resetCounters();
        const retried = path.join(dir, `retried.${format}`);
        const result = await scoreFileToFile(clientFor(server), request(input, retried, { outputFormat: format, retryFailedOf: earlier }));
        assert.equal(server.counters.scoreRowsReceived, 40, 'only rows 41–60 and 81–100 were sent');
        assert.equal(fs.readFileSync(retried, 'utf8'), fs.readFileSync(whole, 'utf8'));
        assert.equal(fs.readFileSync(earlier, 'utf8'), earlierText, 'the earlier output is left as it was');
        assert.deepEqual([result.complete, result.failedBatches, result.retry], [true, 0, { retried: 40, failedAgain: 0, copied: 60 }]);
        assert.equal(result.message, `Retried the 40 rows that had failed into retried.${format}: all 40 are scored now; the other 60 rows were copied from out.${format}.`);
      });
    }

    it('says when the earlier output ends before the input and leaves the new file for Resume', async () => {
      const rows = inputRows(100);
      const input = writeInput(rows);
      server.scriptScore(crash, startsAt(21));
      const earlier = path.join(dir, 'out.csv');
      await scoreFileToFile(clientFor(server), request(input, earlier));
      fs.writeFileSync(earlier, fs.readFileSync(earlier, 'utf8').split('\r\n').slice(0, 41).join('\r\n') + '\r\n');
      const result = await scoreFileToFile(clientFor(server), request(input, path.join(dir, 'retried.csv'), { retryFailedOf: earlier }));
      assert.deepEqual([result.complete, result.rowsWritten, result.retry], [false, 40, { retried: 20, failedAgain: 0, copied: 20 }]);
      assert.equal(result.message, 'Retried the 20 rows that had failed into retried.csv: all 20 are scored now; the other 20 rows were copied from out.csv. out.csv ends at row 40, before the input does: Resume continues from row 41.');
    });

    it('writes rows that fail again with the new reason, and refuses an earlier output of another input', async () => {
      const rows = inputRows(60);
      const input = writeInput(rows);
      server.scriptScore(crash, { ...startsAt(21), times: 2 });
      const earlier = path.join(dir, 'out.csv');
      await scoreFileToFile(clientFor(server), request(input, earlier));
      const result = await scoreFileToFile(clientFor(server), request(input, path.join(dir, 'retried.csv'), { retryFailedOf: earlier }));
      const records = readCsv(path.join(dir, 'retried.csv')).slice(1);
      assert.match(records[20][10], /^Batch 1 \(rows 21–40, lines \d+–\d+\) failed: HTTP 500 UnknownError: Model container crashed/);
      assert.deepEqual(result.retry, { retried: 20, failedAgain: 20, copied: 40 });
      assert.equal(result.message, 'Retried the 20 rows that had failed into retried.csv: 0 scored now, 20 failed again (the error column says why); the other 40 rows were copied from out.csv.');

      fs.writeFileSync(input, csvText(rows.map((row, i) => (i === 3 ? [row[0], '99', ...row.slice(2)] : row))));
      await assert.rejects(scoreFileToFile(clientFor(server), request(input, path.join(dir, 'again.csv'), { retryFailedOf: earlier })), (error: unknown) => {
        assert.ok(error instanceof ResumeMismatchError);
        assert.match(error.message, /^out\.csv row 4 does not match row 4 of the input \(line 6\): .* Score the file again instead of retrying its failed rows\.$/);
        return true;
      });
    });
  });

  it('refuses to resume an output whose rows do not match the input', async () => {
    const rows = inputRows(40);
    const input = writeInput(rows);
    const output = path.join(dir, 'out.csv');
    await scoreFileToFile(clientFor(server), request(input, output));
    const other = rows.map((row, i) => (i === 7 ? [row[0], '99', ...row.slice(2)] : row));
    fs.writeFileSync(input, csvText(other));
    await assert.rejects(scoreFileToFile(clientFor(server), request(input, output, { resume: true })), (error: unknown) => {
      assert.ok(error instanceof ResumeMismatchError);
      assert.equal(error.message, 'out.csv row 8 does not match row 8 of the input (line 10): the output was written from another file, or the input changed. Score the file again instead of resuming.');
      return true;
    });
  });

  it('stops after a failure every batch would repeat, writing nothing after it', async () => {
    server.scriptScore({ type: 'error', status: 403, errorCode: 'InsufficientPrivileges', message: 'The caller does not have permission' }, { match: inputs => (inputs[0] as unknown[])[1] === 30000 + 60 * 7, times: Infinity });
    const output = path.join(dir, 'out.csv');
    const result = await scoreFileToFile(clientFor(server), request(writeInput(inputRows(200)), output, { concurrency: 1 }));
    assert.equal(result.rowsWritten, 60);
    assert.equal(readCsv(output).length, 61);
    assert.match(result.message, /^Stopped: rows 1–60 written to out\.csv, 61… not scored: HTTP 403 InsufficientPrivileges: The caller does not have permission.* \(request id [0-9a-f-]{36}\)\. Resume continues from row 61\.$/);
  });

  it('tells the concurrency controller how much of the file is left: near the end it does not probe above the known capacity', async () => {
    // 600 batches at about 4 × 5 ms: the run is shorter than two Retry-After waits of 1 s, so once the first 429s
    // showed the capacity, a probe above it could only hold the last batches back.
    server.latencyMs = 5;
    server.setCapacity({ concurrent: 4, retryAfterSeconds: 1 });
    try {
      const limits: number[] = [];
      const result = await scoreFileToFile(clientFor(server, { maxRetries: 10 }), request(writeInput(inputRows(3000)), path.join(dir, 'out.csv'), {
        batchSize: 5, concurrency: 4, maxConcurrency: 8, onProgress: progress => limits.push(progress.concurrency),
      }));
      assert.deepEqual([result.complete, result.failedBatches], [true, 0]);
      const dropAt = limits.findIndex((limit, i) => i > 0 && limit < limits[i - 1]);
      assert.equal(limits.filter((limit, i) => i > 0 && limit < limits[i - 1]).length, 1, 'one halving, after the first 429s only');
      assert.equal(Math.max(...limits.slice(dropAt)), 4, 'climbed back to the capacity, and no further');
    } finally {
      server.setCapacity(undefined);
    }
  });

  it('summarises every row as the exact in-memory summary does on a small file', async () => {
    const rows = inputRows(300);
    const result = await scoreFileToFile(clientFor(server), request(writeInput(rows), path.join(dir, 'out.csv')));
    const exact = summarizePredictions({ outputColumns: ['churn_probability', 'churn_label'], predictions: rows.map(expected) });
    assert.deepEqual(result.summaries, exact);
    assert.equal(result.firstRows.length, 200);
    assert.deepEqual(result.firstRows[1].prediction, expected(rows[1]));
  });

  it('streams min, max, mean exactly and a sampled histogram that adds up to the count beyond the sample size', () => {
    const values = Array.from({ length: 5000 }, (_, i) => Math.sin(i) * 100 + i / 50);
    const streaming = new StreamingColumnSummary('v', 500);
    for (const v of values) streaming.add(v);
    const summary = streaming.finish();
    const exact = summarizeColumn('v', values);
    assert.ok(summary.kind === 'number' && exact.kind === 'number');
    assert.deepEqual([summary.count, summary.min, summary.max, summary.mean], [exact.count, exact.min, exact.max, exact.mean]);
    assert.deepEqual(summary.histogram.map(b => [b.from, b.to]), exact.histogram.map(b => [b.from, b.to]));
    assert.equal(summary.histogram.reduce((n, b) => n + b.count, 0), 5000);
    summary.histogram.forEach((bin, i) => assert.ok(Math.abs(bin.count - exact.histogram[i].count) <= 5000 * 0.05, `bin ${i}: ${bin.count} vs ${exact.histogram[i].count}`));
    assert.equal(summary.histogramSample, 500, 'the page is told the bars come from a 500-value sample');
    const small = new StreamingColumnSummary('v', 500);
    for (const v of values.slice(0, 400)) small.add(v);
    const exactSmall = small.finish();
    assert.ok(exactSmall.kind === 'number' && exactSmall.histogramSample === undefined, 'every value counted: nothing to say');
  });

  it('counts the rows of a small file for the confirmation and estimates a large one from its size', async () => {
    assert.deepEqual(await estimateDataRows(writeInput(inputRows(50), 'small.csv'), 'csv'), { rows: 50, exact: true });
    const big = writeInput(inputRows(30_000), 'big.csv');
    assert.ok(fs.statSync(big).size > 1024 * 1024);
    const estimate = await estimateDataRows(big, 'csv');
    assert.equal(estimate.exact, false);
    assert.ok(Math.abs(estimate.rows - 30_000) / 30_000 < 0.1, `estimated ${estimate.rows} rows`);
  });

  it('estimates the rows of a large .json array from its first 64 KB instead of reading it whole', async () => {
    const big = path.join(dir, 'big.json');
    fs.writeFileSync(big, JSON.stringify(inputRows(20_000).map(row => Object.fromEntries(HEADER.map((h, i) => [h, row[i]]))), null, 1));
    assert.ok(fs.statSync(big).size > 1024 * 1024);
    const estimate = await estimateDataRows(big, 'json');
    assert.equal(estimate.exact, false);
    assert.ok(Math.abs(estimate.rows - 20_000) / 20_000 < 0.1, `estimated ${estimate.rows} rows`);
  });

  it('words the progress line with rows, rate, time left, concurrency and failed batches', () => {
    assert.equal(
      describeFileProgress({ rowsWritten: 12_300, rowsPerSecond: 4100.4, etaSeconds: 25.2, failedBatches: 2, concurrency: 6 }),
      '12,300 rows written · 4,100 rows/s · about 25 s left · concurrency 6 · 2 failed batches',
    );
    assert.equal(describeFileProgress({ rowsWritten: 100, rowsPerSecond: 50, etaSeconds: undefined, failedBatches: 0, concurrency: 4 }), '100 rows written · 50 rows/s · concurrency 4');
  });

  it('leaves an earlier output as it was when no token can be had', async () => {
    const output = path.join(dir, 'out.csv');
    fs.writeFileSync(output, 'an earlier run\r\n');
    const client = new FabricClient({ getToken: () => fetchToken(server, 'wrong-secret'), allowLoopback: true, requestTimeoutMs: 10_000, maxRetries: 0, maxRetryAfterMs: 1000, pollFloorMs: 0 });
    await assert.rejects(scoreFileToFile(client, request(writeInput(inputRows(10)), output)), /AADSTS7000215/);
    assert.equal(fs.readFileSync(output, 'utf8'), 'an earlier run\r\n');
    assert.equal(server.counters.scoreRequests, 0);
  });

  describe('read back for the results page', () => {
    /** The results panel's run of a finished Score File: its first 200 rows held, the others in the output file. */
    async function shownRunOf(output: string, rows: string[][], overrides: Partial<ScoreFileRequest> = {}): Promise<ShownRun> {
      const result = await scoreFileToFile(clientFor(server), request(writeInput(rows), output, overrides));
      const facts = { runId: 'run-1', endpoint: { id: 'churn', name: 'Churn', scoreUrl: 'https://x/score' }, fileName: 'input.csv', outputFileName: path.basename(output), startedAt: new Date(), warnings: [] };
      return ShownRun.of(fileResultsModel(facts, result));
    }

    it('reaches every row of a CSV output: quoted fields with line breaks, and the reason of a failed batch past the first rows', async () => {
      const rows = inputRows(450);
      server.scriptScore({ type: 'error', status: 500, errorCode: 'UnknownError', message: 'Model container crashed' }, { match: inputs => (inputs[0] as unknown[])[1] === 30000 + 300 * 7 });
      const run = await shownRunOf(path.join(dir, 'out.csv'), rows);
      assert.equal(run.rows.length, 200, 'the first rows are held');
      assert.deepEqual([run.view.rowCount, run.view.scoredRows], [450, 430], 'the page is told of every row in the file');
      const page = await run.page(180, 340);
      assert.equal(page.inputs.length, 160);
      for (let i = 0; i < page.inputs.length; i++) {
        const r = 180 + i;
        assert.equal(page.inputs[i][0], `C${r + 1}`, `row ${r + 1}'s first input`);
        assert.equal(page.inputs[i][7], NOTES[r % NOTES.length], `row ${r + 1}'s note, quotes and line breaks kept`);
        if (r >= 300 && r < 320) {
          assert.equal(page.predictions[i], null, `row ${r + 1} failed`);
          assert.match(page.errors?.[i] ?? '', /^Batch 16 \(rows 301–320, lines \d+–\d+\) failed: HTTP 500 UnknownError: Model container crashed/);
        } else {
          assert.deepEqual(page.predictions[i], expected(rows[r]), `row ${r + 1}'s prediction`);
          assert.equal(page.errors?.[i] ?? null, null);
        }
      }
      assert.equal(typeof page.lines?.[0], 'number', 'a held row keeps its source line');
      assert.equal(page.lines?.[40], null, 'a row read back from the file has none');
      assert.deepEqual((await run.page(440, 1000)).inputs.map(r => r[0]), Array.from({ length: 10 }, (_, i) => `C${441 + i}`), 'the last page ends at the last row');
    });

    it('reaches every row of a JSON Lines output', async () => {
      const rows = inputRows(330);
      const run = await shownRunOf(path.join(dir, 'out.jsonl'), rows, { outputFormat: 'jsonl' });
      const page = await run.page(250, 330);
      assert.deepEqual(page.inputs.map(r => r[0]), rows.slice(250).map(r => r[0]));
      assert.deepEqual(page.predictions, rows.slice(250).map(expected));
    });

    it('says so when the output file changed after the run wrote it, instead of showing other rows', async () => {
      const output = path.join(dir, 'out.csv');
      const rows = inputRows(300);
      await scoreFileToFile(clientFor(server), request(writeInput(rows), output));
      fs.appendFileSync(output, 'a row the user added\r\n');
      const facts = { runId: 'run-1', endpoint: { id: 'churn', name: 'Churn', scoreUrl: 'https://x/score' }, fileName: 'input.csv', outputFileName: 'out.csv', startedAt: new Date(), warnings: [] };
      const result = await scoreFileToFile(clientFor(server), request(writeInput(rows), path.join(dir, 'again.csv')));
      const run = ShownRun.of(fileResultsModel(facts, { ...result, outputPath: output }));
      await assert.rejects(run.page(250, 300), /out\.csv has changed since the run wrote it: it held 300 rows, it now holds 301\./);
      assert.equal((await run.page(0, 100)).inputs.length, 100, 'the rows held are still shown');
    });
  });
});
