// Registers Score Selection and Score File, and connects the results panel's Re-run back to them.
import * as vscode from 'vscode';
import type { Services } from '../services';
import { ScoreCommands, type ResultsPresenter } from './scoreCommands';

export function register(services: Services, presenter: ResultsPresenter & { onDidRequestRerun: vscode.Event<string> }): vscode.Disposable[] {
  const commands = new ScoreCommands(services, presenter);
  return [
    vscode.commands.registerCommand('fabricMl.scoreSelection', (arg?: unknown) => commands.scoreSelection(arg)),
    vscode.commands.registerCommand('fabricMl.scoreFile', (arg?: unknown) => commands.scoreFile(arg)),
    presenter.onDidRequestRerun(runId => commands.rerun(runId)),
  ];
}
