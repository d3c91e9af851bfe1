// Ticks off the getting-started walkthrough from what the user really did, not from a command run while the
// walkthrough happened to be open: context keys set from the stores' state (an endpoint exists, a profile has
// credentials) and the milestones features record (src/features/shared/milestones.ts).
import type * as vscode from 'vscode';
import type { Services } from '../services';
import { reached, setWalkthroughKey } from '../shared/milestones';

export function register(services: Services): vscode.Disposable[] {
  const { endpoints, credentials } = services;
  const update = async (): Promise<void> => {
    await setWalkthroughKey('hasEndpoint', endpoints.list().length > 0);
    const set = await Promise.all(credentials.profiles().map(p => credentials.has(p.id)));
    await setWalkthroughKey('hasCredentials', set.some(Boolean));
    for (const milestone of ['hasScored', 'hasInsertedM'] as const) await setWalkthroughKey(milestone, reached(services, milestone));
  };
  void update();
  return [endpoints.onDidChange(() => void update()), credentials.onDidChange(() => void update())];
}
