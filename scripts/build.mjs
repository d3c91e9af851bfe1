// Builds the two bundles: the extension (Node, CommonJS, `vscode` external) and the results webview
// (browser ESM), and copies the codicon font next to the webview bundle so that the webview's
// localResourceRoots can stay limited to dist/webview.
import * as esbuild from 'esbuild';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = !process.argv.includes('--dev');

const extension = {
  entryPoints: [path.join(root, 'src/extension.ts')],
  outfile: path.join(root, 'dist/extension.js'),
  bundle: true, platform: 'node', format: 'cjs', target: 'node20',
  // Prefer ESM entry points: some packages (jsonc-parser) ship a UMD `main` whose dynamic requires esbuild cannot follow.
  mainFields: ['module', 'main'],
  external: ['vscode'], minify: production, sourcemap: !production, legalComments: 'none', logLevel: 'warning',
};
const webview = {
  entryPoints: [path.join(root, 'webview/main.ts')],
  outfile: path.join(root, 'dist/webview/webview.js'),
  bundle: true, platform: 'browser', format: 'esm', target: 'es2022',
  minify: production, sourcemap: !production, legalComments: 'none', logLevel: 'warning',
};

function copyStatic() {
  const out = path.join(root, 'dist/webview');
  fs.mkdirSync(out, { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(root, 'node_modules/@vscode/codicons/dist', f), path.join(out, f));
  fs.copyFileSync(path.join(root, 'webview/webview.css'), path.join(out, 'webview.css'));
}

if (watch) {
  for (const opts of [extension, webview]) (await esbuild.context(opts)).watch();
  copyStatic();
  console.log('[build] watching');
} else {
  const started = Date.now();
  await Promise.all([esbuild.build(extension), esbuild.build(webview)]);
  copyStatic();
  const kb = f => (fs.statSync(path.join(root, f)).size / 1024).toFixed(1);
  console.log(`[build] dist/extension.js ${kb('dist/extension.js')} KB, dist/webview/webview.js ${kb('dist/webview/webview.js')} KB in ${Date.now() - started} ms`);
}
