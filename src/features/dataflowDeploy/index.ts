// The Dataflow Gen2 round trip in Fabric: Deploy to Dataflow Gen2 (REST, with a diff before writing), Run in
// Fabric (executeQuery, Arrow), Verify M in Fabric and Compare with Version (two runs over the same rows).
// Results and comparisons open as read-only Markdown documents (scheme fabricml-report).
import type * as vscode from 'vscode';
import type { Services } from '../services';
import { registerCommand } from '../shared/commands';
import { COMPARE_VERSION_COMMAND, compareWithVersion, VERIFY_COMMAND, verifyInFabric } from './compareCommands';
import { DEPLOY_COMMAND, deployToDataflow } from './deploy';
import { ReportDocuments } from './reportDocuments';
import { RUN_IN_FABRIC_COMMAND, runInFabric } from './runInFabric';

export function register(services: Services): vscode.Disposable[] {
  const reports = new ReportDocuments();
  return [
    reports,
    registerCommand(services, DEPLOY_COMMAND, (arg, ctx) => deployToDataflow(services, reports, arg, ctx)),
    registerCommand(services, RUN_IN_FABRIC_COMMAND, (arg, ctx) => runInFabric(services, reports, arg, ctx)),
    registerCommand(services, VERIFY_COMMAND, (arg, ctx) => verifyInFabric(services, reports, arg, ctx)),
    registerCommand(services, COMPARE_VERSION_COMMAND, (arg, ctx) => compareWithVersion(services, reports, arg, ctx)),
  ];
}
