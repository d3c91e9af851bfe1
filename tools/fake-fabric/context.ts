// What every route module shares: the server's base URL, counters, timing settings, the Entra bearer check
// and long-running operations. A new family of routes is one module: `(router, context) => void`.
import type { FakeCounters } from './counters';
import type { ScopeNeed } from './entra';
import type { Exchange } from './http';
import type { Operations } from './lro';
import type { Router } from './router';

export interface FakeSettings {
  /** Delay before every Fabric response (not the token route). */
  latencyMs: number;
  /** Delay before the token route answers: lets tests cancel a token request in flight. */
  tokenDelayMs: number;
  /** Retry-After (seconds) sent with 202 and with running operation states. */
  lroRetryAfterSeconds: number;
  /** How many polls of an operation answer "Running" before the final state. */
  lroPolls: number;
  /** Scripted cold start: the first score after `afterIdleMs` without one waits `delayMs` (and so does every score meanwhile). */
  coldStart?: { afterIdleMs: number; delayMs: number };
}

/** What the built-in modules are built with (long-running operations are one of them). */
export type SharedContext = Omit<FakeContext, 'operations'>;

export interface FakeContext {
  /** `http://127.0.0.1:{port}`: Location headers and continuation URIs point here. */
  readonly baseUrl: string;
  readonly counters: FakeCounters;
  readonly settings: FakeSettings;
  /** True once close() started: a route that waited stops without answering. */
  isClosed(): boolean;
  /** A timer that close() cancels. */
  delay(ms: number): Promise<void>;
  /** Waits the Fabric latency; false when the server closed meanwhile (then answer nothing). */
  fabricLatency(): Promise<boolean>;
  /**
   * Accepts a bearer token the fake Entra issued and that has not expired; otherwise answers 401 and returns
   * false. A user token also needs a delegated scope for `need` (default: read for GET, write otherwise), else 403.
   */
  authorize(exchange: Exchange, need?: ScopeNeed): boolean;
  readonly operations: Operations;
}

/** Registers one family of routes; what it returns (its state, the calls tests script it with) is the caller's handle. */
export type RouteModule<Handle = void> = (router: Router, context: FakeContext) => Handle;
