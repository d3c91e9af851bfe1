// The fake Fabric + Entra server used by tests, the demo launch and the benchmark.
export * from './server';
export * from './toyModel';
export * from './demoData';
