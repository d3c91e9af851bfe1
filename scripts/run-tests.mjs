#!/usr/bin/env node
// run-tests.mjs — run VS Code extension integration tests (mocha suites with the usual
// @vscode/test-electron `run()` entry point) inside the *Node* remote extension host of a locally
// installed code-server (= VS Code server build), driven by headless Chromium via playwright-core.
// Loopback only; nothing is downloaded at test time.
//
// Usage:
//   node run-tests.mjs --extensionDevelopmentPath=DIR --extensionTestsPath=FILE.js
//        [--workspace=DIR|FILE.code-workspace] [--timeout=SECONDS] [--screenshotDir=DIR]
//        [--logsDir=DIR] [--keepData] [--workspaceTrust=disabled|untrusted]
//   --workspaceTrust=untrusted opens the workspace in Restricted Mode (workspace trust on, folder not
//   trusted, no startup modal); the default turns workspace trust off.
//
// Environment:
//   VSCODE_HARNESS_DIR  where setup-vscode-harness.sh installed things (default ./.vscode-test-server)
//   CODE_SERVER_NODE    node >= 24 for code-server (default: $VSCODE_HARNESS_DIR/node/.../bin/node)
//   CODE_SERVER_ENTRY   code-server entry.js   (default: $VSCODE_HARNESS_DIR/code-server/node_modules/code-server/out/node/entry.js)
//   CHROMIUM_PATH       browser binary (default: /usr/bin/chromium, chromium-browser, google-chrome, or Playwright's own)
//   HARNESS_VERBOSE=1   echo server output, every browser console line and the workbench's own log chatter
//
// Test code can talk back to this driver through process.env.HARNESS_CONTROL_URL (absent under
// @vscode/test-electron, so guard on it):
//   GET /screenshot?name=N[&delayMs=M]   -> {file}   PNG of the whole workbench
//   GET /text?selector=CSS               -> {texts}  innerText of matching workbench elements
//   GET /frameText?contains=S            -> {texts}  body text of every frame (webviews) containing S
//   GET /frameClick?contains=S&selector=CSS[&text=T] -> {clicked}  clicks the first CSS match (containing T)
//                                                        in the first frame whose body text contains S
//   GET /storage                         -> {text}   every key and value the workbench keeps in the browser
//                                                    (IndexedDB, localStorage): what survives a window reload
//
// Access: code-server asks for a fresh random password (--auth password, config file readable by this user
// only); the runner checks that an unauthenticated request is refused, then signs the browser in through
// /login. The control server below answers only under a random path prefix that only the extension host knows.
//
// Exit code: 0 = extension host reported 0 (all tests passed); 1 = tests failed / runner threw;
//            2 = harness problem (server/browser did not start, workbench error, timeout).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { newPassword, probeAnonymousAccess, writePasswordConfig } from './code-server-auth.mjs';

const args = Object.fromEntries(process.argv.slice(2).map(a => {
  const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
  if (!m) { console.error(`[harness] bad argument ${a}`); process.exit(2); }
  return [m[1], m[2] ?? 'true'];
}));
const abs = p => path.resolve(p);
const verbose = process.env.HARNESS_VERBOSE === '1';
const harnessDir = abs(process.env.VSCODE_HARNESS_DIR ?? path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'fabric-ml-harness', 'vscode-test-server'));
const extDev = abs(args.extensionDevelopmentPath ?? process.cwd());
const extTests = abs(args.extensionTestsPath ?? path.join(extDev, 'out/test/suite/index.js'));
const workspace = args.workspace ? abs(args.workspace) : undefined;
const timeoutMs = Number(args.timeout ?? 300) * 1000;
const screenshotDir = abs(args.screenshotDir ?? path.join(extDev, '.vscode-test-server-shots'));
const nodeBin = process.env.CODE_SERVER_NODE
  ?? [path.join(harnessDir, 'node/node_modules', `node-${process.platform}-${process.arch}`, 'bin/node')].find(p => fs.existsSync(p))
  ?? process.execPath;
const entry = process.env.CODE_SERVER_ENTRY ?? path.join(harnessDir, 'code-server/node_modules/code-server/out/node/entry.js');
const log = (...a) => console.log('[harness]', ...a);

// playwright-core: from the project (devDependency) or from the harness dir
function loadPlaywright() {
  for (const base of [path.join(process.cwd(), 'package.json'), path.join(harnessDir, 'code-server/package.json'), import.meta.url]) {
    try { return createRequire(base)('playwright-core'); } catch { /* next */ }
  }
  console.error('[harness] playwright-core not found (npm i -D playwright-core, or run setup-vscode-harness.sh)');
  process.exit(2);
}
const { chromium } = loadPlaywright();
function findChromium() {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome',
    '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];
  try { candidates.push(chromium.executablePath()); } catch { /* no bundled browser */ }
  return candidates.find(p => p && fs.existsSync(p));
}
const chromiumPath = findChromium();

for (const [what, p] of [['extensionTestsPath', extTests], ['extensionDevelopmentPath', extDev], ['code-server entry (run setup-vscode-harness.sh)', entry], ['node for code-server', nodeBin], ['chromium (set CHROMIUM_PATH)', chromiumPath]]) {
  if (!p || !fs.existsSync(p)) { console.error(`[harness] ${what} not found: ${p}`); process.exit(2); }
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vscode-harness-'));
let server, browser, control, page, finished = false;

async function cleanup() {
  try { await browser?.close(); } catch { /* ignore */ }
  if (server && server.exitCode === null && server.signalCode === null) {
    // code-server runs in its own process group (detached): end the group (server + extension host)
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* gone */ }
    await new Promise(r => setTimeout(r, 500));
    try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  control?.close();
  if (!args.keepData) fs.rmSync(tmp, { recursive: true, force: true }); else log(`kept data in ${tmp}`);
}
async function finish(code, why) {
  if (finished) return;
  finished = true;
  if (why) log(why);
  await cleanup();
  process.exit(code);
}
process.on('SIGINT', () => finish(130, 'interrupted'));
process.on('SIGTERM', () => finish(143, 'terminated'));
const watchdog = setTimeout(async () => {
  try {
    fs.mkdirSync(screenshotDir, { recursive: true });
    await page?.screenshot({ path: path.join(screenshotDir, 'timeout.png') });
    log(`screenshot of the stuck workbench: ${path.join(screenshotDir, 'timeout.png')}`);
  } catch { /* ignore */ }
  finish(2, `TIMEOUT after ${timeoutMs / 1000}s (the extension host never reported an exit code)`);
}, timeoutMs);

// --- control server: lets test code in the extension host ask for screenshots / DOM text ---
// Other local users could otherwise click in the workbench or read its text while the tests run.
const controlPrefix = `/${randomBytes(16).toString('hex')}`;
control = http.createServer(async (req, res) => {
  const u = new URL(req.url, 'http://x');
  if (!u.pathname.startsWith(`${controlPrefix}/`)) { res.statusCode = 404; res.end('{}'); return; }
  u.pathname = u.pathname.slice(controlPrefix.length);
  try {
    if (!page) throw new Error('page not ready');
    if (u.pathname === '/screenshot') {
      const name = (u.searchParams.get('name') ?? 'shot').replace(/[^\w.-]/g, '_');
      fs.mkdirSync(screenshotDir, { recursive: true });
      const file = path.join(screenshotDir, `${name}.png`);
      const delay = Number(u.searchParams.get('delayMs') ?? 0);
      if (delay) await page.waitForTimeout(delay);
      await page.screenshot({ path: file });
      log(`screenshot saved: ${file}`);
      res.end(JSON.stringify({ file }));
    } else if (u.pathname === '/text') {
      // `attr` reads an attribute (e.g. aria-label) instead of the visible text.
      const attr = u.searchParams.get('attr');
      const texts = await page.$$eval(u.searchParams.get('selector'), (els, a) => els.map(e => (a ? e.getAttribute(a) ?? '' : e.innerText)), attr);
      res.end(JSON.stringify({ texts }));
    } else if (u.pathname === '/frameText') {
      const contains = u.searchParams.get('contains') ?? '';
      const texts = [];
      for (const f of page.frames()) {
        try { const t = await f.evaluate(() => document.body?.innerText ?? ''); if (t.includes(contains)) texts.push(t); } catch { /* detached */ }
      }
      res.end(JSON.stringify({ texts }));
    } else if (u.pathname === '/frameClick') {
      // A real mouse click (scrolled into view, actionability-checked) on the first element matching
      // `selector` (optionally containing `text`) in the first frame whose body text contains `contains`.
      // frame.locator pierces open shadow roots, so custom elements' parts are reachable too.
      const contains = u.searchParams.get('contains') ?? '';
      const selector = u.searchParams.get('selector');
      const text = u.searchParams.get('text');
      if (!selector) throw new Error('frameClick needs selector');
      let frameFound = false;
      for (const f of page.frames()) {
        let body;
        try { body = await f.evaluate(() => document.body?.innerText ?? ''); } catch { continue; /* detached */ }
        if (!body.includes(contains)) continue;
        frameFound = true;
        let target = f.locator(selector);
        if (text) target = target.filter({ hasText: text });
        if (await target.count() === 0) continue;
        await target.first().click({ timeout: 10_000 });
        res.end(JSON.stringify({ clicked: true }));
        return;
      }
      throw new Error(frameFound ? `no element ${selector}${text ? ` with text "${text}"` : ''} in a frame containing "${contains}"` : `no frame contains "${contains}"`);
    } else if (u.pathname === '/keys') {
      // Real key presses in the workbench: `type` text into the focused input (quick input, input box),
      // then each `press` key in order (e.g. Enter, Escape). Lets tests answer prompts as a user would.
      const text = u.searchParams.get('type');
      if (text) await page.keyboard.type(text);
      for (const key of u.searchParams.getAll('press')) await page.keyboard.press(key);
      res.end(JSON.stringify({ ok: true }));
    } else if (u.pathname === '/click') {
      // A real click on the first workbench element matching `selector` (and containing `text`), e.g. a
      // button of a modal dialog.
      const selector = u.searchParams.get('selector');
      const text = u.searchParams.get('text');
      if (!selector) throw new Error('click needs selector');
      let target = page.locator(selector);
      if (text) target = target.filter({ hasText: text });
      await target.first().click({ timeout: 10_000 });
      res.end(JSON.stringify({ clicked: true }));
    } else if (u.pathname === '/storage') {
      res.end(JSON.stringify({ text: await page.evaluate(browserStorageText) }));
    } else { res.statusCode = 404; res.end('{}'); }
  } catch (e) { res.statusCode = 500; res.end(JSON.stringify({ error: String(e) })); }
});
await new Promise(r => control.listen(0, '127.0.0.1', r));

/** Runs in the workbench page: its IndexedDB databases and localStorage as text (bytes decoded as UTF-8). */
async function browserStorageText() {
  const text = value => (typeof value === 'string' ? value : value instanceof Uint8Array ? new TextDecoder().decode(value)
    : JSON.stringify(value, (_k, v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : v)));
  const request = r => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });
  const parts = [];
  for (const { name } of await indexedDB.databases()) {
    const db = await request(indexedDB.open(name));
    for (const store of db.objectStoreNames) {
      const keys = await request(db.transaction(store).objectStore(store).getAllKeys());
      const values = await request(db.transaction(store).objectStore(store).getAll());
      keys.forEach((key, i) => parts.push(`${name}/${store}/${text(key)} = ${text(values[i])}`));
    }
    db.close();
  }
  for (let i = 0; i < localStorage.length; i++) parts.push(`localStorage/${localStorage.key(i)} = ${localStorage.getItem(localStorage.key(i))}`);
  return parts.join('\n');
}
const controlUrl = `http://127.0.0.1:${control.address().port}${controlPrefix}`;

// --- 1. code-server on a random loopback port, fresh user-data/extensions dirs ---
const userDataDir = path.join(tmp, 'user-data');
fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
fs.mkdirSync(path.join(tmp, 'tmp'));
const workspaceTrust = args.workspaceTrust ?? 'disabled';
if (!['disabled', 'untrusted'].includes(workspaceTrust)) await finish(2, `--workspaceTrust must be disabled or untrusted, not ${workspaceTrust}`);
const untrusted = workspaceTrust === 'untrusted';
fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'security.workspace.trust.enabled': untrusted,
  // Restricted Mode without the blocking "Do you trust the authors" modal; the fresh user-data dir and
  // browser profile hold no trust decision, so the folder starts untrusted.
  ...(untrusted ? { 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.untrustedFiles': 'open', 'security.workspace.trust.banner': 'always' } : {}),
  'workbench.enableExperiments': false,
  'chat.disableAIFeatures': true,
  'git.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
}, null, 2));
const configFile = path.join(tmp, 'config.yaml');
const password = newPassword();
writePasswordConfig(configFile, password);

const started = Date.now();
server = spawn(nodeBin, [entry,
  '--config', configFile,                      // never touch ~/.config/code-server; holds the password
  '--auth', 'password',
  '--bind-addr', '127.0.0.1:0',                // random free port, printed on stdout
  '--disable-telemetry', '--disable-update-check', ...(untrusted ? [] : ['--disable-workspace-trust']),
  '--disable-getting-started-override', '--disable-proxy', '--ignore-last-opened',
  '--user-data-dir', userDataDir,
  '--extensions-dir', path.join(tmp, 'extensions'),
  // A *built* VS Code workbench only honours the `payload` dev options (extensionDevelopmentPath,
  // extensionTestsPath) when the smoke-test driver is on:  payload && (!isBuilt || enableSmokeTestDriver).
  '--vscode-option', 'enable-smoke-test-driver',
], {
  detached: true,
  stdio: ['ignore', 'pipe', 'pipe'],
  env: {
    ...process.env,                              // inherited by the extension host too
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'),
    XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    TMPDIR: path.join(tmp, 'tmp'),               // vscode-ipc-*.sock, vscode-typescript*, node-compile-cache
    EXTENSIONS_GALLERY: '{}',                    // no marketplace (code-server defaults to open-vsx.org)
    HARNESS_CONTROL_URL: controlUrl,
    HARNESS_SCREENSHOT_DIR: screenshotDir,
  },
});
const serverOut = [];
const onServerData = d => {
  if (finished) return; // ignore shutdown noise
  const s = d.toString();
  serverOut.push(s);
  if (verbose) process.stdout.write(`[code-server] ${s}`);
  else if (/\berror\b/.test(s) && !/ENOTFOUND|getaddrinfo/.test(s)) process.stderr.write(`[code-server] ${s}`);
};
server.stdout.on('data', onServerData);
server.stderr.on('data', onServerData);
const endpoint = await new Promise((resolve, reject) => {
  const check = () => { const m = /HTTP server listening on (http:\/\/\S+)/.exec(serverOut.join('')); if (m) resolve(new URL(m[1])); };
  server.stdout.on('data', check);
  server.on('exit', c => reject(new Error(`code-server exited early (code ${c}):\n${serverOut.join('')}`)));
  setTimeout(() => reject(new Error(`code-server did not start within 60s:\n${serverOut.join('')}`)), 60000);
}).catch(e => finish(2, String(e)));
if (finished) await new Promise(() => {});
server.on('exit', (c, sig) => { if (!finished) finish(2, `code-server exited unexpectedly (code ${c}, signal ${sig})`); });
log(`code-server up at ${endpoint.href} in ${Date.now() - started} ms`);
// Fails the run if the server would hand the workbench (or its password file) to anyone on this machine.
try {
  const anonymous = await probeAnonymousAccess(endpoint.origin, configFile);
  if (!anonymous.refused) await finish(2, `code-server is open without a password: ${anonymous.summary}`);
  log(`unauthenticated requests are refused (${anonymous.summary})`);
} catch (e) { await finish(2, `could not probe code-server: ${e}`); }

// --- 2. headless Chromium, network locked to loopback ---
try {
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // keep Chromium's crashpad/cache dirs out of $HOME (it creates ~/.config/chromium/Crash Reports otherwise)
    env: { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_CACHE_HOME: path.join(tmp, 'xdg-cache') },
    // Playwright always uses a fresh temporary profile (--user-data-dir) per launch.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--disable-dev-shm-usage', '--disable-features=Translate,OptimizationHints,MediaRouter'],
  });
} catch (e) { await finish(2, `browser launch failed: ${e}`); }
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
// The workbench's clipboard service uses navigator.clipboard, which headless Chromium refuses without these.
await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: endpoint.origin });
await context.route(/.*/, route => {
  const u = new URL(route.request().url());
  if (u.hostname === '127.0.0.1' || u.hostname === 'localhost' || u.protocol === 'data:' || u.protocol === 'blob:') return route.continue();
  if (verbose) log(`blocked request to ${u.href}`);
  return route.abort();
});

// The workbench's log (including the extension host's console = the mocha reporter output) is
// forwarded here once the smoke-test driver is on. Drop the workbench's own chatter unless verbose.
const NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|\[reconnection-grace-time\]|Ignoring fetching additional builtin extensions|Updating additional builtin extensions cache|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\]|Started local extension host|Extension host \(.*\) is responsive)/;
await context.exposeFunction('codeAutomationLog', (type, a) => {
  const fn = console[type] ?? console.log;
  if (!verbose && ['info', 'log', 'trace', 'debug'].includes(type) && typeof a?.[0] === 'string' && NOISE.test(a[0])) return;
  fn(...a);
});
// Called by the workbench (ExtensionService._onExtensionHostExit) when the test runner finished.
await context.exposeFunction('codeAutomationExit', async (code, logs) => {
  clearTimeout(watchdog);
  if (Array.isArray(logs) && args.logsDir) {
    for (const { relativePath, contents } of logs) {
      const f = path.join(abs(args.logsDir), relativePath);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, contents);
    }
  }
  log(`extension host exited with code ${code} after ${Date.now() - started} ms`);
  await finish(code === 0 ? 0 : 1);
});

// Sign in as a user would through the login form; the session cookie lands in this browser context only.
try {
  const login = await context.request.post(`${endpoint.origin}/login`, { form: { password }, maxRedirects: 0 });
  // A wrong password answers 200 with the login page again; the right one redirects with the session cookie.
  if (login.status() !== 302) await finish(2, `signing in to code-server failed (HTTP ${login.status()})`);
} catch (e) { await finish(2, `signing in to code-server failed: ${e}`); }
log('signed in to code-server with this run\'s password');

page = await context.newPage();
page.on('pageerror', e => console.error(`[page error] ${e}`));
page.on('crash', () => finish(2, 'page crashed'));
page.on('console', msg => { if (verbose) console.log(`[browser ${msg.type()}] ${msg.text()}`); });

// --- 3. open the workbench with the test payload (as VS Code's own test/integration/browser does) ---
const remote = p => `vscode-remote://${endpoint.host}${p}`;
const q = new URLSearchParams();
if (workspace) q.set(workspace.endsWith('.code-workspace') ? 'workspace' : 'folder', workspace);
else q.set('ew', 'true');
q.set('payload', JSON.stringify([
  ['extensionDevelopmentPath', remote(extDev)],
  ['extensionTestsPath', remote(extTests)],
  ['skipWelcome', 'true'],
]));
const url = `${endpoint.origin}/?${q}`;
if (verbose) log(`opening ${url}`);
try {
  const resp = await page.goto(url);
  if (!resp || resp.status() >= 400) await finish(2, `workbench page answered HTTP ${resp?.status()} — see server output:\n${serverOut.join('')}`);
  if (new URL(page.url()).pathname.endsWith('/login')) await finish(2, 'the workbench sent the browser to the login page: the session cookie was not accepted');
} catch (e) { await finish(2, `navigation failed: ${e}`); }
