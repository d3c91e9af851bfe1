// `npm run fake-server`: starts the fake Fabric + Entra server for the demo launch and for manual tries:
//   node out/tools/fake-fabric/cli.js [--port N] [--latency MS] [--lro-retry-after S] [--capacity C] [--log]
// --capacity C serves at most C score requests at once and answers the others 429 with Retry-After: 1.
// Prints one JSON line (no secret) that scripts parse, then a line for humans; with --log, one line per
// request (method, path, status). Runs until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import { dataflowRoutes } from './dataflowRoutes';
import { FakeFabricServer, type FakeFabricOptions } from './server';
import { DEMO_CLIENT_ID, DEMO_MODEL_ID, DEMO_TENANT_ID, DEMO_WORKSPACE_ID } from './demoData';

const USAGE = 'Usage: cli.js [--port N] [--latency MS] [--lro-retry-after S] [--capacity C] [--log]';

function readOptions(argv: string[]): FakeFabricOptions {
  let values: { port?: string; latency?: string; 'lro-retry-after'?: string; capacity?: string; log?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { port: { type: 'string' }, latency: { type: 'string' }, 'lro-retry-after': { type: 'string' }, capacity: { type: 'string' }, log: { type: 'boolean' } },
    }));
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}. ${USAGE}`);
  }
  const number = (flag: string, text: string | undefined): number => {
    const value = Number(text ?? 0);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${flag} needs a non-negative number, got ${String(text)}. ${USAGE}`);
    return value;
  };
  return {
    port: number('port', values.port),
    latencyMs: number('latency', values.latency),
    lroRetryAfterSeconds: number('lro-retry-after', values['lro-retry-after']),
    capacity: values.capacity !== undefined ? { concurrent: Math.max(1, number('capacity', values.capacity)) } : undefined,
    onRequest: values.log ? (entry) => process.stdout.write(`${entry.method} ${entry.path} → ${entry.status || 'dropped'}\n`) : undefined,
  };
}

async function main(): Promise<void> {
  const server = await FakeFabricServer.start(readOptions(process.argv.slice(2)));
  server.use(dataflowRoutes);
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
