// Fabric API tokens "as you": the signed-in Microsoft account's token, obtained through the host's account
// provider (VS Code's `microsoft` authentication provider; see src/features/shared/microsoftAccount.ts). Scopes
// are asked for when a call needs them (read to browse and read metadata, write to score or change a version),
// not at sign-in. Sits beside MsalTokenSource behind the same TokenSource interface.
import { registerSecret } from '../redact';
import { AuthError } from './authErrors';
import type { TokenSource } from './types';

/** What a call does with Fabric as the user: read (browse, metadata) or write (score, activate, scale rule). */
export type UserAccess = 'read' | 'write';

/** The user's own public client and tenant, for tenants where VS Code's client is not consented. */
export interface UserSignInSettings {
  clientId?: string;
  tenant?: string;
}

/** The account side: a bearer token for these scopes, or undefined when nobody is signed in (or declined). */
export interface AccountTokenProvider {
  getAccessToken(scopes: readonly string[], options: { interactive: boolean }): Promise<{ accessToken: string; accountLabel: string } | undefined>;
}

const FABRIC_RESOURCE = 'https://api.fabric.microsoft.com';

/** Delegated Fabric scopes per access (reference §5: MLModel.Read.All to read, MLModel.ReadWrite.All to score). */
export const FABRIC_USER_SCOPES: Readonly<Record<UserAccess, readonly string[]>> = {
  read: [`${FABRIC_RESOURCE}/Workspace.Read.All`, `${FABRIC_RESOURCE}/MLModel.Read.All`],
  write: [`${FABRIC_RESOURCE}/Workspace.Read.All`, `${FABRIC_RESOURCE}/MLModel.ReadWrite.All`],
};

/** The scopes to ask VS Code for: the Fabric scopes, plus VS Code's special client and tenant scopes when set. */
export function userScopes(access: UserAccess, settings: UserSignInSettings = {}): string[] {
  const scopes = [...FABRIC_USER_SCOPES[access]];
  const clientId = settings.clientId?.trim();
  const tenant = settings.tenant?.trim();
  if (clientId) scopes.push(`VSCODE_CLIENT_ID:${clientId}`);
  if (tenant) scopes.push(`VSCODE_TENANT:${tenant}`);
  return scopes;
}

export const SIGNED_OUT_ACTION = 'Run "Fabric ML: Sign In" (or sign in from the Fabric workspaces view), or pin the endpoint with a service principal.';

export class UserTokenSource implements TokenSource<UserAccess> {
  private readonly seen = new Set<string>();

  constructor(
    private readonly accounts: AccountTokenProvider,
    private readonly settings: UserSignInSettings,
    /** True when the user started the call: VS Code may then ask them to sign in or consent. */
    private readonly interactive: boolean,
  ) {}

  /** Distinct tokens handed out: the account provider caches, so a new token means a request to Entra. */
  get networkTokenRequests(): number {
    return this.seen.size;
  }

  async getToken(access: UserAccess, signal?: AbortSignal): Promise<string> {
    if (signal?.aborted) throw new AuthError({ kind: 'aborted', title: 'Cancelled', action: '' });
    let session: Awaited<ReturnType<AccountTokenProvider['getAccessToken']>>;
    try {
      session = await this.accounts.getAccessToken(userScopes(access, this.settings), { interactive: this.interactive });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new AuthError({ kind: 'signedOut', title: `Signing in to Microsoft did not give a Fabric token (${reason})`, action: SIGNED_OUT_ACTION });
    }
    if (!session?.accessToken) {
      throw new AuthError({ kind: 'signedOut', title: 'You are not signed in with a Microsoft account', action: SIGNED_OUT_ACTION });
    }
    registerSecret(session.accessToken);
    this.seen.add(session.accessToken);
    return session.accessToken;
  }

  clear(): void {
    this.seen.clear();
  }
}
