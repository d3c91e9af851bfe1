// Entry point of the untrusted-workspace integration run: the same `run(): Promise<void>` shape as
// test/integration/index.ts, loaded by scripts/test-integration.mjs in a second VS Code window that opens
// test/fixtures/untrusted-workspace in Restricted Mode (run-tests.mjs --workspaceTrust=untrusted).
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  console.log(`[integration-untrusted] VS Code ${vscode.version} (${vscode.env.appHost}), workspace trusted: ${vscode.workspace.isTrusted}`);
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000 });
  for (const f of fs.readdirSync(__dirname).filter(f => f.endsWith('.test.js')).sort()) mocha.addFile(path.join(__dirname, f));
  await new Promise<void>((resolve, reject) => {
    mocha.run(failures => {
      console.log(`[integration-untrusted] ${failures} failures`);
      if (failures > 0) reject(new Error(`${failures} untrusted-workspace integration tests failed.`));
      else resolve();
    });
  });
}
