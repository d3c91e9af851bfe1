// Local origins the user approved to receive a bearer token. `fabricMl.allowLoopbackEndpoints` is an ordinary
// user setting that any extension can write, so on its own it cannot be what lets a token go to a port on this
// machine: the user approves each exact origin in a modal dialog, and the approvals live in this extension's
// global state, which no other extension can write. Argument-object calls never approve an origin.
import * as vscode from 'vscode';
import type { LoopbackApprovals } from '../services';

const KEY = 'fabricMl.approvedLoopbackOrigins';

export class GlobalStateLoopbackApprovals implements LoopbackApprovals, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  /** One dialog per origin at a time: concurrent callers share its answer. */
  private readonly asking = new Map<string, Promise<boolean>>();

  constructor(
    private readonly state: vscode.Memento,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  list(): string[] {
    const value = this.state.get<unknown>(KEY);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  }

  isApproved(origin: string): boolean {
    return this.list().includes(origin);
  }

  ask(origin: string, endpointName: string): Promise<boolean> {
    if (this.isApproved(origin)) return Promise.resolve(true);
    let pending = this.asking.get(origin);
    if (!pending) {
      pending = this.askUser(origin, endpointName).finally(() => this.asking.delete(origin));
      this.asking.set(origin, pending);
    }
    return pending;
  }

  async revoke(origin: string): Promise<void> {
    await this.state.update(KEY, this.list().filter(o => o !== origin));
    this.changed.fire();
  }

  async grantForDemo(origin: string): Promise<void> {
    if (this.isApproved(origin)) return;
    await this.state.update(KEY, [...this.list(), origin]);
    this.changed.fire();
  }

  dispose(): void {
    this.changed.dispose();
  }

  private async askUser(origin: string, endpointName: string): Promise<boolean> {
    const approve = 'Approve and Send';
    // A dialog that cannot be shown (VS Code's smoke-test mode rejects it) counts as not approved.
    const choice = await Promise.resolve(vscode.window.showWarningMessage(
      `Send your Fabric token to ${origin}?`,
      {
        modal: true,
        detail:
          `"${endpointName}" calls ${origin}, a local address on this machine, not Fabric. Any program listening there ` +
          'receives a bearer token that can call Fabric as your service principal. Approve only if you started a test ' +
          'server there yourself. You can revoke it with "Fabric ML: Revoke Local Address Approval".',
      },
      approve,
    )).catch(() => undefined);
    this.log.info(`Asked whether ${origin} may receive your Fabric token: ${choice === approve ? 'approved' : 'declined'}.`);
    if (choice !== approve) return false;
    await this.state.update(KEY, [...new Set([...this.list(), origin])]);
    this.changed.fire();
    return true;
  }
}
