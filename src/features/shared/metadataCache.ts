// Fabric metadata of each endpoint's version (status, scale rule, signatures), fetched with the endpoint's
// profile token and cached until refreshed. The tree reads the per-endpoint state (loading / ready /
// failed) so that a failure is shown on its node instead of as a pop-up; concurrent reads share one request.
import * as vscode from 'vscode';
import type { EndpointVersionInfo } from '../../core/endpoints/model';
import type { EndpointMetadataCache, EndpointSession, MetadataState, SessionOptions } from '../services';
import { raceAbort } from '../../core/abort';

export type { MetadataState };

/** Opens the session metadata reads use (a background read: never interactive). */
export type SessionOpener = (endpointId: string, options: SessionOptions) => Promise<EndpointSession>;

export class NoDefaultVersionError extends Error {
  constructor() {
    super('The model has no default endpoint version. Set a default version in Fabric, or use a score URL that names a version (…/endpoint/versions/<n>/score).');
    this.name = 'NoDefaultVersionError';
  }
}

export class FabricMetadataCache implements EndpointMetadataCache, vscode.Disposable {
  private readonly states = new Map<string, MetadataState>();
  private readonly inFlight = new Map<string, Promise<EndpointVersionInfo>>();
  /** Bumped per endpoint (and for all by `epoch`) so that a response that arrives after an invalidate is not cached. */
  private readonly generations = new Map<string, number>();
  private epoch = 0;
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  /** Fires with the endpoint id whose state changed, or undefined when everything was invalidated. */
  readonly onDidChange = this.changed.event;

  constructor(private readonly open: SessionOpener) {}

  state(endpointId: string): MetadataState | undefined {
    return this.states.get(endpointId);
  }

  cached(endpointId: string): EndpointVersionInfo | undefined {
    const s = this.states.get(endpointId);
    return s?.kind === 'ready' ? s.info : undefined;
  }

  version(endpointId: string, options: { refresh?: boolean; signal?: AbortSignal } = {}): Promise<EndpointVersionInfo> {
    const current = this.states.get(endpointId);
    if (!options.refresh && current?.kind === 'ready') return Promise.resolve(current.info);
    let pending = this.inFlight.get(endpointId);
    if (!pending) {
      pending = this.fetch(endpointId);
      this.inFlight.set(endpointId, pending);
      const clear = (): void => {
        if (this.inFlight.get(endpointId) === pending) this.inFlight.delete(endpointId);
      };
      pending.then(clear, clear);
    }
    return raceAbort(pending, options.signal);
  }

  /** Stores a version info read elsewhere (Test connection, an action's answer). */
  set(endpointId: string, info: EndpointVersionInfo, usesDefaultVersion?: boolean): void {
    const previous = this.states.get(endpointId);
    const usesDefault = usesDefaultVersion ?? (previous?.kind === 'ready' ? previous.usesDefaultVersion : false);
    this.bump(endpointId);
    this.inFlight.delete(endpointId);
    this.states.set(endpointId, { kind: 'ready', info, usesDefaultVersion: usesDefault, fetchedAt: Date.now() });
    this.changed.fire(endpointId);
  }

  /** Records a failure seen elsewhere (Test connection), so the node shows it too. */
  setFailed(endpointId: string, error: unknown): void {
    this.bump(endpointId);
    this.inFlight.delete(endpointId);
    this.states.set(endpointId, { kind: 'failed', error, at: Date.now() });
    this.changed.fire(endpointId);
  }

  invalidate(endpointId?: string): void {
    if (endpointId === undefined) this.epoch++;
    else this.bump(endpointId);
    if (endpointId === undefined) {
      this.states.clear();
      this.inFlight.clear();
    } else {
      this.states.delete(endpointId);
      this.inFlight.delete(endpointId);
    }
    this.changed.fire(endpointId);
  }

  dispose(): void {
    this.changed.dispose();
  }

  private bump(endpointId: string): void {
    this.generations.set(endpointId, (this.generations.get(endpointId) ?? 0) + 1);
  }

  private stamp(endpointId: string): string {
    return `${this.epoch}.${this.generations.get(endpointId) ?? 0}`;
  }

  private async fetch(endpointId: string): Promise<EndpointVersionInfo> {
    const stamp = this.stamp(endpointId);
    // A refresh keeps showing what is known until the answer arrives, so the tree keeps its shape (and the
    // user's expanded nodes) instead of collapsing to "Reading status…" and back.
    if (this.states.get(endpointId)?.kind !== 'ready') {
      this.states.set(endpointId, { kind: 'loading' });
      this.changed.fire(endpointId);
    }
    try {
      const session = await this.open(endpointId, { purpose: 'metadata' });
      const { info, usesDefaultVersion } = await readVersionInfo(session);
      if (stamp === this.stamp(endpointId)) {
        this.states.set(endpointId, { kind: 'ready', info, usesDefaultVersion, fetchedAt: Date.now() });
        this.changed.fire(endpointId);
      }
      return info;
    } catch (error) {
      if (stamp === this.stamp(endpointId)) {
        this.states.set(endpointId, { kind: 'failed', error, at: Date.now() });
        this.changed.fire(endpointId);
      }
      throw error;
    }
  }
}

/** The version a session's URL calls: its own version, or the model's default version. */
export async function readVersionInfo(session: EndpointSession, signal?: AbortSignal): Promise<{ info: EndpointVersionInfo; usesDefaultVersion: boolean }> {
  const { api, ref } = session;
  if (ref.version !== undefined) return { info: await api.getVersion(ref, ref.version, { signal }), usesDefaultVersion: false };
  const endpoint = await api.getEndpoint(ref, { signal });
  if (endpoint.defaultVersionInfo?.versionName) return { info: endpoint.defaultVersionInfo, usesDefaultVersion: true };
  if (endpoint.defaultVersionName) return { info: await api.getVersion(ref, endpoint.defaultVersionName, { signal }), usesDefaultVersion: true };
  throw new NoDefaultVersionError();
}
