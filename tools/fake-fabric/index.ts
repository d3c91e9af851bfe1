// The fake Fabric + Entra server: used by unit and integration tests, `npm run demo`, `npm run fake-server`
// and the benchmark. Route modules for new Fabric APIs plug in through FakeFabricServer.use().
export { FakeFabricServer, type FakeFabricOptions, type RequestLogEntry } from './server';
export type { CapacityOptions, CapacityUsage } from './capacity';
export type { FakeContext, FakeSettings, RouteModule } from './context';
export type { FakeCounters } from './counters';
export type { TokenFailure, TokenFault } from './entra';
export type { MetadataFailure, ScoreBehaviour, ScriptOptions } from './faults';
export { sendFabricError, sendFabricJson, sendJson, type Exchange, type Handler } from './http';
export { byMethod, Router } from './router';
export * from './toyModel';
export * from './demoData';
export { dataflowRoutes, DataflowStore, type StoredDataflow, type StoredPart } from './dataflowRoutes';
export { ExecuteQueryScript, type ExecuteQueryFault } from './executeQueryRoute';
