// A Dataflow Gen2 definition as the REST API carries it: parts (`mashup.pq`, `queryMetadata.json`, `.platform`)
// with base64 payloads. updateDefinition replaces the whole definition, so a deploy reads it first and changes
// only the two files it must, with the same merge rules as the local insert (idempotent, other queries and
// their metadata untouched, one metadata entry per new query); every other part goes back byte for byte.
import { addQueryMetadata, insertQueriesIntoMashup, readMashup } from '../dataflow';
import { type MQuery, renderSection } from '../mcode/mQueries';

export const MASHUP_PART = 'mashup.pq';
export const METADATA_PART = 'queryMetadata.json';
/** The only format Fabric accepts in queryMetadata.json today. */
export const QUERY_METADATA_FORMAT = '202502';

export interface DefinitionPart {
  path: string;
  payload: string;
  payloadType: 'InlineBase64' | (string & {});
}

export interface DataflowDefinition {
  format?: string;
  parts: DefinitionPart[];
}

export class DefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionError';
  }
}

export function encodePart(path: string, text: string): DefinitionPart {
  return { path, payload: Buffer.from(text, 'utf8').toString('base64'), payloadType: 'InlineBase64' };
}

/** The text of a part, or undefined when the definition has none of that path. */
export function partText(definition: DataflowDefinition, path: string): string | undefined {
  const part = definition.parts.find(p => p.path === path);
  if (!part) return undefined;
  if (part.payloadType !== 'InlineBase64') throw new DefinitionError(`The part ${path} is not InlineBase64 (${part.payloadType}).`);
  return Buffer.from(part.payload, 'base64').toString('utf8');
}

export interface DefinitionMerge {
  definition: DataflowDefinition;
  mashupBefore: string;
  mashupAfter: string;
  added: string[];
  replaced: string[];
  metadataAdded: string[];
  /** Parameters the dataflow already had, left with their values. */
  kept: string[];
  /** False when the dataflow already held exactly these queries: nothing to write. */
  changed: boolean;
}

/**
 * The definition with `queries` merged into its mashup and metadata; every other part kept as it was. The rule of a
 * local insert applies (insertQueriesIntoMashup): the credential parameters the dataflow already has keep the values
 * set in Fabric's Manage parameters; the others (workspace, model, version, batch sizes) follow what is deployed.
 */
export function mergeQueriesIntoDefinition(current: DataflowDefinition, generated: readonly MQuery[]): DefinitionMerge {
  const mashupBefore = partText(current, MASHUP_PART);
  const metadataBefore = partText(current, METADATA_PART);
  if (mashupBefore === undefined || metadataBefore === undefined) {
    throw new DefinitionError(`The dataflow's definition lacks ${mashupBefore === undefined ? MASHUP_PART : METADATA_PART}; it cannot be merged into safely.`);
  }
  const mashup = insertQueriesIntoMashup(mashupBefore, generated);
  const metadata = addQueryMetadata(metadataBefore, generated);
  const replace: Record<string, string> = { [MASHUP_PART]: mashup.text, [METADATA_PART]: metadata.text };
  const parts = current.parts.map(part => (part.path in replace ? encodePart(part.path, replace[part.path]) : { ...part }));
  return {
    definition: { ...(current.format ? { format: current.format } : {}), parts },
    mashupBefore,
    mashupAfter: mashup.text,
    added: mashup.added,
    replaced: mashup.replaced,
    metadataAdded: metadata.added,
    kept: mashup.kept,
    changed: mashup.text !== mashupBefore || metadata.text !== metadataBefore,
  };
}

/** The definition of a new dataflow holding only `queries` (no .platform: optional over REST). */
export function newDefinition(displayName: string, queries: readonly MQuery[]): DefinitionMerge {
  const mashupAfter = renderSection(queries);
  const emptyMetadata = JSON.stringify({ formatVersion: QUERY_METADATA_FORMAT, computeEngineSettings: {}, name: displayName, queryGroups: [], queriesMetadata: {} }, null, 2);
  const metadata = addQueryMetadata(emptyMetadata, queries);
  readMashup(mashupAfter); // a generated document is a section document; fail here rather than in Fabric
  return {
    definition: { parts: [encodePart(MASHUP_PART, mashupAfter), encodePart(METADATA_PART, metadata.text)] },
    mashupBefore: '',
    mashupAfter,
    added: queries.map(q => q.name),
    replaced: [],
    metadataAdded: metadata.added,
    kept: [],
    changed: true,
  };
}
