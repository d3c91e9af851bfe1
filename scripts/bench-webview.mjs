#!/usr/bin/env node
// Benchmark (not a test) of the results webview: serves dist/webview/ on 127.0.0.1 with the real HTML
// shell and CSP (src/features/results/resultsHtml.ts) plus a host shim for acquireVsCodeApi, opens it in
// headless Chromium, posts a 100 000-row run and prints the time to first paint (target ≤ 0.5 s) and the
// grid rows in the DOM. Screenshots go to test-results/webview-bench*.png.
//
// Usage: node scripts/bench-webview.mjs [--rows=100000] [--runs=3] [--no-build]
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(process.argv.slice(2).map(a => {
  const [k, v] = a.replace(/^--/, '').split('=');
  return [k, v ?? 'true'];
}));
const ROWS = Number(args.rows ?? 100_000);
const RUNS = Number(args.runs ?? 3);
const TARGET_MS = 500;
const distDir = path.join(root, 'dist/webview');
const outDir = path.join(root, 'test-results');

// ---- build if needed ----------------------------------------------------------------------------

function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

function bundleIsStale() {
  const outputs = ['webview.js', 'webview.css', 'codicon.css', 'codicon.ttf'].map(f => path.join(distDir, f));
  if (!outputs.every(f => fs.existsSync(f))) return true;
  const built = Math.min(...outputs.map(f => fs.statSync(f).mtimeMs));
  // The bundle takes the protocol and what it re-exports from src/core (the results model, the text helpers).
  return Math.max(...['webview', 'src/protocol', 'src/core/text', 'src/core/results'].map(d => newestMtime(path.join(root, d)))) > built;
}

async function buildWebviewOnly() {
  // Same options as scripts/build.mjs for the webview bundle.
  await esbuild.build({
    entryPoints: [path.join(root, 'webview/main.ts')], outfile: path.join(distDir, 'webview.js'),
    bundle: true, platform: 'browser', format: 'esm', target: 'es2022', minify: true, legalComments: 'none', logLevel: 'warning',
  });
  for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(root, 'node_modules/@vscode/codicons/dist', f), path.join(distDir, f));
  fs.copyFileSync(path.join(root, 'webview/webview.css'), path.join(distDir, 'webview.css'));
}

if (args['no-build'] !== 'true' && bundleIsStale()) {
  console.log('[bench] building …');
  const full = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs')], { cwd: root, encoding: 'utf8' });
  if (full.status !== 0 || bundleIsStale()) {
    console.log('[bench] full build failed; building the webview bundle alone');
    await buildWebviewOnly();
  }
}
const bundleKb = (fs.statSync(path.join(distDir, 'webview.js')).size / 1024).toFixed(1);

// ---- the production HTML shell and the extension-side summaries, loaded from the TypeScript sources ----

async function importTs(entry) {
  const out = await esbuild.build({ entryPoints: [path.join(root, entry)], bundle: true, platform: 'node', format: 'esm', write: false, logLevel: 'error' });
  return import(`data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`);
}
const { resultsHtml } = await importTs('src/features/results/resultsHtml.ts');
const { summarizePredictions } = await importTs('src/core/results/summary.ts');
const { ShownRun } = await importTs('src/core/results/shownRun.ts');

// ---- a deterministic 100 000-row run ------------------------------------------------------------

function makeModel(rows) {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const inputColumns = ['age', 'sex', 'bmi', 'bp', 's1', 's2', 's3', 's4', 's5', 's6', 'patient'];
  const batchSize = 100;
  const failedBatches = new Map([[2, { status: 429, errorCode: 'RequestBlocked', message: 'Too many requests; retry after 30 seconds.' }],
    [7, { status: 503, errorCode: 'ServiceUnavailable', message: 'The model endpoint is waking up from auto-sleep.' }]]);
  const inputs = [];
  const predictions = [];
  for (let i = 0; i < rows; i++) {
    const row = inputColumns.slice(0, 10).map(() => Math.round((random() - 0.5) * 20000) / 100000);
    row.push(`P-${String(i + 1).padStart(6, '0')}`);
    inputs.push(row);
    const batch = Math.floor(i / batchSize);
    const y = 150 + 900 * row[2] + 600 * row[3] + (random() - 0.5) * 40;
    predictions.push(failedBatches.has(batch) ? null : [Math.round(y * 10) / 10, y > 170 ? 'high' : y > 130 ? 'medium' : 'low']);
  }
  const scoreUrl = 'https://api.fabric.microsoft.com/v1/workspaces/cf5fef71-f7f3-43f3-ae7f-3c427922bef1/mlmodels/7e92a6fc-3ef5-40bf-96df-ddae3fcde313/endpoint/versions/1/score';
  const batches = [];
  for (let index = 0; index * batchSize < rows; index++) {
    const startRow = index * batchSize;
    const endRow = Math.min(rows, startRow + batchSize);
    const failure = failedBatches.get(index);
    const requestId = `5b1c9a0e-0000-4000-8000-${String(index).padStart(12, '0')}`;
    const body = JSON.stringify({ formatType: 'dataframe', orientation: 'values', inputs: inputs.slice(startRow, Math.min(endRow, startRow + 3)).map(r => r.slice(0, 10)) });
    batches.push({
      index, startRow, endRow, ok: !failure, durationMs: 80 + (index % 7) * 9, attempts: failure ? 4 : 1,
      ...(failure ? { error: { kind: 'http', ...failure, requestId } } : {}),
      exchange: {
        method: 'POST', url: scoreUrl, durationMs: 80 + (index % 7) * 9,
        requestHeaders: { authorization: 'Bearer [REDACTED]', 'content-type': 'application/json' },
        requestBody: body,
        status: failure ? failure.status : 200,
        responseHeaders: { 'content-type': 'application/json', 'x-ms-request-id': requestId, ...(failure ? { 'retry-after': '30' } : {}) },
        responseBody: failure
          ? JSON.stringify({ errorCode: failure.errorCode, message: failure.message, requestId })
          : JSON.stringify({ formatType: 'dataframe', orientation: 'values', predictions: predictions.slice(startRow, startRow + 3) }),
      },
    });
  }
  return {
    runId: 'bench-run-1',
    endpoint: { id: 'diabetes', name: 'Diabetes progression', version: '1', scoreUrl },
    source: { fileName: 'data/diabetes.csv', rowLines: Array.from({ length: rows }, (_, i) => i + 2) },
    inputColumns,
    outputColumns: ['prediction', 'risk'],
    inputs,
    predictions,
    batches,
    startedAt: new Date('2026-01-15T10:30:00Z').toISOString(),
    durationMs: 25_310,
    tokenRequests: 1,
    cancelled: false,
    warnings: ['Not sent (not in the input signature): patient'],
  };
}

// ---- loopback server: the bundle folder, the shell, and theme fallbacks for --vscode-* variables ----

const THEME_CSS = `:root {
  --vscode-font-family: system-ui, -apple-system, "Segoe UI", Ubuntu, sans-serif; --vscode-font-size: 13px;
  --vscode-editor-font-family: "DejaVu Sans Mono", monospace; --vscode-editor-font-size: 13px;
  --vscode-foreground: #cccccc; --vscode-descriptionForeground: #9d9d9d; --vscode-editor-background: #1f1f1f;
  --vscode-errorForeground: #f85149; --vscode-editorWarning-foreground: #cca700; --vscode-testing-iconPassed: #73c991;
  --vscode-charts-blue: #3794ff; --vscode-charts-purple: #b180d7; --vscode-textLink-foreground: #4daafc;
  --vscode-panel-border: #2b2b2b; --vscode-editorWidget-border: #454545; --vscode-list-hoverBackground: #2a2d2e;
  --vscode-list-inactiveSelectionBackground: #262729; --vscode-textCodeBlock-background: #2b2b2b;
  --vscode-focusBorder: #0078d4; --vscode-button-background: #0078d4; --vscode-button-foreground: #ffffff;
  --vscode-button-hoverBackground: #026ec1; --vscode-button-secondaryBackground: #313131;
  --vscode-button-secondaryForeground: #cccccc; --vscode-button-secondaryHoverBackground: #3c3c3c;
  --vscode-badge-background: #616161; --vscode-badge-foreground: #f8f8f8; --vscode-settings-headerBorder: #2b2b2b;
  --vscode-panelTitle-activeForeground: #e7e7e7; --vscode-panelTitle-activeBorder: #0078d4;
  --vscode-panelTitle-inactiveForeground: #9d9d9d; --vscode-input-background: #313131; --vscode-input-foreground: #cccccc;
  --vscode-settings-textInputBorder: #3c3c3c; --vscode-inputValidation-warningBorder: #b89500;
}`;

// Defines acquireVsCodeApi like VS Code does: messages from the webview are recorded (and re-posted to
// the window wrapped, as a webview's parent would see them), state lives in memory. setState serialises
// like VS Code's does (JSON), so a change that saves the whole run too often shows up in the figures.
const HOST_SHIM = `window.benchHost={posted:[],state:undefined};window.acquireVsCodeApi=function(){return{postMessage:function(m){window.benchHost.posted.push(m);window.postMessage({fromWebview:m},'*');},getState:function(){return window.benchHost.state;},setState:function(s){var t=performance.now();window.benchHost.stateBytes=JSON.stringify(s).length;window.benchHost.state=s;window.benchHost.setStateMs=(window.benchHost.setStateMs||[]).concat(performance.now()-t);return s;}};};`;

const MIME = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.html': 'text/html' };

function startServer() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/' || url.pathname === '/index.html') {
      const origin = `http://127.0.0.1:${server.address().port}`;
      let page = resultsHtml({ cspSource: origin, scriptUri: `${origin}/webview.js`, styleUri: `${origin}/webview.css`, codiconUri: `${origin}/codicon.css` });
      const nonce = /nonce="([^"]+)"/.exec(page)[1];
      page = page.replace('<head>', `<head>\n<script nonce="${nonce}">${HOST_SHIM}</script>\n<link rel="stylesheet" href="${origin}/bench-theme.css">`);
      res.writeHead(200, { 'content-type': MIME['.html'], 'cache-control': 'no-store' }).end(page);
      return;
    }
    if (url.pathname === '/bench-theme.css') {
      res.writeHead(200, { 'content-type': MIME['.css'] }).end(THEME_CSS);
      return;
    }
    const file = path.join(distDir, path.normalize(url.pathname).replace(/^[/\\]+/, ''));
    if (!file.startsWith(distDir + path.sep) || !fs.existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': MIME[path.extname(file)] ?? 'application/octet-stream' }).end(fs.readFileSync(file));
  });
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---- run ------------------------------------------------------------------------------------------

const median = values => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

const model = makeModel(ROWS);
const summaries = summarizePredictions(model);
// What the extension keeps and posts: the run without its rows, the first screen and a sample; the grid asks for
// the other rows (answered below through an exposed function, which crosses the process boundary as VS Code does).
const shown = ShownRun.of(model);
const showMessage = { type: 'results/show', run: shown.view, summaries, firstRows: shown.page(0, 100), sample: shown.rows.sample(200) };
let rowsSent = 0;
const server = await startServer();
const origin = `http://127.0.0.1:${server.address().port}`;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-webview-'));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  headless: true,
  env: { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_CACHE_HOME: path.join(tmp, 'xdg-cache') },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
let exitCode = 0;
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 860 } });
  await context.route(/.*/, route => {
    const host = new URL(route.request().url()).hostname;
    return host === '127.0.0.1' ? route.continue() : route.abort();
  });
  const problems = [];
  const results = [];
  let page;
  for (let run = 1; run <= RUNS; run++) {
    // A fresh page per run, as VS Code creates a fresh webview per panel.
    await page?.close();
    page = await context.newPage();
    page.on('pageerror', e => problems.push(`page error: ${e.message}`));
    page.on('console', m => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    await page.exposeFunction('benchRows', (start, end) => {
      const rows = shown.page(start, end);
      rowsSent += rows.inputs.length;
      return rows;
    });
    await page.addInitScript(runId => {
      window.addEventListener('message', async event => {
        const m = event.data?.fromWebview;
        if (m?.type !== 'results/rows') return;
        window.postMessage({ type: 'results/rowsPage', runId, page: await window.benchRows(m.start, m.end) }, '*');
      });
    }, shown.view.runId);
    await page.goto(`${origin}/`);
    await page.waitForFunction(() => window.benchHost.posted.some(m => m.type === 'results/ready'));
    // Hand the model to the page first (not timed: in VS Code it crosses the process boundary anyway),
    // then time postMessage → results/rendered, as the extension would see it.
    await page.evaluate(m => { window.benchModel = m; }, showMessage);
    const timing = await page.evaluate(() => new Promise(resolve => {
      const started = performance.now();
      const onMessage = event => {
        const m = event.data?.fromWebview;
        if (m?.type !== 'results/rendered') return;
        window.removeEventListener('message', onMessage);
        resolve({ roundTripMs: performance.now() - started, reported: m });
      };
      window.addEventListener('message', onMessage);
      window.postMessage(window.benchModel, '*');
    }));
    const domRows = await page.locator('.results-grid lit-virtualizer > .vrow').count();
    results.push({ ...timing, domRows });
    console.log(`[bench] run ${run}: first paint ${timing.reported.firstPaintMs.toFixed(0)} ms inside the webview, ` +
      `${timing.roundTripMs.toFixed(0)} ms postMessage → rendered; ${domRows} grid rows in the DOM for ${ROWS.toLocaleString('en-US')} rows; ` +
      `CSP violations: ${timing.reported.cspViolations.length}`);
  }

  // The last page is the one to look at: wait for the codicon font, then screenshot each view.
  fs.mkdirSync(outDir, { recursive: true });
  await page.evaluate(async () => { await document.fonts.ready; await document.fonts.load('16px codicon'); });
  const rowsShot = path.join(outDir, 'webview-bench.png');
  await page.screenshot({ path: rowsShot });

  // Scroll deep into the grid: rows there must render with their values (asked for and answered), and the DOM must stay small.
  const scroller = page.locator('.results-grid');
  const rowsSentBefore = rowsSent;
  const scrolledAt = Date.now();
  await scroller.evaluate(el => { el.scrollTop = el.scrollHeight / 2; });
  const middleRow = String(Math.floor(ROWS / 2));
  await page.locator('.results-grid .vrow:not(.loading) .rownum', { hasText: new RegExp(`^${middleRow.slice(0, -2)}\\d\\d$`) }).first().waitFor({ timeout: 5000 });
  await page.waitForFunction(() => document.querySelectorAll('.results-grid .vrow.loading').length === 0, undefined, { timeout: 5000 });
  const scrolledPaintMs = Date.now() - scrolledAt;
  const rowsForScroll = rowsSent - rowsSentBefore;
  const domRowsScrolled = await page.locator('.results-grid lit-virtualizer > .vrow').count();
  await page.screenshot({ path: path.join(outDir, 'webview-bench-scrolled.png') });

  await page.getByRole('tab', { name: 'Summary' }).click();
  await page.locator('.summary-card').first().waitFor();
  await page.screenshot({ path: path.join(outDir, 'webview-bench-summary.png') });

  await page.locator('.failure button.link').first().click();
  await page.locator('pre.raw').first().waitFor();
  const rawText = await page.locator('pre.raw').first().innerText();
  await page.screenshot({ path: path.join(outDir, 'webview-bench-raw.png') });

  await page.getByRole('tab', { name: /^Batches/ }).click();
  await page.locator('.batches-grid .vrow:not(.head)').first().waitFor();
  await page.screenshot({ path: path.join(outDir, 'webview-bench-batches.png') });

  // Narrow pages: the header, the tab strip and the grids must fit without a page-level horizontal scroll.
  const overflow = {};
  for (const width of [335, 700]) {
    await page.setViewportSize({ width, height: 860 });
    await page.getByRole('tab', { name: /^Rows/ }).click();
    await page.locator('.results-grid lit-virtualizer > .vrow').first().waitFor();
    await page.screenshot({ path: path.join(outDir, `webview-bench-${width}px.png`) });
    await page.getByRole('tab', { name: /^Batches/ }).click();
    await page.screenshot({ path: path.join(outDir, `webview-bench-${width}px-batches.png`) });
    await page.getByRole('tab', { name: 'Request/response' }).click();
    overflow[width] = await page.evaluate(() => document.scrollingElement.scrollWidth - window.innerWidth);
    await page.screenshot({ path: path.join(outDir, `webview-bench-${width}px-raw.png`) });
  }
  await page.setViewportSize({ width: 1400, height: 860 });

  // After a scroll and three tab changes, the whole run should have been saved once (after first paint).
  await page.waitForTimeout(600);
  const setStateMs = await page.evaluate(() => window.benchHost.setStateMs ?? []);
  const stateBytes = await page.evaluate(() => window.benchHost.stateBytes ?? 0);
  const cspViolations = await page.evaluate(() => window.fabricMlCspViolations ?? []);
  const firstPaint = median(results.map(r => r.reported.firstPaintMs));
  const roundTrip = median(results.map(r => r.roundTripMs));
  console.log('');
  console.log(`[bench] rows: ${ROWS.toLocaleString('en-US')}, bundle: ${bundleKb} KB, runs: ${RUNS}`);
  console.log(`[bench] first paint (median, inside the webview): ${firstPaint.toFixed(0)} ms (target ≤ ${TARGET_MS} ms) ${firstPaint <= TARGET_MS ? 'OK' : 'OVER TARGET'}`);
  console.log(`[bench] postMessage → results/rendered (median): ${roundTrip.toFixed(0)} ms`);
  console.log(`[bench] setState calls on the last page (first paint, a scroll, three tab changes): ${setStateMs.length}, ${setStateMs.map(ms => `${ms.toFixed(0)} ms`).join(', ')} (expected: 1)`);
  console.log(`[bench] saved webview state for ${ROWS.toLocaleString('en-US')} rows: ${stateBytes.toLocaleString('en-US')} bytes (target ≤ 1 MB) ${stateBytes <= 1_000_000 ? 'OK' : 'MISSED'}`);
  console.log(`[bench] grid rows in the DOM: ${results.at(-1).domRows} at the top, ${domRowsScrolled} after scrolling to row ~${middleRow}`);
  console.log(`[bench] results/show message: ${JSON.stringify(showMessage).length.toLocaleString('en-US')} bytes for ${ROWS.toLocaleString('en-US')} rows (the whole run as JSON: ${JSON.stringify(model).length.toLocaleString('en-US')} bytes)`);
  console.log(`[bench] scroll to row ~${middleRow} → its rows painted with values: ${scrolledPaintMs} ms, ${rowsForScroll} rows asked for`);
  console.log(`[bench] raw view shows Authorization redacted: ${/authorization: Bearer \[REDACTED\]/i.test(rawText)}`);
  console.log(`[bench] CSP violations: ${cspViolations.length}${cspViolations.length ? ` (${cspViolations.join('; ')})` : ''}`);
  console.log(`[bench] page wider than the window at 335 px / 700 px: ${overflow[335]} px / ${overflow[700]} px (expected: 0)`);
  console.log(`[bench] screenshots: ${path.relative(root, rowsShot)} (+ -scrolled, -summary, -raw, -batches, -335px*, -700px*)`);
  if (problems.length) {
    console.log(`[bench] page problems:\n  ${problems.join('\n  ')}`);
    exitCode = 1;
  }
  if (cspViolations.length) exitCode = 1;
} finally {
  await browser.close();
  server.close();
  fs.rmSync(tmp, { recursive: true, force: true });
}
process.exit(exitCode);
