// `npm run demo` (and the desktop "Run Extension (demo)" launch) start the extension in development mode
// with the fake server's service principal in FABRIC_ML_DEMO_CREDENTIALS, so the demo opens ready to call the
// local fake endpoint. Only in development mode; the value is never logged. Stored credentials are bound
// to the authority the settings name, so the demo credentials are stored again when the user points the
// authority settings at the fake server after the window opened.
import * as vscode from 'vscode';
import { isLoopbackHost } from '../../core/endpoints/endpointUrl';
import type { ServicePrincipalCredentials } from '../../core/endpoints/model';
import type { Services } from '../services';
import { authorityToBind } from '../shared/credentialStore';
import { affectsConnection } from '../shared/settings';

const DEMO_PROFILE = 'default';

export function register(services: Services): vscode.Disposable[] {
  const raw = process.env.FABRIC_ML_DEMO_CREDENTIALS;
  if (!raw || services.context.extensionMode !== vscode.ExtensionMode.Development) return [];
  void seed(services, raw);
  return [vscode.workspace.onDidChangeConfiguration(e => { if (affectsConnection(e)) void seed(services, raw); })];
}

async function seed(services: Services, raw: string): Promise<void> {
  try {
    const parsed = JSON.parse(raw) as Partial<ServicePrincipalCredentials>;
    if (!parsed.tenantId || !parsed.clientId || !parsed.clientSecret) return;
    const authority = authorityToBind();
    // The demo service principal is the fake server's: never bind it to a real sign-in authority.
    if (!isLoopbackHost(new URL(authority).hostname)) return;
    // The fake server answers Entra and Fabric on one origin: the demo's own command approved it.
    await services.loopbackApprovals.grantForDemo(new URL(authority).origin);
    const stored = await services.credentials.stored(DEMO_PROFILE);
    const isDemo = stored?.credentials.clientId === parsed.clientId && stored.credentials.tenantId === parsed.tenantId;
    // Never overwrite the user's own credentials; only store (or re-bind) the demo service principal.
    if (stored && (!isDemo || stored.authority === authority)) return;
    await services.credentials.set(DEMO_PROFILE, { tenantId: parsed.tenantId, clientId: parsed.clientId, clientSecret: parsed.clientSecret }, 'Demo service principal (local fake server)');
    services.log.info(`Demo: stored the local fake server's service principal for profile "${DEMO_PROFILE}" (authority ${authority}).`);
  } catch (e) {
    services.log.warn(`Demo: could not store the demo credentials (${e instanceof Error ? e.name : 'error'}).`);
  }
}
