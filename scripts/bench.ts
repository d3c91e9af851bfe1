// `npm run bench`: the performance targets of DESIGN.md measured against the fake Fabric server.
//   1. runScoring over N churn rows (batch × concurrency, real MsalTokenSource + FabricClient) versus the
//      pipeline bound ceil(rows/batch) / concurrency × latency, token requests and the server's maxInFlight;
//   2. the seed strategy (a fresh token and one POST per row, sequential) on a sample, in rows/s;
//   3. parseRows + mapToSignature on an N-row CSV text;
//   4. peak RSS;
//   5. Score File to file: an N-row CSV (1 000 000) streamed through scoreFileToFile into an output file, versus
//      the same pipeline bound, with the peak RSS growth during the run (sampled every 50 ms) and rows/s;
//   6. throttling: the fake server given a capacity of C concurrent requests (429 + Retry-After beyond it), scored
//      with fixed concurrency 4, fixed 16 and adaptive (starting at 4): throughput / capacity bound and 429 share.
// Flags: --rows N (100000) --latency MS (20) --batch N (100) --concurrency N (4) --seed-rows N (500)
//        --file-rows N (1000000) --throttle-rows N (400000) --capacity C (8) --retry-after S (1)
//        --in-process (run the fake server on the benchmark's own event loop instead of a worker thread)
//        --throttle-runs 4,16,8,4-32 (the throttling runs: N fixed, N-MAX adaptive from N up to MAX)
//        --only pipeline|file|throttling (one part alone, e.g. to profile it: node --cpu-prof out/scripts/bench.js --only throttling).
// The fake server runs in a worker thread by default: Fabric is remote, so its JSON and model work must not
// be billed to the client's event loop. Prints a table and stops by itself; the exit code is 0 even when a
// target is missed (it is a measurement, not a test).
import * as fs from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { MsalTokenSource } from '../src/core/auth';
import { parseScoreUrl } from '../src/core/endpoints/endpointUrl';
import type { ServicePrincipalCredentials } from '../src/core/endpoints/model';
import { FabricClient } from '../src/core/fabric/fabricClient';
import { runScoring } from '../src/core/fabric/scoringEngine';
import { mapToSignature, parseRows } from '../src/core/rows';
import { scoreFileToFile } from '../src/core/scoreFile/scoreFileToFile';
import { OutputFileRows } from '../src/core/scoreFile/outputRows';
import { ShownRun, summarizePredictions, type ResultsModel } from '../src/core/results';
import {
  CHURN_INPUT_SIGNATURE,
  CHURN_OUTPUT_SIGNATURE,
  type CapacityOptions,
  type CapacityUsage,
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
  fileRows: number;
  throttleRows: number;
  capacity: number;
  retryAfter: number;
  inProcess: boolean;
  /** Throttling runs as "4,16,8,4-32" (N fixed, N-MAX adaptive); undefined: those four. */
  throttleRuns: string | undefined;
  /** Run one part alone; undefined: all of them. */
  only: BenchPart | undefined;
}

const BENCH_PARTS = ['pipeline', 'file', 'throttling', 'panel'] as const;
type BenchPart = (typeof BENCH_PARTS)[number];

/** The fake server as the benchmark sees it, wherever it runs. */
interface ServerHandle {
  url: string;
  scoreUrl: string;
  counters(): Promise<ServerCounts>;
  /** Sets the score capacity (undefined: unlimited) and zeroes the counters. */
  setCapacity(capacity: CapacityOptions | undefined): Promise<void>;
  close(): Promise<void>;
}

type ServerCounts = FakeCounters & { throttledByCapacity: number; capacity: CapacityUsage };
type WorkerRequest = { type: 'counters' } | { type: 'close' } | { type: 'capacity'; capacity: CapacityOptions | undefined };
type WorkerReply = { type: 'started'; url: string; scoreUrl: string } | { type: 'counters'; counters: ServerCounts } | { type: 'capacitySet' } | { type: 'closed' };

function countsOf(server: FakeFabricServer): ServerCounts {
  return { ...server.counters, throttledByCapacity: server.throttledByCapacity, capacity: server.capacityUsage };
}

function setCapacity(server: FakeFabricServer, capacity: CapacityOptions | undefined): void {
  server.setCapacity(capacity);
  server.resetCounters();
}

/** Worker-thread side: runs the fake server and answers counter and close requests. */
async function serveInWorker(latencyMs: number): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const server = await FakeFabricServer.start({ latencyMs });
  const reply = (message: WorkerReply): void => port.postMessage(message);
  port.on('message', (request: WorkerRequest) => {
    if (request.type === 'counters') reply({ type: 'counters', counters: countsOf(server) });
    else if (request.type === 'capacity') {
      setCapacity(server, request.capacity);
      reply({ type: 'capacitySet' });
    } else void server.close().then(() => {
      reply({ type: 'closed' });
      port.close();
    });
  });
  reply({ type: 'started', url: server.url, scoreUrl: server.scoreUrl('1') });
}

async function startServer(options: BenchOptions): Promise<ServerHandle> {
  if (options.inProcess) {
    const server = await FakeFabricServer.start({ latencyMs: options.latency });
    return {
      url: server.url,
      scoreUrl: server.scoreUrl('1'),
      counters: async () => countsOf(server),
      setCapacity: async (capacity) => setCapacity(server, capacity),
      close: () => server.close(),
    };
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
      worker.postMessage({ type: 'counters' } satisfies WorkerRequest);
      return (await answer).counters;
    },
    setCapacity: async (capacity) => {
      const set = next('capacitySet');
      worker.postMessage({ type: 'capacity', capacity } satisfies WorkerRequest);
      await set;
    },
    close: async () => {
      const closed = next('closed');
      worker.postMessage({ type: 'close' } satisfies WorkerRequest);
      await closed;
      await worker.terminate();
    },
  };
}

const COLUMNS = CHURN_INPUT_SIGNATURE.map(field => field.name);
const PLANS = ['basic', 'plus', 'pro', null];

function readOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = { rows: 100_000, latency: 20, batch: 100, concurrency: 4, seedRows: 500, fileRows: 1_000_000, throttleRows: 400_000, capacity: 8, retryAfter: 1, inProcess: false, only: undefined, throttleRuns: undefined };
  const names: Record<string, Exclude<keyof BenchOptions, 'inProcess' | 'only' | 'throttleRuns'>> = {
    '--rows': 'rows',
    '--latency': 'latency',
    '--batch': 'batch',
    '--concurrency': 'concurrency',
    '--seed-rows': 'seedRows',
    '--file-rows': 'fileRows',
    '--throttle-rows': 'throttleRows',
    '--capacity': 'capacity',
    '--retry-after': 'retryAfter',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    if (flag === '--in-process') {
      options.inProcess = true;
      continue;
    }
    if (flag === '--throttle-runs') {
      options.throttleRuns = inline ?? argv[++i];
      continue;
    }
    if (flag === '--only') {
      const part = inline ?? argv[++i];
      if (!(BENCH_PARTS as readonly string[]).includes(part)) throw new Error(`--only takes one of ${BENCH_PARTS.join(', ')}, got "${part}"`);
      options.only = part as BenchPart;
      continue;
    }
    const key = names[flag];
    if (!key) throw new Error(`Unknown flag ${flag}. Flags: ${Object.keys(names).join(' ')} --in-process --only --throttle-runs`);
    const text = inline ?? argv[++i];
    const value = Number(text);
    if (!Number.isFinite(value) || value < (key === 'latency' || key === 'retryAfter' ? 0 : 1)) throw new Error(`${flag} needs a number, got "${text}"`);
    options[key] = key === 'retryAfter' ? value : Math.floor(value);
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

/** Writes an N-row churn CSV in chunks, so the benchmark's own memory does not grow with the file. */
async function writeChurnCsvFile(file: string, count: number): Promise<number> {
  const out = fs.createWriteStream(file);
  const write = (text: string): Promise<void> => new Promise((resolve) => (out.write(text) ? resolve() : out.once('drain', resolve)));
  await write(`${COLUMNS.join(',')}\n`);
  for (let start = 0; start < count; start += 10_000) {
    const rows = churnRows(Math.min(10_000, count - start)).map((row, i) => row.map((value, c) => (c === 1 ? 30000 + (((start + i) * 7919) % 90000) : value)));
    await write(rows.map(row => row.map(value => (value === null ? '' : String(value))).join(',')).join('\n') + '\n');
  }
  await new Promise<void>((resolve, reject) => out.end((error?: Error | null) => (error ? reject(error) : resolve())));
  return fs.statSync(file).size;
}

/** Peak resident memory growth over a baseline, sampled every 50 ms while `work` runs. */
async function withRssGrowth<T>(work: () => Promise<T>): Promise<{ value: T; growthMb: number }> {
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { value, growthMb: (peak - baseline) / (1024 * 1024) };
  } finally {
    clearInterval(timer);
  }
}

interface BenchContext {
  options: BenchOptions;
  server: ServerHandle;
  client: FabricClient;
  ref: ReturnType<typeof parseScoreUrl>;
}

/** (a) An N-row CSV streamed to an output file with fixed concurrency, against the pipeline bound. */
async function benchScoreFile({ options, client, ref }: BenchContext): Promise<{ wallMs: number; boundMs: number; growthMb: number; rowsPerSecond: number; megabytes: number; indexMs: number; lastPageMs: number }> {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'fabric-ml-bench-'));
  try {
    const input = path.join(dir, 'churn.csv');
    const bytes = await writeChurnCsvFile(input, options.fileRows);
    const started = performance.now();
    const { value: result, growthMb } = await withRssGrowth(() =>
      scoreFileToFile(client, {
        ref,
        inputPath: input,
        inputFormat: 'csv',
        outputPath: path.join(dir, 'churn.scored.csv'),
        outputFormat: 'csv',
        signature: CHURN_INPUT_SIGNATURE,
        outputColumns: CHURN_OUTPUT_SIGNATURE.map(f => f.name),
        batchSize: options.batch,
        concurrency: options.concurrency,
        orientation: 'values',
      }),
    );
    const wallMs = performance.now() - started;
    if (!result.complete || result.failedBatches > 0 || result.rowsWritten !== options.fileRows) throw new Error(`Score File: ${result.message}`);
    const boundMs = (Math.ceil(options.fileRows / options.batch) / options.concurrency) * options.latency;
    // What the results panel does to let its grid reach every row: index the output, then read the last page.
    const indexStarted = performance.now();
    const outputRows = OutputFileRows.open(result.outputPath, { format: 'csv', delimiter: ',', inputs: result.layout?.inputs ?? [], outputs: result.layout?.outputs ?? [] }, result.rowsWritten);
    await outputRows.ready();
    const indexMs = performance.now() - indexStarted;
    const pageStarted = performance.now();
    const last = await outputRows.page(result.rowsWritten - 100, result.rowsWritten);
    const lastPageMs = performance.now() - pageStarted;
    if (last.inputs.length !== 100) throw new Error(`the output's last page has ${last.inputs.length} rows`);
    return { wallMs, boundMs, growthMb, rowsPerSecond: options.fileRows / (wallMs / 1000), megabytes: bytes / (1024 * 1024), indexMs, lastPageMs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface ThrottleResult {
  label: string;
  /** Capacity bound / wall, counting only rows that were scored. */
  ofBound: number;
  share429: number;
  failedBatches: number;
  peak: number;
  /** Mean time a served request held its capacity slot (the latency plus the server's own work). */
  slotMs: number;
  /** C × wall / requests served: how long each batch took on one slot, latency, server work and idle time together. */
  cycleMs: number;
  /** Throughput over the bound at the server's measured slot time (what a perfect client could get from it). */
  ofServiceBound: number;
  /** The client's event loop busy time (its JS, fetch, JSON and GC) per score request sent, in ms. */
  clientBusyMs: number;
}

/** (b) The same rows against an endpoint with capacity C: fixed 4, fixed 16, adaptive from 4. */
async function benchThrottling({ options, server, client, ref }: BenchContext): Promise<ThrottleResult[]> {
  const rows = churnRows(options.throttleRows);
  const batches = Math.ceil(rows.length / options.batch);
  const boundMs = Math.ceil(batches / options.capacity) * options.latency;
  const runs = options.throttleRuns ? options.throttleRuns.split(',').map(spec => throttleRun(spec, options.capacity)) : [
    throttleRun('4', options.capacity),
    throttleRun('16', options.capacity),
    // The best a fixed setting can do, when it happens to equal the capacity: what this machine's CPU allows.
    throttleRun(String(options.capacity), options.capacity),
    throttleRun('4-32', options.capacity),
  ];
  const results: ThrottleResult[] = [];
  for (const [label, concurrency, maxConcurrency] of runs) {
    await server.setCapacity({ concurrent: options.capacity, retryAfterSeconds: options.retryAfter });
    const started = performance.now();
    const loopBefore = performance.eventLoopUtilization();
    const run = await runScoring(client, { ref, columns: COLUMNS, rows, batchSize: options.batch, concurrency, maxConcurrency, orientation: 'values' });
    const wallMs = performance.now() - started;
    const loop = performance.eventLoopUtilization(loopBefore);
    const counts = await server.counters();
    const failed = run.batches.filter(batch => !batch.ok);
    const scoredShare = 1 - failed.reduce((n, b) => n + b.endRow - b.startRow, 0) / rows.length;
    const { served, busyMs } = counts.capacity;
    results.push({
      label,
      ofBound: (boundMs / wallMs) * scoredShare,
      share429: counts.throttledByCapacity / Math.max(1, counts.scoreRequests),
      failedBatches: failed.length,
      peak: run.peakConcurrency ?? concurrency,
      slotMs: busyMs / Math.max(1, served),
      cycleMs: (options.capacity * wallMs) / Math.max(1, served),
      ofServiceBound: ((Math.ceil(batches / options.capacity) * busyMs) / Math.max(1, served) / wallMs) * scoredShare,
      clientBusyMs: loop.active / Math.max(1, counts.scoreRequests),
    });
  }
  await server.setCapacity(undefined);
  return results;
}

/** "8": fixed concurrency 8; "4-32": adaptive from 4 up to 32. */
function throttleRun(spec: string, capacity: number): [string, number, number | undefined] {
  const [from, max] = spec.split('-').map(Number);
  if (!(from >= 1) || (max !== undefined && !(max >= from))) throw new Error(`--throttle-runs: "${spec}" is neither N (fixed) nor N-MAX (adaptive)`);
  return max === undefined ? [`fixed ${from}${from === capacity ? ' (= capacity)' : ''}`, from, undefined] : [`adaptive (from ${from}, max ${max})`, from, max];
}

/** Adaptive throughput over that of a fixed concurrency equal to the capacity: the limiter's own share of the loss. */
function adaptiveVersusBestFixed(results: ThrottleResult[], capacity: number, fmt: (n: number, digits?: number) => string): Array<[string, string, string, string]> {
  const adaptive = results.find(r => r.label.startsWith('adaptive'));
  const best = results.find(r => r.label.startsWith(`fixed ${capacity} `));
  if (!adaptive || !best || best.ofBound === 0) return [];
  return [[`capacity ${capacity}, adaptive / fixed ${capacity} throughput`, fmt(adaptive.ofBound / best.ofBound, 3), '', '']];
}

function check(value: number, target: number, direction: '<=' | '>=' | '='): string {
  const met = direction === '<=' ? value <= target : direction === '>=' ? value >= target : value === target;
  return met ? 'ok' : 'MISSED';
}

function printTable(rows: TableRow[]): void {
  const header: TableRow = ['measure', 'value', 'target', ''];
  const all = [header, ...rows];
  const widths = header.map((_, col) => Math.max(...all.map(row => row[col].length)));
  const line = (row: string[]): string => row.map((cell, col) => (col === 1 ? cell.padStart(widths[col]) : cell.padEnd(widths[col]))).join('  ').trimEnd();
  console.log(line(header));
  console.log(widths.map(w => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
}

type TableRow = [string, string, string, string];
type Format = (n: number, digits?: number) => string;

/** 1–3: the batched pipeline in memory (cold token source), the seed strategy, parsing a CSV selection. */
async function benchPipeline({ options, server, ref }: BenchContext, credentials: ServicePrincipalCredentials, clientOptions: ClientOptions, fmt: Format): Promise<TableRow[]> {
  await server.setCapacity(undefined);
  const coldTokens = new MsalTokenSource({ cloud: 'custom', customAuthorityHost: server.url, allowLoopback: true });
  const coldClient = new FabricClient({ ...clientOptions, getToken: signal => coldTokens.getToken(credentials, signal) });
  const rows = churnRows(options.rows);
  const started = performance.now();
  const run = await runScoring(
    coldClient,
    { ref, columns: COLUMNS, rows, batchSize: options.batch, concurrency: options.concurrency, orientation: 'values' },
    { tokenRequestCount: () => coldTokens.networkTokenRequests },
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
  // (The counters were zeroed by setCapacity before this run.)
  const { maxInFlight } = await server.counters();

  // 2. The seed strategy on a sample.
  const sample = rows.slice(0, Math.min(options.seedRows, rows.length));
  const seedMs = await seedStrategy(server, server.scoreUrl, sample);
  const seedRowsPerSecond = sample.length / (seedMs / 1000);
  const speedup = pipelineRowsPerSecond / seedRowsPerSecond;

  // 3. Parsing and coercing a CSV selection of N rows.
  const csv = churnCsv(options.rows);
  const parseStarted = performance.now();
  const table = parseRows(csv, 'csv');
  const mapped = mapToSignature(table, CHURN_INPUT_SIGNATURE);
  const parseMs = performance.now() - parseStarted;
  if (mapped.rows.length !== options.rows) throw new Error(`parseRows + mapToSignature gave ${mapped.rows.length} rows, expected ${options.rows}`);

  return [
    ['scoring wall time', `${fmt(wallMs)} ms`, '', ''],
    ['pipeline bound ceil(rows/batch)/concurrency × latency', `${fmt(boundMs)} ms`, '', ''],
    ['wall / bound', fmt(ratio, 3), '≤ 1.10', check(ratio, 1.1, '<=')],
    ['token requests during the run', String(run.tokenRequests), '1', check(run.tokenRequests, 1, '=')],
    ['server maxInFlight', String(maxInFlight), String(options.concurrency), check(maxInFlight, options.concurrency, '=')],
    ['batch round trip median / p95 (client side)', `${percentile(0.5)} / ${percentile(0.95)} ms`, '', ''],
    ['batched rows/s', fmt(pipelineRowsPerSecond), '', ''],
    [`seed strategy rows/s (${sample.length} rows, token + POST per row)`, fmt(seedRowsPerSecond, 1), '', ''],
    ['batched / seed', `${fmt(speedup, 1)}×`, '≥ 100×', check(speedup, 100, '>=')],
    [`parseRows + mapToSignature, ${fmt(options.rows)} CSV rows`, `${fmt(parseMs)} ms`, '≤ 1000 ms', check(parseMs, 1000, '<=')],
  ];
}

function scoreFileRows(options: BenchOptions, file: Awaited<ReturnType<typeof benchScoreFile>>, fmt: Format): TableRow[] {
  return [
    [`Score File to file: ${fmt(options.fileRows)} CSV rows (${fmt(file.megabytes)} MB) wall`, `${fmt(file.wallMs)} ms`, '', ''],
    ['Score File wall / bound', fmt(file.wallMs / file.boundMs, 3), '≤ 1.20', check(file.wallMs / file.boundMs, 1.2, '<=')],
    ['Score File peak RSS growth', `${fmt(file.growthMb)} MB`, '≤ 200 MB', check(file.growthMb, 200, '<=')],
    ['Score File rows/s', fmt(file.rowsPerSecond), '', ''],
    ['results panel: index the output file (every 100th record\'s offset)', `${fmt(file.indexMs)} ms`, '', ''],
    ['results panel: read its last 100 rows back', `${fmt(file.lastPageMs, 1)} ms`, '', ''],
  ];
}

interface PanelResult {
  rowArraysMb: number;
  byColumnMb: number;
  showBytes: number;
  wholeRunBytes: number;
}

/** Heap in use after a full collection (the flag is set for this one call site: the bench runs without --expose-gc). */
function heapAfterGc(): number {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
  return process.memoryUsage().heapUsed;
}

/** (c) A Score Selection run of N rows as the results panel keeps it, and what its page is sent first. */
function benchPanel(options: BenchOptions): PanelResult {
  const build = (): ResultsModel => {
    const inputs = churnRows(options.rows);
    return {
      runId: 'bench', endpoint: { id: 'bench', name: 'bench', scoreUrl: 'https://api.fabric.microsoft.com/v1/score' },
      source: { fileName: 'churn.csv', rowLines: inputs.map((_, i) => i + 2) },
      inputColumns: [...COLUMNS], outputColumns: CHURN_OUTPUT_SIGNATURE.map(f => f.name), inputs,
      predictions: inputs.map((_, i) => [(i % 997) / 997, i % 2 ? 'stay' : 'churn']),
      batches: [{ index: 0, startRow: 0, endRow: options.rows, ok: true, durationMs: 1, attempts: 1 }],
      startedAt: new Date().toISOString(), durationMs: 1, tokenRequests: 1, cancelled: false, warnings: [],
    };
  };
  const base = heapAfterGc();
  let model: ResultsModel | undefined = build();
  const withModel = heapAfterGc();
  const wholeRunBytes = JSON.stringify(model).length;
  const summaries = summarizePredictions(model);
  const run = ShownRun.of(model);
  model = undefined;
  const withRun = heapAfterGc();
  const showBytes = JSON.stringify({ type: 'results/show', run: run.view, summaries, firstRows: run.firstPage(100), sample: run.rows.sample(200) }).length;
  if (run.view.rowCount !== options.rows) throw new Error('the shown run lost rows');
  return { rowArraysMb: (withModel - base) / (1024 * 1024), byColumnMb: (withRun - base) / (1024 * 1024), showBytes, wholeRunBytes };
}

function panelRows(options: BenchOptions, panel: PanelResult, fmt: Format): TableRow[] {
  const ratio = panel.byColumnMb / panel.rowArraysMb;
  return [
    [`results panel, ${fmt(options.rows)}-row selection: held as row arrays → by column`, `${fmt(panel.rowArraysMb, 1)} → ${fmt(panel.byColumnMb, 1)} MB`, '≤ 0.5 ×', check(ratio, 0.5, '<=')],
    ['results panel: first message to the page (run without rows, 100 rows, sample)', `${fmt(panel.showBytes / 1024)} KB (whole run ${fmt(panel.wholeRunBytes / 1024)} KB)`, '≤ 1 MB', check(panel.showBytes, 1024 * 1024, '<=')],
  ];
}

function throttlingRows(options: BenchOptions, throttling: ThrottleResult[], fmt: Format): TableRow[] {
  return [
    ...throttling.flatMap((t): TableRow[] => {
      const adaptive = t.label.startsWith('adaptive');
      return [
        [`capacity ${options.capacity}, ${t.label}: throughput / capacity bound`, fmt(t.ofBound, 3), adaptive ? '≥ 0.90' : '', adaptive ? check(t.ofBound, 0.9, '>=') : ''],
        [`capacity ${options.capacity}, ${t.label}: requests answered 429`, `${fmt(t.share429 * 100, 1)} % (peak ${t.peak}, ${t.failedBatches} failed batches)`, adaptive ? '≤ 5 %' : '', adaptive ? check(t.share429, 0.05, '<=') : ''],
        // Where each batch's time on a capacity slot went: the nominal latency, the fake server's own time on top
        // (timer lateness, model, JSON; no client can win it back), and the slot standing idle between an answer
        // and the next request (the client's per-request work, GC pauses, Retry-After tails).
        [`capacity ${options.capacity}, ${t.label}: per batch and slot, latency + server's own + slot idle (client busy)`, `${fmt(options.latency)} + ${fmt(t.slotMs - options.latency, 2)} + ${fmt(t.cycleMs - t.slotMs, 2)} ms (${fmt(t.clientBusyMs, 2)} ms)`, '', ''],
        [`capacity ${options.capacity}, ${t.label}: throughput / bound at the server's measured slot time`, fmt(t.ofServiceBound, 3), '', ''],
      ];
    }),
    ...adaptiveVersusBestFixed(throttling, options.capacity, fmt),
  ];
}

type ClientOptions = Omit<ConstructorParameters<typeof FabricClient>[0], 'getToken'>;

async function main(): Promise<void> {
  const options = readOptions(process.argv.slice(2));
  const runs = (part: BenchPart): boolean => options.only === undefined || options.only === part;
  const fmt: Format = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const server = await startServer(options);
  try {
    const ref = parseScoreUrl(server.scoreUrl, { allowLoopback: true });
    const credentials: ServicePrincipalCredentials = { tenantId: DEMO_TENANT_ID, clientId: DEMO_CLIENT_ID, clientSecret: DEMO_CLIENT_SECRET };
    const tokens = new MsalTokenSource({ cloud: 'custom', customAuthorityHost: server.url, allowLoopback: true });
    const clientOptions: ClientOptions = { allowLoopback: true, requestTimeoutMs: 100_000, maxRetries: 3, maxRetryAfterMs: 120_000 };
    const client = new FabricClient({ ...clientOptions, getToken: signal => tokens.getToken(credentials, signal) });

    const context: BenchContext = { options, server, client, ref };
    // The file run goes first: its RSS growth is measured before the in-memory runs have grown the heap.
    const file = runs('file') ? await benchScoreFile(context) : undefined;
    const throttling = runs('throttling') ? await benchThrottling(context) : undefined;
    const pipeline = runs('pipeline') ? await benchPipeline(context, credentials, clientOptions, fmt) : undefined;
    const panel = runs('panel') ? benchPanel(options) : undefined;
    const peakRssMb = process.resourceUsage().maxRSS / 1024;

    console.log(
      `Fabric ML Endpoints benchmark: ${fmt(options.rows)} rows, batch ${options.batch}, concurrency ${options.concurrency}, ` +
        `server latency ${options.latency} ms (${options.inProcess ? 'same event loop' : 'worker thread'}), seed sample ${Math.min(options.seedRows, options.rows)} rows, ` +
        `Score File ${fmt(options.fileRows)} rows; throttling ${fmt(options.throttleRows)} rows against capacity ${options.capacity} (Retry-After ${options.retryAfter} s), ` +
        `Node ${process.version}, load average ${loadavg().map(n => n.toFixed(2)).join(' ')}${options.only ? `; only ${options.only}` : ''}`,
    );
    console.log('');
    printTable([
      ...(pipeline ?? []),
      ['peak RSS', `${fmt(peakRssMb)} MB`, '', ''],
      ...(file ? scoreFileRows(options, file, fmt) : []),
      ...(throttling ? throttlingRows(options, throttling, fmt) : []),
      ...(panel ? panelRows(options, panel, fmt) : []),
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
