// Resolves what a Score command works on from its arguments (commands accept arguments so tests, scripts
// and other extensions can run them without prompts) or from the active editor.
import * as vscode from 'vscode';
import { formatFromFileName, type LineRange, type SourceFormat } from '../../core/rows';
import { isPlainArgs, UserError } from '../shared/commands';

/** Arguments of fabricMl.scoreSelection / fabricMl.scoreFile (all optional). */
export interface ScoreCommandArgs {
  endpointId?: string;
  /** Document to score (a file URI as string or vscode.Uri); default: the active editor's document. */
  uri?: string | vscode.Uri;
  /** 0-based inclusive editor lines; default: the editor selection, or the first N rows when empty. */
  range?: LineRange;
  /** Score File with arguments: ask before scoring more than fabricMl.scoring.confirmAboveRows rows. */
  confirm?: boolean;
  /** Score File: the output file (path or file URI); default `<name>.scored.<ext>` next to the input. */
  output?: string;
  /** Set by normalizeArgs: false for a plain arguments object (no prompts; failures reject). */
  interactive?: boolean;
  /** Rows whose values do not fit the input signature: refuse the run (default) or score the others. */
  invalidRows?: 'refuse' | 'skip';
}

export interface ScoreTarget {
  document: vscode.TextDocument;
  format: SourceFormat;
  selection?: LineRange;
}

const LANGUAGE_FORMATS: Record<string, SourceFormat> = { csv: 'csv', tsv: 'tsv', json: 'json', jsonl: 'jsonl', jsonc: 'json' };

/**
 * Normalises the first argument: a plain args object (scripts, tests: never prompts), a tree item with
 * endpointId or an explorer Uri (interactive, like the palette).
 */
export function normalizeArgs(arg: unknown): ScoreCommandArgs {
  if (arg instanceof vscode.Uri) return { uri: arg, interactive: true };
  if (arg && typeof arg === 'object') {
    const a = arg as Record<string, unknown>;
    const out: ScoreCommandArgs = { interactive: !isPlainArgs(arg) };
    if (typeof a.endpointId === 'string') out.endpointId = a.endpointId;
    if (typeof a.uri === 'string' || a.uri instanceof vscode.Uri) out.uri = a.uri;
    const range = a.range as Partial<LineRange> | undefined;
    if (range && typeof range.startLine === 'number' && typeof range.endLine === 'number') out.range = { startLine: range.startLine, endLine: range.endLine };
    if (a.confirm === true) out.confirm = true;
    if (a.invalidRows === 'skip' || a.invalidRows === 'refuse') out.invalidRows = a.invalidRows;
    if (typeof a.output === 'string') out.output = a.output;
    return out;
  }
  return { interactive: true };
}

export async function resolveTarget(args: ScoreCommandArgs, useSelection: boolean): Promise<ScoreTarget> {
  // From a button outside the editor (the walkthrough, a view) there is no active editor: use the one
  // visible file that can be scored, if there is exactly one.
  const scorable = vscode.window.visibleTextEditors.filter(e => formatOf(e.document) !== undefined);
  const editor = vscode.window.activeTextEditor ?? (scorable.length === 1 ? scorable[0] : undefined);
  let document: vscode.TextDocument | undefined;
  if (args.uri) {
    const uri = typeof args.uri === 'string' ? vscode.Uri.parse(args.uri) : args.uri;
    document = await vscode.workspace.openTextDocument(uri);
  } else {
    document = editor?.document;
  }
  if (!document) {
    const openFile = { title: 'Open a CSV', command: 'workbench.action.files.openFile' };
    throw new UserError(useSelection
      ? 'Open a CSV, TSV, JSON or JSON Lines file, select the rows to score, then run Score Selection.'
      : 'Open a CSV, TSV, JSON or JSON Lines file (or right-click one in the Explorer), then run Score File.', [openFile]);
  }
  const format = formatOf(document);
  if (!format) {
    throw new UserError(`${vscode.workspace.asRelativePath(document.uri)} is not a CSV, TSV, JSON or JSON Lines file. Scoring reads .csv, .tsv, .json and .jsonl files.`, [{ title: 'Open a CSV', command: 'workbench.action.files.openFile' }]);
  }
  let selection: LineRange | undefined = args.range;
  if (!selection && useSelection && editor && editor.document === document && !editor.selection.isEmpty) {
    const { start, end } = editor.selection;
    // A selection that ends at column 0 of the next line does not include that line.
    const endLine = end.character === 0 && end.line > start.line ? end.line - 1 : end.line;
    selection = { startLine: start.line, endLine };
  }
  return { document, format, selection };
}

function formatOf(document: vscode.TextDocument): SourceFormat | undefined {
  return formatFromFileName(document.fileName) ?? LANGUAGE_FORMATS[document.languageId];
}
