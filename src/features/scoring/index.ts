// Registers Score Selection and Score File, and carries out the results panel's Re-run requests.
import type * as vscode from 'vscode';
import type { ResultsPresenter } from '../results';
import type { Services } from '../services';
import { registerCommand } from '../shared/commands';
import { ScoreCommands } from './scoreCommands';

export function register(services: Services, presenter: ResultsPresenter): vscode.Disposable[] {
  const commands = new ScoreCommands(services, presenter);
  return [
    registerCommand(services, 'fabricMl.scoreSelection', arg => commands.scoreSelection(arg)),
    registerCommand(services, 'fabricMl.scoreFile', arg => commands.scoreFile(arg)),
    registerCommand(services, 'fabricMl.resumeScoreFile', arg => commands.resumeScoreFile(arg)),
    registerCommand(services, 'fabricMl.retryFailedRows', arg => commands.retryFailedRows(arg)),
    presenter.handleRerun(runId => commands.rerun(runId)),
    commands.inputProblems,
  ];
}
