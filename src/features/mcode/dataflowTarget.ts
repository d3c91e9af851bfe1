// A Dataflow Gen2 folder from Fabric Git integration (`<Name>.Dataflow/` with mashup.pq and queryMetadata.json) as
// the target of Insert CallMLEndpoint M Function: the scoring queries are added to (or replaced in) mashup.pq and
// their entries to queryMetadata.json in one workspace edit, so one undo restores both files.
import * as vscode from 'vscode';
import {
  addQueryMetadata, insertQueriesIntoMashup, MashupError, memberNames, QueryMetadataError, type TextEdit,
} from '../../core/dataflow';
import type { MQuery } from '../../core/mcode/mQueries';
import { UserError } from '../shared/commands';

export const MASHUP_FILE = 'mashup.pq';
export const METADATA_FILE = 'queryMetadata.json';
const DATAFLOW_FOLDER = /\.Dataflow$/i;

/** The `*.Dataflow` folder of a URI: the folder itself, or the folder of its mashup.pq / queryMetadata.json. */
export function dataflowFolderOf(uri: vscode.Uri): vscode.Uri | undefined {
  const base = uri.path.replace(/\/+$/, '').split('/').pop() ?? '';
  if (DATAFLOW_FOLDER.test(base)) return uri;
  const parent = vscode.Uri.joinPath(uri, '..');
  const parentBase = parent.path.replace(/\/+$/, '').split('/').pop() ?? '';
  return DATAFLOW_FOLDER.test(parentBase) && [MASHUP_FILE, METADATA_FILE].includes(base) ? parent : undefined;
}

/** The dataflow's display name, from its folder name (`Churn.Dataflow` → `Churn`). */
export function dataflowName(folder: vscode.Uri): string {
  return (folder.path.replace(/\/+$/, '').split('/').pop() ?? '').replace(DATAFLOW_FOLDER, '');
}

export interface DataflowDocuments {
  folder: vscode.Uri;
  mashup: vscode.TextDocument;
  metadata: vscode.TextDocument;
}

/** Opens both files of a dataflow (open editors' unsaved text counts). */
export async function openDataflow(folder: vscode.Uri): Promise<DataflowDocuments> {
  const open = async (file: string) => {
    const uri = vscode.Uri.joinPath(folder, file);
    try {
      return await vscode.workspace.openTextDocument(uri);
    } catch {
      throw new UserError(`The dataflow folder ${vscode.workspace.asRelativePath(folder)} has no ${file}. A Git-connected Fabric workspace stores mashup.pq, queryMetadata.json and .platform in it.`);
    }
  };
  return { folder, mashup: await open(MASHUP_FILE), metadata: await open(METADATA_FILE) };
}

/** The queries already in the dataflow's mashup.pq; a UserError when it is not a section document. */
export function dataflowQueries(documents: DataflowDocuments): string[] {
  try {
    return memberNames(documents.mashup.getText());
  } catch (error) {
    if (error instanceof MashupError) throw new UserError(error.message);
    throw error;
  }
}

export interface DataflowInsertOutcome {
  added: string[];
  replaced: string[];
  /** Credential parameters the dataflow already had (the user set their values): left as they are. */
  kept: string[];
  metadataAdded: string[];
}

/**
 * Adds or replaces `queries` in both files with one workspace edit. Queries of the same name that this extension did
 * not write are replaced only when `mayReplace(names)` says yes; undefined (nothing changed) when it says no.
 */
export async function insertIntoDataflow(documents: DataflowDocuments, queries: readonly MQuery[],
  mayReplace: (userQueries: string[]) => Promise<boolean>): Promise<DataflowInsertOutcome | undefined> {
  let mashup;
  let metadata;
  try {
    mashup = insertQueriesIntoMashup(documents.mashup.getText(), queries);
    metadata = addQueryMetadata(documents.metadata.getText(), queries);
  } catch (error) {
    if (error instanceof MashupError || error instanceof QueryMetadataError) throw new UserError(`${error.message} Nothing was changed.`);
    throw error;
  }
  if (mashup.replacedUserQueries.length && !(await mayReplace(mashup.replacedUserQueries))) return undefined;
  const edit = new vscode.WorkspaceEdit();
  addEdits(edit, documents.mashup, mashup.edits);
  addEdits(edit, documents.metadata, metadata.edits);
  if (edit.size > 0 && !(await vscode.workspace.applyEdit(edit))) {
    throw new UserError(`${vscode.workspace.asRelativePath(documents.folder)} did not accept the edit (is a file read-only?). Nothing was changed.`);
  }
  return { added: mashup.added, replaced: mashup.replaced, kept: mashup.kept, metadataAdded: metadata.added };
}

function addEdits(edit: vscode.WorkspaceEdit, document: vscode.TextDocument, edits: readonly TextEdit[]): void {
  for (const e of edits) {
    edit.replace(document.uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.content);
  }
}
