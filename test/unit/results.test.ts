// The results panel's pure parts: the per-column summaries the webview draws, the CSV / JSON / M #table
// exports (read back with csv-parse, JSON.parse and powerquery-parser), the redaction gate before a model
// leaves the extension host, the message parsers, and the HTML shell's CSP.
import * as assert from 'assert';
import * as PQP from '@microsoft/powerquery-parser';
import { parse as parseCsv } from 'csv-parse/sync';
import {
  mColumnType, MAX_SUMMARY_CLASSES, mText, redactResultsModel, resultsToCsv, resultsToJson, resultsToMTable, rowErrors, summarizeColumn,
  summarizePredictions, buildResultsModel, describeRunOutcome, ShownRun, type ResultsRunView,
} from '../../src/core/results';
import { describeError, describeRows, errorHead, linesText, rowsText } from '../../src/protocol/text';
import type { ScoreRunResult } from '../../src/core/fabric/types';
import { PlaceKeeper } from '../../src/features/results/placeKeeper';
import { Place } from '../../webview/place';
import { registerSecret } from '../../src/core/redact';
import type { BatchOutcome } from '../../src/core/fabric/types';
import {
  isResultsModel, parseResultsHostMessage, parseResultsWebviewMessage, parseResultsWebviewState,
  type ResultsModel, type ResultsPlace,
} from '../../src/protocol/results';
import { resultsHtml } from '../../src/features/results/resultsHtml';

const SCORE_URL = 'https://api.fabric.microsoft.com/v1/workspaces/cf5fef71-f7f3-43f3-ae7f-3c427922bef1/mlmodels/7e92a6fc-3ef5-40bf-96df-ddae3fcde313/endpoint/versions/1/score';

/** A run as the page receives it: the extension keeps the rows. */
function viewOf(model: ResultsModel): ResultsRunView {
  return ShownRun.of(model).view;
}

/** What results/show carries for a model: the run without its rows, its first rows and a sample. */
function showOf(model: ResultsModel, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const run = ShownRun.of(model);
  return { type: 'results/show', run: run.view, summaries: summarizePredictions(model), firstRows: run.firstPage(100), sample: run.rows.sample(200), ...extra };
}

/** Four rows in two batches of two; the second batch failed with a Fabric ErrorResponse. */
function sampleModel(overrides: Partial<ResultsModel> = {}): ResultsModel {
  const failed: BatchOutcome = {
    index: 1, startRow: 2, endRow: 4, ok: false, durationMs: 950, attempts: 4,
    error: { kind: 'http', status: 503, errorCode: 'ServiceUnavailable', message: 'The endpoint is waking up.', requestId: 'req-42' },
    exchange: {
      method: 'POST', url: SCORE_URL, durationMs: 120,
      requestHeaders: { Authorization: 'Bearer abc.def.ghi', 'content-type': 'application/json' },
      requestBody: '{"inputs":[[3,"c"],[4,"d"]]}',
      status: 503, responseHeaders: { 'x-ms-request-id': 'req-42' }, responseBody: '{"errorCode":"ServiceUnavailable"}',
    },
  };
  return {
    runId: 'run-1',
    endpoint: { id: 'diabetes', name: 'Diabetes', version: '1', scoreUrl: SCORE_URL },
    source: { fileName: 'data/rows.csv', rowLines: [2, 3, 5, 6] },
    inputColumns: ['age', 'note'],
    outputColumns: ['prediction', 'label'],
    inputs: [[0.5, 'plain'], [1, 'has, comma'], [-2, 'say "hi"'], [3, 'line\nbreak']],
    predictions: [[72.5, 'low'], [248, 'high'], null, null],
    batches: [{ index: 0, startRow: 0, endRow: 2, ok: true, durationMs: 80, attempts: 1 }, failed],
    startedAt: '2026-01-15T10:30:00.000Z',
    durationMs: 1030,
    tokenRequests: 1,
    cancelled: false,
    warnings: [],
    ...overrides,
  };
}

describe('Results', () => {
  describe('summaries', () => {
    it('gives count, nulls, min, max, mean and a histogram whose bins hold every number', () => {
      const values = [1.5, 2.5, null, 10, 4, undefined, 7.25];
      const summary = summarizeColumn('score', values, 3);
      assert.strictEqual(summary.kind, 'number');
      if (summary.kind !== 'number') return;
      assert.deepStrictEqual([summary.count, summary.nulls, summary.unscored], [5, 2, 3]);
      assert.deepStrictEqual([summary.min, summary.max], [1.5, 10]);
      assert.strictEqual(summary.mean, (1.5 + 2.5 + 10 + 4 + 7.25) / 5);
      assert.strictEqual(summary.histogram.reduce((n, b) => n + b.count, 0), 5);
      assert.strictEqual(summary.histogram[0].from, 1.5);
      assert.strictEqual(summary.histogram.at(-1)?.to, 10);
      assert.strictEqual(summary.histogram.at(-1)?.count, 1, 'the maximum falls in the last bin');
    });

    it('gives one bar per value to a small integer range (a 0/1 classifier)', () => {
      const summary = summarizeColumn('churn', [0, 1, 1, 0, 1, 1]);
      assert.ok(summary.kind === 'number');
      assert.deepStrictEqual(summary.histogram, [{ from: 0, to: 0, count: 2 }, { from: 1, to: 1, count: 4 }]);
    });

    it('counts labels per class, most frequent first, and folds the tail into otherCount', () => {
      const summary = summarizeColumn('species', ['setosa', 'virginica', 'setosa', null, 'versicolor', 'setosa', 'virginica']);
      assert.ok(summary.kind === 'label');
      assert.deepStrictEqual(summary.classes, [{ label: 'setosa', count: 3 }, { label: 'virginica', count: 2 }, { label: 'versicolor', count: 1 }]);
      assert.deepStrictEqual([summary.count, summary.nulls, summary.distinct, summary.otherCount], [6, 1, 3, 0]);

      const many = Array.from({ length: MAX_SUMMARY_CLASSES + 3 }, (_, i) => `class-${i}`);
      const tail = summarizeColumn('id', [...many, 'class-0']);
      assert.ok(tail.kind === 'label');
      assert.strictEqual(tail.classes.length, MAX_SUMMARY_CLASSES);
      assert.deepStrictEqual(tail.classes[0], { label: 'class-0', count: 2 });
      assert.strictEqual(tail.otherCount, 3);
      assert.strictEqual(tail.distinct, MAX_SUMMARY_CLASSES + 3);
    });

    it('treats numbers mixed with text as labels, and an all-null column as empty', () => {
      const mixed = summarizeColumn('mixed', [1, 'one', 1]);
      assert.ok(mixed.kind === 'label');
      assert.deepStrictEqual(mixed.classes, [{ label: '1', count: 2 }, { label: 'one', count: 1 }]);
      assert.deepStrictEqual(summarizeColumn('nothing', [null, null], 1), { kind: 'empty', column: 'nothing', count: 0, nulls: 2, unscored: 1 });
    });

    it('summarises each prediction column of a run and counts unscored rows', () => {
      const [prediction, label] = summarizePredictions(sampleModel());
      assert.ok(prediction.kind === 'number' && label.kind === 'label');
      assert.deepStrictEqual([prediction.count, prediction.unscored, prediction.min, prediction.max, prediction.mean], [2, 2, 72.5, 248, 160.25]);
      assert.deepStrictEqual(label.classes.map(c => c.label), ['low', 'high']);
    });
  });

  describe('row errors', () => {
    it('explain a failed row with its batch, 1-based rows, source lines, status, errorCode, request id and attempts', () => {
      const errors = rowErrors(sampleModel());
      assert.deepStrictEqual(errors.slice(0, 2), [undefined, undefined]);
      assert.strictEqual(errors[2], 'Batch 2 (rows 3–4, lines 5–6) failed after 4 attempts: HTTP 503 ServiceUnavailable: The endpoint is waking up. (request id req-42)');
      assert.strictEqual(errors[3], errors[2]);
    });

    it('say when a batch was never sent because the run was cancelled', () => {
      const model = sampleModel({ cancelled: true });
      model.batches[1] = { index: 1, startRow: 2, endRow: 4, ok: false, durationMs: 0, attempts: 0, error: { kind: 'aborted', message: 'Not sent: the run was cancelled.' } };
      assert.strictEqual(rowErrors(model)[2], 'Batch 2 (rows 3–4, lines 5–6): Not sent: the run was cancelled.');
    });
  });

  describe('wording shared by notifications, exports and the page', () => {
    const busy = { kind: 'http' as const, status: 503, errorCode: 'ServiceUnavailable', message: 'The model is busy.', requestId: 'req-7' };

    it('formats an endpoint error one way: status, Fabric errorCode, message, request id', () => {
      assert.strictEqual(describeError(busy), 'HTTP 503 ServiceUnavailable: The model is busy. (request id req-7)');
      assert.strictEqual(describeError(busy, { requestId: false }), 'HTTP 503 ServiceUnavailable: The model is busy.');
      assert.strictEqual(errorHead(busy), 'HTTP 503 ServiceUnavailable');
      assert.strictEqual(errorHead({ kind: 'http', status: 500, message: 'x' }), 'HTTP 500', 'no errorCode: the status alone');
      const timeout = { kind: 'timeout' as const, message: 'No answer within 100 s.' };
      assert.strictEqual(errorHead(timeout), 'timeout', 'no response: the kind of failure');
      assert.strictEqual(describeError(timeout), 'timeout: No answer within 100 s.');
      assert.strictEqual(describeError(timeout, { kind: false }), 'No answer within 100 s.', 'an error message of its own reads without the kind');
      assert.strictEqual(errorHead(undefined), 'failed');
    });

    it('formats a row range one way: 1-based, inclusive, with the source lines when known', () => {
      const batch = { startRow: 2, endRow: 7 };
      assert.strictEqual(rowsText(batch), 'rows 3–7');
      assert.strictEqual(rowsText({ startRow: 4, endRow: 5 }), 'row 5');
      assert.strictEqual(linesText(batch, [2, 3, 4, 6, 7, 9, 10]), 'lines 4–10');
      assert.strictEqual(linesText(batch, undefined), undefined);
      assert.strictEqual(describeRows(batch, [2, 3, 4, 6, 7, 9, 10]), 'rows 3–7, lines 4–10');
      assert.strictEqual(describeRows({ startRow: 0, endRow: 1 }, [2]), 'row 1, line 2');
      assert.strictEqual(describeRows(batch), 'rows 3–7');
    });
  });

  describe('a finished run', () => {
    const result = (overrides: Partial<ScoreRunResult> = {}): ScoreRunResult => ({
      predictions: [[0.1, 'no'], [0.9, 'yes', 'extra'], undefined, undefined],
      batches: [
        { index: 0, startRow: 0, endRow: 2, ok: true, durationMs: 10, attempts: 1 },
        { index: 1, startRow: 2, endRow: 4, ok: false, durationMs: 20, attempts: 2, error: { kind: 'http', status: 500, errorCode: 'UnknownError', message: 'The model container crashed.', requestId: 'r-1' } },
      ],
      tokenRequests: 1, durationMs: 42, cancelled: false, ...overrides,
    });

    it('becomes the model the panel shows: inputs in column order, failed rows null, named prediction columns', () => {
      const model = buildResultsModel({
        runId: 'run-9', endpoint: { id: 'churn', name: 'Churn', scoreUrl: SCORE_URL }, version: '3', fileName: 'data/c.csv',
        table: { columns: ['id', 'age'], rows: [{ age: 30, id: 'a' }, { id: 'b' }, { id: 'c', age: 5 }, { id: 'd', age: 6 }], rowLines: [2, 3, 4, 5] },
        outputSignature: [{ name: 'probability', type: 'double', required: true }, { name: 'label', type: 'string', required: true }],
        result: result(), startedAt: new Date('2026-01-15T10:30:00Z'), warnings: ['w'],
      });
      assert.deepStrictEqual(model.inputs, [['a', 30], ['b', null], ['c', 5], ['d', 6]]);
      assert.deepStrictEqual(model.predictions, [[0.1, 'no'], [0.9, 'yes', 'extra'], null, null]);
      assert.deepStrictEqual(model.outputColumns, ['probability', 'label', 'prediction_3']);
      assert.deepStrictEqual(model.endpoint, { id: 'churn', name: 'Churn', scoreUrl: SCORE_URL, version: '3' });
      assert.deepStrictEqual(model.source, { fileName: 'data/c.csv', rowLines: [2, 3, 4, 5] });
      assert.strictEqual(model.startedAt, '2026-01-15T10:30:00.000Z');
      assert.ok(isResultsModel(model), 'the protocol accepts it');
    });

    it('is reported in the log, and in a warning when batches failed or the run was cancelled', () => {
      const failed = describeRunOutcome('Churn', result());
      assert.strictEqual(failed.log, 'Scored 2/4 rows with Churn in 42 ms: 1 batches ok, 1 failed, 1 token requests.');
      assert.strictEqual(failed.warning, '1 of 2 batches failed (first: rows 3–4, HTTP 500 UnknownError: The model container crashed.). The other batches\' predictions are shown.');
      const cancelled = describeRunOutcome('Churn', result({ cancelled: true }));
      assert.match(cancelled.log, /, cancelled\.$/);
      assert.strictEqual(cancelled.warning, 'Scoring cancelled: 2 of 4 rows were scored and are shown.');
      const fine = describeRunOutcome('Churn', result({ predictions: [[1], [2]], batches: [{ index: 0, startRow: 0, endRow: 2, ok: true, durationMs: 1, attempts: 1 }] }));
      assert.strictEqual(fine.warning, undefined);
    });

    it('never says "the other batches\' predictions are shown" when every batch failed', () => {
      const down = { kind: 'http' as const, status: 400, errorCode: 'ModelNotActive', message: 'The version is not active.' };
      const allFailed = describeRunOutcome('Churn', result({
        predictions: [undefined, undefined, undefined, undefined],
        batches: [
          { index: 0, startRow: 0, endRow: 2, ok: false, durationMs: 5, attempts: 1, error: down },
          { index: 1, startRow: 2, endRow: 4, ok: false, durationMs: 5, attempts: 1, error: down },
        ],
      }));
      assert.strictEqual(allFailed.warning, 'All 2 batches failed (first: rows 1–2, HTTP 400 ModelNotActive: The version is not active.); no predictions came back.');
    });
  });

  describe('CSV export', () => {
    it('writes predictions, inputs (the grid\'s order) and an error column that csv-parse reads back value for value', () => {
      const csv = resultsToCsv(sampleModel());
      const rows = parseCsv(csv, { relax_column_count: false }) as string[][];
      assert.deepStrictEqual(rows[0], ['prediction', 'label', 'age', 'note', 'error']);
      assert.deepStrictEqual(rows[1], ['72.5', 'low', '0.5', 'plain', '']);
      assert.deepStrictEqual(rows[2], ['248', 'high', '1', 'has, comma', '']);
      assert.deepStrictEqual(rows[3].slice(0, 4), ['', '', '-2', 'say "hi"']);
      assert.match(rows[3][4], /^Batch 2 \(rows 3–4, lines 5–6\) failed after 4 attempts: HTTP 503 ServiceUnavailable: .*request id req-42/);
      assert.deepStrictEqual(rows[4].slice(2, 4), ['3', 'line\nbreak']);
      assert.strictEqual(rows.length, 5);
    });

    it('quotes exactly the fields that need it, doubles embedded quotes and ends lines with CRLF', () => {
      const csv = resultsToCsv(sampleModel());
      const lines = csv.split('\r\n');
      assert.strictEqual(lines[2], '248,high,1,"has, comma",');
      assert.ok(lines[3].startsWith(',,-2,"say ""hi""","Batch 2 (rows 3–4, lines 5–6) failed'), lines[3]);
      assert.ok(csv.includes(',,3,"line\nbreak","Batch 2'), 'an embedded newline stays inside a quoted field');
      assert.ok(csv.endsWith('\r\n'));
    });

    it('renames a prediction column that repeats an input column, so headers stay unique', () => {
      const csv = resultsToCsv(sampleModel({ outputColumns: ['age', 'error'] }));
      assert.strictEqual(csv.split('\r\n')[0], 'age (prediction),error,age,note,error (scoring)');
    });

    /** A run whose column names and values came from a hostile data file and endpoint. */
    function formulaModel(): ResultsModel {
      return sampleModel({
        inputColumns: ['=cmd|\' /C calc\'!A0', 'amount'],
        outputColumns: ['@SUM(A1)', 'label'],
        inputs: [['=HYPERLINK("https://evil.example","x")', '-2'], ['+1+cmd', '-1,234.5'], ['\tTAB', '-3e-7'], ['\rCR', '+4']],
        predictions: [[-3, '-danger()'], [1.5, '@here'], [null, 'plain'], [0, '-']],
        batches: [{ index: 0, startRow: 0, endRow: 4, ok: true, durationMs: 1, attempts: 1 }],
      });
    }

    it('neutralises formula-like text in names and values with a leading quote; numbers and number text stay as they are', () => {
      const rows = parseCsv(resultsToCsv(formulaModel()), { relax_column_count: false }) as string[][];
      assert.deepStrictEqual(rows, [
        ['\'@SUM(A1)', 'label', '\'=cmd|\' /C calc\'!A0', 'amount', 'error'],
        ['-3', '\'-danger()', '\'=HYPERLINK("https://evil.example","x")', '-2', ''],
        ['1.5', '\'@here', '\'+1+cmd', '-1,234.5', ''],
        ['', 'plain', '\'\tTAB', '-3e-7', ''],
        ['0', '\'-', '\'\rCR', '+4', ''],
      ]);
    });

    it('writes formula-like text raw when neutralisation is turned off', () => {
      const rows = parseCsv(resultsToCsv(formulaModel(), { neutralizeFormulas: false }), { relax_column_count: false }) as string[][];
      assert.deepStrictEqual(rows[0].slice(0, 3), ['@SUM(A1)', 'label', '=cmd|\' /C calc\'!A0']);
      assert.deepStrictEqual(rows[1].slice(0, 4), ['-3', '-danger()', '=HYPERLINK("https://evil.example","x")', '-2']);
      assert.strictEqual(rows[4][2], '\rCR');
    });
  });

  describe('JSON export', () => {
    it('has the run facts and one object per row keyed by column, with null predictions and the error for failed rows', () => {
      const doc = JSON.parse(resultsToJson(sampleModel()));
      assert.strictEqual(doc.runId, 'run-1');
      assert.deepStrictEqual(doc.endpoint, { name: 'Diabetes', version: '1', scoreUrl: SCORE_URL });
      assert.deepStrictEqual(doc.columns, { predictions: ['prediction', 'label'], inputs: ['age', 'note'] });
      assert.strictEqual(doc.rows.length, 4);
      assert.deepStrictEqual(doc.rows[0], { row: 1, sourceLine: 2, predictions: { prediction: 72.5, label: 'low' }, inputs: { age: 0.5, note: 'plain' } });
      assert.deepStrictEqual(Object.keys(doc.rows[0]), ['row', 'sourceLine', 'predictions', 'inputs'], 'predictions first, like the grid');
      assert.deepStrictEqual(doc.rows[3].inputs, { age: 3, note: 'line\nbreak' });
      assert.strictEqual(doc.rows[3].predictions, null);
      assert.match(doc.rows[3].error, /HTTP 503 ServiceUnavailable/);
      assert.deepStrictEqual(doc.batches[1], {
        batch: 2, rows: 'rows 3–4, lines 5–6', ok: false, durationMs: 950, attempts: 4,
        error: { status: 503, errorCode: 'ServiceUnavailable', message: 'The endpoint is waking up.', requestId: 'req-42' },
      });
    });

    it('leaves the raw exchanges (and so any header) out of the file', () => {
      const text = resultsToJson(sampleModel());
      assert.ok(!/authorization|bearer/i.test(text), text);
    });
  });

  describe('M #table', () => {
    async function lexParse(text: string): Promise<{ ok: boolean; message?: string }> {
      const task = await PQP.TaskUtils.tryLexParse(PQP.DefaultSettings, text);
      if (PQP.TaskUtils.isOk(task)) return { ok: true };
      const inner = (task.error as { innerError?: { message?: string } }).innerError ?? task.error;
      return { ok: false, message: `${task.stage}: ${inner.message}` };
    }

    it('parses with powerquery-parser and has typed columns', async () => {
      const text = resultsToMTable(sampleModel());
      assert.deepStrictEqual(await lexParse(text), { ok: true }, text);
      assert.ok(text.startsWith('#table(\n    type table [prediction = nullable number, label = nullable text, age = number, note = text, #"error" = nullable text],'), text);
      assert.ok(text.includes('{null, null, -2, "say ""hi""", "Batch 2'), text);
      assert.ok(text.includes('{null, null, 3, "line#(lf)break", "Batch 2'), text);
    });

    it('keeps hostile text and column names literal: quotes, #(, control characters, keywords', async () => {
      const hostile = '"), Web.Contents("https://evil.example"), #("';
      const model = sampleModel({
        inputColumns: ['let', 'a "quoted" name'],
        outputColumns: ['#(tab)', 'in'],
        inputs: [[hostile, 'tab\there\u0001\r\nend'], [null, 'ok']],
        predictions: [[1, true], [2, false]],
        batches: [{ index: 0, startRow: 0, endRow: 2, ok: true, durationMs: 1, attempts: 1 }],
        source: { fileName: 'x.csv' },
      });
      const text = resultsToMTable(model);
      assert.deepStrictEqual(await lexParse(text), { ok: true }, text);
      const tokens = PQP.TaskUtils.tryLex(PQP.DefaultSettings, text);
      assert.ok(PQP.TaskUtils.isOk(tokens));
      const identifiers = tokens.lexerSnapshot.tokens.filter(t => t.kind === PQP.Language.Token.TokenKind.Identifier).map(t => t.data);
      const bare = new Set(identifiers.filter(id => !id.startsWith('#"')));
      assert.deepStrictEqual([...bare].sort(), ['Int64.Type', 'logical', 'nullable', 'table', 'text'], 'only type names are bare identifiers: no Web.Contents call');
      assert.deepStrictEqual(identifiers.filter(id => id.startsWith('#"')), ['#"#(#)(tab)"', '#"in"', '#"let"', '#"a ""quoted"" name"', '#"error"']);
      const texts = tokens.lexerSnapshot.tokens.filter(t => t.kind === PQP.Language.Token.TokenKind.TextLiteral).map(t => t.data);
      assert.strictEqual(texts[0], '"""), Web.Contents(""https://evil.example""), #(#)("""', 'the hostile value is one text literal');
      assert.ok(text.includes(`type table [#"#(#)(tab)" = Int64.Type, #"in" = logical, #"let" = nullable text, #"a ""quoted"" name" = text, #"error" = nullable text]`), text);
      assert.ok(text.includes('"tab#(tab)here#(0001)#(cr)#(lf)end"'), text);
    });

    it('quotes every M keyword and contextual word used as a column name (optional, nullable, catch, #table…)', async () => {
      // The parser's own keyword list, plus the words it reads by context and `null`, which it lexes as a literal.
      const words = [...PQP.Language.Keyword.KeywordKinds, 'null', 'optional', 'nullable', 'catch'];
      const inputs = words.slice(0, Math.ceil(words.length / 2));
      const outputs = words.slice(inputs.length);
      const model = sampleModel({
        inputColumns: inputs,
        outputColumns: outputs,
        inputs: [inputs.map((_, c) => c)],
        predictions: [outputs.map(w => w)],
        batches: [{ index: 0, startRow: 0, endRow: 1, ok: true, durationMs: 1, attempts: 1 }],
        source: { fileName: 'x.csv' },
      });
      const text = resultsToMTable(model);
      assert.deepStrictEqual(await lexParse(text), { ok: true }, text);
      const tokens = PQP.TaskUtils.tryLex(PQP.DefaultSettings, text);
      assert.ok(PQP.TaskUtils.isOk(tokens));
      const quoted = tokens.lexerSnapshot.tokens.filter(t => t.kind === PQP.Language.Token.TokenKind.Identifier && t.data.startsWith('#"'));
      const names = quoted.map(t => PQP.Language.TextUtils.unescape(t.data.slice(2, -1)));
      assert.deepStrictEqual(names.slice(0, words.length), [...outputs, ...inputs], 'every column name is one quoted identifier that reads back as the name');
      assert.strictEqual(names[words.length], 'error (scoring)', 'the error column steps aside for an input named error');
    });

    it('escapes text so that the M unescaping gives the original back', () => {
      const original = 'a "b" #(lf) c\r\nd\te\rf\ng';
      const literal = mText(original);
      assert.strictEqual(PQP.Language.TextUtils.unescape(literal.slice(1, -1)), original);
    });

    it('picks column types from the values', () => {
      assert.strictEqual(mColumnType([1, 2, 3]), 'Int64.Type');
      assert.strictEqual(mColumnType([1, 2.5]), 'number');
      assert.strictEqual(mColumnType([true, null]), 'nullable logical');
      assert.strictEqual(mColumnType(['a', 1]), 'any');
      assert.strictEqual(mColumnType([null]), 'any');
    });
  });

  describe('redaction gate', () => {
    it('masks Authorization and any registered secret in exchanges, errors and warnings', () => {
      registerSecret('s3cr3t-token-value');
      const model = sampleModel({ warnings: ['token s3cr3t-token-value leaked'] });
      model.batches[1].error!.message = 'denied for s3cr3t-token-value';
      model.batches[1].exchange!.responseBody = '{"echo":"s3cr3t-token-value"}';
      const safe = redactResultsModel(model);
      const text = JSON.stringify(safe);
      assert.ok(!text.includes('s3cr3t-token-value'), text);
      assert.ok(!text.includes('abc.def.ghi'), text);
      assert.strictEqual(safe.batches[1].exchange?.requestHeaders.Authorization, 'Bearer [REDACTED]');
      assert.strictEqual(safe.warnings[0], 'token [REDACTED] leaked');
      assert.strictEqual(safe.inputs, model.inputs, 'row data is shared, not copied');
    });
  });

  describe('protocol', () => {
    it('accepts the webview messages it declares and rejects anything else', () => {
      assert.deepStrictEqual(parseResultsWebviewMessage({ type: 'results/exportCsv', runId: 'r' }), { type: 'results/exportCsv', runId: 'r' });
      assert.deepStrictEqual(parseResultsWebviewMessage({ type: 'results/ready' }), { type: 'results/ready', restoredRunId: undefined });
      assert.strictEqual(parseResultsWebviewMessage({ type: 'results/exportCsv' }), undefined);
      assert.strictEqual(parseResultsWebviewMessage({ type: 'results/deleteEverything', runId: 'r' }), undefined);
      assert.strictEqual(parseResultsWebviewMessage('results/rerun'), undefined);
      const rendered = parseResultsWebviewMessage({ type: 'results/rendered', runId: 'r', rows: 5, firstPaintMs: 12.5, domRows: 5, restored: false, cspViolations: ['x'], savedStateBytes: 13 });
      assert.deepStrictEqual(rendered, { type: 'results/rendered', runId: 'r', rows: 5, firstPaintMs: 12.5, domRows: 5, restored: false, cspViolations: ['x'], savedStateBytes: 13 });
      const older = parseResultsWebviewMessage({ type: 'results/rendered', runId: 'r', rows: 5, firstPaintMs: 12.5, domRows: 5, restored: false });
      assert.strictEqual(older?.type === 'results/rendered' && older.savedStateBytes, 0, 'a page of an older build that does not say its state size');
    });

    it('checks a model before the webview renders or the extension restores it', () => {
      assert.ok(isResultsModel(sampleModel()));
      assert.ok(!isResultsModel({ ...sampleModel(), predictions: [null] }), 'one prediction per input row');
      assert.ok(!isResultsModel({ ...sampleModel(), runId: 7 }));
      const show = parseResultsHostMessage(showOf(sampleModel()));
      assert.strictEqual(show?.type, 'results/show');
      assert.strictEqual(parseResultsHostMessage({ ...showOf(sampleModel()), run: {} }), undefined);
      assert.strictEqual(parseResultsHostMessage({ ...showOf(sampleModel()), model: sampleModel(), run: undefined }), undefined, 'a whole model is not a run view');
      assert.strictEqual(parseResultsHostMessage({ ...showOf(sampleModel()), firstRows: { start: 0, inputs: [[1]], predictions: [] } }), undefined, 'one prediction per row');
      assert.strictEqual(parseResultsHostMessage({ ...showOf(sampleModel()), sample: undefined }), undefined);
    });
  });

  describe("the user's place on the page", () => {
    const place = (overrides: Partial<ResultsPlace> = {}): ResultsPlace => ({ runId: 'run-1', tab: 'summary', firstRow: 3, rawBatch: 0, ...overrides });
    /** A place as the page fills it in: the active cell on the first row's #, # and Line pinned (sampleModel has no id-like column). */
    const filled = (p: ResultsPlace): ResultsPlace => ({ activeRow: p.firstRow ?? 0, activeColumn: '#', pinned: ['#', 'line'], ...p });

    /** workspaceState as VS Code keeps it: values go through JSON. */
    function memento(): { get<T>(key: string): T | undefined; update(key: string, value: unknown): Promise<void> } {
      const store = new Map<string, string>();
      return {
        get: <T>(key: string) => (store.has(key) ? JSON.parse(store.get(key)!) as T : undefined),
        update: async (key, value) => { store.set(key, JSON.stringify(value)); },
      };
    }

    it('is not kept in the webview state, which holds the run only (a place saved by an older build is ignored)', () => {
      const model = sampleModel();
      const summaries = summarizePredictions(model);
      assert.deepStrictEqual(parseResultsWebviewState({ model, summaries, view: place() }), { model, summaries });
      assert.strictEqual(parseResultsWebviewState({ summaries }), undefined, 'no run, nothing to restore');
      assert.strictEqual(parseResultsWebviewState(undefined), undefined);
    });

    it('travels in results/show and results/placeChanged, checked like the rest', () => {
      const model = sampleModel();
      const show = parseResultsHostMessage(showOf(model, { place: place({ tab: 'raw', rawBatch: 1 }) }));
      assert.deepStrictEqual(show?.type === 'results/show' ? show.place : 'not a show message', place({ tab: 'raw', rawBatch: 1 }));
      for (const bad of [place({ tab: 'charts' as never }), place({ firstRow: -1 }), place({ rawBatch: 1.5 }), place({ runId: 'run-0' }), 'summary']) {
        const shown = parseResultsHostMessage(showOf(model, { place: bad }));
        assert.ok(shown?.type === 'results/show' && shown.place === undefined, `the run survives the place ${JSON.stringify(bad)}, the place is dropped`);
      }
      assert.deepStrictEqual(parseResultsWebviewMessage({ type: 'results/placeChanged', place: place() }), { type: 'results/placeChanged', place: place() });
      assert.strictEqual(parseResultsWebviewMessage({ type: 'results/placeChanged', place: place({ tab: 'nope' as never }) }), undefined);
      assert.strictEqual(parseResultsWebviewMessage({ type: 'results/placeChanged' }), undefined);
    });

    it('is held by the page, which fills in what is missing and keeps it in the run\'s range: Rows, top, first failed batch', () => {
      const model = sampleModel();
      const page = new Place();
      assert.strictEqual(page.value, undefined);
      assert.deepStrictEqual(page.open(viewOf(model), place()), filled(place()));
      assert.deepStrictEqual(page.open(viewOf(model), place({ firstRow: 99, rawBatch: 7 })), filled(place({ firstRow: 3, rawBatch: 1 })), 'last row, last batch');
      const defaultPlace = filled({ runId: 'run-1', tab: 'rows', firstRow: 0, rawBatch: 1 });
      assert.deepStrictEqual(page.open(viewOf(model), place({ runId: 'run-0' })), defaultPlace, 'batch 2 (position 1) is the first failed one');
      assert.deepStrictEqual(page.open(viewOf(model), undefined), defaultPlace);
      assert.deepStrictEqual(page.open(viewOf(model), { runId: 'run-1', tab: 'raw' }), { ...defaultPlace, tab: 'raw' }, 'the tab kept, the rest defaulted');
      const allOk = sampleModel({ batches: [{ index: 0, startRow: 0, endRow: 4, ok: true, durationMs: 5, attempts: 1 }] });
      assert.strictEqual(page.open(viewOf(allOk), undefined).rawBatch, 0);
    });

    it('is reported to the extension once per change', () => {
      const page = new Place();
      page.open(viewOf(sampleModel()), undefined);
      assert.deepStrictEqual(page.takeUnreported(), filled({ runId: 'run-1', tab: 'rows', firstRow: 0, rawBatch: 1 }));
      assert.strictEqual(page.takeUnreported(), undefined, 'nothing new');
      page.move({ tab: 'summary' });
      assert.strictEqual(page.takeUnreported()?.tab, 'summary');
      page.move({ tab: 'summary' });
      assert.strictEqual(page.takeUnreported(), undefined, 'the same place again is not news');
      page.open(viewOf(sampleModel({ runId: 'run-2' })), undefined);
      assert.strictEqual(page.takeUnreported()?.runId, 'run-2', 'a new run is reported even at the same tab');
    });

    it('is kept by the extension across a window reload, for recent runs only', () => {
      const state = memento();
      const keeper = new PlaceKeeper(state);
      keeper.remember(place());
      assert.deepStrictEqual(new PlaceKeeper(state).placeFor('run-1'), place(), 'a new activation reads it back');
      for (let i = 0; i < 25; i++) keeper.remember(place({ runId: `later-${i}` }));
      const reloaded = new PlaceKeeper(state);
      assert.strictEqual(reloaded.placeFor('run-1'), undefined, 'the oldest places are dropped');
      assert.deepStrictEqual(reloaded.placeFor('later-24'), place({ runId: 'later-24' }));
      state.update('fabricMl.results.places', [place({ tab: 'charts' as never }), 'x', place({ runId: 'ok' })]);
      assert.deepStrictEqual(new PlaceKeeper(state).placeFor('ok'), place({ runId: 'ok' }), 'saved places that do not validate are dropped');
    });

    it('is kept by a Re-run: the tab and batch always, the grid row only when the row count is the same', () => {
      const keeper = new PlaceKeeper(memento());
      const previous = sampleModel();
      keeper.remember(place({ tab: 'raw', rawBatch: 0 }));
      keeper.carryOver(viewOf(previous), viewOf(sampleModel({ runId: 'run-2' })));
      assert.deepStrictEqual(keeper.placeFor('run-2'), place({ runId: 'run-2', tab: 'raw', rawBatch: 0 }));

      keeper.remember(place({ rawBatch: 1 }));
      const fewerRows = sampleModel({
        runId: 'run-3', inputs: previous.inputs.slice(0, 2), predictions: previous.predictions.slice(0, 2), batches: previous.batches.slice(0, 1),
      });
      keeper.carryOver(viewOf(previous), viewOf(fewerRows));
      assert.deepStrictEqual(keeper.placeFor('run-3'), { runId: 'run-3', tab: 'summary' }, 'the file changed in between: row 4 is not the same row, and the batches differ');
      assert.deepStrictEqual(new Place().open(viewOf(fewerRows), keeper.placeFor('run-3')), filled({ runId: 'run-3', tab: 'summary', firstRow: 0, rawBatch: 0 }),
        'the page opens it at the top and at the first failed batch (none failed: the first)');
    });

    it('is not carried to a run of other rows or another endpoint, nor from a run without a place', () => {
      const keeper = new PlaceKeeper(memento());
      const previous = sampleModel();
      keeper.remember(place());
      keeper.carryOver(viewOf(previous), viewOf(sampleModel({ runId: 'run-2', source: { fileName: 'data/other.csv' } })));
      keeper.carryOver(viewOf(previous), viewOf(sampleModel({ runId: 'run-3', endpoint: { ...previous.endpoint, id: 'other' } })));
      keeper.carryOver(viewOf(sampleModel({ runId: 'run-0' })), viewOf(sampleModel({ runId: 'run-4' })));
      for (const runId of ['run-2', 'run-3', 'run-4']) assert.strictEqual(keeper.placeFor(runId), undefined, runId);
    });
  });

  describe('Re-run request and reply', () => {
    it('is a request with an id, answered by a reply with the same id', () => {
      assert.deepStrictEqual(parseResultsWebviewMessage({ type: 'results/rerun', runId: 'r', requestId: 3 }), { type: 'results/rerun', runId: 'r', requestId: 3 });
      assert.strictEqual(parseResultsWebviewMessage({ type: 'results/rerun', runId: 'r' }), undefined, 'a request needs its id');
      assert.strictEqual(parseResultsWebviewMessage({ type: 'results/rerun', runId: 'r', requestId: -1 }), undefined);
      assert.deepStrictEqual(parseResultsHostMessage({ type: 'results/reply', requestId: 3, newRunId: 'r2' }), { type: 'results/reply', requestId: 3, newRunId: 'r2' });
      assert.deepStrictEqual(parseResultsHostMessage({ type: 'results/reply', requestId: 3 }), { type: 'results/reply', requestId: 3 }, 'no new run');
      assert.deepStrictEqual(parseResultsHostMessage({ type: 'results/reply', requestId: 4, error: 'x' }), { type: 'results/reply', requestId: 4, error: 'x' });
      assert.strictEqual(parseResultsHostMessage({ type: 'results/reply', newRunId: 'r2' }), undefined, 'a reply names its request');
      assert.strictEqual(parseResultsHostMessage({ type: 'results/reply', requestId: 3, newRunId: 7 }), undefined);
    });
  });

  describe('HTML shell', () => {
    const resources = {
      cspSource: 'https://*.vscode-cdn.net',
      scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/webview.js',
      styleUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/webview.css',
      codiconUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/codicon.css?a="b"',
    };

    function cspOf(html: string): string {
      const match = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
      assert.ok(match, 'the page has a CSP meta tag');
      return match[1];
    }

    it('has a strict CSP whose nonce is on every script and changes on every render', () => {
      const first = resultsHtml(resources);
      const second = resultsHtml(resources);
      const csp = cspOf(first);
      const nonce = /script-src 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
      assert.ok(nonce && nonce.length >= 22, csp);
      assert.strictEqual(csp, `default-src 'none'; script-src 'nonce-${nonce}'; style-src https://*.vscode-cdn.net; font-src https://*.vscode-cdn.net; img-src https://*.vscode-cdn.net data:`);
      assert.ok(!first.includes('unsafe-inline') && !first.includes('unsafe-eval'));
      const scripts = first.match(/<script[^>]*>/g) ?? [];
      assert.strictEqual(scripts.length, 2);
      for (const tag of scripts) assert.ok(tag.includes(`nonce="${nonce}"`), tag);
      assert.notStrictEqual(/'nonce-([^']+)'/.exec(cspOf(second))?.[1], nonce);
    });

    it('has no inline styles or handlers and escapes the resource URIs', () => {
      const html = resultsHtml(resources);
      assert.ok(!/\sstyle=|<style|\son[a-z]+=/i.test(html), html);
      assert.ok(html.includes('href="https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/codicon.css?a=&quot;b&quot;"'));
      assert.ok(html.includes(`<script type="module" nonce=`) && html.includes(`src="${resources.scriptUri}"`));
    });
  });
});
