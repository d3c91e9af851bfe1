// Entry point of the window-reload integration run (scripts/test-integration.mjs, run 3/3). The window is
// reloaded for real (workbench.action.reloadWindow), which starts a new extension host that loads this entry
// again: the first time it runs the phase before the reload, which ends by reloading; the second time (the
// marker file written by the first phase exists) it runs the phase after it.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';
import { reloadMarkerFile } from './reloadMarker';

export async function run(): Promise<void> {
  const after = fs.existsSync(reloadMarkerFile());
  const phase = after ? 'afterReload.js' : 'beforeReload.js';
  console.log(`[integration-reload] ${after ? 'after' : 'before'} the window reload`);
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000 });
  mocha.addFile(path.join(__dirname, phase));
  await new Promise<void>((resolve, reject) => {
    mocha.run(failures => {
      console.log(`[integration-reload] ${failures} failures`);
      if (failures > 0) reject(new Error(`${failures} window-reload integration tests failed.`));
      else resolve();
    });
  });
}
