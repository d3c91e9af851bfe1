// The .vsix carries only what runs: the two bundles, the webview's static files, media, README, LICENSE and
// package.json. Sources, tests, node_modules (dependencies are bundled) and maps stay out.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const root = path.resolve(__dirname, '../../..');

describe('Packaging (.vsix contents)', function () {
  this.timeout(60_000);

  it('lists exactly the runtime files', () => {
    assert.ok(fs.existsSync(path.join(root, 'dist/extension.js')), 'run the build first (npm run compile)');
    const listing = execFileSync(process.execPath, [path.join(root, 'node_modules/@vscode/vsce/vsce'), 'ls', '--no-dependencies'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const files = listing.split('\n').map(l => l.trim()).filter(Boolean).sort();
    const expected = [
      'LICENSE', 'README.md', 'package.json',
      'dist/extension.js',
      'dist/webview/codicon.css', 'dist/webview/codicon.ttf', 'dist/webview/webview.css', 'dist/webview/webview.js',
      ...fs.readdirSync(path.join(root, 'media'), { recursive: true, withFileTypes: true })
        .filter(d => d.isFile()).map(d => path.relative(root, path.join(d.parentPath, d.name)).split(path.sep).join('/')),
    ].sort();
    assert.deepStrictEqual(files, expected);
  });

  it('keeps the extension bundle under the 1.5 MB budget', () => {
    const size = fs.statSync(path.join(root, 'dist/extension.js')).size;
    assert.ok(size <= 1.5 * 1024 * 1024, `dist/extension.js is ${(size / 1024).toFixed(0)} KB`);
  });
});
