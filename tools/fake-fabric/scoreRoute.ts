// The Fabric score API: `POST …/mlModels/{model}/endpoint/score` (default version) and
// `POST …/mlmodels/{model}/endpoint/versions/{version}/score`. Validates the body as Fabric does, predicts
// with the toy churn model, and applies scripted faults (throttling, errors, HTML, drops, slow, LRO).
import type { SignatureField } from '../../src/core/endpoints/model';
import type { FakeContext } from './context';
import { answerScoreFault, FaultScript, type ScoreBehaviour } from './faults';
import { ScoreCapacity } from './capacity';
import { countInFlight } from './counters';
import { isRecord, sendFabricError, sendFabricJson, type Exchange } from './http';
import { countUndocumentedCasing, type ModelCatalog } from './models';
import type { Router } from './router';
import { predictChurnVersion } from './toyModel';

const MODEL = '/v1/workspaces/{workspaceId}/{models:mlmodels}/{modelId}/endpoint';
const DEFAULT_MODEL = '/v1/workspaces/{workspaceId}/{models:mlModels}/{modelId}/endpoint';

type Scored = { response: { formatType: 'dataframe'; orientation: 'values'; predictions: unknown[] } } | { status: number; errorCode: string; message: string };

export class ScoreRoutes {
  readonly script = new FaultScript<ScoreBehaviour>();
  readonly capacity = new ScoreCapacity();
  /** When the last score request arrived, and until when the endpoint is still waking (scripted cold start). */
  private lastScoreAt = Number.NEGATIVE_INFINITY;
  private wakingUntil = 0;

  constructor(
    private readonly context: FakeContext,
    private readonly catalog: ModelCatalog,
  ) {}

  register(router: Router): void {
    router.add(`${DEFAULT_MODEL}/score`, (exchange) => this.score(exchange, 'mlModels'));
    router.add(`${MODEL}/versions/{version}/score`, (exchange) => this.score(exchange, 'mlmodels'));
  }

  /** A scripted cold start: after the idle period the endpoint wakes for `delayMs`; requests meanwhile wait too. */
  private async coldStart(): Promise<void> {
    const cold = this.context.settings.coldStart;
    const now = Date.now();
    const idle = now - this.lastScoreAt;
    this.lastScoreAt = now;
    if (!cold) return;
    if (idle >= cold.afterIdleMs && now >= this.wakingUntil) this.wakingUntil = now + cold.delayMs;
    if (this.wakingUntil > now) await this.context.delay(this.wakingUntil - now);
  }

  private async score(exchange: Exchange, documentedCasing: string): Promise<void> {
    const { counters } = this.context;
    countUndocumentedCasing(this.context, exchange, documentedCasing);
    counters.scoreRequests++;
    const body = parseJson(exchange.body);
    const inputs = isRecord(body.value) && Array.isArray(body.value.inputs) ? (body.value.inputs as unknown[]) : undefined;
    if (inputs) counters.scoreRowsReceived += inputs.length;
    await this.capacity.serve(exchange, () => this.answer(exchange, counters, body, inputs));
  }

  private async answer(exchange: Exchange, counters: FakeContext['counters'], body: { ok: boolean; value?: unknown }, inputs: unknown[] | undefined): Promise<void> {
    await countInFlight(counters, async () => {
      if (!(await this.context.fabricLatency())) return;
      if (!this.context.authorize(exchange)) return;
      if (exchange.method !== 'POST') {
        return sendFabricError(exchange, 405, 'MethodNotAllowed', `The method ${exchange.method} is not supported on this resource.`);
      }
      await this.coldStart();
      if (this.context.isClosed()) return;
      const behaviour = this.script.take(inputs ?? []);
      if (await answerScoreFault(exchange, behaviour, (ms) => this.context.delay(ms))) return;
      if (this.context.isClosed()) return;
      if (!body.ok) return sendFabricError(exchange, 400, 'BadInput', 'The request body is not valid JSON.');
      const scored = this.predict(exchange, body.value, behaviour?.type === 'records' ? behaviour.extra ?? {} : undefined);
      if ('status' in scored) return sendFabricError(exchange, scored.status, scored.errorCode, scored.message);
      if (behaviour?.type !== 'lro') return sendFabricJson(exchange, scored.response);
      const requestId = exchange.requestId;
      this.context.operations.accept(
        exchange,
        () =>
          behaviour.outcome === 'Failed'
            ? { status: 'Failed', error: { errorCode: 'UnknownError', message: 'The scoring operation failed.', requestId } }
            : { status: 'Succeeded', result: scored.response },
        behaviour.polls,
      );
    });
  }

  /** The toy model's predictions; with `asRecords`, each one an object keyed by the output signature plus those keys. */
  private predict(exchange: Exchange, body: unknown, asRecords?: Record<string, unknown>): Scored {
    const fail = (status: number, errorCode: string, message: string): Scored => ({ status, errorCode, message });
    const model = this.catalog.findModel(exchange.params.workspaceId, exchange.params.modelId);
    if (!('found' in model)) return model;
    const info = this.catalog.findVersion(model.found, exchange.params.version);
    if (!('found' in info)) return info;
    const versionName = info.found.versionName;
    if (info.found.status !== 'Active') return fail(400, 'BadInput', `Endpoint version ${versionName} is not active`);

    if (!isRecord(body)) return fail(400, 'BadInput', 'The request body must be a JSON object with an "inputs" list.');
    if (body.formatType !== undefined && body.formatType !== 'dataframe') {
      return fail(400, 'BadInput', `formatType "${String(body.formatType)}" is not supported. Use "dataframe".`);
    }
    const orientation = body.orientation ?? 'values';
    if (orientation !== 'values' && orientation !== 'record') {
      return fail(400, 'BadInput', `orientation "${String(orientation)}" is not supported by this endpoint. Use "values" or "record".`);
    }
    if (!Array.isArray(body.inputs)) return fail(400, 'BadInput', 'The request body must contain "inputs": a list of rows.');
    const signature: SignatureField[] = info.found.inputSignature ?? [];
    const names = signature.map((f) => f.name);
    const predictions: unknown[] = new Array(body.inputs.length);
    const outputNames = (info.found.outputSignature ?? []).map((f) => f.name);
    for (let i = 0; i < body.inputs.length; i++) {
      const record = orientation === 'values' ? valuesRecord(body.inputs[i], i, names) : recordRow(body.inputs[i], i, signature);
      if (typeof record === 'string') return fail(400, 'BadInput', record);
      const values = predictChurnVersion(record, versionName);
      predictions[i] = asRecords ? { ...Object.fromEntries(outputNames.map((name, c) => [name, values[c]])), ...asRecords } : values;
    }
    return { response: { formatType: 'dataframe', orientation: 'values', predictions } };
  }
}

/** A `values` row keyed by the signature's column names, or the BadInput message. */
function valuesRecord(row: unknown, index: number, names: string[]): Record<string, unknown> | string {
  if (!Array.isArray(row) || row.length !== names.length) {
    const got = Array.isArray(row) ? `${row.length} values` : 'not a list';
    return `inputs[${index}] has ${got}; expected ${names.length} values in this order: ${names.join(', ')}.`;
  }
  return Object.fromEntries(names.map((name, c) => [name, row[c]]));
}

/** A `record` row as sent, or the BadInput message. */
function recordRow(row: unknown, index: number, signature: SignatureField[]): Record<string, unknown> | string {
  if (!isRecord(row)) return `inputs[${index}] is not an object keyed by column name (${signature.map((f) => f.name).join(', ')}).`;
  const missing = signature.filter((f) => f.required && !(f.name in row)).map((f) => f.name);
  return missing.length > 0 ? `inputs[${index}] is missing required column(s): ${missing.join(', ')}.` : row;
}

function parseJson(text: string): { ok: boolean; value?: unknown } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
