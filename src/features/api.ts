// What activate() returns: a small, stable surface for integration tests and other extensions. It exposes
// results that are already shown to the user (redacted, no secrets), never credentials.
import * as vscode from 'vscode';
import type { ResultsFeature, ResultsPanelTestView } from './results';
import type { Services } from './services';

export interface FabricMlExtensionApi {
  readonly apiVersion: 1;
  /**
   * The results panel most recently shown: its HTML, the model it displays and its render state. Only
   * when the extension runs its tests: other extensions get undefined, since the model holds the user's rows.
   */
  lastResults(): ResultsPanelTestView | undefined;
  /** The ids of the runs kept in the extension's storage for a window reload; only when the extension runs its tests. */
  keptResults(): Promise<string[] | undefined>;
  /** IDs of the configured endpoints (definitions hold no secrets). */
  endpointIds(): string[];
  /** How long activate() took, in milliseconds. */
  readonly activationMs: number;
}

export function createExtensionApi(services: Services, activationMs: number, results: Pick<ResultsFeature, 'testView' | 'keptRunIds'>): FabricMlExtensionApi {
  const testing = () => services.context.extensionMode === vscode.ExtensionMode.Test;
  return {
    apiVersion: 1,
    activationMs,
    lastResults: () => (testing() ? results.testView() : undefined),
    keptResults: async () => (testing() ? results.keptRunIds() : undefined),
    endpointIds: () => services.endpoints.list().map(e => e.id),
  };
}
