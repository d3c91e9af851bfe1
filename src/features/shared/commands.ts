// One wrapper for every command. A command runs "interactive" when it comes from the palette, a menu, a
// tree item or the Explorer's context menu: it may prompt and confirm, and its failures are shown as one
// error notification. Called with a plain arguments object (tests, scripts, other extensions) it never
// prompts and its failures reject the executeCommand promise instead.
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errorMessage';
import { redact } from '../../core/redact';
import type { Services } from '../services';

/** A button on a failure notification that runs a command (e.g. "Set Credentials"). */
export interface UserErrorAction {
  title: string;
  command: string;
}

/** An expected failure whose message is written for the user (shown as is, no stack in the log). */
export class UserError extends Error {
  constructor(message: string, readonly actions: readonly UserErrorAction[] = []) {
    super(message);
    this.name = 'UserError';
  }
}

/** A plain arguments object: not a tree node, not a Uri, not an array (those are class instances). */
export function isPlainArgs(arg: unknown): arg is Record<string, unknown> {
  if (!arg || typeof arg !== 'object' || Array.isArray(arg)) return false;
  const prototype = Object.getPrototypeOf(arg);
  return prototype === Object.prototype || prototype === null;
}

export interface CommandContext {
  /** False when called with a plain arguments object: no prompts, no confirmations, errors reject. */
  interactive: boolean;
}

export function registerCommand<T>(
  services: Services,
  id: string,
  handler: (arg: unknown, ctx: CommandContext) => Promise<T>,
): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (arg?: unknown) => {
    const interactive = !isPlainArgs(arg);
    try {
      return await handler(arg, { interactive });
    } catch (error) {
      if (interactive) {
        showCommandError(services, id, error);
        return undefined;
      }
      const message = logCommandError(services, id, error);
      throw error instanceof Error ? error : new Error(message);
    }
  });
}

/** Logs a failure of `id` (redacted; a stack only for unexpected errors) and returns its redacted message. */
function logCommandError(services: Services, id: string, error: unknown): string {
  const message = redact(errorMessage(error));
  if (error instanceof UserError || !(error instanceof Error)) services.log.warn(`${id}: ${message}`);
  else services.log.error(error);
  return message;
}

/**
 * How an interactive command's failure reaches the user: logged, then one error notification with the
 * redacted message and a UserError's action buttons. For work started outside registerCommand (Re-run).
 */
export function showCommandError(services: Services, id: string, error: unknown): void {
  const message = logCommandError(services, id, error);
  const actions = error instanceof UserError ? error.actions : [];
  void vscode.window.showErrorMessage(message, ...actions.map(a => a.title)).then(choice => {
    const action = actions.find(a => a.title === choice);
    if (action) void vscode.commands.executeCommand(action.command);
  });
}

/** A string argument, or a UserError naming it. */
export function stringArg(args: Record<string, unknown>, key: string, required: true): string;
export function stringArg(args: Record<string, unknown>, key: string, required?: false): string | undefined;
export function stringArg(args: Record<string, unknown>, key: string, required = false): string | undefined {
  const value = args[key];
  if (value === undefined || value === null) {
    if (required) throw new UserError(`The argument "${key}" is required.`);
    return undefined;
  }
  if (typeof value !== 'string') throw new UserError(`The argument "${key}" must be a string.`);
  return value;
}

/** A modal confirmation with one action button; resolves true when the user chose it. */
export async function confirm(message: string, detail: string, action: string): Promise<boolean> {
  const choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, action);
  return choice === action;
}
