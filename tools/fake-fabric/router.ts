// Path routing for the fake server. A route module adds its routes here; nothing else changes when the fake
// learns a new family of Fabric APIs (workspaces, dataflows, query execution…).
//
// Patterns are paths with parameters: `/v1/workspaces/{workspaceId}/items`. `{name:literal}` matches the
// literal in any letter case and captures the casing the client used (Fabric accepts both `mlModels` and
// `mlmodels`; the fake counts the undocumented one). Routes are tried in the order they were added, so a
// literal segment (`versions/deactivateAll`) must be added before a parameter in the same place
// (`versions/{version}`).
import { sendFabricError, type Exchange, type Handler } from './http';

type Segment = { literal: string } | { param: string; anyCase?: string };

interface Route {
  segments: Segment[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];
  private readonly fallbacks: Array<{ prefix: string; handler: Handler }> = [];

  add(pattern: string, handler: Handler): this {
    this.routes.push({ segments: compile(pattern), handler });
    return this;
  }

  /** Answers paths under `prefix` that no route matched (e.g. Fabric's own 404 for `/v1/...`). */
  fallback(prefix: string, handler: Handler): this {
    this.fallbacks.push({ prefix, handler });
    return this;
  }

  /** The handler for a path with its parameters set on the exchange, or undefined. */
  resolve(exchange: Exchange): Handler | undefined {
    const parts = exchange.url.pathname.split('/').filter((part) => part !== '').map(decodeSegment);
    for (const route of this.routes) {
      const params = match(route.segments, parts);
      if (params) {
        exchange.params = params;
        return route.handler;
      }
    }
    return this.fallbacks.find((f) => exchange.url.pathname.startsWith(f.prefix))?.handler;
  }
}

/** Dispatches on the HTTP method; any other method gets Fabric's 405 ErrorResponse. */
export function byMethod(handlers: Partial<Record<'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE', Handler>>): Handler {
  return (exchange) => {
    const handler = (handlers as Record<string, Handler | undefined>)[exchange.method];
    if (handler) return handler(exchange);
    sendFabricError(exchange, 405, 'MethodNotAllowed', `The method ${exchange.method} is not supported on this resource.`);
  };
}

function compile(pattern: string): Segment[] {
  return pattern
    .split('/')
    .filter((part) => part !== '')
    .map((part) => {
      const param = /^\{(\w+)(?::([^}]+))?\}$/.exec(part);
      if (!param) return { literal: part };
      return { param: param[1], anyCase: param[2] };
    });
}

function match(segments: Segment[], parts: string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const part = parts[i];
    if ('literal' in segment) {
      if (segment.literal !== part) return undefined;
    } else {
      if (segment.anyCase !== undefined && segment.anyCase.toLowerCase() !== part.toLowerCase()) return undefined;
      params[segment.param] = part;
    }
  }
  return params;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
