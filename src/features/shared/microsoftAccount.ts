// The signed-in Microsoft account, through VS Code's own authentication provider (`microsoft`, or
// `microsoft-sovereign-cloud` for the US Government and China clouds). Fabric scopes are asked for when a call
// needs them; sign-in itself asks only for the read scopes. Sign-out in VS Code's Accounts menu reaches us
// through onDidChangeSessions. Tests and the demo point this at their own provider, which is honoured only when
// the extension runs in test or development mode (never from settings or a workspace).
import * as vscode from 'vscode';
import { accountProviderFor } from '../../core/auth/clouds';
import { userScopes } from '../../core/auth/userTokenSource';
import type { MicrosoftAccount, SignedInAccount } from '../services';
import { authSettings, signInSettings } from './settings';

/** Environment variable naming a replacement provider id; read only in ExtensionMode.Test / Development. */
export const TEST_ACCOUNT_PROVIDER_ENV = 'FABRIC_ML_TEST_ACCOUNT_PROVIDER';

/** The context key menus and welcome content test: `fabricMl.signedIn`. */
const SIGNED_IN_KEY = 'fabricMl.signedIn';

export class VsCodeMicrosoftAccount implements MicrosoftAccount, vscode.Disposable {
  private account: SignedInAccount | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscription: vscode.Disposable;
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly mode: vscode.ExtensionMode,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscription = vscode.authentication.onDidChangeSessions(e => {
      if (e.provider.id === this.providerId) void this.refresh();
    });
    void vscode.commands.executeCommand('setContext', SIGNED_IN_KEY, false);
  }

  get current(): SignedInAccount | undefined {
    return this.account;
  }

  get providerId(): string {
    const override = this.mode !== vscode.ExtensionMode.Production ? process.env[TEST_ACCOUNT_PROVIDER_ENV]?.trim() : undefined;
    return override || accountProviderFor(authSettings().cloud);
  }

  async signIn(): Promise<SignedInAccount | undefined> {
    const session = await vscode.authentication.getSession(this.providerId, userScopes('read', signInSettings()), { createIfNone: true });
    this.update(session);
    return this.account;
  }

  async refresh(): Promise<void> {
    try {
      this.update(await vscode.authentication.getSession(this.providerId, userScopes('read', signInSettings()), { silent: true }));
    } catch (error) {
      this.log.warn(`Microsoft account: could not read the sign-in state (${error instanceof Error ? error.message : String(error)}).`);
      this.update(undefined);
    }
  }

  async getAccessToken(scopes: readonly string[], options: { interactive: boolean }): Promise<{ accessToken: string; accountLabel: string } | undefined> {
    const session = await vscode.authentication.getSession(this.providerId, [...scopes], options.interactive ? { createIfNone: true } : { silent: true });
    // No session even silently: the account was signed out (the view follows).
    this.update(session);
    return session ? { accessToken: session.accessToken, accountLabel: session.account.label } : undefined;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }

  private update(session: vscode.AuthenticationSession | undefined): void {
    const next = session ? { label: session.account.label } : undefined;
    if (next?.label === this.account?.label) return;
    this.account = next;
    this.log.info(next ? `Signed in to Microsoft as ${next.label} (provider ${this.providerId}).` : 'Not signed in to Microsoft.');
    void vscode.commands.executeCommand('setContext', SIGNED_IN_KEY, next !== undefined);
    this.changed.fire();
  }
}
