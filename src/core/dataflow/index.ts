// Dataflow Gen2 definitions as Fabric Git integration stores them (`<Name>.Dataflow/` with mashup.pq,
// queryMetadata.json and .platform): reading, editing without disturbing the user's text, and checking that the
// two files agree. Pure TypeScript: no vscode.
export { type MashupMember, type MashupStructure, MashupError, memberNames, readMashup } from './mashup';
export { applyTextEdits, differenceEdit, insertQueriesIntoMashup, type MashupInsertion, type TextEdit } from './mashupEdit';
export {
  addQueryMetadata, formattingOf, type MetadataInsertion, type MetadataQuery, QUERY_GROUP_NAME, QueryMetadataError,
  readQueryMetadata, stableGuid, uniqueId,
} from './queryMetadata';
export { checkDataflow, type DataflowFix, type DataflowProblem, fixDataflowProblem, memberRole } from './consistency';
