// Checks that a dataflow's `mashup.pq` and `queryMetadata.json` agree: every `shared` member has exactly one
// `queriesMetadata` entry, every entry has a member, and no two entries share a queryId. A member added to
// mashup.pq without metadata is a common way to break a dataflow. Used by the tests and the diagnostics.
import { findNodeAtLocation, modify, type Node, parseTree } from 'jsonc-parser';
import type { MQueryRole } from '../mcode/mQueries';
import { readMashup } from './mashup';
import type { TextEdit } from './mashupEdit';
import { addQueryMetadata, formattingOf, readQueryMetadata, uniqueId } from './queryMetadata';

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

/** What a quick fix changes: edits to queryMetadata.json (every fix is made there; mashup.pq is the user's M). */
export interface DataflowFix {
  title: string;
  metadataEdits: TextEdit[];
}

/** The quick fix of a problem found by checkDataflow on the same texts. */
export function fixDataflowProblem(problem: DataflowProblem, mashupText: string, metadataText: string): DataflowFix {
  const formattingOptions = formattingOf(metadataText);
  switch (problem.kind) {
    case 'memberWithoutMetadata': {
      const member = readMashup(mashupText).members.find(m => m.name === problem.name);
      const role = member ? memberRole(mashupText.slice(member.sharedStart, member.end)) : 'query';
      return { title: `Add an entry for "${problem.name}" to queryMetadata.json`, metadataEdits: addQueryMetadata(metadataText, [{ name: problem.name, role }]).edits };
    }
    case 'metadataWithoutMember':
      return {
        title: `Remove the entry for "${problem.name}" from queryMetadata.json`,
        metadataEdits: modify(metadataText, ['queriesMetadata', problem.name], undefined, { formattingOptions }),
      };
    case 'duplicateQueryId': {
      const entries = readQueryMetadata(metadataText).queriesMetadata ?? {};
      const used = new Set(Object.values(entries).map(e => String(e?.queryId ?? '').toLowerCase()));
      return {
        title: `Give "${problem.name}" a queryId of its own`,
        metadataEdits: modify(metadataText, ['queriesMetadata', problem.name, 'queryId'], uniqueId(problem.name, used), { formattingOptions }),
      };
    }
  }
}

/** A member's role from its text: a parameter query, a function, or a query that produces a table. */
export function memberRole(memberText: string): MQueryRole {
  if (/\bmeta\s*\[[^\]]*\bIsParameterQuery\s*=\s*true/.test(memberText)) return 'parameter';
  const expression = memberText.replace(/^shared\s+(?:#"(?:[^"]|"")*"|[^\s=]+)\s*=/, '').replace(/^(?:\s*\/\/[^\n]*\n|\s+)*/, '');
  return expression.startsWith('(') && /=>/.test(expression) ? 'function' : 'query';
}
