// Endpoint definitions from the `fabricMl.endpoints` setting, merged from user, workspace and (multi-root)
// folder settings, each remembered with where it came from. `fabricMl.endpoints` is a restricted setting:
// in an untrusted workspace VS Code hides its workspace values, so those are read from the settings files
// themselves only to be *listed*; isRestricted() keeps them from ever being called with a token.
import * as vscode from 'vscode';
import { parse as parseJsonc } from 'jsonc-parser';
import type { EndpointDefinition, EndpointRef } from '../../core/endpoints/model';
import { parseScoreUrl } from '../../core/endpoints/endpointUrl';
import type { ConfiguredEndpointStore, EndpointOrigin } from '../services';
import { allowLoopback, SECTION } from './settings';
import { SCORING_BOUNDS } from '../../core/scoringBounds';
import { unknownEndpointMessage } from '../../core/endpoints/readiness';

export type { EndpointOrigin };

interface Entry {
  definition: EndpointDefinition;
  origin: EndpointOrigin;
}

const KEY = 'endpoints';
const FULL_KEY = `${SECTION}.${KEY}`;
export const MAX_BATCH_SIZE = SCORING_BOUNDS.batchSize.maximum;

/** Reads one raw settings entry; undefined (and a reason) when it is not a usable definition. */
export function toDefinition(raw: unknown): { definition?: EndpointDefinition; problem?: string } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { problem: 'not an object' };
  const r = raw as Record<string, unknown>;
  if (typeof r.id !== 'string' || !r.id.trim()) return { problem: 'missing "id"' };
  if (typeof r.scoreUrl !== 'string' || !r.scoreUrl.trim()) return { problem: `"${r.id}" has no "scoreUrl"` };
  const definition: EndpointDefinition = {
    id: r.id.trim(),
    name: typeof r.name === 'string' && r.name.trim() ? r.name.trim() : r.id.trim(),
    scoreUrl: r.scoreUrl.trim(),
    profileId: typeof r.profileId === 'string' && r.profileId.trim() ? r.profileId.trim() : 'default',
  };
  if (typeof r.batchSize === 'number' && Number.isInteger(r.batchSize) && r.batchSize >= 1 && r.batchSize <= MAX_BATCH_SIZE) {
    definition.batchSize = r.batchSize;
  }
  if (r.identity === 'user') definition.identity = 'user';
  return { definition };
}

/** The plain object written to settings (no undefined fields, fixed key order). */
function toSetting(def: EndpointDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = { id: def.id, name: def.name, scoreUrl: def.scoreUrl, profileId: def.profileId };
  if (def.batchSize !== undefined) out.batchSize = def.batchSize;
  if (def.identity === 'user') out.identity = 'user';
  return out;
}

export class SettingsEndpointStore implements ConfiguredEndpointStore, vscode.Disposable {
  private entries: Entry[] = [];
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private untrustedLoad = 0;
  readonly onDidChange = this.changed.event;

  constructor(private readonly log?: vscode.LogOutputChannel) {
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration(FULL_KEY)) this.reload();
      }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.reload()),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.reload()),
    );
    this.reload(false);
  }

  list(): EndpointDefinition[] {
    return this.entries.map(e => e.definition);
  }

  get(id: string): EndpointDefinition | undefined {
    return this.entries.find(e => e.definition.id === id)?.definition;
  }

  origin(id: string): EndpointOrigin | undefined {
    return this.entries.find(e => e.definition.id === id)?.origin;
  }

  isRestricted(id: string): boolean {
    const origin = this.origin(id);
    return origin !== undefined && origin.kind !== 'user' && !vscode.workspace.isTrusted;
  }

  async add(def: EndpointDefinition, target: vscode.ConfigurationTarget = vscode.ConfigurationTarget.Global): Promise<void> {
    if (this.get(def.id)) throw new Error(`An endpoint with id "${def.id}" already exists. Choose another id, or use Edit Endpoint.`);
    const origin: EndpointOrigin = target === vscode.ConfigurationTarget.Global ? { kind: 'user' } : { kind: 'workspace' };
    if (origin.kind === 'workspace') this.assertWorkspaceWritable();
    const current = this.valuesAt(origin);
    await this.write(origin, [...current, toSetting(def)]);
  }

  async update(def: EndpointDefinition): Promise<void> {
    const origin = this.origin(def.id);
    if (!origin) throw new Error(unknownEndpointMessage(def.id));
    if (origin.kind !== 'user') this.assertWorkspaceWritable();
    const values = this.valuesAt(origin).map(v => (isEntryWithId(v, def.id) ? toSetting(def) : v));
    await this.write(origin, values);
  }

  async remove(id: string): Promise<void> {
    const origin = this.origin(id);
    if (!origin) throw new Error(unknownEndpointMessage(id));
    if (origin.kind !== 'user') this.assertWorkspaceWritable();
    await this.write(origin, this.valuesAt(origin).filter(v => !isEntryWithId(v, id)));
  }

  refFor(def: EndpointDefinition): EndpointRef {
    return parseScoreUrl(def.scoreUrl, { allowLoopback: allowLoopback() });
  }

  dispose(): void {
    this.changed.dispose();
    for (const s of this.subscriptions) s.dispose();
  }

  /** Rebuilds the list from settings; in an untrusted workspace the workspace part is read from files. */
  private reload(fire = true): void {
    const inspected = vscode.workspace.getConfiguration(SECTION).inspect<unknown[]>(KEY);
    const sources: Array<[EndpointOrigin, unknown]> = [[{ kind: 'user' }, inspected?.globalValue]];
    if (vscode.workspace.isTrusted) {
      sources.push([{ kind: 'workspace' }, inspected?.workspaceValue]);
      if (vscode.workspace.workspaceFile) {
        for (const folder of vscode.workspace.workspaceFolders ?? []) {
          sources.push([{ kind: 'folder', folder }, vscode.workspace.getConfiguration(SECTION, folder.uri).inspect<unknown[]>(KEY)?.workspaceFolderValue]);
        }
      }
      this.untrustedLoad++;
      this.entries = this.merge(sources);
      if (fire) this.changed.fire();
      return;
    }
    // Until the settings files are read again, keep the workspace entries already known, so that the
    // list does not lose them for a moment (they stay restricted either way).
    const userEntries = this.merge(sources);
    const userIds = new Set(userEntries.map(e => e.definition.id));
    this.entries = [...userEntries, ...this.entries.filter(e => e.origin.kind !== 'user' && !userIds.has(e.definition.id))];
    if (fire) this.changed.fire();
    void this.loadUntrustedWorkspaceValues(sources);
  }

  private merge(sources: Array<[EndpointOrigin, unknown]>): Entry[] {
    const out: Entry[] = [];
    const seen = new Set<string>();
    for (const [origin, value] of sources) {
      if (value === undefined) continue;
      if (!Array.isArray(value)) {
        this.log?.warn(`Settings: ${FULL_KEY} in ${describeOrigin(origin)} is not a list; ignored.`);
        continue;
      }
      for (const raw of value) {
        const { definition, problem } = toDefinition(raw);
        if (!definition) {
          this.log?.warn(`Settings: an entry of ${FULL_KEY} in ${describeOrigin(origin)} was skipped (${problem}).`);
          continue;
        }
        // User settings come first, so a workspace cannot shadow a user's endpoint by reusing its id.
        if (seen.has(definition.id)) {
          this.log?.warn(`Settings: endpoint id "${definition.id}" in ${describeOrigin(origin)} is already defined; the first definition wins.`);
          continue;
        }
        seen.add(definition.id);
        out.push({ definition, origin });
      }
    }
    return out;
  }

  private async loadUntrustedWorkspaceValues(userSources: Array<[EndpointOrigin, unknown]>): Promise<void> {
    const load = ++this.untrustedLoad;
    const sources = [...userSources];
    const readSettings = async (uri: vscode.Uri, nested: boolean): Promise<unknown> => {
      try {
        const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
        const parsed = parseJsonc(text) as Record<string, unknown> | undefined;
        const settings = nested ? (parsed?.settings as Record<string, unknown> | undefined) : parsed;
        return settings?.[FULL_KEY];
      } catch {
        return undefined;
      }
    };
    const file = vscode.workspace.workspaceFile;
    if (file && file.scheme !== 'untitled') sources.push([{ kind: 'workspace' }, await readSettings(file, true)]);
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const value = await readSettings(vscode.Uri.joinPath(folder.uri, '.vscode', 'settings.json'), false);
      sources.push([file ? { kind: 'folder', folder } : { kind: 'workspace' }, value]);
    }
    if (load !== this.untrustedLoad || vscode.workspace.isTrusted) return;
    this.entries = this.merge(sources);
    this.changed.fire();
  }

  private valuesAt(origin: EndpointOrigin): unknown[] {
    const inspected =
      origin.kind === 'folder'
        ? vscode.workspace.getConfiguration(SECTION, origin.folder.uri).inspect<unknown[]>(KEY)?.workspaceFolderValue
        : origin.kind === 'workspace'
          ? vscode.workspace.getConfiguration(SECTION).inspect<unknown[]>(KEY)?.workspaceValue
          : vscode.workspace.getConfiguration(SECTION).inspect<unknown[]>(KEY)?.globalValue;
    return Array.isArray(inspected) ? [...inspected] : [];
  }

  private async write(origin: EndpointOrigin, values: unknown[]): Promise<void> {
    const stored = values.length ? values : undefined;
    if (origin.kind === 'folder') {
      await vscode.workspace.getConfiguration(SECTION, origin.folder.uri).update(KEY, stored, vscode.ConfigurationTarget.WorkspaceFolder);
    } else {
      const target = origin.kind === 'user' ? vscode.ConfigurationTarget.Global : vscode.ConfigurationTarget.Workspace;
      await vscode.workspace.getConfiguration(SECTION).update(KEY, stored, target);
    }
    // The configuration event reloads too; reloading here makes the change visible to the caller at once.
    this.reload();
  }

  private assertWorkspaceWritable(): void {
    if (!vscode.workspace.workspaceFolders?.length) throw new Error('No folder is open, so there are no workspace settings. Save the endpoint in user settings instead.');
    if (!vscode.workspace.isTrusted) throw new Error('This workspace is not trusted: its settings cannot be changed from here. Trust the workspace first (Manage Workspace Trust).');
  }
}

function isEntryWithId(value: unknown, id: string): boolean {
  return !!value && typeof value === 'object' && (value as { id?: unknown }).id === id;
}

export function describeOrigin(origin: EndpointOrigin): string {
  if (origin.kind === 'user') return 'user settings';
  if (origin.kind === 'workspace') return 'workspace settings';
  return `folder settings of ${origin.folder.name}`;
}
