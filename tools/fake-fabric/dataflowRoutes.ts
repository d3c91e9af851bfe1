// Dataflow Gen2 items on the fake server (reference §2): list (paged), create with a definition, getDefinition and
// updateDefinition, each of the last three as a long-running operation. Definitions are validated the way the
// service documents them: parts InlineBase64 and really base64, mashup.pq parses as a section document (with
// @microsoft/powerquery-parser), queryMetadata.json has formatVersion "202502" and one entry per `shared` member.
// Register with `server.use(dataflowRoutes)`; the handle is the store tests read back and script.
import { randomUUID } from 'node:crypto';
import type { FakeContext } from './context';
import { executeQueryRoute, ExecuteQueryScript } from './executeQueryRoute';
import { isRecord, parseJsonObject, sendFabricError, sendFabricJson, type Exchange } from './http';
import { parseSection } from './mashupParse';
import { byMethod, type Router } from './router';

export interface StoredPart {
  path: string;
  payload: string;
  payloadType: string;
}

export interface StoredDataflow {
  id: string;
  workspaceId: string;
  displayName: string;
  description?: string;
  parts: StoredPart[];
}

const ITEMS = '/v1/workspaces/{workspaceId}/dataflows';
const ITEM = `${ITEMS}/{dataflowId}`;

export class DataflowStore {
  readonly dataflows = new Map<string, StoredDataflow>();
  /** Items per page of the list (small, so clients must follow continuation). */
  pageSize = 2;
  /** Requests each route received, e.g. `updateDefinition`. */
  readonly calls: Record<string, number> = {};
  readonly executeQuery = new ExecuteQueryScript();

  /** Adds a dataflow directly (a dataflow made in the portal). */
  add(workspaceId: string, displayName: string, files: Record<string, string>): StoredDataflow {
    const dataflow: StoredDataflow = { id: randomUUID(), workspaceId: workspaceId.toLowerCase(), displayName, parts: Object.entries(files).map(([path, text]) => ({ path, payload: Buffer.from(text).toString('base64'), payloadType: 'InlineBase64' })) };
    this.dataflows.set(dataflow.id, dataflow);
    return dataflow;
  }

  byName(displayName: string): StoredDataflow | undefined {
    return [...this.dataflows.values()].find(d => d.displayName === displayName);
  }

  /** The text of a stored part (tests read the stored definition back). */
  text(dataflow: StoredDataflow, path: string): string | undefined {
    const part = dataflow.parts.find(p => p.path === path);
    return part && Buffer.from(part.payload, 'base64').toString('utf8');
  }
}

/** `server.use(dataflowRoutes)`: the dataflow routes and executeQuery, sharing one store. */
export function dataflowRoutes(router: Router, context: FakeContext): DataflowStore {
  const store = new DataflowStore();
  const route = (name: string, handle: (exchange: Exchange) => void | Promise<void>) => async (exchange: Exchange) => {
    if (!(await context.fabricLatency())) return;
    if (!context.authorize(exchange)) return;
    store.calls[name] = (store.calls[name] ?? 0) + 1;
    await handle(exchange);
  };
  const withDataflow = (handle: (exchange: Exchange, dataflow: StoredDataflow) => void | Promise<void>) => (exchange: Exchange) => {
    const dataflow = store.dataflows.get(exchange.params.dataflowId);
    if (!dataflow || dataflow.workspaceId !== exchange.params.workspaceId.toLowerCase()) {
      return sendFabricError(exchange, 404, 'ItemNotFound', `The dataflow ${exchange.params.dataflowId} was not found in this workspace.`);
    }
    return handle(exchange, dataflow);
  };

  router.add(ITEMS, route('items', byMethod({ GET: exchange => list(store, exchange, context.baseUrl), POST: exchange => create(store, context, exchange) })));
  router.add(`${ITEM}/getDefinition`, route('getDefinition', byMethod({ POST: withDataflow((exchange, dataflow) =>
    context.operations.accept(exchange, () => ({ status: 'Succeeded', result: { definition: { parts: dataflow.parts.map(p => ({ ...p })) } } }))) })));
  router.add(`${ITEM}/updateDefinition`, route('updateDefinition', byMethod({ POST: withDataflow((exchange, dataflow) => update(context, exchange, dataflow)) })));
  router.add(`${ITEM}/executeQuery`, route('executeQuery', byMethod({ POST: withDataflow((exchange, dataflow) => executeQueryRoute(store, context, exchange, dataflow)) })));
  return store;
}

function list(store: DataflowStore, exchange: Exchange, baseUrl: string): void {
  const all = [...store.dataflows.values()].filter(d => d.workspaceId === exchange.params.workspaceId.toLowerCase());
  const start = Number(exchange.url.searchParams.get('continuationToken') ?? 0) || 0;
  const page = all.slice(start, start + store.pageSize).map(d => ({ id: d.id, type: 'Dataflow', displayName: d.displayName, description: d.description ?? '', workspaceId: d.workspaceId }));
  const next = start + store.pageSize < all.length ? String(start + store.pageSize) : undefined;
  sendFabricJson(exchange, {
    value: page,
    ...(next ? { continuationToken: next, continuationUri: `${baseUrl}${exchange.url.pathname}?continuationToken=${next}` } : {}),
  });
}

async function create(store: DataflowStore, context: FakeContext, exchange: Exchange): Promise<void> {
  const body = parseJsonObject(exchange.body);
  const displayName = typeof body?.displayName === 'string' ? body.displayName.trim() : '';
  if (!displayName) return sendFabricError(exchange, 400, 'InvalidInput', 'displayName is required.');
  if (store.byName(displayName)) return sendFabricError(exchange, 409, 'ItemDisplayNameAlreadyInUse', `A dataflow named "${displayName}" already exists in this workspace.`);
  const parts = await validDefinition(exchange, isRecord(body?.definition) ? body.definition : undefined);
  if (!parts) return;
  const dataflow: StoredDataflow = { id: randomUUID(), workspaceId: exchange.params.workspaceId.toLowerCase(), displayName, description: typeof body?.description === 'string' ? body.description : undefined, parts };
  context.operations.accept(exchange, () => {
    store.dataflows.set(dataflow.id, dataflow);
    return { status: 'Succeeded', result: { id: dataflow.id, type: 'Dataflow', displayName, workspaceId: dataflow.workspaceId } };
  });
}

async function update(context: FakeContext, exchange: Exchange, dataflow: StoredDataflow): Promise<void> {
  const body = parseJsonObject(exchange.body);
  const parts = await validDefinition(exchange, isRecord(body?.definition) ? body.definition : undefined);
  if (!parts) return;
  // Full replacement: a part left out is gone. With updateMetadata=true a .platform part renames the item.
  const rename = exchange.url.searchParams.get('updateMetadata') === 'true' ? platformName(parts) : undefined;
  context.operations.accept(exchange, () => {
    dataflow.parts = parts;
    if (rename) dataflow.displayName = rename;
    return { status: 'Succeeded' };
  });
}

/** The parts when the definition is valid; otherwise answers 400 and returns undefined. */
async function validDefinition(exchange: Exchange, definition: Record<string, unknown> | undefined): Promise<StoredPart[] | undefined> {
  const fail = (message: string): undefined => {
    sendFabricError(exchange, 400, 'InvalidDefinition', message);
    return undefined;
  };
  if (!definition || !Array.isArray(definition.parts)) return fail('definition.parts is required.');
  const parts: StoredPart[] = [];
  const texts = new Map<string, string>();
  for (const part of definition.parts as unknown[]) {
    if (!isRecord(part) || typeof part.path !== 'string' || typeof part.payload !== 'string') return fail('Every part needs a path and a payload.');
    if (part.payloadType !== 'InlineBase64') return fail(`The part ${part.path} has payloadType ${String(part.payloadType)}; only InlineBase64 is accepted.`);
    const decoded = Buffer.from(part.payload, 'base64');
    if (decoded.toString('base64').replace(/=+$/, '') !== part.payload.replace(/=+$/, '')) return fail(`The payload of ${part.path} is not base64.`);
    parts.push({ path: part.path, payload: part.payload, payloadType: 'InlineBase64' });
    texts.set(part.path, decoded.toString('utf8'));
  }
  const mashup = texts.get('mashup.pq');
  const metadataText = texts.get('queryMetadata.json');
  if (mashup === undefined || metadataText === undefined) return fail('A dataflow definition needs mashup.pq and queryMetadata.json.');
  const parsed = await parseSection(mashup);
  if ('error' in parsed) return fail(`mashup.pq does not parse: ${parsed.error}`);
  const metadata = parseJsonObject(metadataText);
  if (!metadata) return fail('queryMetadata.json is not a JSON object.');
  if (metadata.formatVersion !== '202502') return fail(`queryMetadata.json formatVersion must be "202502", not ${JSON.stringify(metadata.formatVersion)}.`);
  const entries = isRecord(metadata.queriesMetadata) ? metadata.queriesMetadata : {};
  const missing = parsed.members.map(m => m.name).filter(name => !(name in entries));
  if (missing.length) return fail(`Every query in mashup.pq needs an entry in queryMetadata.json; missing: ${missing.join(', ')}.`);
  return parts;
}

function platformName(parts: StoredPart[]): string | undefined {
  const platform = parts.find(p => p.path === '.platform');
  const json = platform && parseJsonObject(Buffer.from(platform.payload, 'base64').toString('utf8'));
  const name = isRecord(json?.metadata) ? json.metadata.displayName : undefined;
  return typeof name === 'string' && name ? name : undefined;
}

