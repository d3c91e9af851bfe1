// A Microsoft account for tests, without a real one: an AuthenticationProvider registered by the suite that
// signs in to the fake Entra (resource-owner password grant) and hands out user tokens with the requested
// Fabric scopes. The extension is pointed at it through FABRIC_ML_TEST_ACCOUNT_PROVIDER, which it honours only
// in ExtensionMode.Test / Development.
import * as vscode from 'vscode';
import { DEMO_USER_NAME } from '../../tools/fake-fabric';
import { fetchUserToken } from '../support/userTokens';

export const TEST_PROVIDER_ID = 'fabricMl.testAccount';
export const TEST_PROVIDER_LABEL = 'Fabric ML Test Account';

export interface TestAccount extends vscode.Disposable {
  /** Signs out as VS Code's Accounts menu would: the session is removed and the change announced. */
  signOut(): Promise<void>;
  /** Every scope list the extension asked for (getSessions/createSession), in order. */
  readonly requestedScopes: string[][];
}

export function registerTestAccount(fakeBaseUrl: () => string): TestAccount {
  const changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  let signedIn = false;
  const requestedScopes: string[][] = [];
  const sessions = new Map<string, vscode.AuthenticationSession>();
  const account = { id: 'test-account', label: DEMO_USER_NAME };
  const sessionFor = async (scopes: readonly string[]): Promise<vscode.AuthenticationSession> => {
    const key = [...scopes].sort().join(' ');
    let session = sessions.get(key);
    if (!session) {
      session = { id: `session-${sessions.size + 1}`, accessToken: await fetchUserToken(fakeBaseUrl(), scopes), account, scopes: [...scopes] };
      sessions.set(key, session);
    }
    return session;
  };
  const provider: vscode.AuthenticationProvider = {
    onDidChangeSessions: changed.event,
    async getSessions(scopes) {
      if (scopes) requestedScopes.push([...scopes]);
      return signedIn && scopes ? [await sessionFor(scopes)] : [];
    },
    async createSession(scopes) {
      requestedScopes.push([...scopes]);
      signedIn = true;
      const session = await sessionFor(scopes);
      changed.fire({ added: [session], removed: [], changed: [] });
      return session;
    },
    async removeSession() {
      await signOut();
    },
  };
  const signOut = async (): Promise<void> => {
    signedIn = false;
    const removed = [...sessions.values()];
    sessions.clear();
    changed.fire({ added: [], removed, changed: [] });
  };
  const registration = vscode.authentication.registerAuthenticationProvider(TEST_PROVIDER_ID, TEST_PROVIDER_LABEL, provider, { supportsMultipleAccounts: false });
  process.env.FABRIC_ML_TEST_ACCOUNT_PROVIDER = TEST_PROVIDER_ID;
  return {
    signOut,
    requestedScopes,
    dispose() {
      delete process.env.FABRIC_ML_TEST_ACCOUNT_PROVIDER;
      registration.dispose();
      changed.dispose();
    },
  };
}
