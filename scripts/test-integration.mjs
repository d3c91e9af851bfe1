#!/usr/bin/env node
// Runs the integration suite inside a real VS Code (code-server's VS Code 1.139 build, Node 24 extension
// host) driven by headless Chromium, fully offline. Installs the harness on first use (cached outside the
// clone), compiles the tests, bundles the extension, then hands over to scripts/run-tests.mjs.
//   npm run test:integration [-- --grep "Endpoint Explorer"] [--keepData]
// A second, small run opens an untrusted workspace in Restricted Mode (test/integration-untrusted); a third reloads
// its window with a results panel open (test/integration-reload).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { harnessDir } from './harness-env.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const grepIndex = args.indexOf('--grep');
const grep = grepIndex >= 0 ? args[grepIndex + 1] : args.find(a => a.startsWith('--grep='))?.slice(7);
const passThrough = args.filter((a, i) => !(a.startsWith('--grep') || (grepIndex >= 0 && i === grepIndex + 1)));
const env = { ...process.env, VSCODE_HARNESS_DIR: harnessDir() };
if (grep) env.FABRIC_ML_TEST_GREP = grep;

function run(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', env, ...opts });
  if (r.status !== 0) process.exit(r.status ?? 2);
}

run('bash', [path.join(root, 'scripts/setup-vscode-harness.sh')]);
if (!process.env.FABRIC_ML_SKIP_COMPILE) {
  run(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', root]);
  run(process.execPath, [path.join(root, 'scripts/build.mjs')]);
}
// Two harness runs: the main suite with workspace trust off, then a small suite in a window that opens an
// untrusted workspace in Restricted Mode (endpoints from its settings must never get the token). Both run
// even when the first fails; the exit code is the first non-zero one.
const runs = [];

// Tests write into the workspace (settings, .pq files): run on a fresh copy so the fixtures stay clean.
const workspace = freshCopy('workspace', 'workspace');
runs.push(harness('run 1/3: main suite (workspace trust off)', {
  testsEntry: 'out/test/integration/index.js',
  workspace,
  logsDir: 'test-results/logs',
}));

// --grep selects tests of the main suite; the untrusted run joins only when the pattern names it.
if (!grep || matches(grep, 'Untrusted workspace')) {
  // The workspace's endpoint URL names a loopback port; the test starts the fake server on it.
  const untrustedWorkspace = freshCopy('untrusted-workspace', 'untrusted-workspace');
  const port = await freePort();
  const settingsFile = path.join(untrustedWorkspace, '.vscode/settings.json');
  fs.writeFileSync(settingsFile, fs.readFileSync(settingsFile, 'utf8').replaceAll('127.0.0.1:47123', `127.0.0.1:${port}`));
  runs.push(harness('run 2/3: untrusted workspace (Restricted Mode)', {
    testsEntry: 'out/test/integration-untrusted/index.js',
    workspace: untrustedWorkspace,
    logsDir: 'test-results/logs-untrusted',
    extraArgs: ['--workspaceTrust=untrusted'],
    extraEnv: { FABRIC_ML_UNTRUSTED_FAKE_PORT: String(port) },
  }));
} else {
  console.log(`[integration] skipping the untrusted-workspace run (--grep "${grep}" does not name "Untrusted workspace")`);
}

// A third run reloads its window for real: the results panel must come back from the extension's storage.
if (!grep || matches(grep, 'Window reload')) {
  const marker = path.join(root, 'test-results', 'reload-marker.json');
  fs.rmSync(marker, { force: true });
  runs.push(harness('run 3/3: window reload', {
    testsEntry: 'out/test/integration-reload/index.js',
    workspace: freshCopy('workspace', 'reload-workspace'),
    logsDir: 'test-results/logs-reload',
    extraEnv: { FABRIC_ML_RELOAD_MARKER: marker },
  }));
} else {
  console.log(`[integration] skipping the window-reload run (--grep "${grep}" does not name "Window reload")`);
}

console.log('\n[integration] runs:');
for (const r of runs) console.log(`[integration]   ${r.status === 0 ? 'ok  ' : `FAIL (exit ${r.status})`} ${r.name}`);
process.exit(runs.find(r => r.status !== 0)?.status ?? 0);

function freshCopy(fixture, name) {
  const target = path.join(root, 'test-results', name);
  fs.rmSync(target, { recursive: true, force: true });
  fs.cpSync(path.join(root, 'test/fixtures', fixture), target, { recursive: true });
  return target;
}

function harness(name, { testsEntry, workspace: folder, logsDir, extraArgs = [], extraEnv = {} }) {
  console.log(`\n[integration] ── ${name} ──`);
  const r = spawnSync(process.execPath, [
    path.join(root, 'scripts/run-tests.mjs'),
    `--extensionDevelopmentPath=${root}`,
    `--extensionTestsPath=${path.join(root, testsEntry)}`,
    `--workspace=${folder}`,
    '--timeout=900',
    `--screenshotDir=${path.join(root, 'test-results/screenshots')}`,
    `--logsDir=${path.join(root, logsDir)}`,
    ...extraArgs,
    ...passThrough,
  ], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'], env: { ...env, ...extraEnv } });
  const status = r.status ?? 2;
  console.log(`[integration] ${name}: ${status === 0 ? 'passed' : `FAILED (exit ${status})`}`);
  return { name, status };
}

function matches(pattern, title) {
  try {
    return new RegExp(pattern).test(title);
  } catch {
    return title.includes(pattern);
  }
}

/** A loopback port that is free now (the fake server binds it a few seconds later in the extension host). */
function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}
