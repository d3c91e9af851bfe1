// Edits a dataflow's `queryMetadata.json` with jsonc-parser so its formatting survives: adds one
// `queriesMetadata` entry per new query (stable queryId, loadEnabled false for parameters and functions, the
// "Fabric ML" query group), leaves existing entries and `formatVersion` untouched, and keeps queryIds unique.
import { createHash } from 'crypto';
import { applyEdits, type FormattingOptions, modify, parse, type ParseError, printParseErrorCode } from 'jsonc-parser';
import type { MQueryRole } from '../mcode/mQueries';
import { differenceEdit, type TextEdit } from './mashupEdit';

export const QUERY_GROUP_NAME = 'Fabric ML';

export interface QueryMetadataEntry {
  queryId?: string;
  queryName?: string;
  loadEnabled?: boolean;
  queryGroupId?: string;
  [key: string]: unknown;
}

export interface QueryMetadataDocument {
  formatVersion?: string;
  name?: string;
  queryGroups?: Array<{ id?: string; name?: string }>;
  queriesMetadata?: Record<string, QueryMetadataEntry>;
  [key: string]: unknown;
}

export class QueryMetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueryMetadataError';
  }
}

/** The parsed document; a QueryMetadataError naming the first syntax error. */
export function readQueryMetadata(text: string): QueryMetadataDocument {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: false, disallowComments: true }) as unknown;
  if (errors.length) {
    const line = text.slice(0, errors[0].offset).split('\n').length;
    throw new QueryMetadataError(`queryMetadata.json is not valid JSON (${printParseErrorCode(errors[0].error)} on line ${line}).`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new QueryMetadataError('queryMetadata.json does not hold a JSON object.');
  return value as QueryMetadataDocument;
}

/** A GUID derived from `seed`, so the same query gets the same queryId every time it is generated. */
export function stableGuid(seed: string): string {
  const hex = createHash('sha256').update(`fabric-ml-endpoints/${seed}`).digest('hex');
  // Shaped like a version-5 (name-based) UUID: version nibble 5, variant bits 10.
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Indentation and line breaks as the file already has them. */
export function formattingOf(text: string): FormattingOptions {
  const indent = /\n([ \t]+)\S/.exec(text)?.[1] ?? '  ';
  return { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 4 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}

export interface MetadataQuery {
  name: string;
  role: MQueryRole;
}

export interface MetadataInsertion {
  edits: TextEdit[];
  text: string;
  added: string[];
}

/** Adds entries for the queries that have none; existing entries are left exactly as they are. */
export function addQueryMetadata(text: string, queries: readonly MetadataQuery[]): MetadataInsertion {
  const document = readQueryMetadata(text);
  const formattingOptions = formattingOf(text);
  const entries = document.queriesMetadata ?? {};
  const usedIds = new Set(Object.values(entries).map(e => String(e?.queryId ?? '').toLowerCase()));
  let out = text;
  const set = (path: Array<string | number>, value: unknown, isArrayInsertion = false) => {
    out = applyEdits(out, modify(out, path, value, { formattingOptions, isArrayInsertion }));
  };

  const missing = queries.filter(q => !Object.prototype.hasOwnProperty.call(entries, q.name));
  if (missing.length === 0) return { edits: [], text, added: [] };

  const groups = Array.isArray(document.queryGroups) ? document.queryGroups : undefined;
  let groupId = groups?.find(g => g?.name === QUERY_GROUP_NAME)?.id;
  if (!groupId) {
    groupId = stableGuid(`group/${QUERY_GROUP_NAME}`);
    const group = { id: groupId, name: QUERY_GROUP_NAME };
    if (groups) set(['queryGroups', groups.length], group, true);
    else set(['queryGroups'], [group]);
  }
  for (const query of missing) {
    const entry: QueryMetadataEntry = { queryId: uniqueId(query.name, usedIds), queryName: query.name };
    // Parameters and functions produce no table: they must not be loaded or staged.
    if (query.role !== 'query') entry.loadEnabled = false;
    entry.queryGroupId = groupId;
    set(document.queriesMetadata ? ['queriesMetadata', query.name] : ['queriesMetadata'], document.queriesMetadata ? entry : { [query.name]: entry });
    if (!document.queriesMetadata) document.queriesMetadata = {};
  }
  return { edits: differenceEdit(text, out), text: out, added: missing.map(q => q.name) };
}

/** A queryId for `name` that no entry uses yet (the stable one unless it is taken). */
export function uniqueId(name: string, usedIds: Set<string>): string {
  let id = stableGuid(`query/${name}`);
  for (let attempt = 1; usedIds.has(id.toLowerCase()); attempt++) id = stableGuid(`query/${name}/${attempt}`);
  usedIds.add(id.toLowerCase());
  return id;
}
