// Helpers shared by the M integration tests: the parse check, closing editors without saving, and a user
// endpoint with the demo IDs on the real Fabric host whose profile has no credentials (so no call is made).
import * as vscode from 'vscode';
import * as PQP from '@microsoft/powerquery-parser';
import { DEMO_MODEL_ID, DEMO_WORKSPACE_ID } from '../../tools/fake-fabric';
import { waitFor } from './support';

export async function parseError(text: string): Promise<string | undefined> {
  const task = await PQP.TaskUtils.tryLexParse(PQP.DefaultSettings, text);
  if (PQP.TaskUtils.isOk(task)) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const inner = (task as any).error?.innerError ?? (task as any).error;
  return `${task.stage}: ${inner?.message}`;
}

export async function closeAllWithoutSaving(): Promise<void> {
  while (vscode.window.activeTextEditor) {
    const before = vscode.window.activeTextEditor.document.uri.toString();
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    if (vscode.window.activeTextEditor?.document.uri.toString() === before) break;
  }
}

/**
 * Adds the endpoint to the user settings and waits until the M command knows it; returns the previous value of
 * `fabricMl.endpoints` for the suite's after() to put back.
 */
export async function addUncredentialedDemoEndpoint(endpointId: string, profileId: string): Promise<unknown[] | undefined> {
  const config = vscode.workspace.getConfiguration('fabricMl');
  const previous = config.inspect<unknown[]>('endpoints')?.globalValue;
  await config.update('endpoints', [
    ...(previous ?? []),
    {
      id: endpointId,
      name: 'churn-model',
      scoreUrl: `https://api.fabric.microsoft.com/v1/workspaces/${DEMO_WORKSPACE_ID}/mlmodels/${DEMO_MODEL_ID}/endpoint/versions/1/score`,
      profileId,
    },
  ], vscode.ConfigurationTarget.Global);
  // The endpoint store reloads on the configuration event: wait until the command knows the endpoint.
  await waitFor(async () => {
    try {
      await vscode.commands.executeCommand('fabricMl.insertMFunction', { variant: 'invocation', endpointId, target: 'untitled', columns: ['a'] });
      return true;
    } catch {
      return false;
    }
  }, 'the endpoint to be known');
  await closeAllWithoutSaving();
  return previous;
}
