// Puts generated queries into a dataflow's `mashup.pq`: a member of the same name is replaced (from `shared` to
// its `;`, so its own attributes stay), new ones are appended after the last member, and the section gets
// `AllowCombine = true`. Everything else — the user's queries, their attributes, comments, formatting and line
// breaks — is left as it is, so running it twice leaves one copy.
import { isParameterQuery, type MQuery, renderMember } from '../mcode/mQueries';
import { readMashup } from './mashup';

/** A replacement of `length` characters at `offset` (the shape jsonc-parser uses). */
export interface TextEdit {
  offset: number;
  length: number;
  content: string;
}

/** Applies non-overlapping edits (in any order) to `text`. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.offset - a.offset)) {
    out = out.slice(0, edit.offset) + edit.content + out.slice(edit.offset + edit.length);
  }
  return out;
}

/** One edit covering what differs between `before` and `after` (an empty list when they are equal). */
export function differenceEdit(before: string, after: string): TextEdit[] {
  if (before === after) return [];
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (end < before.length - start && end < after.length - start && before[before.length - 1 - end] === after[after.length - 1 - end]) end++;
  return [{ offset: start, length: before.length - start - end, content: after.slice(start, after.length - end) }];
}

export interface MashupInsertion {
  edits: TextEdit[];
  text: string;
  added: string[];
  replaced: string[];
  /**
   * Replaced members this extension did not write (their first line is not the one it writes for that name): the
   * user's own queries, which are replaced only when the user says so.
   */
  replacedUserQueries: string[];
  /** Credential parameters the dataflow already has (the user set their values): left as they are. */
  kept: string[];
  /** True when the section attributes were changed to allow combining sources. */
  allowCombineSet: boolean;
}

/** The edits that add or replace `queries` in the section document `text`. Throws MashupError for a non-section. */
export function insertQueriesIntoMashup(text: string, queries: readonly MQuery[]): MashupInsertion {
  const mashup = readMashup(text);
  const eol = mashup.eol;
  const withEol = (value: string) => value.replace(/\r?\n/g, eol);
  const edits: TextEdit[] = [];

  if (!mashup.attributes) {
    edits.push({ offset: mashup.sectionStart, length: 0, content: `[AllowCombine = true]${eol}` });
  } else if (!mashup.allowCombine) {
    const inner = text.slice(mashup.attributes.start + 1, mashup.attributes.end - 1);
    edits.push({ offset: mashup.attributes.start + 1, length: 0, content: inner.trim() ? 'AllowCombine = true, ' : 'AllowCombine = true' });
  } else if (mashup.allowCombine.value !== 'true') {
    edits.push({ offset: mashup.allowCombine.start, length: mashup.allowCombine.end - mashup.allowCombine.start, content: 'true' });
  }
  const allowCombineSet = edits.length > 0;

  const byName = new Map(mashup.members.map(m => [m.name, m]));
  const added: string[] = [];
  const replaced: string[] = [];
  const replacedUserQueries: string[] = [];
  const kept: string[] = [];
  const appended: string[] = [];
  for (const query of queries) {
    const member = byName.get(query.name);
    const rendered = withEol(renderMember(query));
    const memberText = member && text.slice(member.sharedStart, member.end);
    if (member && memberText && query.keepValue && isParameterQuery(memberText) && isParameterQuery(query.expression)) {
      kept.push(query.name);
    } else if (member && memberText !== undefined) {
      replaced.push(query.name);
      if (!writtenByUs(memberText, query)) replacedUserQueries.push(query.name);
      if (text.slice(member.sharedStart, member.end) !== rendered) {
        edits.push({ offset: member.sharedStart, length: member.end - member.sharedStart, content: rendered });
      }
    } else {
      added.push(query.name);
      appended.push(rendered);
    }
  }
  if (appended.length) {
    const after = mashup.members.length ? mashup.members[mashup.members.length - 1].end : mashup.headerEnd;
    edits.push({ offset: after, length: 0, content: eol + eol + appended.join(eol + eol) });
  }
  return { edits, text: applyTextEdits(text, edits), added, replaced, replacedUserQueries, kept, allowCombineSet };
}

/** How a generated apply query's comment starts: it scores a source query, or is an example with an empty table. */
const APPLY_QUERY_STARTS = ['// The rows of ', '// Example: replace the empty table'];

/**
 * Whether a member looks like one this extension wrote for `query`'s name, and may be replaced without asking: a
 * parameter query for a parameter; else the same first line of its expression (each generated function starts
 * with a comment of its own, the same for every endpoint; the apply query's names the source and endpoint, so only
 * its start is compared).
 */
function writtenByUs(memberText: string, query: MQuery): boolean {
  if (query.role === 'parameter' && isParameterQuery(query.expression)) return isParameterQuery(memberText);
  const firstLine = (text: string) => text.replace(/^\s*shared\s+(?:#"(?:[^"]|"")*"|[^\s=]+)\s*=\s*/, '').trimStart().split(/\r?\n/, 1)[0].trim();
  const existing = firstLine(memberText);
  const generated = firstLine(renderMember(query));
  if (query.role === 'query') return APPLY_QUERY_STARTS.some(start => existing.startsWith(start));
  return existing === generated;
}
