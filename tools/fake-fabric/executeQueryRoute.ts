// executeQuery on the fake server (reference §3). It checks shapes and plumbing; it does NOT evaluate M.
// - For the document shape "Verify M in Fabric" sends (an apply query `F(#"rows")` over a member holding a
//   `#table` literal), it parses the document with @microsoft/powerquery-parser, reads the rows and answers the
//   rows plus the toy churn model's predictions, as real Arrow IPC built with apache-arrow.
// - For any other query that exists in the document, a scripted result (numbers, text, logicals, timestamps, nulls).
// - Scripted faults: query not found, document does not parse, 90 s timeout, an error embedded in a 200 answer,
//   202 with polling, a missing connection binding, throttling.
import { Bool, type Field, Float64, RecordBatch, Schema, Table, tableToIPC, TimestampMillisecond, Utf8, vectorFromArray, type Vector } from 'apache-arrow';
import type { FakeContext } from './context';
import type { DataflowStore, StoredDataflow } from './dataflowRoutes';
import { FaultScript } from './faults';
import { parseJsonObject, sendArrow, sendFabricError, type Exchange } from './http';
import { invokedWithMember, parameterText, parseSection, tableLiteral } from './mashupParse';
import { predictChurnVersion } from './toyModel';

export type ExecuteQueryFault =
  | { type: 'queryNotFound' }
  | { type: 'parseError' }
  | { type: 'timeout' }
  | { type: 'embeddedError'; message: string }
  | { type: 'lro'; polls?: number }
  | { type: 'connectionMissing' }
  | { type: 'throttle'; retryAfterSeconds: number };

/** What tests script and read: faults queued for the next executeQuery calls, and what was received. */
export class ExecuteQueryScript {
  readonly faults = new FaultScript<ExecuteQueryFault>();
  /** The bodies received, in order ({ queryName, customMashupDocument? }). */
  readonly received: Array<{ queryName?: unknown; customMashupDocument?: unknown }> = [];

  add(fault: ExecuteQueryFault, options: { times?: number } = {}): void {
    this.faults.add(fault, options);
  }
}

const ARROW_METADATA_COLUMN = 'PQ Arrow Metadata';

export async function executeQueryRoute(store: DataflowStore, context: FakeContext, exchange: Exchange, dataflow: StoredDataflow): Promise<void> {
  const body = parseJsonObject(exchange.body) ?? {};
  store.executeQuery.received.push({ queryName: body.queryName, customMashupDocument: body.customMashupDocument });
  const queryName = typeof body.queryName === 'string' ? body.queryName : '';
  if (!queryName) return sendFabricError(exchange, 400, 'InvalidInput', 'queryName is required.');
  const fault = store.executeQuery.faults.take();
  const engineError = (message: string, status = 400) =>
    sendFabricError(exchange, status, 'DataflowExecuteQueryError', message, { extra: { isRetriable: false } });
  switch (fault?.type) {
    case 'queryNotFound': return engineError(`InternalErrorCode: QueryNotFound. The query '${queryName}' was not found in the document.`);
    case 'parseError': return engineError('InternalErrorCode: ReinterpretRequestFailed. Expression.SyntaxError: Token Comma expected.');
    case 'timeout': return engineError('InternalErrorCode: EvaluationError. The evaluation TimedOut after 90 seconds.');
    case 'connectionMissing': return engineError(`InternalErrorCode: EvaluationError. Credentials are required to connect to the Web source. No connection is bound for ${context.baseUrl} in this dataflow.`);
    case 'throttle':
      return sendFabricError(exchange, 429, 'RequestBlocked', 'Too many executeQuery requests.', { headers: { 'retry-after': String(fault.retryAfterSeconds) }, extra: { isRetriable: true } });
    default: break;
  }
  const custom = typeof body.customMashupDocument === 'string' ? body.customMashupDocument : undefined;
  const document = custom ?? store.text(dataflow, 'mashup.pq') ?? '';
  const parsed = await parseSection(document);
  if ('error' in parsed) return engineError(`InternalErrorCode: ReinterpretRequestFailed. ${parsed.error}`);
  const member = parsed.members.find(m => m.name === queryName);
  if (!member) return engineError(`InternalErrorCode: QueryNotFound. The query '${queryName}' was not found in the document.`);

  const bytes = fault?.type === 'embeddedError' ? embeddedErrorTable(fault.message) : resultTable(parsed.members, member.value);
  if (fault?.type === 'lro') {
    context.operations.accept(exchange, () => ({ status: 'Succeeded', result: bytes }), fault.polls);
    return;
  }
  sendArrow(exchange, bytes);
}

type Members = Awaited<ReturnType<typeof parseSection>> extends infer P ? (P extends { members: infer M } ? M : never) : never;

/** The verify shape gets the toy model's predictions; anything else the scripted table. */
function resultTable(members: Members, value: Members[number]['value']): Uint8Array {
  const source = invokedWithMember(value);
  const literal = source === undefined ? undefined : members.find(m => m.name === source);
  const table = literal && tableLiteral(literal.value);
  if (!table) return scriptedTable();
  const versionMember = members.find(m => m.name === 'ModelVersion');
  const version = (versionMember && parameterText(versionMember.value)) || '1';
  const predictions = table.rows.map(row => predictChurnVersion(Object.fromEntries(table.columns.map((c, i) => [c, row[i]])), version));
  const vectors: Record<string, Vector> = {};
  table.columns.forEach((column, i) => {
    vectors[column] = typedVector(table.rows.map(r => r[i]));
  });
  vectors.churn_probability = vectorFromArray(predictions.map(p => p[0]), new Float64());
  vectors.churn_label = vectorFromArray(predictions.map(p => p[1]), new Utf8());
  return tableToIPC(new Table(vectors), 'stream');
}

/** A column typed from its literal values: all numbers Float64, all logicals Bool, otherwise text. */
function typedVector(values: unknown[]): Vector {
  const present = values.filter(v => v !== null && v !== undefined);
  if (present.every(v => typeof v === 'number')) return vectorFromArray(values as Array<number | null>, new Float64());
  if (present.every(v => typeof v === 'boolean')) return vectorFromArray(values as Array<boolean | null>, new Bool());
  return vectorFromArray(values.map(v => (v === null || v === undefined ? null : String(v))), new Utf8());
}

/** The answer for a query the fake does not understand: three rows covering the types a client must decode. */
function scriptedTable(): Uint8Array {
  return tableToIPC(new Table({
    id: vectorFromArray([1, 2, null], new Float64()),
    name: vectorFromArray(['alpha', null, 'gamma'], new Utf8()),
    active: vectorFromArray([true, false, null], new Bool()),
    updated: vectorFromArray([new Date('2025-01-02T03:04:05.000Z'), null, new Date('2025-06-30T00:00:00.000Z')], new TimestampMillisecond()),
  }), 'stream');
}

/** A 200 answer whose trailing "PQ Arrow Metadata" column and schema metadata carry the engine's error. */
function embeddedErrorTable(message: string): Uint8Array {
  const error = JSON.stringify({ Error: message });
  const data = new Table({
    Value: vectorFromArray([null], new Utf8()),
    [ARROW_METADATA_COLUMN]: vectorFromArray([error], new Utf8()),
  });
  const schema = new Schema(data.schema.fields as Field[], new Map([['PQ Arrow Metadata', error]]));
  return tableToIPC(new Table(schema, data.batches.map(b => new RecordBatch(schema, b.data))), 'stream');
}
