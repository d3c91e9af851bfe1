// Comparing two runs over the same rows, and the document "Verify M in Fabric" sends. Pure TypeScript: no vscode.
export * from './compareRuns';
export * from './verifyDocument';
