// The Dataflow Gen2 round trip in Fabric: Deploy to Dataflow Gen2 (REST, with a diff before writing), Run in
// Fabric (executeQuery, Arrow), Verify M in Fabric and Compare with Version (two runs over the same rows).
// Run in Fabric shows its table in the results panel; comparisons open in their own panel.
import type * as vscode from 'vscode';
import type { ResultsPresenter } from '../results';
import type { Services } from '../services';
import { registerCommand } from '../shared/commands';
import { COMPARE_VERSION_COMMAND, compareWithVersion, VERIFY_COMMAND, verifyInFabric } from './compareCommands';
import { DEPLOY_COMMAND, deployToDataflow } from './deploy';
import { ComparisonPanels } from './comparisonPanel';
import { ReportDocuments } from './reportDocuments';
import { RUN_IN_FABRIC_COMMAND, runInFabric } from './runInFabric';

export function register(services: Services, presenter: Pick<ResultsPresenter, 'show'>): vscode.Disposable[] {
  const reports = new ReportDocuments();
  const comparisons = new ComparisonPanels();
  return [
    reports,
    comparisons,
    registerCommand(services, DEPLOY_COMMAND, (arg, ctx) => deployToDataflow(services, reports, arg, ctx)),
    registerCommand(services, RUN_IN_FABRIC_COMMAND, (arg, ctx) => runInFabric(services, presenter, arg, ctx)),
    registerCommand(services, VERIFY_COMMAND, (arg, ctx) => verifyInFabric(services, comparisons, arg, ctx)),
    registerCommand(services, COMPARE_VERSION_COMMAND, (arg, ctx) => compareWithVersion(services, comparisons, arg, ctx)),
  ];
}
