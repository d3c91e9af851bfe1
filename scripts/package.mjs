#!/usr/bin/env node
// `npm run package`: builds fabric-ml-endpoints-<version>.vsix with @vscode/vsce. Only what runs goes in
// (bundles, media, README, LICENSE, package.json; see .vscodeignore): dependencies are bundled by esbuild.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { name, version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const out = path.join(root, `${name}-${version}.vsix`);
const vsce = path.join(root, 'node_modules/@vscode/vsce/vsce');
const r = spawnSync(process.execPath, [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '-o', out],
  { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
if (r.status !== 0) process.exit(r.status ?? 1);
console.log(`[package] ${path.relative(root, out)} ${(fs.statSync(out).size / 1024).toFixed(1)} KB`);
