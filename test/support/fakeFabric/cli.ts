// Starts the fake Fabric + Entra server for the demo launch and for manual tries:
//   node out/test/support/fakeFabric/cli.js [--port N] [--latency MS] [--lro-retry-after S]
// Prints one JSON line (no secret) that scripts parse, then a line for humans; runs until SIGINT/SIGTERM.
import { FakeFabricServer } from './server';
import { DEMO_CLIENT_ID, DEMO_MODEL_ID, DEMO_TENANT_ID, DEMO_WORKSPACE_ID } from './demoData';

function readOptions(argv: string[]): { port: number; latencyMs: number; lroRetryAfterSeconds: number } {
  const options = { port: 0, latencyMs: 0, lroRetryAfterSeconds: 0 };
  const flags: Record<string, keyof typeof options> = { '--port': 'port', '--latency': 'latencyMs', '--lro-retry-after': 'lroRetryAfterSeconds' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const key = flags[flag];
    if (!key) throw new Error(`Unknown option ${argv[i]}. Usage: cli.js [--port N] [--latency MS] [--lro-retry-after S]`);
    const text = inline ?? argv[++i];
    const value = Number(text);
    if (text === undefined || !Number.isFinite(value) || value < 0) throw new Error(`${flag} needs a non-negative number, got ${String(text)}`);
    options[key] = value;
  }
  return options;
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const server = await FakeFabricServer.start(options);
  process.stdout.write(
    `${JSON.stringify({
      url: server.url,
      tenantId: DEMO_TENANT_ID,
      clientId: DEMO_CLIENT_ID,
      workspaceId: DEMO_WORKSPACE_ID,
      modelId: DEMO_MODEL_ID,
      scoreUrl: server.scoreUrl('1'),
      defaultScoreUrl: server.scoreUrl(),
    })}\n`,
  );
  process.stdout.write(
    `Fake Fabric + Entra server listening on ${server.url} (latency ${server.latencyMs} ms). ` +
      `Use cloud "custom" with authority ${server.url} and allow loopback endpoints. Ctrl+C stops it.\n`,
  );
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
