// The endpoint store every feature sees: the endpoints configured in settings, plus the versions the user
// browsed in the Fabric workspaces view. A browsed version is known by id only for this window (never written
// to settings until the user pins it), so Score, Test connection, Insert M, Activate/Deactivate and auto-sleep
// work on it through the same `{ endpointId }`, picker and openSession() as on a configured endpoint.
import type * as vscode from 'vscode';
import type { EndpointDefinition, EndpointRef } from '../../core/endpoints/model';
import type { EndpointOrigin, EndpointStore } from '../services';
import type { SettingsEndpointStore } from './endpointStore';

export class EndpointStoreWithBrowsed implements EndpointStore, vscode.Disposable {
  private readonly browsed = new Map<string, EndpointDefinition>();
  readonly onDidChange: vscode.Event<void>;

  constructor(private readonly configured: SettingsEndpointStore) {
    this.onDidChange = configured.onDidChange;
  }

  /** The configured endpoints (the Endpoint Explorer's list); browsed versions have their own view. */
  list(): EndpointDefinition[] {
    return this.configured.list();
  }

  get(id: string): EndpointDefinition | undefined {
    return this.configured.get(id) ?? this.browsed.get(id);
  }

  origin(id: string): EndpointOrigin | undefined {
    return this.configured.origin(id);
  }

  isRestricted(id: string): boolean {
    return this.configured.isRestricted(id);
  }

  add(def: EndpointDefinition, target?: vscode.ConfigurationTarget): Promise<void> {
    return this.configured.add(def, target);
  }

  update(def: EndpointDefinition): Promise<void> {
    return this.configured.update(def);
  }

  remove(id: string): Promise<void> {
    return this.configured.remove(id);
  }

  refFor(def: EndpointDefinition): EndpointRef {
    return this.configured.refFor(def);
  }

  addBrowsed(def: EndpointDefinition): void {
    this.browsed.set(def.id, { ...def, identity: 'user' });
  }

  isBrowsed(id: string): boolean {
    return !this.configured.get(id) && this.browsed.has(id);
  }

  dispose(): void {
    this.configured.dispose();
  }
}
