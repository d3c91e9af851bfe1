// The results page's rows on demand, in plain Node: the extension holds a shown run by column and cuts pages
// from it; the page keeps the pages it was sent, asks once for the ones the grid needs, and drops the least
// recently used beyond its bound; the protocol checks both messages.
import * as assert from 'assert';
import { ColumnarRows, MAX_PAGE_ROWS, ShownRun, type ResultsModel, type RowsPage } from '../../src/core/results';
import { parseResultsHostMessage, parseResultsWebviewMessage } from '../../src/protocol/results';
import { MAX_PAGES, PAGE_ROWS, RowPages } from '../../webview/rowPages';

function model(rows: number, overrides: Partial<ResultsModel> = {}): ResultsModel {
  return {
    runId: 'run-1',
    endpoint: { id: 'churn', name: 'Churn', scoreUrl: 'https://api.fabric.microsoft.com/v1/x/score' },
    source: { fileName: 'customers.csv', rowLines: Array.from({ length: rows }, (_, i) => 2 + i * 2) },
    inputColumns: ['age', 'plan'],
    outputColumns: ['probability'],
    inputs: Array.from({ length: rows }, (_, i) => [i, `plan-${i % 3}`]),
    predictions: Array.from({ length: rows }, (_, i) => (i % 10 === 9 ? null : [i / rows])),
    batches: [{ index: 0, startRow: 0, endRow: rows, ok: true, durationMs: 5, attempts: 1 }],
    startedAt: '2026-01-15T10:30:00.000Z', durationMs: 5, tokenRequests: 1, cancelled: false, warnings: [],
    ...overrides,
  };
}

/** A RowPages whose requests are recorded and whose flush runs when the test says. */
function pagesOf(rowCount: number): { pages: RowPages; asked: Array<[number, number]>; flush: () => void } {
  const asked: Array<[number, number]> = [];
  let pending: (() => void) | undefined;
  const pages = new RowPages('run-1', rowCount, (start, end) => asked.push([start, end]), flush => { pending = flush; });
  return { pages, asked, flush: () => { const run = pending; pending = undefined; run?.(); } };
}

/** What the extension would answer for rows start … end - 1 of a run of numbered rows. */
function answer(start: number, end: number): RowsPage {
  const rows = Array.from({ length: end - start }, (_, i) => start + i);
  return { start, inputs: rows.map(r => [r]), predictions: rows.map(r => [r * 2]) };
}

describe('Results rows on demand', () => {
  describe('the run held by column', () => {
    it('gives back every value as it was: numbers, null, missing cells, -0, NaN, text, booleans, objects and short rows', () => {
      const inputs: unknown[][] = [
        [1.5, 'a', true, { nested: [1] }],
        [null, null, false, null],
        [-0, 'b', null, 'text in an object column'],
        [Number.NaN, '', true],
        [2 ** 53, 'c', false, [1, 2], 'one more than the header'],
      ];
      const predictions = [[0.25, 'stay'], null, [null, 'churn'], [1, null], [undefined, 'x']];
      const original = model(5, { inputs, predictions, inputColumns: ['n', 's', 'b', 'o'], outputColumns: ['p', 'label'] });
      const rows = ColumnarRows.fromModel(original);
      const back = rows.toRows();
      assert.deepStrictEqual(back.inputs, inputs);
      assert.deepStrictEqual(back.predictions, predictions);
      assert.deepStrictEqual(back.rowLines, original.source.rowLines);
      assert.ok(Object.is(back.inputs[2][0], -0), '-0 stays -0');
      assert.strictEqual(back.inputs[3].length, 3, 'a short row stays short');
      assert.strictEqual(rows.scoredRows, 4);
    });

    it('cuts pages in range, with their source lines, and samples the run from its first to its last row', () => {
      const rows = ColumnarRows.fromModel(model(1000));
      const page = rows.page(990, 2000);
      assert.strictEqual(page.start, 990);
      assert.deepStrictEqual(page.inputs.map(r => r[0]), [990, 991, 992, 993, 994, 995, 996, 997, 998, 999], 'cut at the last row');
      assert.deepStrictEqual(page.lines, [1982, 1984, 1986, 1988, 1990, 1992, 1994, 1996, 1998, 2000]);
      assert.strictEqual(page.predictions[9], null, 'row 1000 has no prediction');
      assert.deepStrictEqual(rows.page(5000, 6000), { start: 1000, inputs: [], predictions: [], lines: [] }, 'past the end: no rows');
      const sample = rows.sample(200);
      assert.ok(sample.inputs.length >= 200 && sample.inputs.length <= 201, `${sample.inputs.length} rows sampled`);
      assert.deepStrictEqual([sample.inputs[0][0], sample.inputs[sample.inputs.length - 1][0]], [0, 999]);
      assert.strictEqual(sample.lines?.[sample.lines.length - 1], 2000, 'the last line: what the Line column is sized for');
      assert.strictEqual(ColumnarRows.fromModel(model(3, { source: { fileName: 'rows.json' } })).page(0, 3).lines, undefined, 'no lines, none sent');
    });
  });

  describe('the run as the page is told about it', () => {
    it('has no rows but counts them, names the lines of each batch, and answers at most MAX_PAGE_ROWS rows at once', async () => {
      const original = model(2500, {
        batches: [
          { index: 0, startRow: 0, endRow: 2000, ok: true, durationMs: 5, attempts: 1 },
          { index: 1, startRow: 2000, endRow: 2500, ok: false, durationMs: 5, attempts: 2 },
        ],
      });
      const run = ShownRun.of(original);
      assert.ok(!('inputs' in run.view) && !('predictions' in run.view), 'the rows stay in the extension');
      assert.strictEqual(run.view.rowCount, 2500);
      assert.strictEqual(run.view.scoredRows, 2250);
      assert.deepStrictEqual(run.view.source, { fileName: 'customers.csv', hasLines: true, batchLines: [[0, 2], [1999, 4000], [2000, 4002], [2499, 5000]] });
      assert.ok(JSON.stringify(run.view).length < 2000, `the run without its rows is small: ${JSON.stringify(run.view).length} characters`);
      assert.strictEqual((await run.page(0, 5000)).inputs.length, MAX_PAGE_ROWS);
      assert.deepStrictEqual(run.toModel(), original, 'an export gets the whole run back');
    });
  });

  describe("the page's rows", () => {
    it('has the first page at once and asks for a missing page once, after the render', () => {
      const { pages, asked, flush } = pagesOf(1000);
      pages.receive(answer(0, 100));
      assert.deepStrictEqual(pages.row(42), { input: [42], prediction: [84] });
      assert.strictEqual(pages.row(150), undefined, 'row 151 is not here yet');
      assert.strictEqual(pages.row(199), undefined);
      assert.deepStrictEqual(asked, [], 'nothing is posted while the grid renders');
      flush();
      assert.deepStrictEqual(asked, [[100, 200]], 'one request for the page');
      pages.row(150);
      flush();
      assert.deepStrictEqual(asked, [[100, 200]], 'a page asked for is not asked again while it is on its way');
      assert.ok(pages.receive(answer(100, 200)), 'the rows waiting for it are painted again');
      assert.deepStrictEqual(pages.row(150), { input: [150], prediction: [300] });
      assert.strictEqual(pages.row(1000), undefined, 'past the last row');
      assert.strictEqual(pages.row(-1), undefined);
      flush();
      assert.deepStrictEqual(asked, [[100, 200]], 'rows outside the run are never asked for');
    });

    it('asks for adjacent pages in one request of at most 1 000 rows, and for the short last page up to the last row', () => {
      const { pages, asked, flush } = pagesOf(2550);
      for (let row = 0; row < 2550; row += 50) pages.row(row);
      flush();
      assert.deepStrictEqual(asked, [[0, 1000], [1000, 2000], [2000, 2550]]);
      assert.ok(1000 <= MAX_PAGE_ROWS, 'the extension answers a whole request');
      pages.receive(answer(2000, 2550));
      assert.deepStrictEqual(pages.row(2549), { input: [2549], prediction: [5098] });
    });

    it(`keeps at most ${MAX_PAGES} pages, dropping the least recently used, and asks again for a dropped page`, () => {
      const { pages, asked, flush } = pagesOf(PAGE_ROWS * (MAX_PAGES + 10));
      pages.receive(answer(0, PAGE_ROWS));
      for (let p = 1; p <= MAX_PAGES + 5; p++) {
        pages.row(0);
        pages.receive(answer(p * PAGE_ROWS, (p + 1) * PAGE_ROWS));
      }
      assert.strictEqual(pages.pagesHeld, MAX_PAGES);
      assert.ok(pages.row(0), 'the page the user keeps looking at stays');
      assert.strictEqual(pages.row(PAGE_ROWS), undefined, 'the oldest untouched page was dropped');
      flush();
      assert.deepStrictEqual(asked, [[PAGE_ROWS, 2 * PAGE_ROWS]]);
    });

    it('keeps only whole pages of what it receives', () => {
      const { pages } = pagesOf(1000);
      assert.ok(!pages.receive(answer(150, 250)), 'neither page is whole');
      assert.strictEqual(pages.row(200), undefined);
      assert.ok(pages.receive(answer(150, 400)), 'pages 3 and 4 are whole');
      assert.deepStrictEqual(pages.row(399), { input: [399], prediction: [798] });
      assert.strictEqual(pages.row(199), undefined);
    });
  });

  describe('the protocol', () => {
    it('checks a request for rows and a page of rows', () => {
      assert.deepStrictEqual(parseResultsWebviewMessage({ type: 'results/rows', runId: 'run-1', start: 100, end: 200 }), { type: 'results/rows', runId: 'run-1', start: 100, end: 200 });
      for (const bad of [{ start: -1, end: 10 }, { start: 20, end: 10 }, { start: 1.5, end: 10 }, { start: 0 }]) {
        assert.strictEqual(parseResultsWebviewMessage({ type: 'results/rows', runId: 'run-1', ...bad }), undefined, JSON.stringify(bad));
      }
      const page = ShownRun.of(model(10)).firstPage(10);
      assert.deepStrictEqual(parseResultsHostMessage({ type: 'results/rowsPage', runId: 'run-1', page }), { type: 'results/rowsPage', runId: 'run-1', page });
      assert.strictEqual(parseResultsHostMessage({ type: 'results/rowsPage', runId: 'run-1', page: { ...page, lines: [1] } }), undefined, 'a line per row');
      assert.strictEqual(parseResultsHostMessage({ type: 'results/rowsPage', runId: 'run-1', page: { ...page, start: -5 } }), undefined);
      assert.strictEqual(parseResultsHostMessage({ type: 'results/rowsPage', page }), undefined, 'no run named');
      const fromFile = { start: 200, inputs: [[1], [2]], predictions: [null, [0.5]], lines: [null, null], errors: ['Batch 3 failed: HTTP 500', null] };
      assert.deepStrictEqual(parseResultsHostMessage({ type: 'results/rowsPage', runId: 'run-1', page: fromFile }), { type: 'results/rowsPage', runId: 'run-1', page: fromFile },
        'rows read back from an output file: no source lines, and the error column');
      assert.strictEqual(parseResultsHostMessage({ type: 'results/rowsPage', runId: 'run-1', page: { ...fromFile, errors: ['x'] } }), undefined, 'an error per row');
      assert.strictEqual(parseResultsHostMessage({ type: 'results/rowsPage', runId: 'run-1', page: { ...fromFile, errors: [1, null] } }), undefined, 'errors are text');
    });
  });
});
