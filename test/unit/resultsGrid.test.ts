// The rows grid's rules, in plain Node: which columns are pinned by default and in which order they are
// shown, what a header says to a screen reader, where each key moves the active cell, and the protocol's
// checks of the grid's part of the place and of the "reveal source line" message.
import * as assert from 'assert';
import { columnAccessibleName, columnRefs, defaultPinned, displayOrder, looksLikeId, MAX_PINNED, togglePin } from '../../webview/columns';
import { moveCell, type Cell } from '../../webview/gridKeys';
import { Place } from '../../webview/place';
import { ShownRun } from '../../src/core/results';
import { isResultsPlace, parseResultsWebviewMessage, type ResultsModel, type ResultsRunView } from '../../src/protocol/results';

/** A run as the page receives it (the extension keeps the rows). */
function churnModel(overrides: Partial<ResultsModel> = {}): ResultsRunView {
  return ShownRun.of({
    runId: 'run-1',
    endpoint: { id: 'churn', name: 'Churn', scoreUrl: 'https://api.fabric.microsoft.com/v1/x/score' },
    source: { fileName: 'customers.csv', rowLines: [2, 3, 4] },
    inputColumns: ['age', 'customer_id', 'order_id', 'plan'],
    outputColumns: ['churn_probability', 'churn_label'],
    inputs: [[30, 'C-1', 'O-1', 'pro'], [40, 'C-2', 'O-2', 'basic'], [50, 'C-3', 'O-3', null]],
    predictions: [[0.1, 'stay'], [0.9, 'churn'], null],
    inputTypes: ['double', null, null, 'string'],
    batches: [{ index: 0, startRow: 0, endRow: 3, ok: true, durationMs: 5, attempts: 1 }],
    startedAt: '2026-01-15T10:30:00.000Z', durationMs: 5, tokenRequests: 1, cancelled: false, warnings: [],
    ...overrides,
  }).view;
}

describe('Results grid', () => {
  describe('pinned columns', () => {
    it('are #, Line and the first input column that looks like an id, by default', () => {
      assert.deepStrictEqual(defaultPinned(churnModel()), ['#', 'line', 'input:customer_id']);
      assert.deepStrictEqual(defaultPinned(churnModel({ source: { fileName: 'rows.json' } })), ['#', 'input:customer_id'], 'no Line column without source lines');
      assert.deepStrictEqual(defaultPinned(churnModel({ inputColumns: ['age', 'plan'] })), ['#', 'line'], 'no id-like column: nothing more');
    });

    it('recognise id-like names in the usual spellings, and not words that merely end in "id"', () => {
      for (const name of ['id', 'ID', 'customer_id', 'Customer ID', 'order-key', 'customerId', 'accountID', 'id_number', 'row.id']) {
        assert.ok(looksLikeId(name), name);
      }
      for (const name of ['paid', 'valid', 'idle', 'android', 'keyboard', 'age']) assert.ok(!looksLikeId(name), name);
    });

    it('come first, in their natural order, then the other columns: predictions before inputs', () => {
      const refs = columnRefs(churnModel());
      assert.deepStrictEqual(refs.map(r => r.key), ['#', 'line', 'prediction:churn_probability', 'prediction:churn_label', 'input:age', 'input:customer_id', 'input:order_id', 'input:plan']);
      assert.deepStrictEqual(displayOrder(refs, ['input:order_id', '#', 'line', 'input:customer_id']).map(r => r.key),
        ['#', 'line', 'input:customer_id', 'input:order_id', 'prediction:churn_probability', 'prediction:churn_label', 'input:age', 'input:plan']);
    });

    it('can be pinned and unpinned by the user, except #, and at most MAX_PINNED at once', () => {
      assert.deepStrictEqual(togglePin(['#', 'line'], 'input:plan'), ['#', 'line', 'input:plan']);
      assert.deepStrictEqual(togglePin(['#', 'line', 'input:plan'], 'line'), ['#', 'input:plan']);
      assert.deepStrictEqual(togglePin(['#'], '#'), { refused: 'The row number column always stays pinned.' });
      const full = Array.from({ length: MAX_PINNED }, (_, i) => `input:c${i}`);
      assert.deepStrictEqual(togglePin(full, 'input:more'), { refused: `At most ${MAX_PINNED} columns can be pinned; unpin one first.` });
    });

    it('are kept in the page\'s place, which drops columns the run does not have and keeps # first', () => {
      const page = new Place();
      const opened = page.open(churnModel(), { runId: 'run-1', tab: 'rows', pinned: ['input:plan', 'input:gone'], activeColumn: 'input:gone', activeRow: 9 });
      assert.deepStrictEqual(opened.pinned, ['#', 'input:plan']);
      assert.strictEqual(opened.activeColumn, '#', 'a column the run does not have is not active');
      assert.strictEqual(opened.activeRow, 2, 'the active row is kept in the run\'s range');
      assert.deepStrictEqual(page.open(churnModel(), undefined).pinned, ['#', 'line', 'input:customer_id']);
    });
  });

  describe('headers', () => {
    it('say whether a column is a prediction or an input (with the type it was sent as), and whether it is pinned', () => {
      const [rownum, line, probability, , age, customer] = columnRefs(churnModel());
      assert.strictEqual(columnAccessibleName(probability, false), 'churn_probability, prediction');
      assert.strictEqual(columnAccessibleName(age, false, 'double'), 'age, input, sent as double');
      assert.strictEqual(columnAccessibleName(customer, true, null), 'customer_id, input, pinned');
      assert.strictEqual(columnAccessibleName(rownum, true), '#, row number, pinned');
      assert.strictEqual(columnAccessibleName(line, false), 'Line, source line');
    });
  });

  describe('keyboard', () => {
    const size = { rows: 100, columns: 8, pageRows: 20 };
    const at = (row: number, column: number): Cell => ({ row, column });

    it('moves the active cell by one with the arrows, and stops at the edges (the header row is row -1)', () => {
      assert.deepStrictEqual(moveCell(at(5, 3), { key: 'ArrowDown' }, size), at(6, 3));
      assert.deepStrictEqual(moveCell(at(5, 3), { key: 'ArrowRight' }, size), at(5, 4));
      assert.deepStrictEqual(moveCell(at(0, 3), { key: 'ArrowUp' }, size), at(-1, 3), 'up from the first row: the header');
      assert.deepStrictEqual(moveCell(at(-1, 3), { key: 'ArrowUp' }, size), at(-1, 3));
      assert.deepStrictEqual(moveCell(at(99, 7), { key: 'ArrowDown' }, size), at(99, 7));
      assert.deepStrictEqual(moveCell(at(5, 0), { key: 'ArrowLeft' }, size), at(5, 0));
      assert.deepStrictEqual(moveCell(at(5, 7), { key: 'ArrowRight' }, size), at(5, 7));
    });

    it('goes to the row\'s ends with Home/End, to the grid\'s ends with Ctrl+Home/End, and by a page with PageUp/PageDown', () => {
      assert.deepStrictEqual(moveCell(at(5, 3), { key: 'Home' }, size), at(5, 0));
      assert.deepStrictEqual(moveCell(at(5, 3), { key: 'End' }, size), at(5, 7));
      assert.deepStrictEqual(moveCell(at(5, 3), { key: 'Home', ctrlKey: true }, size), at(0, 0));
      assert.deepStrictEqual(moveCell(at(5, 3), { key: 'End', ctrlKey: true }, size), at(99, 7));
      assert.deepStrictEqual(moveCell(at(5, 3), { key: 'End', metaKey: true }, size), at(99, 7), 'Cmd on macOS');
      assert.deepStrictEqual(moveCell(at(5, 3), { key: 'PageDown' }, size), at(24, 3), 'a page less one row, so the last row stays in sight');
      assert.deepStrictEqual(moveCell(at(90, 3), { key: 'PageDown' }, size), at(99, 3));
      assert.deepStrictEqual(moveCell(at(30, 3), { key: 'PageUp' }, size), at(11, 3));
      assert.deepStrictEqual(moveCell(at(5, 3), { key: 'PageUp' }, size), at(0, 3));
      assert.deepStrictEqual(moveCell(at(-1, 3), { key: 'PageDown' }, size), at(19, 3));
    });

    it('leaves every other key to the page (Tab leaves the grid: it is one Tab stop)', () => {
      for (const key of ['Tab', 'a', 'Enter', 'Escape']) assert.strictEqual(moveCell(at(5, 3), { key }, size), undefined, key);
    });

    it('stays on the header in a grid without rows', () => {
      assert.deepStrictEqual(moveCell(at(-1, 0), { key: 'ArrowDown' }, { rows: 0, columns: 3, pageRows: 10 }), at(-1, 0));
      assert.deepStrictEqual(moveCell(at(-1, 0), { key: 'PageDown' }, { rows: 0, columns: 3, pageRows: 10 }), at(-1, 0));
    });
  });

  describe('protocol', () => {
    it('checks the grid\'s part of the place: active cell and pinned columns', () => {
      const place = { runId: 'run-1', tab: 'rows', activeRow: 4, activeColumn: 'input:age', pinned: ['#', 'input:age'] };
      assert.ok(isResultsPlace(place));
      assert.ok(!isResultsPlace({ ...place, activeRow: -1 }));
      assert.ok(!isResultsPlace({ ...place, activeColumn: 3 }));
      assert.ok(!isResultsPlace({ ...place, pinned: '#' }));
    });

    it('accepts results/revealLine with a run and a zero-based row, and nothing else', () => {
      assert.deepStrictEqual(parseResultsWebviewMessage({ type: 'results/revealLine', runId: 'run-1', row: 2 }), { type: 'results/revealLine', runId: 'run-1', row: 2 });
      assert.strictEqual(parseResultsWebviewMessage({ type: 'results/revealLine', runId: 'run-1', row: -1 }), undefined);
      assert.strictEqual(parseResultsWebviewMessage({ type: 'results/revealLine', runId: 'run-1', row: 1.5 }), undefined);
      assert.strictEqual(parseResultsWebviewMessage({ type: 'results/revealLine', row: 1 }), undefined);
    });
  });
});
