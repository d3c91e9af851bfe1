#!/usr/bin/env node
// `npm test`: lint → typecheck → unit tests (plain Node) → integration tests (real VS Code, offline).
// Installs what is missing first (npm packages, the VS Code harness), runs every stage even after a failure
// so one run shows everything, prints one summary line, and exits non-zero if any stage failed.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

if (!fs.existsSync(path.join(root, 'node_modules/.package-lock.json'))) {
  console.log('[test] installing npm packages (npm ci)');
  const r = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** Runs a stage, echoing its output, and returns {ok, output, seconds}. */
function stage(name, cmd, args, env = {}) {
  return new Promise(resolve => {
    const started = Date.now();
    console.log(`\n[test] ── ${name} ──`);
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', d => { output += d; process.stdout.write(d); });
    child.stderr.on('data', d => { output += d; process.stderr.write(d); });
    child.on('close', code => resolve({ name, ok: code === 0, output, seconds: (Date.now() - started) / 1000 }));
  });
}

// The integration stage runs mocha more than once (main suite, untrusted workspace): add up every summary.
const sum = (output, word) => [...output.matchAll(new RegExp(`^\\s*(\\d+) ${word}\\b`, 'gm'))].reduce((total, m) => total + Number(m[1]), 0);
const counts = output => ({
  passed: sum(output, 'passing'),
  failed: sum(output, 'failing'),
  pending: sum(output, 'pending'),
});

const results = [];
results.push(await stage('lint', npm, ['run', '--silent', 'lint']));
results.push(await stage('typecheck', npm, ['run', '--silent', 'typecheck']));
results.push(await stage('compile', npm, ['run', '--silent', 'compile']));
results.push(await stage('unit', npm, ['run', '--silent', 'test:unit']));
results.push(await stage('integration', npm, ['run', '--silent', 'test:integration'], { FABRIC_ML_SKIP_COMPILE: '1' }));

const unit = counts(results[3].output);
const integration = counts(results[4].output);
console.log('\n[test] summary');
for (const r of results) console.log(`[test]   ${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(12)} ${r.seconds.toFixed(1)} s`);
console.log(`[test]   unit: ${unit.passed} passed, ${unit.failed} failed; integration: ${integration.passed} passed, ${integration.failed} failed, ${integration.pending} pending`);
const failedStages = results.filter(r => !r.ok).length;
const passed = unit.passed + integration.passed;
// A failed stage with no failing test (lint, typecheck, harness error) still counts as a failure.
const failed = unit.failed + integration.failed + results.filter(r => !r.ok && counts(r.output).failed === 0).length;
console.log(`${passed} passed, ${failed} failed`);
process.exit(failedStages > 0 ? 1 : 0);
