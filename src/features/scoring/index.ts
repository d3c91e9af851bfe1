// Registers Score Selection and Score File, and connects the results panel's Re-run back to them.
import type * as vscode from 'vscode';
import type { Services } from '../services';
import { registerCommand } from '../shared/commands';
import { ScoreCommands, type ResultsPresenter } from './scoreCommands';

export function register(services: Services, presenter: ResultsPresenter & { onDidRequestRerun: vscode.Event<string> }): vscode.Disposable[] {
  const commands = new ScoreCommands(services, presenter);
  return [
    registerCommand(services, 'fabricMl.scoreSelection', arg => commands.scoreSelection(arg)),
    registerCommand(services, 'fabricMl.scoreFile', arg => commands.scoreFile(arg)),
    presenter.onDidRequestRerun(runId => commands.rerun(runId)),
  ];
}
