// `npm run demo` signs in with the fake server's Microsoft account: in development mode only, and only when
// the demo launcher passed FABRIC_ML_DEMO_ACCOUNT, an authentication provider "Fabric ML demo account" gets user
// tokens from the local fake Entra (the authority the user settings name, which must be a loopback address)
// and the extension is pointed at it. Never in normal use: a workspace or setting cannot turn it on.
import * as vscode from 'vscode';
import { isLoopbackHost } from '../../core/endpoints/endpointUrl';
import { registerSecret } from '../../core/redact';
import type { Services } from '../services';
import { TEST_ACCOUNT_PROVIDER_ENV } from '../shared/microsoftAccount';
import { authSettings } from '../shared/settings';

const DEMO_PROVIDER_ID = 'fabricMl.demoAccount';

interface DemoAccount {
  tenantId: string;
  userName: string;
  password: string;
}

export function registerDemoAccount(services: Services): vscode.Disposable[] {
  const raw = process.env.FABRIC_ML_DEMO_ACCOUNT;
  if (!raw || services.context.extensionMode !== vscode.ExtensionMode.Development) return [];
  let demo: DemoAccount;
  try {
    demo = JSON.parse(raw) as DemoAccount;
  } catch {
    services.log.warn('Demo: FABRIC_ML_DEMO_ACCOUNT is not JSON; the demo account is not offered.');
    return [];
  }
  registerSecret(demo.password);
  const changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  const sessions = new Map<string, vscode.AuthenticationSession>();
  let signedIn = false;
  const sessionFor = async (scopes: readonly string[]): Promise<vscode.AuthenticationSession> => {
    const key = [...scopes].sort().join(' ');
    const known = sessions.get(key);
    if (known) return known;
    const session = { id: `demo-${sessions.size + 1}`, accessToken: await demoToken(demo, scopes), account: { id: demo.userName, label: demo.userName }, scopes: [...scopes] };
    sessions.set(key, session);
    return session;
  };
  const provider: vscode.AuthenticationProvider = {
    onDidChangeSessions: changed.event,
    getSessions: async scopes => (signedIn && scopes ? [await sessionFor(scopes)] : []),
    createSession: async scopes => {
      signedIn = true;
      const session = await sessionFor(scopes);
      changed.fire({ added: [session], removed: [], changed: [] });
      return session;
    },
    removeSession: async () => {
      signedIn = false;
      const removed = [...sessions.values()];
      sessions.clear();
      changed.fire({ added: [], removed, changed: [] });
    },
  };
  process.env[TEST_ACCOUNT_PROVIDER_ENV] = DEMO_PROVIDER_ID;
  services.log.info(`Demo: "Sign In" uses the local fake server's account ${demo.userName}.`);
  return [vscode.authentication.registerAuthenticationProvider(DEMO_PROVIDER_ID, 'Fabric ML demo account (local fake server)', provider), changed];
}

/** A user token from the fake Entra the settings point at (loopback only: the password is the fake's own). */
async function demoToken(demo: DemoAccount, scopes: readonly string[]): Promise<string> {
  const authority = authSettings().customAuthorityHost ?? '';
  if (!authority || !isLoopbackHost(new URL(authority).hostname)) throw new Error('The demo account signs in only to the local fake server.');
  const response = await fetch(`${new URL(authority).origin}/${encodeURIComponent(demo.tenantId)}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: 'aebc6443-996d-45c2-90f0-388ff96faa56', username: demo.userName, password: demo.password, scope: scopes.filter(s => !s.startsWith('VSCODE_')).join(' ') }),
    redirect: 'error',
  });
  const body = (await response.json()) as { access_token?: string };
  if (!response.ok || !body.access_token) throw new Error(`The fake server refused the demo account (HTTP ${response.status}).`);
  registerSecret(body.access_token);
  return body.access_token;
}
