// `npm run bench:e2e` (a measurement, not a test): Score File of 100 000 rows inside the real VS Code with the fake
// server in its own process, reporting the extension host's RSS growth, the results page's first paint and the
// size of the state the page saves. Runs only when FABRIC_ML_BENCH_E2E=1 (the npm script sets it); the regular
// suite lists it as pending with that reason.
import * as assert from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as readline from 'readline';
import * as vscode from 'vscode';
import { CHURN_INPUT_SIGNATURE, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID } from '../../tools/fake-fabric';
import type { FabricMlExtensionApi } from '../../src/features/api';
import type { ResultsModel } from '../../src/protocol/results';
import { activateExtension, approveLocalAddress, waitFor } from './support';

const ROWS = 100_000;
const PLANS = ['basic', 'plus', 'pro', ''];

/** Starts `npm run fake-server`'s program in its own process; resolves with the line it prints. */
async function startFakeServer(latencyMs: number): Promise<{ child: ChildProcess; url: string; scoreUrl: string }> {
  const cli = path.resolve(__dirname, '../../tools/fake-fabric/cli.js');
  const child = spawn(process.execPath.includes('node') ? process.execPath : 'node', [cli, '--latency', String(latencyMs)], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' } });
  const lines = readline.createInterface({ input: child.stdout! });
  const first = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', code => reject(new Error(`the fake server exited with ${code}`)));
  });
  const { url, scoreUrl } = JSON.parse(first) as { url: string; scoreUrl: string };
  return { child, url, scoreUrl };
}

function writeCsv(file: string): void {
  const lines = [CHURN_INPUT_SIGNATURE.map(f => f.name).join(',')];
  for (let i = 0; i < ROWS; i++) lines.push([20 + (i % 50), 30000 + ((i * 7919) % 90000), i % 72, i % 3 !== 0, PLANS[i % 4], i % 5 ? '2024-05-01' : ''].join(','));
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
}

describe('bench:e2e', function () {
  this.timeout(600_000);

  it('Score File of 100 000 rows: extension host RSS growth, first paint, saved webview state', async function () {
    if (process.env.FABRIC_ML_BENCH_E2E !== '1') {
      if (this.test) this.test.title += ' (runs only under npm run bench:e2e)';
      return this.skip();
    }
    const api = await activateExtension<FabricMlExtensionApi>();
    const server = await startFakeServer(20);
    const endpointId = 'bench-e2e';
    try {
      await approveLocalAddress(server.url);
      const config = vscode.workspace.getConfiguration('fabricMl');
      await config.update('allowLoopbackEndpoints', true, vscode.ConfigurationTarget.Global);
      await config.update('cloud', 'custom', vscode.ConfigurationTarget.Global);
      await config.update('customAuthorityHost', server.url, vscode.ConfigurationTarget.Global);
      await vscode.commands.executeCommand('fabricMl.setCredentials', { profileId: 'default', tenantId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET });
      await vscode.commands.executeCommand('fabricMl.addEndpoint', { id: endpointId, name: 'Bench churn', scoreUrl: server.scoreUrl, profileId: 'default', target: 'user' });
      const input = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'bench-100k.csv');
      writeCsv(input);

      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 100);
      const started = Date.now();
      let model: ResultsModel | undefined;
      try {
        model = await vscode.commands.executeCommand<ResultsModel>('fabricMl.scoreFile', { endpointId, uri: vscode.Uri.file(input).toString() });
      } finally {
        clearInterval(sampler);
      }
      const wallMs = Date.now() - started;
      assert.ok(model?.outputFile?.complete, 'the run wrote every row');
      const view = await waitFor(() => {
        const v = api.lastResults();
        return v?.rendered?.runId === model!.runId ? v : undefined;
      }, 'the results page to paint', 60_000);
      const stateBytes = view.rendered!.savedStateBytes;
      const keptBytes = Buffer.byteLength(JSON.stringify({ model: view.model, summaries: view.summaries }));
      const growthMb = (peak - before) / (1024 * 1024);
      const rows: Array<[string, string, string]> = [
        ['Score File 100 000 rows, wall', `${wallMs} ms`, ''],
        ['extension host peak RSS growth', `${growthMb.toFixed(0)} MB`, `≤ 150 MB ${growthMb <= 150 ? 'ok' : 'MISSED'}`],
        ['results page first paint', `${Math.round(view.rendered!.firstPaintMs)} ms`, `≤ 500 ms ${view.rendered!.firstPaintMs <= 500 ? 'ok' : 'MISSED'}`],
        ['saved webview state', `${stateBytes} bytes`, `≤ 1 MB ${stateBytes <= 1024 * 1024 ? 'ok' : 'MISSED'}`],
        ['run kept in storage for a reload', `${(keptBytes / 1024).toFixed(0)} KB`, '(the first rows and the summaries)'],
      ];
      for (const [what, value, target] of rows) console.log(`[bench:e2e] ${what.padEnd(34)} ${value.padStart(10)}  ${target}`);
      fs.mkdirSync(path.resolve(__dirname, '../../../test-results'), { recursive: true });
      fs.writeFileSync(path.resolve(__dirname, '../../../test-results/bench-e2e.json'), JSON.stringify({ wallMs, growthMb, firstPaintMs: view.rendered!.firstPaintMs, stateBytes, keptBytes }, null, 2));
    } finally {
      await vscode.commands.executeCommand('fabricMl.removeEndpoint', { endpointId });
      server.child.kill();
    }
  });
});
