// Fault scripting: tests queue what the next matching request(s) get instead of the normal answer, and the
// route that serves the request takes the first rule that matches. Also what each scripted score fault
// looks like on the wire (throttling with Retry-After, ErrorResponse, an HTML gateway page, a drop…).
import { sendFabricError, sendHtml, type Exchange } from './http';

export type ScoreBehaviour =
  | { type: 'lro'; outcome: 'Succeeded' | 'Failed'; polls?: number }
  | { type: 'throttle'; retryAfterSeconds: number; status?: 429 | 503 }
  | { type: 'error'; status: number; errorCode: string; message: string }
  | { type: 'nonJson'; status?: number }
  | { type: 'slow'; delayMs: number }
  | { type: 'drop' }
  /** Answers with objects keyed by the output signature (as MLflow models with a dict output do), plus `extra` keys. */
  | { type: 'records'; extra?: Record<string, unknown> };

export interface MetadataFailure {
  status: number;
  errorCode: string;
  message: string;
}

export interface ScriptOptions {
  /** Default 1; Infinity keeps the rule. */
  times?: number;
  /** Receives body.inputs of the request (an empty list when the body has none). */
  match?: (inputs: unknown[]) => boolean;
}

interface Rule<T> {
  value: T;
  remaining: number;
  match?: (inputs: unknown[]) => boolean;
}

/** A queue of scripted answers for one kind of request. */
export class FaultScript<T> {
  private rules: Array<Rule<T>> = [];

  add(value: T, options: ScriptOptions = {}): void {
    this.rules.push({ value, remaining: options.times ?? 1, match: options.match });
  }

  /** The first rule that matches, using up one of its times. */
  take(inputs: unknown[] = []): T | undefined {
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i];
      if (rule.match && !rule.match(inputs)) continue;
      rule.remaining--;
      if (rule.remaining <= 0) this.rules.splice(i, 1);
      return rule.value;
    }
    return undefined;
  }

  clear(): void {
    this.rules = [];
  }
}

/**
 * Answers a score request the way a scripted fault says. Returns true when the exchange is answered (or
 * dropped); 'slow' and 'lro' return false: the request goes on to be scored (after the wait, or as an LRO).
 */
export async function answerScoreFault(exchange: Exchange, behaviour: ScoreBehaviour | undefined, delay: (ms: number) => Promise<void>): Promise<boolean> {
  switch (behaviour?.type) {
    case 'throttle': {
      const status = behaviour.status ?? 429;
      const message =
        status === 429
          ? `Request is blocked by the upstream service until: ${new Date(Date.now() + behaviour.retryAfterSeconds * 1000).toISOString()} (UTC)`
          : 'The service is temporarily unavailable. Retry after the period in Retry-After.';
      sendFabricError(exchange, status, status === 429 ? 'RequestBlocked' : 'ServiceUnavailable', message, {
        headers: { 'retry-after': String(behaviour.retryAfterSeconds) },
        extra: { isRetriable: true },
      });
      return true;
    }
    case 'error':
      sendFabricError(exchange, behaviour.status, behaviour.errorCode, behaviour.message);
      return true;
    case 'nonJson': {
      const status = behaviour.status ?? 502;
      const html = `<!DOCTYPE html><html><head><title>${status} Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>The proxy server received an invalid response from an upstream server.</p></body></html>`;
      sendHtml(exchange.res, status, html, { 'x-ms-request-id': exchange.requestId });
      return true;
    }
    case 'drop':
      exchange.req.socket.destroy();
      return true;
    case 'slow':
      await delay(behaviour.delayMs);
      return false;
    default:
      return false;
  }
}
