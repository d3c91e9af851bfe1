#!/usr/bin/env node
// `npm run demo`: the product on its embedded default, no cloud account needed. Installs what is missing,
// builds, starts the local fake Fabric + Entra server, and opens the extension in a real VS Code
// (code-server on 127.0.0.1, behind a password made for this run) with a demo workspace: sample CSV/JSON files
// whose columns match the fake model's input signature, an empty .pq file and an endpoint preconfigured to the
// fake server. Prints a sign-in link, the URL and the password, and runs until Ctrl-C.
// Options: --port N (fixed code-server port), --latency MS, --fake-port N (fixed fake-server port),
//          --check (start, check the sign-in as below and that the signed-in workbench page loads, then stop),
//          --desktop VSCODE_EXECUTABLE (desktop VS Code in its own user-data folder instead of code-server;
//          used by the "Run Extension (demo)" launch configuration, see scripts/demo-desktop.mjs).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { harnessDir } from './harness-env.mjs';
import { newPassword, probeAnonymousAccess, signIn, writePasswordConfig } from './code-server-auth.mjs';
import { startSignInPage } from './demo-sign-in-page.mjs';
import { runDesktopDemo } from './demo-desktop.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, fallback) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : fallback; };
const desktopExecutable = opt('desktop');
const env = { ...process.env, VSCODE_HARNESS_DIR: harnessDir() };
const step = (what, cmd, args) => {
  console.log(`[demo] ${what}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, shell: process.platform === 'win32' });
  if (r.status !== 0) { console.error(`[demo] ${what} failed`); process.exit(r.status ?? 1); }
};

if (!fs.existsSync(path.join(root, 'node_modules/.package-lock.json'))) step('installing npm packages', 'npm', ['ci', '--no-audit', '--no-fund']);
if (!desktopExecutable) step('installing the VS Code host (first time only, ~3 min)', 'bash', [path.join(root, 'scripts/setup-vscode-harness.sh')]);
// Node runs the compilers directly (what `npm run compile` does), so this also works where npm is npm.cmd.
step('building', process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', root]);
step('bundling', process.execPath, [path.join(root, 'scripts/build.mjs')]);

const require = createRequire(import.meta.url);
const { FakeFabricServer, dataflowRoutes, DEMO_TENANT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_USER_NAME, DEMO_USER_PASSWORD } = require(path.join(root, 'out/tools/fake-fabric/index.js'));
const fake = await FakeFabricServer.start({ port: Number(opt('fake-port', 0)), latencyMs: Number(opt('latency', 40)), lroRetryAfterSeconds: 1, lroPolls: 2 });
// Dataflow items and executeQuery (Deploy to Dataflow Gen2, Run in Fabric, Verify M in Fabric).
fake.use(dataflowRoutes);
console.log(`[demo] fake Fabric + Entra server on ${fake.url}`);
// Read once by the extension in development mode only, to put the fake server's demo service principal into
// SecretStorage; these are the fake server's own values, not real credentials.
const demoCredentials = JSON.stringify({ tenantId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET });

const demoDir = path.join(root, '.demo');
const workspace = prepareWorkspace(demoDir);
if (desktopExecutable) {
  await runDesktopDemo({ executable: desktopExecutable, root, demoDir, workspace, userSettings: userSettings(), demoCredentials, stopServer: () => fake.close() });
} else {
  await runBrowserDemo();
}

/** A fresh demo folder each run, so the demo always starts from the same state. */
function prepareWorkspace(dir) {
  const folder = path.join(dir, 'workspace');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(path.join(root, 'demo/workspace'), folder, { recursive: true });
  fs.mkdirSync(path.join(folder, '.vscode'), { recursive: true });
  fs.writeFileSync(path.join(folder, '.vscode/settings.json'), JSON.stringify({
    'fabricMl.endpoints': [
      { id: 'churn-demo', name: 'Churn model (demo)', scoreUrl: fake.scoreUrl('1'), profileId: 'default' },
      { id: 'churn-demo-v2', name: 'Churn model v2 (demo, inactive)', scoreUrl: fake.scoreUrl('2'), profileId: 'default' },
    ],
  }, null, 2));
  return folder;
}

/** The demo window's own user settings (never the user's real ones): a quiet workbench that may call the fake server. */
function userSettings() {
  return {
    'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none',
    'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'chat.disableAIFeatures': true,
    'security.workspace.trust.enabled': false, 'workbench.tips.enabled': false,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    // The demo folder sits inside this repository: do not offer to open the parent repository.
    'git.openRepositoryInParentFolders': 'never',
    // User-level settings that let the extension reach the local fake server (a workspace cannot set these).
    'fabricMl.allowLoopbackEndpoints': true, 'fabricMl.cloud': 'custom', 'fabricMl.customAuthorityHost': fake.url,
  };
}

async function runBrowserDemo() {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fabric-ml-demo-'));
  const userData = path.join(tmp, 'user-data');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(path.join(tmp, 'tmp'));
  fs.writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify(userSettings(), null, 2));
  const configFile = path.join(tmp, 'config.yaml');
  const password = newPassword();
  writePasswordConfig(configFile, password);

  const { server, url } = await startCodeServer(tmp, configFile, userData);
  let signInPage;
  let stopping = false;
  async function stop(code) {
    if (stopping) return;
    stopping = true;
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
    signInPage?.close();
    await fake.close();
    await new Promise(r => setTimeout(r, 300));
    try { process.kill(-server.pid, 'SIGKILL'); } catch { /* already gone */ }
    fs.rmSync(tmp, { recursive: true, force: true });
    process.exit(code);
  }
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));
  server.on('exit', () => { if (!stopping) { console.error('[demo] code-server stopped'); stop(1); } });

  // Refuse to hand out a link to a server that anyone on this machine could open, or whose password fails.
  const anonymous = await probeAnonymousAccess(url.origin, configFile);
  if (!anonymous.refused) { console.error(`[demo] code-server is open without a password (${anonymous.summary}); stopping`); await stop(1); }
  const cookie = await signIn(url.origin, password).catch(async e => { console.error(`[demo] ${e.message}; stopping`); await stop(1); });

  const query = new URLSearchParams({
    folder: workspace,
    payload: JSON.stringify([['extensionDevelopmentPath', `vscode-remote://${url.host}${root}`], ['skipWelcome', 'true']]),
  });
  const workbenchPath = `/?${query}`;
  signInPage = await startSignInPage(url.origin, workbenchPath);
  fs.writeFileSync(path.join(demoDir, 'url.txt'), `${url.origin}${workbenchPath}\n`);
  printBrowserInstructions(url, signInPage.url, workbenchPath, password, anonymous.summary);
  if (argv.includes('--check')) await stop(await checkSignedInWorkbench(`${url.origin}${workbenchPath}`, cookie));
}

/** --check: the workbench page answers 200 to the signed-in session. */
async function checkSignedInWorkbench(workbenchUrl, cookie) {
  const res = await fetch(workbenchUrl, { headers: { cookie }, redirect: 'manual' });
  await res.body?.cancel();
  console.log(`[demo] check: signed-in workbench page → HTTP ${res.status}${res.status === 200 ? '' : ' (expected 200)'}`);
  return res.status === 200 ? 0 : 1;
}

async function startCodeServer(tmp, configFile, userData) {
  const hdir = harnessDir();
  const nodeBin = path.join(hdir, 'node/node_modules', `node-${process.platform}-${process.arch}`, 'bin/node');
  const entry = path.join(hdir, 'code-server/node_modules/code-server/out/node/entry.js');
  const server = spawn(fs.existsSync(nodeBin) ? nodeBin : process.execPath, [entry,
    '--config', configFile, '--auth', 'password', '--bind-addr', `127.0.0.1:${opt('port', 0)}`,
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    '--disable-proxy', '--ignore-last-opened', '--user-data-dir', userData, '--extensions-dir', path.join(tmp, 'extensions'),
    // The development payload (extensionDevelopmentPath) is honoured by a built workbench only with this flag.
    '--vscode-option', 'enable-smoke-test-driver',
  ], {
    detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env, EXTENSIONS_GALLERY: '{}', TMPDIR: path.join(tmp, 'tmp'),
      XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
      FABRIC_ML_DEMO_CREDENTIALS: demoCredentials,
      // The fake server's Microsoft account for "Sign In" (development mode only; the fake's own values).
      FABRIC_ML_DEMO_ACCOUNT: JSON.stringify({ tenantId: DEMO_TENANT_ID, userName: DEMO_USER_NAME, password: DEMO_USER_PASSWORD }),
    },
  });
  let out = '';
  const url = await new Promise((resolve, reject) => {
    const onData = d => { out += d; const m = /HTTP server listening on (http:\/\/\S+)/.exec(out); if (m) resolve(new URL(m[1])); };
    server.stdout.on('data', onData);
    server.stderr.on('data', onData);
    server.on('exit', c => reject(new Error(`code-server exited (${c}):\n${out}`)));
    setTimeout(() => reject(new Error(`code-server did not start in 60 s:\n${out}`)), 60_000);
  });
  return { server, url };
}

function printBrowserInstructions(url, signInUrl, workbenchPath, password, refusedSummary) {
  const signInPort = new URL(signInUrl).port;
  console.log('\n[demo] Fabric ML Endpoints is running on 127.0.0.1 only, behind a password made for this run.');
  console.log('[demo] Open this link in a browser on this machine; it signs you in and opens the workbench:\n');
  console.log(`  ${signInUrl}#${password}\n`);
  console.log('[demo] Or open the workbench URL and enter the password on the sign-in page:\n');
  console.log(`  ${url.origin}${workbenchPath}`);
  console.log(`  password: ${password}\n`);
  console.log(`[demo] From another machine: ssh -L ${url.port}:127.0.0.1:${url.port} -L ${signInPort}:127.0.0.1:${signInPort} HOST, then open the same link.`);
  console.log(`[demo] Without the password the server refuses: ${refusedSummary}.`);
  console.log('[demo] In the workbench: the Fabric ML view lists "Churn model (demo)"; right-click customers.csv → Score Selection;');
  console.log('[demo] open scoring.pq → Fabric ML: Insert CallMLEndpoint M Function. Ctrl-C stops everything.');
}
