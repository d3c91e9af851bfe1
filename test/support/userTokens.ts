// User tokens from the fake Entra (resource-owner password grant), as a signed-in Microsoft account would
// get from VS Code's account provider, and an AccountTokenProvider over them for the user token source.
import type { AccountTokenProvider } from '../../src/core/auth/userTokenSource';
import { DEMO_TENANT_ID, DEMO_USER_NAME, DEMO_USER_PASSWORD, type FakeFabricServer } from '../../tools/fake-fabric';

/** VS Code's own public client ID (what the `microsoft` provider signs in with when no client is named). */
export const PUBLIC_CLIENT_ID = 'aebc6443-996d-45c2-90f0-388ff96faa56';

/** A user token for these scopes (VS Code's special VSCODE_* scopes are not sent to Entra). */
export async function fetchUserToken(baseUrl: string, scopes: readonly string[]): Promise<string> {
  const response = await fetch(`${baseUrl}/${DEMO_TENANT_ID}/oauth2/v2.0/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'password', client_id: PUBLIC_CLIENT_ID, username: DEMO_USER_NAME, password: DEMO_USER_PASSWORD, scope: scopes.filter(s => !s.startsWith('VSCODE_')).join(' ') }),
  });
  const body = (await response.json()) as { access_token?: string; error_description?: string };
  if (!response.ok || !body.access_token) throw new Error(body.error_description ?? `token route answered ${response.status}`);
  return body.access_token;
}

/** The account side as the tests drive it: signed in or not, and every scope list it was asked for. */
export function fakeAccount(server: FakeFabricServer): AccountTokenProvider & { signedIn: boolean; requests: Array<{ scopes: string[]; interactive: boolean }> } {
  const account = {
    signedIn: true,
    requests: [] as Array<{ scopes: string[]; interactive: boolean }>,
    async getAccessToken(scopes: readonly string[], options: { interactive: boolean }) {
      account.requests.push({ scopes: [...scopes], interactive: options.interactive });
      if (!account.signedIn) return undefined;
      return { accessToken: await fetchUserToken(server.url, scopes), accountLabel: DEMO_USER_NAME };
    },
  };
  return account;
}
