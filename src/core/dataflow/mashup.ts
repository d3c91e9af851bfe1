// Reads the structure of a Dataflow Gen2 `mashup.pq` (one section document) without evaluating it: the section
// attributes, the header and each `shared` member with its offsets, so edits can touch only what they change.
// Built on the M tokenizer, which skips comments and reads text literals and quoted identifiers exactly.
import { tokenizeM } from '../mcode';

export interface MashupMember {
  /** The member's name, unescaped (`#"My query"` → `My query`). */
  name: string;
  /** Offset of its attribute record (`[…]` before `shared`) or of `shared`. */
  start: number;
  /** Offset of the `shared` keyword. */
  sharedStart: number;
  /** Offset just after its terminating `;`. */
  end: number;
  /** Offsets of the name token (for diagnostics). */
  nameStart: number;
  nameEnd: number;
}

export interface MashupStructure {
  /** The section attribute record `[…]` before `section`, if any. */
  attributes?: { start: number; end: number };
  /** Offsets of the `section` keyword and just after the header's `;`. */
  sectionStart: number;
  headerEnd: number;
  sectionName: string;
  members: MashupMember[];
  /** Whether the section attributes set AllowCombine (and to which literal). */
  allowCombine?: { value: string; start: number; end: number };
  /** The line break the file uses. */
  eol: '\r\n' | '\n';
}

export class MashupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MashupError';
  }
}

/** The structure of a section document; a MashupError when it is not one. */
export function readMashup(text: string): MashupStructure {
  const tokens = tokenizeM(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const sectionIndex = tokens.findIndex(t => t.kind === 'keyword' && t.raw === 'section');
  if (sectionIndex < 0) throw new MashupError('mashup.pq is not a section document: it has no "section Section1;" header.');
  const nameToken = tokens[sectionIndex + 1];
  const semicolon = tokens.findIndex((t, i) => i > sectionIndex && t.raw === ';');
  if (semicolon < 0) throw new MashupError('The "section" header of mashup.pq has no ";".');

  const structure: MashupStructure = {
    sectionStart: tokens[sectionIndex].start,
    headerEnd: tokens[semicolon].end,
    sectionName: nameToken && nameToken.raw !== ';' ? nameToken.value : '',
    members: [],
    eol,
  };
  if (sectionIndex > 0 && tokens[0].raw === '[' && tokens[sectionIndex - 1].raw === ']') {
    structure.attributes = { start: tokens[0].start, end: tokens[sectionIndex - 1].end };
    const at = tokens.findIndex((t, i) => i < sectionIndex && t.kind === 'identifier' && t.raw === 'AllowCombine' && tokens[i + 1]?.raw === '=');
    if (at >= 0) {
      const value = tokens[at + 2];
      structure.allowCombine = { value: value.raw, start: value.start, end: value.end };
    }
  }

  let memberStart = semicolon + 1;
  while (memberStart < tokens.length) {
    const shared = tokens.findIndex((t, i) => i >= memberStart && t.kind === 'keyword' && t.raw === 'shared');
    if (shared < 0) break;
    const end = tokens.findIndex((t, i) => i > shared && t.raw === ';');
    const name = tokens[shared + 1];
    if (!name || (name.kind !== 'identifier' && name.kind !== 'quotedIdentifier')) {
      throw new MashupError(`A "shared" member of mashup.pq has no name (at offset ${tokens[shared].start}).`);
    }
    const last = end < 0 ? tokens[tokens.length - 1] : tokens[end];
    structure.members.push({
      name: name.value,
      start: tokens[memberStart].raw === '[' && memberStart < shared ? tokens[memberStart].start : tokens[shared].start,
      sharedStart: tokens[shared].start,
      end: last.end,
      nameStart: name.start,
      nameEnd: name.end,
    });
    if (end < 0) break;
    memberStart = end + 1;
  }
  return structure;
}

/** The names of the `shared` members, in order. */
export function memberNames(text: string): string[] {
  return readMashup(text).members.map(m => m.name);
}
