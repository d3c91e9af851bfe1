// Composition root: builds the shared services and lets each surface register itself. No logic here.
import type * as vscode from 'vscode';
import { createServices } from './features/shared/createServices';
import * as explorer from './features/explorer';
import * as credentials from './features/credentials';
import * as connection from './features/connection';
import * as scoring from './features/scoring';
import * as results from './features/results';
import * as mcode from './features/mcode';
import * as output from './features/output';
import * as demo from './features/demo';
import * as dataflowDeploy from './features/dataflowDeploy';
import * as walkthrough from './features/walkthrough';
import * as fabricBrowser from './features/fabricBrowser';
import { createExtensionApi, type FabricMlExtensionApi } from './features/api';

export function activate(context: vscode.ExtensionContext): FabricMlExtensionApi {
  const started = performance.now();
  const { services, disposables } = createServices(context);
  const resultsFeature = results.createResultsFeature(services);
  context.subscriptions.push(
    ...disposables,
    ...output.register(services),
    ...credentials.register(services),
    ...explorer.register(services),
    ...fabricBrowser.register(services),
    ...connection.register(services),
    ...resultsFeature.disposables,
    ...scoring.register(services, resultsFeature.presenter),
    ...mcode.register(services),
    ...demo.register(services),
    ...dataflowDeploy.register(services, resultsFeature.presenter),
    ...walkthrough.register(services),
  );
  // Reported, not asserted: DESIGN.md budgets activate() at 50 ms; the activation test prints this line.
  const activationMs = performance.now() - started;
  services.log.info(`Activated in ${activationMs.toFixed(1)} ms`);
  return createExtensionApi(services, activationMs, resultsFeature);
}

export function deactivate(): void {
  // Every Disposable is owned by context.subscriptions; nothing else to release.
}
