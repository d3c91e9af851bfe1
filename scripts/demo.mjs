#!/usr/bin/env node
// `npm run demo`: the product on its embedded default, no cloud account needed. Installs what is missing,
// builds, starts the local fake Fabric + Entra server, and opens the extension in a real VS Code
// (code-server on 127.0.0.1) with a demo workspace: sample CSV/JSON files whose columns match the fake
// model's input signature, an empty .pq file and an endpoint preconfigured to the fake server.
// Prints the URL to open and runs until Ctrl-C.
// Options: --port N (fixed code-server port), --latency MS, --fake-port N (fixed fake-server port),
//          --server-only (fake server + demo workspace only, for the desktop "Run Extension (demo)" launch).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { harnessDir } from './harness-env.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const opt = (name, fallback) => { const i = argv.indexOf(`--${name}`); return i >= 0 ? argv[i + 1] : fallback; };
const env = { ...process.env, VSCODE_HARNESS_DIR: harnessDir() };
const step = (what, cmd, args) => {
  console.log(`[demo] ${what}`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (r.status !== 0) { console.error(`[demo] ${what} failed`); process.exit(r.status ?? 1); }
};

if (!fs.existsSync(path.join(root, 'node_modules/.package-lock.json'))) step('installing npm packages', 'npm', ['ci', '--no-audit', '--no-fund']);
if (!argv.includes('--server-only')) step('installing the VS Code host (first time only, ~3 min)', 'bash', [path.join(root, 'scripts/setup-vscode-harness.sh')]);
step('building', 'npm', ['run', '--silent', 'compile']);

const require = createRequire(import.meta.url);
const { FakeFabricServer, DEMO_TENANT_ID, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_USER_NAME, DEMO_USER_PASSWORD } = require(path.join(root, 'out/tools/fake-fabric/index.js'));
const serverOnly = argv.includes('--server-only');
const fake = await FakeFabricServer.start({ port: Number(opt('fake-port', 0)), latencyMs: Number(opt('latency', 40)), lroRetryAfterSeconds: 1, lroPolls: 2 });
console.log(`[demo] fake Fabric + Entra server on ${fake.url}`);

// A fresh demo folder each run, so the demo always starts from the same state.
const demoDir = path.join(root, '.demo');
const workspace = path.join(demoDir, 'workspace');
fs.rmSync(demoDir, { recursive: true, force: true });
fs.cpSync(path.join(root, 'demo/workspace'), workspace, { recursive: true });
fs.mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
fs.writeFileSync(path.join(workspace, '.vscode/settings.json'), JSON.stringify({
  'fabricMl.endpoints': [
    { id: 'churn-demo', name: 'Churn model (demo)', scoreUrl: fake.scoreUrl('1'), profileId: 'default' },
    { id: 'churn-demo-v2', name: 'Churn model v2 (demo, inactive)', scoreUrl: fake.scoreUrl('2'), profileId: 'default' },
  ],
}, null, 2));

if (serverOnly) {
  console.log(`[demo] demo workspace: ${workspace}`);
  console.log('[demo] desktop VS Code: add these user settings so the extension may call the local server:');
  console.log(`[demo]   "fabricMl.allowLoopbackEndpoints": true, "fabricMl.cloud": "custom", "fabricMl.customAuthorityHost": "${fake.url}"`);
  console.log('[demo] ready (Ctrl-C stops the fake server)');
  const stopServer = async () => { await fake.close(); process.exit(0); };
  process.on('SIGINT', stopServer);
  process.on('SIGTERM', stopServer);
  await new Promise(() => {});
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'fabric-ml-demo-'));
const userData = path.join(tmp, 'user-data');
fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
fs.mkdirSync(path.join(tmp, 'tmp'));
fs.writeFileSync(path.join(userData, 'User/settings.json'), JSON.stringify({
  'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'update.mode': 'none',
  'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'chat.disableAIFeatures': true,
  'security.workspace.trust.enabled': false, 'workbench.tips.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // The demo folder sits inside this repository: do not offer to open the parent repository.
  'git.openRepositoryInParentFolders': 'never',
  // User-level settings that let the extension reach the local fake server (a workspace cannot set these).
  'fabricMl.allowLoopbackEndpoints': true, 'fabricMl.cloud': 'custom', 'fabricMl.customAuthorityHost': fake.url,
}, null, 2));
fs.writeFileSync(path.join(tmp, 'config.yaml'), 'auth: none\n');

const hdir = harnessDir();
const nodeBin = path.join(hdir, 'node/node_modules', `node-${process.platform}-${process.arch}`, 'bin/node');
const entry = path.join(hdir, 'code-server/node_modules/code-server/out/node/entry.js');
const server = spawn(fs.existsSync(nodeBin) ? nodeBin : process.execPath, [entry,
  '--config', path.join(tmp, 'config.yaml'), '--auth', 'none', '--bind-addr', `127.0.0.1:${opt('port', 0)}`,
  '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
  '--disable-proxy', '--ignore-last-opened', '--user-data-dir', userData, '--extensions-dir', path.join(tmp, 'extensions'),
  // The development payload (extensionDevelopmentPath) is honoured by a built workbench only with this flag.
  '--vscode-option', 'enable-smoke-test-driver',
], {
  detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  env: {
    ...process.env, EXTENSIONS_GALLERY: '{}', TMPDIR: path.join(tmp, 'tmp'),
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_DATA_HOME: path.join(tmp, 'xdg-data'),
    // Read once by the extension in development mode only, to put the fake server's demo service principal
    // into SecretStorage; these are the fake server's own values, not real credentials.
    FABRIC_ML_DEMO_CREDENTIALS: JSON.stringify({ tenantId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET }),
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
const q = new URLSearchParams({
  folder: workspace,
  payload: JSON.stringify([['extensionDevelopmentPath', `vscode-remote://${url.host}${root}`], ['skipWelcome', 'true']]),
});
const link = `${url.origin}/?${q}`;
fs.writeFileSync(path.join(demoDir, 'url.txt'), link + '\n');
console.log('\n[demo] Fabric ML Endpoints is running. Open this URL in a browser on this machine');
console.log('[demo] (from another machine: ssh -L PORT:127.0.0.1:PORT, then open the same URL):\n');
console.log(`  ${link}\n`);
console.log('[demo] In the workbench: the Fabric ML view lists "Churn model (demo)"; right-click customers.csv → Score Selection;');
console.log('[demo] open scoring.pq → Fabric ML: Insert CallMLEndpoint M Function. Ctrl-C stops everything.');

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  try { process.kill(-server.pid, 'SIGTERM'); } catch { /* already gone */ }
  await fake.close();
  await new Promise(r => setTimeout(r, 300));
  try { process.kill(-server.pid, 'SIGKILL'); } catch { /* already gone */ }
  fs.rmSync(tmp, { recursive: true, force: true });
  process.exit(code);
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
server.on('exit', () => { if (!stopping) { console.error('[demo] code-server stopped'); stop(1); } });
