// Checks that a dataflow's `mashup.pq` and `queryMetadata.json` agree: every `shared` member has exactly one
// `queriesMetadata` entry, every entry has a member, and no two entries share a queryId. A member added to
// mashup.pq without metadata is a common way to break a dataflow. Used by the tests and the diagnostics.
import { findNodeAtLocation, type Node, parseTree } from 'jsonc-parser';
import { readMashup } from './mashup';
import { readQueryMetadata } from './queryMetadata';

export type DataflowProblem =
  | { kind: 'memberWithoutMetadata'; name: string; /** offsets of the member's name in mashup.pq */ start: number; end: number; message: string }
  | { kind: 'metadataWithoutMember'; name: string; /** offsets of the entry's key in queryMetadata.json */ start: number; end: number; message: string }
  | { kind: 'duplicateQueryId'; name: string; queryId: string; otherName: string; /** offsets of the queryId value */ start: number; end: number; message: string };

/** The problems of a mashup/metadata pair. Throws MashupError / QueryMetadataError when a file cannot be read. */
export function checkDataflow(mashupText: string, metadataText: string): DataflowProblem[] {
  const members = readMashup(mashupText).members;
  const entries = readQueryMetadata(metadataText).queriesMetadata ?? {};
  const tree = parseTree(metadataText);
  const problems: DataflowProblem[] = [];

  for (const member of members) {
    if (!Object.prototype.hasOwnProperty.call(entries, member.name)) {
      problems.push({
        kind: 'memberWithoutMetadata', name: member.name, start: member.nameStart, end: member.nameEnd,
        message: `The query "${member.name}" has no entry in queryMetadata.json: the dataflow may fail to load it.`,
      });
    }
  }
  const memberNames = new Set(members.map(m => m.name));
  const firstById = new Map<string, string>();
  for (const [name, entry] of Object.entries(entries)) {
    const key = keyNode(tree, name);
    if (!memberNames.has(name)) {
      problems.push({
        kind: 'metadataWithoutMember', name, start: key?.offset ?? 0, end: key ? key.offset + key.length : 0,
        message: `queryMetadata.json has an entry for "${name}", but mashup.pq has no query of that name.`,
      });
    }
    const queryId = typeof entry?.queryId === 'string' ? entry.queryId : undefined;
    if (!queryId) continue;
    const other = firstById.get(queryId.toLowerCase());
    if (other === undefined) {
      firstById.set(queryId.toLowerCase(), name);
      continue;
    }
    const value = tree ? findNodeAtLocation(tree, ['queriesMetadata', name, 'queryId']) : undefined;
    problems.push({
      kind: 'duplicateQueryId', name, queryId, otherName: other, start: value?.offset ?? 0, end: value ? value.offset + value.length : 0,
      message: `The queryId of "${name}" is also the queryId of "${other}": each query needs its own.`,
    });
  }
  return problems;
}

/** The key node of `queriesMetadata[name]` (its property name, for a diagnostic range). */
function keyNode(tree: Node | undefined, name: string): Node | undefined {
  const value = tree ? findNodeAtLocation(tree, ['queriesMetadata', name]) : undefined;
  return value?.parent?.children?.[0];
}
