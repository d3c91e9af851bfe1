// Shared by the Fabric client and scoring engine unit tests: deterministic churn rows,
// their expected predictions, and a FabricClient wired to the fake server's token route.
import { FabricClient, type FabricClientOptions } from '../../src/core/fabric/fabricClient';
import type { EndpointRef } from '../../src/core/endpoints/model';
import { parseScoreUrl } from '../../src/core/endpoints/endpointUrl';
import { DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TENANT_ID, FakeFabricServer, predictChurn } from '../../tools/fake-fabric';

export const CHURN_COLUMNS = ['age', 'income', 'tenure_months', 'is_active', 'plan', 'signup_date'];
const PLANS = ['basic', 'plus', 'pro', null];

/** Deterministic churn rows; every row differs from every other (age and income step with i). */
export function churnRows(count: number): unknown[][] {
  return Array.from({ length: count }, (_, i) => [
    20 + (i % 50),
    30000 + i * 7,
    i % 72,
    i % 3 !== 0,
    PLANS[i % PLANS.length],
    i % 5 === 0 ? null : `2024-01-${String((i % 28) + 1).padStart(2, '0')}T00:00:00Z`,
  ]);
}

export function expectedPredictions(rows: unknown[][]): unknown[][] {
  return rows.map(row => predictChurn(Object.fromEntries(CHURN_COLUMNS.map((c, i) => [c, row[i]]))));
}

/** Client-credentials token straight from the fake server's Entra route (no cache: one POST per call). */
export async function fetchToken(server: FakeFabricServer, clientSecret = DEMO_CLIENT_SECRET): Promise<string> {
  const response = await fetch(`${server.url}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'client_credentials', client_id: DEMO_CLIENT_ID, client_secret: clientSecret, scope: 'https://api.fabric.microsoft.com/.default' }),
  });
  const body = (await response.json()) as { access_token?: string; error_description?: string };
  if (!response.ok || !body.access_token) throw new Error(body.error_description ?? `token route answered ${response.status}`);
  return body.access_token;
}

/** A token supplier that caches its first token, as MsalTokenSource does, and counts calls. */
export function cachingTokenSupplier(server: FakeFabricServer): { getToken: () => Promise<string>; calls: () => number } {
  let token: Promise<string> | undefined;
  let calls = 0;
  return {
    getToken: () => {
      calls++;
      return (token ??= fetchToken(server));
    },
    calls: () => calls,
  };
}

export function clientFor(server: FakeFabricServer, overrides: Partial<FabricClientOptions> = {}, lines: string[] = []): FabricClient {
  const supplier = cachingTokenSupplier(server);
  return new FabricClient({
    getToken: supplier.getToken,
    allowLoopback: true,
    requestTimeoutMs: 10_000,
    maxRetries: 3,
    maxRetryAfterMs: 5_000,
    pollFloorMs: 0,
    log: line => lines.push(line),
    ...overrides,
  });
}

/**
 * One fake server per suite, reset before each test (no latency, no scripts, counters at 0). Call inside a
 * `describe`; read `server` and `ref` (version 1's endpoint) in tests and hooks registered after it.
 */
export function fakeFabricPerSuite(): { readonly server: FakeFabricServer; readonly ref: EndpointRef } {
  const fixture = {} as { server: FakeFabricServer; ref: EndpointRef };
  before(async () => {
    fixture.server = await FakeFabricServer.start();
  });
  after(async () => {
    await fixture.server?.close();
  });
  beforeEach(() => {
    const { server } = fixture;
    server.latencyMs = 0;
    server.clearScripts();
    server.resetCounters();
    fixture.ref = parseScoreUrl(server.scoreUrl('1'), { allowLoopback: true });
  });
  return fixture;
}
