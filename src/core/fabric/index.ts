// The Fabric HTTP side: client, errors, scoring engine.
export * from './types';
export { FabricClient, type BatchScorer, type FabricClientOptions, type ScoreBatchOptions, type ScoreBatchResult } from './fabricClient';
export { FabricError, toFabricErrorInfo, DISPLAY_BODY_LIMIT } from './fabricError';
export { parseRetryAfter, formatDuration } from './retry';
export { buildScoreBody, readPredictions } from './scoreBody';
export { runScoring, type RunScoringOptions } from './scoringEngine';
export { DataflowClient, type DataflowItem, type ExecuteQueryRequest, type QueryRunResult } from './dataflowClient';
export {
  type DataflowDefinition, type DefinitionMerge, type DefinitionPart, DefinitionError, encodePart, MASHUP_PART, METADATA_PART,
  mergeQueriesIntoDefinition, newDefinition, partText, QUERY_METADATA_FORMAT,
} from './dataflowDefinition';
export { EXECUTE_QUERY_LIMIT_SECONDS, ExecuteQueryError, type ExecuteQueryFailure, PRECONDITIONS } from './executeQueryErrors';
export {
  browsedEndpointDefinition,
  browsedEndpointId,
  defaultVersionWarning,
  FabricBrowser,
  pinnedEndpointId,
  type BrowseApi,
  type BrowsedVersion,
  type FabricItem,
  type Page,
} from './browse';
export { runScoringWithWarmUp, WARMING_TEXT, type WarmUpOptions } from './warmUp';
