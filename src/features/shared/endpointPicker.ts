// The one way a command finds the endpoint it is about: a tree node (anything carrying `endpointId`), an
// argument object `{ endpointId }`, or — interactive only — a quick pick that shows each endpoint's status.
import * as vscode from 'vscode';
import type { EndpointDefinition } from '../../core/endpoints/model';
import { unknownEndpointMessage } from '../../core/endpoints/readiness';
import type { Services } from '../services';
import { isPlainArgs, stringArg, UserError, type CommandContext } from './commands';

export interface PickEndpointOptions {
  /** Says what will happen, e.g. "Test the connection to which endpoint?". */
  title: string;
  /** Pre-selects this endpoint (e.g. the last one used) when it is in the list. */
  preferredId?: string;
  /** With an argument object that names no endpoint, use the only one configured (scoring's convenience). */
  onlyEndpointByDefault?: boolean;
}

/** The endpoint id a command argument names, if it names one. */
export function endpointIdOf(arg: unknown): string | undefined {
  if (isPlainArgs(arg)) return stringArg(arg, 'endpointId');
  const fromNode = (arg as { endpointId?: unknown } | null | undefined)?.endpointId;
  return typeof fromNode === 'string' ? fromNode : undefined;
}

/** Undefined when the user dismissed the pick; a UserError when the argument names no configured endpoint. */
export async function pickEndpoint(services: Services, arg: unknown, ctx: CommandContext, options: PickEndpointOptions): Promise<EndpointDefinition | undefined> {
  const id = endpointIdOf(arg);
  if (id !== undefined) {
    const def = services.endpoints.get(id);
    if (!def) throw new UserError(unknownEndpointMessage(id));
    return def;
  }
  const all = services.endpoints.list();
  if (!ctx.interactive && !(options.onlyEndpointByDefault && all.length === 1)) {
    throw new UserError(all.length > 1 && options.onlyEndpointByDefault ? `Several endpoints are configured; pass endpointId (one of: ${all.map(e => e.id).join(', ')}).` : 'The argument "endpointId" is required.');
  }
  if (all.length === 0) throw new UserError('No Fabric ML endpoints yet. Add one with "Fabric ML: Add Endpoint".', [{ title: 'Add Endpoint', command: 'fabricMl.addEndpoint' }]);
  if (all.length === 1) return all[0];
  const items = all.map(def => ({ label: def.name, description: def.id === options.preferredId ? `${def.id} · last used` : def.id, detail: statusLine(services, def), def }));
  const preferred = items.findIndex(i => i.def.id === options.preferredId);
  if (preferred > 0) items.unshift(...items.splice(preferred, 1));
  const pick = await vscode.window.showQuickPick(items, { title: options.title, matchOnDescription: true, matchOnDetail: true });
  return pick?.def;
}

/** What the picker knows of an endpoint without calling Fabric: the cached status, or the score URL. */
function statusLine(services: Services, def: EndpointDefinition): string {
  const info = services.metadata.cached(def.id);
  return info ? `v${info.versionName} · ${info.status} · ${def.scoreUrl}` : def.scoreUrl;
}
