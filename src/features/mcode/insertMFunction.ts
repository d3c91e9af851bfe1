// "Fabric ML: Insert CallMLEndpoint M Function": picks a variant and an endpoint (or takes them from the
// arguments), finds the columns (the endpoint's signature, given names, or the header of an open CSV), generates
// the M and puts it at the cursor of a .pq editor, into a chosen .pq file or into a new untitled document.
import * as vscode from 'vscode';
import { describeAuthorityChange } from '../../core/endpoints/connectionReport';
import type { EndpointDefinition, EndpointRef, EndpointVersionInfo } from '../../core/endpoints/model';
import {
  DEFAULT_AUTHORITY_HOST, generateM, type GenerateMInput, isSectionDocument, type MColumn, mIdentifier, M_VARIANTS, type MVariant,
} from '../../core/mcode';
import { recommendedQueries } from '../../core/mcode/generateRecommended';
import { redact } from '../../core/redact';
import { dataflowFolderOf, dataflowName, dataflowQueries, insertIntoDataflow, openDataflow } from './dataflowTarget';
import { formatFromFileName, parseRows } from '../../core/rows';
import { isPlainArgs, UserError } from '../shared/commands';
import type { Services } from '../services';
import { DEFAULT_PROFILE } from '../shared/credentialStore';
import { recordMilestone } from '../shared/milestones';
import { authorityChange } from '../../core/auth/binding';
import { unknownEndpointMessage } from '../../core/endpoints/readiness';
import { errorMessage } from '../../core/errorMessage';
import { scoringSettings } from '../shared/settings';

export const INSERT_M_COMMAND = 'fabricMl.insertMFunction';

/** Arguments accepted by the command when it is run from code (no prompts). */
export interface InsertMArgs {
  variant?: MVariant;
  endpointId?: string;
  /** 'active' (the active .pq editor), 'untitled' (a new document), or the URI of a .pq file. */
  target?: 'active' | 'untitled' | string;
  /** Input column names, in the model's order; overrides the signature's names. */
  columns?: string[];
  /** The step or query whose rows are scored (invocation snippet and example apply query). */
  sourceStep?: string;
  /** For a dataflow target: the query of its mashup.pq whose rows the apply query scores. */
  sourceQuery?: string;
  secretSource?: 'parameter' | 'variableLibrary';
  /** For a dataflow target: replace queries of the generated names that this extension did not write (default: refuse). */
  replaceExisting?: boolean;
}

export interface InsertMResult {
  uri: string;
  variant: MVariant;
  endpointId?: string;
  /** Where the input columns came from. */
  columnsFrom: 'arguments' | 'signature' | 'csv' | 'none';
  inputColumns: string[];
  /** For a dataflow target: its queryMetadata.json, and the queries added to / replaced in mashup.pq. */
  metadataUri?: string;
  added?: string[];
  replaced?: string[];
  /** Credential parameters the dataflow already had (the user set their values), left as they are. */
  kept?: string[];
  sourceQuery?: string;
}


const VARIANT_ITEMS: Array<vscode.QuickPickItem & { variant: MVariant }> = [
  {
    variant: 'recommended', label: 'Recommended',
    description: 'batches, one token per refresh, retries, parameters',
    detail: 'A section with parameters, GetFabricToken, FabricScoreBatch and a scoring function that adds typed prediction columns.',
  },
  {
    variant: 'compatible', label: 'How-to compatible CallMLEndpoint',
    description: 'same signature as Microsoft\'s how-to',
    detail: 'CallMLEndpoint(endpointUrl, tenantId, clientId, clientSecret, inputData) with the encoding, URL and body fixed.',
  },
  {
    variant: 'invocation', label: 'Invocation steps',
    description: 'apply step and custom column for your columns',
    detail: 'Steps for the query that reads the rows, built from the actual column names.',
  },
];

const METADATA_WAIT_MS = 15_000;

export class InsertMFunction {
  constructor(private readonly services: Services) {}

  /** Errors propagate to the shared command wrapper (shown, or rejected for plain arguments). */
  run(arg: unknown): Promise<InsertMResult | undefined> {
    return this.insert(this.readArgs(arg), !isPlainArgs(arg));
  }

  readArgs(arg: unknown): InsertMArgs {
    if (arg instanceof vscode.Uri) return { target: arg.toString() };
    if (!arg || typeof arg !== 'object') return {};
    const a = arg as Record<string, unknown>;
    if (!isPlainArgs(arg)) return typeof a.endpointId === 'string' ? { endpointId: a.endpointId } : {}; // a tree item
    const out: InsertMArgs = {};
    if (a.variant !== undefined) {
      if (!M_VARIANTS.includes(a.variant as MVariant)) throw new UserError(`The argument "variant" must be one of ${M_VARIANTS.join(', ')}.`);
      out.variant = a.variant as MVariant;
    }
    for (const key of ['endpointId', 'target', 'sourceStep', 'sourceQuery'] as const) {
      if (a[key] !== undefined) {
        if (typeof a[key] !== 'string') throw new UserError(`The argument "${key}" must be a string.`);
        out[key] = a[key] as string;
      }
    }
    if (a.columns !== undefined) {
      if (!Array.isArray(a.columns) || a.columns.some(c => typeof c !== 'string')) throw new UserError('The argument "columns" must be a list of column names.');
      out.columns = a.columns as string[];
    }
    if (a.replaceExisting !== undefined) {
      if (typeof a.replaceExisting !== 'boolean') throw new UserError('The argument "replaceExisting" must be true or false.');
      out.replaceExisting = a.replaceExisting;
    }
    if (a.secretSource !== undefined) {
      if (a.secretSource !== 'parameter' && a.secretSource !== 'variableLibrary') throw new UserError('The argument "secretSource" must be "parameter" or "variableLibrary".');
      out.secretSource = a.secretSource;
    }
    return out;
  }

  private async insert(args: InsertMArgs, interactive: boolean): Promise<InsertMResult | undefined> {
    const dataflow = this.dataflowTarget(args.target);
    // A dataflow gets the recommended queries: the other variants are not whole queries.
    const variant = dataflow ? 'recommended' : args.variant ?? (interactive ? await this.pickVariant() : 'recommended');
    if (!variant) return undefined;

    const prepared = await this.prepare(args, interactive, variant === 'recommended');
    if (!prepared) return undefined;
    const { endpoint, columns, from } = prepared;
    const target = dataflow ?? await this.resolveTarget(args.target, interactive);
    if (!target) return undefined;

    const input: GenerateMInput = {
      ...prepared.input,
      intoSectionDocument: target.kind !== 'untitled' && target.kind !== 'dataflow' && isSectionDocument(target.document.getText()),
    };
    const summary = { variant, endpointId: endpoint?.id, columnsFrom: from, inputColumns: columns.map(c => c.name) };
    if (target.kind === 'dataflow') return this.insertIntoDataflow(target.folder, input, args, interactive, summary);

    const text = generateM(variant, input);
    const uri = await this.write(target, text);

    if (interactive && from === 'none') {
      void vscode.window.showInformationMessage('The endpoint\'s input signature is not known, so the M sends every column in table order. Check the columns against the model, or open a CSV with the right header and insert again.');
    } else if (interactive) {
      void vscode.window.showInformationMessage(nextStepAfterInsert(variant, endpoint?.name), 'Copy for Advanced Editor').then(choice => {
        if (choice) void vscode.commands.executeCommand('fabricMl.copyMForAdvancedEditor', endpoint ? new EndpointArg(endpoint.id) : undefined);
      });
    }
    await recordMilestone(this.services, 'hasInsertedM');
    this.services.log.info(`Inserted the ${variant} M for ${endpoint ? `"${endpoint.name}"` : 'no endpoint'} into ${uri.scheme === 'untitled' ? 'a new document' : uri.fsPath} (${columns.length} input columns from ${from}).`);
    return { uri: uri.toString(), variant, endpointId: endpoint?.id, columnsFrom: from, inputColumns: columns.map(c => c.name) };
  }

  /**
   * The generator input for the chosen endpoint: its IDs, columns (arguments, signature or an open CSV), the
   * bound authority and the secret source (asked when interactive and `askSecret`). Undefined when cancelled.
   */
  async prepare(args: InsertMArgs, interactive: boolean, askSecret: boolean): Promise<Prepared | undefined> {
    const endpoint = await this.resolveEndpoint(args.endpointId, interactive);
    if (endpoint === null) return undefined; // the pick was cancelled
    const ref = endpoint ? this.refFor(endpoint) : undefined;
    const signature = endpoint ? await this.signature(endpoint, interactive) : undefined;
    const { columns, from } = this.inputColumns(args.columns, signature);
    // Before any prompt for the target: the M must not name an authority the credentials are not bound to.
    const authorityHost = await this.boundAuthority(endpoint?.profileId ?? DEFAULT_PROFILE.id);
    const secretSource = args.secretSource ?? (interactive && askSecret ? await this.pickSecretSource() : 'parameter');
    if (!secretSource) return undefined;
    const input: GenerateMInput = {
      endpointName: endpoint?.name ?? 'Fabric ML endpoint',
      ref,
      authorityHost,
      inputColumns: columns,
      outputColumns: signature?.outputSignature?.map(f => ({ name: f.name, type: f.type })),
      batchSize: endpoint?.batchSize ?? scoringSettings().batchSize,
      sourceStep: args.sourceStep,
      secretSource,
    };
    return { input, endpoint, columns, from };
  }

  /** A `*.Dataflow` folder named by the target argument, or the dataflow of the active mashup.pq editor. */
  private dataflowTarget(target: string | undefined): Target | undefined {
    const uri = target === undefined || target === 'untitled' || target === 'active'
      ? (target === 'untitled' ? undefined : vscode.window.activeTextEditor?.document.uri)
      : parseUri(target);
    const folder = uri && dataflowFolderOf(uri);
    return folder ? { kind: 'dataflow', folder } : undefined;
  }

  private async insertIntoDataflow(
    folder: vscode.Uri, input: GenerateMInput, args: Pick<InsertMArgs, 'sourceQuery' | 'replaceExisting'>, interactive: boolean,
    summary: Omit<InsertMResult, 'uri'>,
  ): Promise<InsertMResult | undefined> {
    const { sourceQuery } = args;
    const documents = await openDataflow(folder);
    const name = dataflowName(folder);
    const generatedNames = new Set(recommendedQueries({ ...input, sourceStep: undefined }).map(q => q.name));
    const candidates = dataflowQueries(documents).filter(q => !generatedNames.has(q));
    if (sourceQuery !== undefined && !candidates.includes(sourceQuery)) {
      throw new UserError(`The dataflow "${name}" has no query "${sourceQuery}" to score. Its queries: ${candidates.join(', ') || 'none'}.`);
    }
    const source = sourceQuery ?? (interactive ? await this.pickSourceQuery(name, candidates) : undefined);
    if (source === null) return undefined;
    const queries = recommendedQueries({ ...input, sourceStep: source });
    const outcome = await insertIntoDataflow(documents, queries, userQueries => this.mayReplace(name, userQueries, args.replaceExisting, interactive));
    if (!outcome) return undefined;
    const editor = await vscode.window.showTextDocument(documents.mashup);
    const applyQuery = editor.document.getText().lastIndexOf(`shared ${mIdentifier(queries[queries.length - 1].name)} =`);
    if (applyQuery >= 0) editor.revealRange(new vscode.Range(editor.document.positionAt(applyQuery), editor.document.positionAt(applyQuery)), vscode.TextEditorRevealType.InCenter);
    if (interactive) {
      const kept = outcome.kept.length ? ` ${outcome.kept.join(', ')} kept the values the dataflow had.` : '';
      void vscode.window.showInformationMessage(`${outcome.added.length} queries added to and ${outcome.replaced.length} replaced in the dataflow "${name}" (mashup.pq and queryMetadata.json).${kept} Review and save both files, then commit them to sync the workspace.`);
    }
    await recordMilestone(this.services, 'hasInsertedM');
    this.services.log.info(`Inserted the scoring queries for ${summary.endpointId ?? 'no endpoint'} into the dataflow ${folder.fsPath}: added ${outcome.added.join(', ') || 'none'}; replaced ${outcome.replaced.join(', ') || 'none'}.`);
    return {
      ...summary, variant: 'recommended', uri: documents.mashup.uri.toString(), metadataUri: documents.metadata.uri.toString(),
      added: outcome.added, replaced: outcome.replaced, kept: outcome.kept, sourceQuery: source,
    };
  }

  /**
   * Queries of the generated names that this extension did not write: replaced only when the user says so (a modal
   * question), or with `replaceExisting: true` from code.
   */
  private async mayReplace(dataflow: string, userQueries: string[], replaceExisting: boolean | undefined, interactive: boolean): Promise<boolean> {
    const names = userQueries.map(q => `"${q}"`).join(', ');
    const what = `The dataflow "${dataflow}" already has ${userQueries.length === 1 ? 'a query' : 'queries'} named ${names} that Fabric ML Endpoints did not write`;
    const them = userQueries.length === 1 ? 'it' : 'them';
    if (replaceExisting) return true;
    if (interactive) {
      const replace = 'Replace';
      const choice = await vscode.window.showWarningMessage(`${what}. Replace ${them} with the generated ${userQueries.length === 1 ? 'query' : 'queries'}?`,
        { modal: true, detail: 'Undo restores them. Or cancel, rename yours in mashup.pq and queryMetadata.json, and insert again.' }, replace);
      if (choice === replace) return true;
      this.services.log.info(`Insert M: left the dataflow "${dataflow}" unchanged: the user kept ${names}.`);
      return false;
    }
    throw new UserError(`${what}; nothing was changed. Rename ${them}, or pass replaceExisting: true to replace ${them}.`);
  }

  /** The query whose rows are scored; undefined = none (an example table); null = cancelled. */
  private async pickSourceQuery(dataflow: string, candidates: string[]): Promise<string | undefined | null> {
    type Item = vscode.QuickPickItem & { query?: string };
    const items: Item[] = [
      ...candidates.map(query => ({ label: query, description: 'score its rows', query })),
      { label: 'No query', description: 'an example apply query with an empty table' },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: `Insert into the dataflow "${dataflow}"`, placeHolder: 'Which query\'s rows should be scored?' });
    return pick ? pick.query : null;
  }

  private async pickSecretSource(): Promise<GenerateMInput['secretSource'] | undefined> {
    const items: Array<vscode.QuickPickItem & { source: 'parameter' | 'variableLibrary' }> = [
      { source: 'parameter', label: 'Client secret as a parameter', description: 'set in Manage parameters', detail: 'Its value is stored in plain text in the dataflow\'s mashup.pq (and in Git with Git integration).' },
      { source: 'variableLibrary', label: 'Client secret from a variable library', description: 'Dataflow Gen2 with CI/CD', detail: 'Variable.ValueOrDefault: kept out of mashup.pq, but readable by anyone who can read the library (no secret type).' },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'Insert CallMLEndpoint M function', placeHolder: 'Where does the M read the client secret from?' });
    return pick?.source;
  }

  private async pickVariant(): Promise<MVariant | undefined> {
    const pick = await vscode.window.showQuickPick(VARIANT_ITEMS, { title: 'Insert CallMLEndpoint M function', placeHolder: 'Which M code?' });
    return pick?.variant;
  }

  /** The endpoint definition; undefined = none (placeholders); null = the user cancelled. */
  private async resolveEndpoint(endpointId: string | undefined, interactive: boolean): Promise<EndpointDefinition | undefined | null> {
    if (endpointId !== undefined) {
      const def = this.services.endpoints.get(endpointId);
      if (!def) throw new UserError(unknownEndpointMessage(endpointId));
      return def;
    }
    if (!interactive) return undefined;
    const endpoints = this.services.endpoints.list();
    type Item = vscode.QuickPickItem & { def?: EndpointDefinition };
    const items: Item[] = endpoints.map(def => ({ label: def.name, description: def.scoreUrl.replace(/^https?:\/\//, ''), def }));
    items.push({ label: 'No endpoint', description: 'placeholders for the workspace and model IDs' });
    const pick = await vscode.window.showQuickPick(items, { title: 'Insert CallMLEndpoint M function for which endpoint?', matchOnDescription: true });
    if (!pick) return null;
    return pick.def;
  }

  private refFor(def: EndpointDefinition): EndpointRef | undefined {
    try {
      return this.services.endpoints.refFor(def);
    } catch (error) {
      this.services.log.warn(`The score URL of "${def.name}" could not be read (${redact(errorMessage(error))}); the M uses placeholders for its IDs.`);
      return undefined;
    }
  }

  /** The version's signature from the cache or Fabric; undefined (and a log line) when it cannot be had. */
  private async signature(def: EndpointDefinition, interactive: boolean): Promise<EndpointVersionInfo | undefined> {
    const cached = this.services.metadata.cached(def.id);
    if (cached) return cached;
    const fetch = async (): Promise<EndpointVersionInfo | undefined> => {
      try {
        return await this.services.metadata.version(def.id, { signal: AbortSignal.timeout(METADATA_WAIT_MS) });
      } catch (error) {
        this.services.log.info(`No signature for "${def.name}" (${redact(error instanceof Error ? error.message : String(error))}); generating M without it.`);
        return undefined;
      }
    };
    if (!interactive) return fetch();
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Reading the signature of ${def.name}` }, fetch);
  }

  private inputColumns(given: string[] | undefined, signature: EndpointVersionInfo | undefined): { columns: MColumn[]; from: InsertMResult['columnsFrom'] } {
    const typeByName = new Map((signature?.inputSignature ?? []).map(f => [f.name, f.type] as const));
    if (given?.length) return { columns: given.map(name => ({ name, type: typeByName.get(name) })), from: 'arguments' };
    if (signature?.inputSignature?.length) return { columns: signature.inputSignature.map(f => ({ name: f.name, type: f.type })), from: 'signature' };
    const header = this.openCsvHeader();
    if (header?.length) return { columns: header.map(name => ({ name })), from: 'csv' };
    return { columns: [], from: 'none' };
  }

  /** The header of a CSV/TSV document: the visible one first, then any open one. */
  private openCsvHeader(): string[] | undefined {
    const docs = [...vscode.window.visibleTextEditors.map(e => e.document), ...vscode.workspace.textDocuments];
    for (const doc of docs) {
      const format = formatFromFileName(doc.fileName) ?? (doc.languageId === 'csv' ? 'csv' : undefined);
      if (format !== 'csv' && format !== 'tsv') continue;
      try {
        const columns = parseRows(doc.getText(), format, { maxRows: 1 }).columns;
        if (columns.length) return columns;
      } catch (error) {
        this.services.log.warn(`The header of ${doc.fileName} could not be read: ${redact(error instanceof Error ? error.message : String(error))}`);
      }
    }
    return undefined;
  }

  /**
   * The authority the generated M posts the client secret to at every refresh: the one the profile's credentials
   * are bound to. While the settings (which any extension can change) name another, it refuses with the message
   * scoring gives. Without stored credentials there is no binding, and the settings' authority is used.
   */
  private async boundAuthority(profileId: string): Promise<string> {
    const store = this.services.credentials;
    const stored = await store.stored(profileId);
    if (!stored) return store.currentAuthority() ?? DEFAULT_AUTHORITY_HOST;
    const change = authorityChange(stored, store.currentAuthority());
    if (change) {
      const { title, action } = describeAuthorityChange(change.storedFor, change.current, store.label(profileId));
      throw new UserError(`${title} ${action}`);
    }
    return stored.authority;
  }

  private async resolveTarget(target: string | undefined, interactive: boolean): Promise<Target | undefined> {
    const active = vscode.window.activeTextEditor;
    if (target === 'untitled') return { kind: 'untitled' };
    if (target === 'active') {
      if (!active || !isMDocument(active.document)) throw new UserError('The active editor is not a .pq file. Open a .pq file, or choose a new untitled document.');
      return { kind: 'editor', editor: active, document: active.document };
    }
    if (target !== undefined) return this.fileTarget(parseUri(target));
    if (active && isMDocument(active.document)) return { kind: 'editor', editor: active, document: active.document };
    if (!interactive) return { kind: 'untitled' };

    type Item = vscode.QuickPickItem & { uri?: vscode.Uri; dataflow?: vscode.Uri };
    const files = await vscode.workspace.findFiles('**/*.{pq,pqm}', '**/node_modules/**', 200);
    const dataflows = files.map(uri => dataflowFolderOf(uri)).filter((f): f is vscode.Uri => f !== undefined);
    const items: Item[] = [
      ...dataflows.map(folder => ({ label: `$(database) ${dataflowName(folder)}`, description: `dataflow: ${vscode.workspace.asRelativePath(folder)}`, detail: 'Add the scoring queries to its mashup.pq and queryMetadata.json', dataflow: folder })),
      { label: '$(new-file) New untitled .pq document' },
      ...files.filter(uri => !dataflowFolderOf(uri)).map(uri => ({ label: vscode.workspace.asRelativePath(uri), description: 'append to this file', uri })),
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'Insert CallMLEndpoint M function', placeHolder: 'The active editor is not a .pq file. Where should the M go?' });
    if (!pick) return undefined;
    if (pick.dataflow) return { kind: 'dataflow', folder: pick.dataflow };
    return pick.uri ? this.fileTarget(pick.uri) : { kind: 'untitled' };
  }

  private async fileTarget(uri: vscode.Uri): Promise<Target> {
    const visible = vscode.window.visibleTextEditors.find(e => e.document.uri.toString() === uri.toString());
    if (visible) return { kind: 'editor', editor: visible, document: visible.document };
    let document: vscode.TextDocument;
    try {
      document = await vscode.workspace.openTextDocument(uri);
    } catch (error) {
      throw new UserError(`${uri.fsPath || uri.toString()} could not be opened: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!isMDocument(document)) throw new UserError(`${vscode.workspace.asRelativePath(uri)} is not a .pq file.`);
    return { kind: 'file', document };
  }

  private async write(target: Exclude<Target, { kind: 'dataflow' }>, text: string): Promise<vscode.Uri> {
    if (target.kind === 'untitled') {
      const document = await vscode.workspace.openTextDocument({ language: 'powerquery', content: text });
      await vscode.window.showTextDocument(document);
      return document.uri;
    }
    if (target.kind === 'editor') {
      const { editor } = target;
      const ok = await editor.edit(edit => edit.replace(editor.selection, text));
      if (!ok) throw new UserError('The editor did not accept the edit (is it read-only?).');
      return editor.document.uri;
    }
    // A file that is not shown: append at the end, after a blank line.
    const doc = target.document;
    const end = doc.lineAt(doc.lineCount - 1).range.end;
    const separator = doc.getText().trim() ? (doc.lineAt(doc.lineCount - 1).isEmptyOrWhitespace ? '\n' : '\n\n') : '';
    const edit = new vscode.WorkspaceEdit();
    edit.insert(doc.uri, end, separator + text);
    if (!(await vscode.workspace.applyEdit(edit))) throw new UserError(`${vscode.workspace.asRelativePath(doc.uri)} did not accept the edit.`);
    const editor = await vscode.window.showTextDocument(doc);
    editor.revealRange(new vscode.Range(end, end), vscode.TextEditorRevealType.AtTop);
    return doc.uri;
  }
}

interface Prepared {
  input: GenerateMInput;
  endpoint: EndpointDefinition | undefined;
  columns: MColumn[];
  from: InsertMResult['columnsFrom'];
}

type Target =
  | { kind: 'untitled' }
  | { kind: 'dataflow'; folder: vscode.Uri }
  | { kind: 'editor'; editor: vscode.TextEditor; document: vscode.TextDocument }
  | { kind: 'file'; document: vscode.TextDocument };

/** A Power Query M document: language `powerquery` or a .pq/.pqm file. */
export function isMDocument(document: vscode.TextDocument): boolean {
  return document.languageId === 'powerquery' || /\.(pq|pqm)$/i.test(document.fileName);
}

function parseUri(text: string): vscode.Uri {
  try {
    return /^[a-z][a-z0-9+.-]+:/i.test(text) ? vscode.Uri.parse(text, true) : vscode.Uri.file(text);
  } catch {
    throw new UserError(`"${text}" is not a file URI.`);
  }
}

/** What to do after the M landed in a .pq file, in one notification. */
function nextStepAfterInsert(variant: string, endpointName: string | undefined): string {
  const what = endpointName ? `the M for "${endpointName}"` : 'the M (fill in WorkspaceId, ModelId and ModelVersion)';
  return variant === 'recommended'
    ? `Inserted ${what}. Next: in Dataflow Gen2, create these queries (Copy for Advanced Editor gives them one by one), set TenantId, ClientId and ClientSecret, and apply the scoring function to your table.`
    : `Inserted ${what}. Next: paste it into your Dataflow Gen2 query and set the service principal's values.`;
}

/** A tree-node-like argument, so the command it is passed to stays interactive. */
class EndpointArg {
  constructor(readonly endpointId: string) {}
}
