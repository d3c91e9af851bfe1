// `npm run bench`: the performance targets of DESIGN.md measured against the fake Fabric server.
//   1. runScoring over N churn rows (batch × concurrency, real MsalTokenSource + FabricClient) versus the
//      pipeline bound ceil(rows/batch) / concurrency × latency, token requests and the server's maxInFlight;
//   2. the seed strategy (a fresh token and one POST per row, sequential) on a sample, in rows/s;
//   3. parseRows + mapToSignature on an N-row CSV text;
//   4. peak RSS.
// Flags: --rows N (100000) --latency MS (20) --batch N (100) --concurrency N (4) --seed-rows N (500)
//        --in-process (run the fake server on the benchmark's own event loop instead of a worker thread).
// The fake server runs in a worker thread by default: Fabric is remote, so its JSON and model work must not
// be billed to the client's event loop. Prints a table and stops by itself; the exit code is 0 even when a
// target is missed (it is a measurement, not a test).
import { loadavg } from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { MsalTokenSource } from '../src/core/auth';
import { parseScoreUrl } from '../src/core/endpoints/endpointUrl';
import type { ServicePrincipalCredentials } from '../src/core/endpoints/model';
import { FabricClient } from '../src/core/fabric/fabricClient';
import { runScoring } from '../src/core/fabric/scoringEngine';
import { mapToSignature, parseRows } from '../src/core/rows';
import {
  CHURN_INPUT_SIGNATURE,
  DEMO_CLIENT_ID,
  DEMO_CLIENT_SECRET,
  DEMO_TENANT_ID,
  FakeFabricServer,
  predictChurn,
  type FakeCounters,
} from '../tools/fake-fabric';

interface BenchOptions {
  rows: number;
  latency: number;
  batch: number;
  concurrency: number;
  seedRows: number;
  inProcess: boolean;
}

/** The fake server as the benchmark sees it, wherever it runs. */
interface ServerHandle {
  url: string;
  scoreUrl: string;
  counters(): Promise<FakeCounters>;
  close(): Promise<void>;
}

type WorkerRequest = 'counters' | 'close';
type WorkerReply = { type: 'started'; url: string; scoreUrl: string } | { type: 'counters'; counters: FakeCounters } | { type: 'closed' };

/** Worker-thread side: runs the fake server and answers counter and close requests. */
async function serveInWorker(latencyMs: number): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const server = await FakeFabricServer.start({ latencyMs });
  const reply = (message: WorkerReply): void => port.postMessage(message);
  port.on('message', (request: WorkerRequest) => {
    if (request === 'counters') reply({ type: 'counters', counters: { ...server.counters } });
    else void server.close().then(() => {
      reply({ type: 'closed' });
      port.close();
    });
  });
  reply({ type: 'started', url: server.url, scoreUrl: server.scoreUrl('1') });
}

async function startServer(options: BenchOptions): Promise<ServerHandle> {
  if (options.inProcess) {
    const server = await FakeFabricServer.start({ latencyMs: options.latency });
    return { url: server.url, scoreUrl: server.scoreUrl('1'), counters: async () => ({ ...server.counters }), close: () => server.close() };
  }
  const worker = new Worker(__filename, { workerData: { latencyMs: options.latency } });
  const next = <T extends WorkerReply['type']>(type: T): Promise<Extract<WorkerReply, { type: T }>> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: WorkerReply): void => {
        if (message.type !== type) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(message as Extract<WorkerReply, { type: T }>);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  const started = await next('started');
  return {
    url: started.url,
    scoreUrl: started.scoreUrl,
    counters: async () => {
      const answer = next('counters');
      worker.postMessage('counters' satisfies WorkerRequest);
      return (await answer).counters;
    },
    close: async () => {
      const closed = next('closed');
      worker.postMessage('close' satisfies WorkerRequest);
      await closed;
      await worker.terminate();
    },
  };
}

const COLUMNS = CHURN_INPUT_SIGNATURE.map(field => field.name);
const PLANS = ['basic', 'plus', 'pro', null];

function readOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = { rows: 100_000, latency: 20, batch: 100, concurrency: 4, seedRows: 500, inProcess: false };
  const names: Record<string, Exclude<keyof BenchOptions, 'inProcess'>> = { '--rows': 'rows', '--latency': 'latency', '--batch': 'batch', '--concurrency': 'concurrency', '--seed-rows': 'seedRows' };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (flag === '--in-process') {
      options.inProcess = true;
      continue;
    }
    const key = names[flag];
    if (!key) throw new Error(`Unknown flag ${flag}. Flags: ${Object.keys(names).join(' ')}`);
    const text = inline ?? argv[++i];
    const value = Number(text);
    if (!Number.isFinite(value) || value < (key === 'latency' ? 0 : 1)) throw new Error(`${flag} needs a number, got "${text}"`);
    options[key] = Math.floor(value);
  }
  return options;
}

/** Churn rows as the mapped value arrays runScoring takes (signature order). */
function churnRows(count: number): unknown[][] {
  return Array.from({ length: count }, (_, i) => [
    20 + (i % 50),
    30000 + ((i * 7919) % 90000),
    i % 72,
    i % 3 !== 0,
    PLANS[i % PLANS.length],
    i % 5 === 0 ? null : `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z`,
  ]);
}

function churnCsv(count: number): string {
  const lines = [COLUMNS.join(',')];
  for (const row of churnRows(count)) lines.push(row.map(value => (value === null ? '' : String(value))).join(','));
  return `${lines.join('\n')}\n`;
}

/** The seed's way: a token request per row, then a POST of that single row, one row after the other. */
async function seedStrategy(server: ServerHandle, scoreUrl: string, rows: unknown[][]): Promise<number> {
  const started = performance.now();
  for (const row of rows) {
    const tokenResponse = await fetch(`${server.url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: DEMO_CLIENT_ID, client_secret: DEMO_CLIENT_SECRET, scope: 'https://api.fabric.microsoft.com/.default' }),
    });
    const { access_token: token } = (await tokenResponse.json()) as { access_token: string };
    const scored = await fetch(scoreUrl, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ formatType: 'dataframe', orientation: 'values', inputs: [row] }),
    });
    if (!scored.ok) throw new Error(`seed strategy: score answered ${scored.status}`);
    await scored.json();
  }
  return performance.now() - started;
}

function check(value: number, target: number, direction: '<=' | '>=' | '='): string {
  const met = direction === '<=' ? value <= target : direction === '>=' ? value >= target : value === target;
  return met ? 'ok' : 'MISSED';
}

function printTable(rows: Array<[string, string, string, string]>): void {
  const header: [string, string, string, string] = ['measure', 'value', 'target', ''];
  const all = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...all.map(row => row[col].length)));
  const line = (row: string[]): string => row.map((cell, col) => (col === 1 ? cell.padStart(widths[col]) : cell.padEnd(widths[col]))).join('  ').trimEnd();
  console.log(line(header));
  console.log(widths.map(w => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const server = await startServer(options);
  try {
    const scoreUrl = server.scoreUrl;
    const ref = parseScoreUrl(scoreUrl, { allowLoopback: true });
    const credentials: ServicePrincipalCredentials = { tenantId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET };
    const tokens = new MsalTokenSource({ cloud: 'custom', customAuthorityHost: server.url, allowLoopback: true });
    const client = new FabricClient({
      getToken: signal => tokens.getToken(credentials, signal),
      allowLoopback: true,
      requestTimeoutMs: 100_000,
      maxRetries: 3,
      maxRetryAfterMs: 120_000,
    });

    // 1. The batched pipeline (cold: the token request is part of the run).
    const rows = churnRows(options.rows);
    const started = performance.now();
    const run = await runScoring(
      client,
      { ref, columns: COLUMNS, rows, batchSize: options.batch, concurrency: options.concurrency, orientation: 'values' },
      { tokenRequestCount: () => tokens.networkTokenRequests },
    );
    const wallMs = performance.now() - started;
    const failed = run.batches.filter(batch => !batch.ok);
    if (failed.length > 0) throw new Error(`${failed.length} batches failed, first: ${failed[0].error?.message}`);
    for (let i = 0; i < rows.length; i += 997) {
      const expected = predictChurn(Object.fromEntries(COLUMNS.map((name, col) => [name, rows[i][col]])));
      if (JSON.stringify(run.predictions[i]) !== JSON.stringify(expected)) throw new Error(`row ${i}: got ${JSON.stringify(run.predictions[i])}, expected ${JSON.stringify(expected)}`);
    }
    const boundMs = (Math.ceil(options.rows / options.batch) / options.concurrency) * options.latency;
    const ratio = boundMs > 0 ? wallMs / boundMs : Number.NaN;
    const pipelineRowsPerSecond = options.rows / (wallMs / 1000);
    const batchMs = run.batches.map(batch => batch.durationMs).sort((a, b) => a - b);
    const percentile = (p: number): number => batchMs[Math.min(batchMs.length - 1, Math.floor(batchMs.length * p))];
    const { maxInFlight } = await server.counters();

    // 2. The seed strategy on a sample.
    const sample = rows.slice(0, Math.min(options.seedRows, rows.length));
    const seedMs = await seedStrategy(server, scoreUrl, sample);
    const seedRowsPerSecond = sample.length / (seedMs / 1000);
    const speedup = pipelineRowsPerSecond / seedRowsPerSecond;

    // 3. Parsing and coercing a CSV selection of N rows.
    const csv = churnCsv(options.rows);
    const parseStarted = performance.now();
    const table = parseRows(csv, 'csv');
    const mapped = mapToSignature(table, CHURN_INPUT_SIGNATURE);
    const parseMs = performance.now() - parseStarted;
    if (mapped.rows.length !== options.rows) throw new Error(`parseRows + mapToSignature gave ${mapped.rows.length} rows, expected ${options.rows}`);

    const peakRssMb = process.resourceUsage().maxRSS / 1024;
    const fmt = (n: number, digits = 0): string => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

    console.log(
      `Fabric ML Endpoints benchmark: ${fmt(options.rows)} rows, batch ${options.batch}, concurrency ${options.concurrency}, ` +
        `server latency ${options.latency} ms (${options.inProcess ? 'same event loop' : 'worker thread'}), seed sample ${sample.length} rows, ` +
        `Node ${process.version}, load average ${loadavg().map(n => n.toFixed(2)).join(' ')}`,
    );
    console.log('');
    printTable([
      ['scoring wall time', `${fmt(wallMs)} ms`, '', ''],
      ['pipeline bound ceil(rows/batch)/concurrency × latency', `${fmt(boundMs)} ms`, '', ''],
      ['wall / bound', fmt(ratio, 3), '≤ 1.25', check(ratio, 1.25, '<=')],
      ['token requests during the run', String(run.tokenRequests), '1', check(run.tokenRequests, 1, '=')],
      ['server maxInFlight', String(maxInFlight), String(options.concurrency), check(maxInFlight, options.concurrency, '=')],
      ['batch round trip median / p95 (client side)', `${percentile(0.5)} / ${percentile(0.95)} ms`, '', ''],
      ['batched rows/s', fmt(pipelineRowsPerSecond), '', ''],
      [`seed strategy rows/s (${sample.length} rows, token + POST per row)`, fmt(seedRowsPerSecond, 1), '', ''],
      ['batched / seed', `${fmt(speedup, 1)}×`, '≥ 100×', check(speedup, 100, '>=')],
      [`parseRows + mapToSignature, ${fmt(options.rows)} CSV rows`, `${fmt(parseMs)} ms`, '≤ 1000 ms', check(parseMs, 1000, '<=')],
      ['peak RSS', `${fmt(peakRssMb)} MB`, '', ''],
    ]);
  } finally {
    await server.close();
  }
}

if (isMainThread) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
} else {
  void serveInWorker((workerData as { latencyMs: number }).latencyMs);
}
