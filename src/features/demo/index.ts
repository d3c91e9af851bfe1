// `npm run demo` starts the extension in development mode with the fake server's service principal in
// FABRIC_ML_DEMO_CREDENTIALS, so the demo opens ready to call the local fake endpoint. Only in development
// mode, only when the default profile has no credentials yet, and the value is never logged.
import * as vscode from 'vscode';
import type { ServicePrincipalCredentials } from '../../core/endpoints/model';
import type { Services } from '../services';

export function register(services: Services): vscode.Disposable[] {
  const raw = process.env.FABRIC_ML_DEMO_CREDENTIALS;
  if (!raw || services.context.extensionMode !== vscode.ExtensionMode.Development) return [];
  void seed(services, raw);
  return [];
}

async function seed(services: Services, raw: string): Promise<void> {
  try {
    if (await services.credentials.has('default')) return;
    const parsed = JSON.parse(raw) as Partial<ServicePrincipalCredentials>;
    if (!parsed.tenantId || !parsed.clientId || !parsed.clientSecret) return;
    await services.credentials.set('default', { tenantId: parsed.tenantId, clientId: parsed.clientId, clientSecret: parsed.clientSecret }, 'Demo service principal (local fake server)');
    services.log.info('Demo: stored the local fake server\'s service principal for profile "default".');
  } catch (e) {
    services.log.warn(`Demo: could not store the demo credentials (${e instanceof Error ? e.name : 'error'}).`);
  }
}
