// Desktop VS Code runner for the same integration suite (needs internet once to download VS Code, so it
// cannot run on the offline build machines; on headless Linux wrap it in `xvfb-run -a`).
import * as path from 'path';
import * as fs from 'fs';
import * as os from 'os';
import { runTests } from '@vscode/test-electron';

async function main(): Promise<void> {
  const root = path.resolve(__dirname, '../../..');
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'fabric-ml-ws-'));
  fs.cpSync(path.join(root, 'test/fixtures/workspace'), workspace, { recursive: true });
  try {
    await runTests({
      version: '1.139.1',
      extensionDevelopmentPath: root,
      extensionTestsPath: path.join(root, 'out/test/integration/index.js'),
      // --password-store=basic: SecretStorage without an OS keyring on headless Linux.
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--password-store=basic'],
      // Tells UI checks that no harness page exists here (test/integration/harnessOnly.ts).
      extensionTestsEnv: { FABRIC_ML_TEST_HOST: 'electron' },
    });
  } catch (err) {
    console.error('Failed to run tests:', err);
    process.exit(1);
  }
}
void main();
