// The "Fabric ML" log channel. Every line goes through redact() before it reaches the channel, so a
// secret or token that slips into a message (an error text, a URL, a body) never lands in the log file.
import * as vscode from 'vscode';
import { redact } from '../../core/redact';

export const LOG_CHANNEL_NAME = 'Fabric ML';

/** Formats extra log arguments ourselves: handing them to VS Code would bypass redaction. */
function formatArgs(message: string, args: unknown[]): string {
  if (args.length === 0) return message;
  const rest = args.map(a => {
    if (a instanceof Error) return a.stack ?? `${a.name}: ${a.message}`;
    if (typeof a === 'string') return a;
    try {
      return JSON.stringify(a);
    } catch {
      return String(a);
    }
  });
  return [message, ...rest].join(' ');
}

class RedactingLogOutputChannel implements vscode.LogOutputChannel {
  constructor(private readonly inner: vscode.LogOutputChannel) {}

  get name(): string {
    return this.inner.name;
  }
  get logLevel(): vscode.LogLevel {
    return this.inner.logLevel;
  }
  get onDidChangeLogLevel(): vscode.Event<vscode.LogLevel> {
    return this.inner.onDidChangeLogLevel;
  }

  trace(message: string, ...args: unknown[]): void {
    this.inner.trace(redact(formatArgs(message, args)));
  }
  debug(message: string, ...args: unknown[]): void {
    this.inner.debug(redact(formatArgs(message, args)));
  }
  info(message: string, ...args: unknown[]): void {
    this.inner.info(redact(formatArgs(message, args)));
  }
  warn(message: string, ...args: unknown[]): void {
    this.inner.warn(redact(formatArgs(message, args)));
  }
  error(error: string | Error, ...args: unknown[]): void {
    const text = typeof error === 'string' ? error : (error.stack ?? `${error.name}: ${error.message}`);
    this.inner.error(redact(formatArgs(text, args)));
  }
  append(value: string): void {
    this.inner.append(redact(value));
  }
  appendLine(value: string): void {
    this.inner.appendLine(redact(value));
  }
  replace(value: string): void {
    this.inner.replace(redact(value));
  }
  clear(): void {
    this.inner.clear();
  }
  show(preserveFocus?: boolean): void;
  show(column?: vscode.ViewColumn, preserveFocus?: boolean): void;
  show(columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (typeof columnOrPreserveFocus === 'boolean' || columnOrPreserveFocus === undefined) this.inner.show(columnOrPreserveFocus);
    else this.inner.show(columnOrPreserveFocus, preserveFocus);
  }
  hide(): void {
    this.inner.hide();
  }
  dispose(): void {
    this.inner.dispose();
  }
}

/** Wraps a log channel so that every line written to it is redacted. */
export function redactingLog(inner: vscode.LogOutputChannel): vscode.LogOutputChannel {
  return new RedactingLogOutputChannel(inner);
}

export function createLog(): vscode.LogOutputChannel {
  return redactingLog(vscode.window.createOutputChannel(LOG_CHANNEL_NAME, { log: true }));
}
