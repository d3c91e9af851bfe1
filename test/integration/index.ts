// Entry point of the integration suite, in the @vscode/test-electron style (`run(): Promise<void>`), so the
// same suite runs in code-server's VS Code (scripts/test-integration.mjs) and in desktop VS Code
// (npm run test:electron).
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import Mocha from 'mocha';

export async function run(): Promise<void> {
  console.log(`[integration] VS Code ${vscode.version} (${vscode.env.appHost}, uiKind ${vscode.env.uiKind}), extension host node ${process.version} on ${process.platform}`);
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, grep: process.env.FABRIC_ML_TEST_GREP });
  const files = fs.readdirSync(__dirname).filter(f => f.endsWith('.test.js')).sort();
  // Activation and manifest checks first: later suites assume an activated extension.
  files.sort((a, b) => Number(b.startsWith('activation')) - Number(a.startsWith('activation')));
  for (const f of files) mocha.addFile(path.join(__dirname, f));
  await new Promise<void>((resolve, reject) => {
    mocha.run(failures => {
      console.log(`[integration] ${failures} failures`);
      if (process.env.HARNESS_RESULT_FILE) fs.writeFileSync(process.env.HARNESS_RESULT_FILE, JSON.stringify({ failures }));
      if (failures > 0) reject(new Error(`${failures} integration tests failed.`));
      else resolve();
    });
  });
}
