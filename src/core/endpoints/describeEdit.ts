// The confirmation a user sees after editing an endpoint: what changed, in their words.
import type { EndpointDefinition } from './model';

/** What an edit changed, in words ("batch size 100 → 250"), or "nothing changed". */
export function describeEdit(before: EndpointDefinition, after: EndpointDefinition, label: (profileId: string) => string): string {
  const changes: string[] = [];
  if (before.name !== after.name) changes.push(`renamed from "${before.name}"`);
  if (before.scoreUrl !== after.scoreUrl) changes.push(`score URL changed to ${after.scoreUrl}`);
  if (before.profileId !== after.profileId) changes.push(`now calls as "${label(after.profileId)}" instead of "${label(before.profileId)}"`);
  if (before.batchSize !== after.batchSize) {
    const size = (n: number | undefined): string => (n === undefined ? 'the fabricMl.scoring.batchSize setting' : String(n));
    changes.push(`batch size ${size(before.batchSize)} → ${size(after.batchSize)}`);
  }
  return changes.length ? changes.join(', ') : 'nothing changed';
}

