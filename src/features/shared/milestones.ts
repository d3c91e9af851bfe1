// Milestones of the getting-started walkthrough that only a feature sees happen (rows scored, M inserted): kept
// in global state once reached and mirrored into context keys that the walkthrough's steps complete on.
import * as vscode from 'vscode';
import type { Services } from '../services';

export type Milestone = 'hasScored' | 'hasInsertedM';

export const WALKTHROUGH_KEY_PREFIX = 'fabricMl.walkthrough.';

export async function recordMilestone(services: Services, milestone: Milestone): Promise<void> {
  if (!reached(services, milestone)) await services.context.globalState.update(WALKTHROUGH_KEY_PREFIX + milestone, true);
  await setWalkthroughKey(milestone, true);
}

export function reached(services: Services, milestone: Milestone): boolean {
  return services.context.globalState.get<boolean>(WALKTHROUGH_KEY_PREFIX + milestone) === true;
}

export function setWalkthroughKey(name: string, value: boolean): Thenable<unknown> {
  return vscode.commands.executeCommand('setContext', WALKTHROUGH_KEY_PREFIX + name, value);
}
