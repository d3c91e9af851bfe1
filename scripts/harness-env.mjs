// Where the offline VS Code test host lives. Outside the clone (a per-user cache) so that repeated CI runs
// and fresh clones reuse one ~800 MB install; override with VSCODE_HARNESS_DIR.
import os from 'node:os';
import path from 'node:path';

export function harnessDir() {
  if (process.env.VSCODE_HARNESS_DIR) return path.resolve(process.env.VSCODE_HARNESS_DIR);
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(cache, 'fabric-ml-harness', 'vscode-test-server');
}
