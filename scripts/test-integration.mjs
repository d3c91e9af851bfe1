#!/usr/bin/env node
// Runs the integration suite inside a real VS Code (code-server's VS Code 1.139 build, Node 24 extension
// host) driven by headless Chromium, fully offline. Installs the harness on first use (cached outside the
// clone), compiles the tests, bundles the extension, then hands over to scripts/run-tests.mjs.
//   npm run test:integration [-- --grep "Endpoint Explorer"] [--keepData]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
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
const workspaceSource = path.join(root, 'test/fixtures/workspace');
// Tests write into the workspace (settings, .pq files): run on a fresh copy so the fixtures stay clean.
const workspace = path.join(root, 'test-results', 'workspace');
fs.rmSync(workspace, { recursive: true, force: true });
fs.cpSync(workspaceSource, workspace, { recursive: true });
run(process.execPath, [
  path.join(root, 'scripts/run-tests.mjs'),
  `--extensionDevelopmentPath=${root}`,
  `--extensionTestsPath=${path.join(root, 'out/test/integration/index.js')}`,
  `--workspace=${workspace}`,
  '--timeout=900',
  `--screenshotDir=${path.join(root, 'test-results/screenshots')}`,
  `--logsDir=${path.join(root, 'test-results/logs')}`,
  ...passThrough,
], { stdio: ['ignore', 'inherit', 'inherit'] });
