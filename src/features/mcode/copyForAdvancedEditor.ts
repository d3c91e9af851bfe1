// "Fabric ML: Copy M for the Advanced Editor", for users without Git integration: the generated queries in order,
// each with its exact name, copied one at a time so each can be pasted into a new blank query of Dataflow Gen2.
import * as vscode from 'vscode';
import { recommendedQueries } from '../../core/mcode/generateRecommended';
import { advancedEditorInstruction, type MQuery, renderExpression } from '../../core/mcode/mQueries';
import { isPlainArgs, UserError } from '../shared/commands';
import type { InsertMFunction } from './insertMFunction';

export const COPY_FOR_ADVANCED_EDITOR_COMMAND = 'fabricMl.copyMForAdvancedEditor';

export interface AdvancedEditorQuery {
  name: string;
  role: MQuery['role'];
  instruction: string;
  expression: string;
}

/**
 * Interactive: a quick pick of the queries; picking one copies its expression and shows the pick again on the
 * next one, until Escape. With arguments (`endpointId`, `columns`, `sourceStep`, `secretSource`, `copy`): returns the
 * queries and copies the one named by `copy`.
 */
export async function copyForAdvancedEditor(insert: InsertMFunction, arg: unknown): Promise<AdvancedEditorQuery[] | undefined> {
  const interactive = !isPlainArgs(arg);
  const args = insert.readArgs(arg);
  const copy = isPlainArgs(arg) ? arg.copy : undefined;
  if (copy !== undefined && typeof copy !== 'string') throw new UserError('The argument "copy" must be a query name.');
  const prepared = await insert.prepare(args, interactive, true);
  if (!prepared) return undefined;
  const queries: AdvancedEditorQuery[] = recommendedQueries(prepared.input).map(q => ({
    name: q.name, role: q.role, instruction: advancedEditorInstruction(q), expression: renderExpression(q),
  }));
  if (!interactive) {
    if (copy !== undefined) {
      const query = queries.find(q => q.name === copy);
      if (!query) throw new UserError(`There is no generated query "${copy}". The queries: ${queries.map(q => q.name).join(', ')}.`);
      await vscode.env.clipboard.writeText(query.expression);
    }
    return queries;
  }
  await pickAndCopy(queries);
  return queries;
}

async function pickAndCopy(queries: AdvancedEditorQuery[]): Promise<void> {
  type Item = vscode.QuickPickItem & { index: number };
  const copied = new Set<number>();
  const items = (): Item[] => queries.map((q, index) => ({
    index,
    label: `${copied.has(index) ? '$(check)' : '$(copy)'} ${index + 1}. ${q.name}`,
    description: q.role,
    detail: q.instruction,
  }));
  let next = 0;
  while (next < queries.length) {
    const list = items();
    const pick = await new Promise<Item | undefined>(resolve => {
      const quickPick = vscode.window.createQuickPick<Item>();
      quickPick.title = `Copy M for the Advanced Editor (${copied.size} of ${queries.length} copied)`;
      quickPick.placeholder = 'Pick a query to copy it, then: New blank query → Advanced editor → paste → name it as shown';
      quickPick.items = list;
      quickPick.activeItems = [list[next]];
      quickPick.onDidAccept(() => {
        resolve(quickPick.selectedItems[0] ?? quickPick.activeItems[0]);
        quickPick.dispose();
      });
      quickPick.onDidHide(() => {
        resolve(undefined);
        quickPick.dispose();
      });
      quickPick.show();
    });
    if (!pick) return;
    await vscode.env.clipboard.writeText(queries[pick.index].expression);
    copied.add(pick.index);
    void vscode.window.setStatusBarMessage(`Copied "${queries[pick.index].name}": ${queries[pick.index].instruction}`, 8000);
    next = pick.index + 1;
  }
}
