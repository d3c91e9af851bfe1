// Add / Edit / Remove / Copy URL / Refresh. Each takes a plain arguments object (no prompts; see
// docs/commands.md) or a tree node / nothing (prompts and confirmations).
import * as vscode from 'vscode';
import { errorMessage } from '../../core/errorMessage';
import type { EndpointDefinition, EndpointRef } from '../../core/endpoints/model';
import { EndpointUrlError, normalizeScoreUrl, parseScoreUrl, SCORE_URL_EXAMPLE } from '../../core/endpoints/endpointUrl';
import { explainFailure } from '../../core/endpoints/connectionReport';
import { describeEdit } from '../../core/endpoints/describeEdit';
import type { Services } from '../services';
import { pickEndpoint } from '../shared/endpointPicker';
import { validateProfileId } from '../../core/auth/binding';
import { describeOrigin, MAX_BATCH_SIZE } from '../shared/endpointStore';
import { allowLoopback } from '../shared/settings';
import { confirm, isPlainArgs, registerCommand, stringArg, UserError, type CommandContext } from '../shared/commands';
import { ProfileNode } from './nodes';
import type { EndpointTreeProvider } from './treeProvider';

const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface AddEndpointArgs {
  id?: string;
  name?: string;
  scoreUrl: string;
  profileId?: string;
  batchSize?: number;
  target?: 'user' | 'workspace';
}

export interface RefreshResult {
  endpointId: string;
  state: 'ready' | 'failed' | 'credentialsMissing' | 'authorityChanged' | 'loopbackNotApproved' | 'restricted' | 'invalidUrl' | 'signedOut';
  status?: string;
  scaleRule?: string;
  versionName?: string;
  failure?: { code: string; title: string };
}

/** Parses a score URL with the current loopback setting; throws a UserError with the parser's message. */
export function checkScoreUrl(url: string): { normalized: string; ref: EndpointRef } {
  try {
    const options = { allowLoopback: allowLoopback() };
    return { normalized: normalizeScoreUrl(url, options), ref: parseScoreUrl(url, options) };
  } catch (error) {
    if (error instanceof EndpointUrlError) throw new UserError(error.message);
    throw error;
  }
}

function urlProblem(url: string): string | undefined {
  try {
    checkScoreUrl(url);
    return undefined;
  } catch (error) {
    return errorMessage(error);
  }
}

/**
 * The clipboard's text, if it answers at once. In a browser-hosted VS Code without clipboard permission the
 * read waits until the user dismisses the browser's notification, so it is raced against a short timeout.
 */
async function clipboardText(): Promise<string> {
  const read = Promise.resolve(vscode.env.clipboard.readText()).then(t => t.trim(), () => '');
  if (vscode.env.uiKind === vscode.UIKind.Desktop) return read;
  return Promise.race([read, new Promise<string>(resolve => setTimeout(() => resolve(''), CLIPBOARD_WAIT_MS))]);
}

const CLIPBOARD_WAIT_MS = 300;

function suggestedName(ref: EndpointRef): string {
  return `Model ${ref.modelId.slice(0, 8)} ${ref.version !== undefined ? `v${ref.version}` : '(default version)'}`;
}

function batchSizeProblem(value: unknown): string | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= MAX_BATCH_SIZE
    ? undefined
    : `The batch size must be a whole number from 1 to ${MAX_BATCH_SIZE}.`;
}

export class EndpointCommands {
  constructor(
    private readonly services: Services,
    private readonly tree: EndpointTreeProvider,
    private readonly view: vscode.TreeView<unknown>,
  ) {}

  register(): vscode.Disposable[] {
    const s = this.services;
    return [
      registerCommand(s, 'fabricMl.addEndpoint', (arg, ctx) => this.add(arg, ctx)),
      registerCommand(s, 'fabricMl.editEndpoint', (arg, ctx) => this.edit(arg, ctx)),
      registerCommand(s, 'fabricMl.removeEndpoint', (arg, ctx) => this.remove(arg, ctx)),
      registerCommand(s, 'fabricMl.copyEndpointUrl', (arg, ctx) => this.copyUrl(arg, ctx)),
      registerCommand(s, 'fabricMl.refreshEndpoints', arg => this.refresh(arg)),
    ];
  }

  async add(arg: unknown, ctx: CommandContext): Promise<EndpointDefinition | undefined> {
    const input = ctx.interactive ? await this.promptAdd() : this.readAddArgs(arg as Record<string, unknown>);
    if (!input) return undefined;
    const { normalized, ref } = checkScoreUrl(input.scoreUrl);
    const name = input.name?.trim() || suggestedName(ref);
    const profileId = input.profileId?.trim() || 'default';
    const profileProblem = validateProfileId(profileId);
    if (profileProblem) throw new UserError(profileProblem);
    const id = input.id?.trim() || this.uniqueId(name);
    if (!ID_RE.test(id)) throw new UserError(`The endpoint id "${id.slice(0, 40)}" may contain letters, digits, ".", "_" and "-" only (at most 64 characters).`);
    if (this.services.endpoints.get(id)) throw new UserError(`An endpoint with id "${id}" already exists. Choose another id, or use Edit Endpoint.`);
    const def: EndpointDefinition = { id, name, scoreUrl: normalized, profileId };
    if (input.batchSize !== undefined) def.batchSize = input.batchSize;
    const target = input.target === 'workspace' ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
    try {
      await this.services.endpoints.add(def, target);
    } catch (error) {
      throw new UserError(errorMessage(error));
    }
    this.services.log.info(`Added endpoint "${name}" (${id}) in ${input.target === 'workspace' ? 'workspace' : 'user'} settings: ${normalized}`);
    if (ctx.interactive) {
      await this.reveal(id, 1);
      if (!(await this.services.credentials.has(profileId))) {
        void vscode.window
          .showInformationMessage(`Added "${name}". Its service principal "${this.services.credentials.label(profileId)}" has no credentials yet.`, 'Set Credentials')
          .then(choice => {
            if (choice) void vscode.commands.executeCommand('fabricMl.setCredentials', new ProfileNode(undefined, profileId));
          });
      }
    }
    return def;
  }

  private readAddArgs(args: Record<string, unknown>): AddEndpointArgs {
    const target = stringArg(args, 'target');
    if (target !== undefined && target !== 'user' && target !== 'workspace') throw new UserError('The argument "target" must be "user" or "workspace".');
    const batchSize = args.batchSize;
    if (batchSize !== undefined && batchSize !== null) {
      const problem = batchSizeProblem(batchSize);
      if (problem) throw new UserError(problem);
    }
    return {
      id: stringArg(args, 'id'),
      name: stringArg(args, 'name'),
      scoreUrl: stringArg(args, 'scoreUrl', true),
      profileId: stringArg(args, 'profileId'),
      batchSize: typeof batchSize === 'number' ? batchSize : undefined,
      target,
    };
  }

  private async promptAdd(): Promise<AddEndpointArgs | undefined> {
    const profiles = this.services.credentials.profiles();
    const askTarget = !!vscode.workspace.workspaceFolders?.length && vscode.workspace.isTrusted;
    const total = 2 + (profiles.length > 1 ? 1 : 0) + (askTarget ? 1 : 0);
    let step = 0;
    const title = (): string => `Add Fabric ML Endpoint (${++step}/${total})`;
    // A score URL already on the clipboard (copied from Fabric) is offered as the value.
    const clip = await clipboardText();
    const scoreUrl = await this.promptScoreUrl(title(), clip && !urlProblem(clip) ? clip : '');
    if (!scoreUrl) return undefined;
    const { ref } = checkScoreUrl(scoreUrl);
    const name = await vscode.window.showInputBox({
      title: title(),
      prompt: 'A name for the endpoint in the Explorer',
      value: suggestedName(ref),
      ignoreFocusOut: true,
      validateInput: v => (v.trim() ? undefined : 'Enter a name.'),
    });
    if (name === undefined) return undefined;
    let profileId = profiles[0]?.id ?? 'default';
    if (profiles.length > 1) {
      const pick = await vscode.window.showQuickPick(
        profiles.map(p => ({ label: p.label, description: p.id, id: p.id })),
        { title: title(), placeHolder: 'Which service principal calls this endpoint?', ignoreFocusOut: true },
      );
      if (!pick) return undefined;
      profileId = pick.id;
    }
    let target: 'user' | 'workspace' = 'user';
    if (askTarget) {
      const pick = await vscode.window.showQuickPick(
        [
          { label: 'User settings', description: 'available in every workspace', target: 'user' as const },
          { label: 'Workspace settings', description: 'shared with everyone who opens this folder (IDs only, no secrets)', target: 'workspace' as const },
        ],
        { title: title(), placeHolder: 'Where to save the endpoint?', ignoreFocusOut: true },
      );
      if (!pick) return undefined;
      target = pick.target;
    }
    return { scoreUrl, name, profileId, target };
  }

  /** The score URL, asked again (not closed) when the user presses Enter on an empty box. */
  private async promptScoreUrl(title: string, value: string): Promise<string | undefined> {
    let prompt = 'Paste the score URL from the model version\'s Endpoint details in Fabric';
    for (;;) {
      const text = await vscode.window.showInputBox({
        title,
        prompt,
        placeHolder: SCORE_URL_EXAMPLE,
        value,
        ignoreFocusOut: true,
        validateInput: v => (v.trim() ? urlProblem(v) ?? this.duplicateWarning(v) : undefined),
      });
      if (text === undefined) return undefined;
      if (text.trim()) return text.trim();
      prompt = 'Enter the score URL (or press Escape to cancel). Fabric shows it under the model version\'s Endpoint details.';
    }
  }

  /** A warning (not an error: a second entry is allowed) when the URL is configured already. */
  private duplicateWarning(url: string): vscode.InputBoxValidationMessage | undefined {
    const normalized = checkScoreUrl(url).normalized;
    const existing = this.services.endpoints.list().find(d => d.scoreUrl === normalized);
    return existing
      ? { message: `"${existing.name}" already calls this URL. Adding it again creates a second endpoint for it.`, severity: vscode.InputBoxValidationSeverity.Warning }
      : undefined;
  }

  async edit(arg: unknown, ctx: CommandContext): Promise<EndpointDefinition | undefined> {
    const def = await pickEndpoint(this.services, arg, ctx, { title: 'Edit which endpoint?' });
    if (!def) return undefined;
    if (this.services.endpoints.isRestricted(def.id)) throw new UserError(`"${def.name}" comes from the settings of an untrusted workspace and cannot be edited here.`);
    const next: EndpointDefinition = { ...def };
    if (!ctx.interactive) {
      const args = arg as Record<string, unknown>;
      const name = stringArg(args, 'name');
      const scoreUrl = stringArg(args, 'scoreUrl');
      const profileId = stringArg(args, 'profileId');
      if (name !== undefined) {
        if (!name.trim()) throw new UserError('The name must not be empty.');
        next.name = name.trim();
      }
      if (scoreUrl !== undefined) next.scoreUrl = checkScoreUrl(scoreUrl).normalized;
      if (profileId !== undefined) {
        const problem = validateProfileId(profileId.trim());
        if (problem) throw new UserError(problem);
        next.profileId = profileId.trim();
      }
      if ('batchSize' in args) {
        if (args.batchSize === null || args.batchSize === undefined) delete next.batchSize;
        else {
          const problem = batchSizeProblem(args.batchSize);
          if (problem) throw new UserError(problem);
          next.batchSize = args.batchSize as number;
        }
      }
    } else {
      const changed = await this.promptEdit(next);
      if (!changed) return undefined;
    }
    await this.services.endpoints.update(next);
    const what = describeEdit(def, next, id => this.services.credentials.label(id));
    this.services.log.info(`Edited endpoint "${next.name}" (${next.id}): ${what}.`);
    if (ctx.interactive) void vscode.window.showInformationMessage(`"${next.name}": ${what}.`);
    return next;
  }

  private async promptEdit(def: EndpointDefinition): Promise<boolean> {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'Name', description: def.name, field: 'name' as const },
        { label: 'Score URL', description: def.scoreUrl, field: 'scoreUrl' as const },
        { label: 'Service principal', description: this.services.credentials.label(def.profileId), field: 'profileId' as const },
        { label: 'Batch size', description: def.batchSize !== undefined ? String(def.batchSize) : 'from fabricMl.scoring.batchSize', field: 'batchSize' as const },
      ],
      { title: `Edit "${def.name}"`, placeHolder: 'What do you want to change?' },
    );
    if (!pick) return false;
    switch (pick.field) {
      case 'name': {
        const v = await vscode.window.showInputBox({ title: `Name of "${def.name}"`, prompt: 'The name shown in the Endpoint Explorer and in pickers.', value: def.name, validateInput: x => (x.trim() ? undefined : 'Enter a name.') });
        if (v === undefined) return false;
        def.name = v.trim();
        return true;
      }
      case 'scoreUrl': {
        const v = await vscode.window.showInputBox({
          title: `Score URL of "${def.name}"`,
          prompt: 'Paste the score URL from the version\'s Endpoint details in Fabric (…/endpoint/versions/<n>/score calls one version, …/endpoint/score the default version).',
          value: def.scoreUrl,
          ignoreFocusOut: true,
          validateInput: x => urlProblem(x),
        });
        if (v === undefined) return false;
        def.scoreUrl = checkScoreUrl(v).normalized;
        return true;
      }
      case 'profileId': {
        const p = await vscode.window.showQuickPick(
          this.services.credentials.profiles().map(x => ({ label: x.label, description: x.id, id: x.id })),
          { title: 'Service principal for this endpoint' },
        );
        if (!p) return false;
        def.profileId = p.id;
        return true;
      }
      case 'batchSize': {
        const v = await vscode.window.showInputBox({
          title: `Batch size of "${def.name}"`,
          prompt: `Rows per score request, 1 to ${MAX_BATCH_SIZE}. Larger batches mean fewer requests, but an endpoint refuses a request that is too large (HTTP 413). Leave empty to use the setting fabricMl.scoring.batchSize.`,
          value: def.batchSize !== undefined ? String(def.batchSize) : '',
          validateInput: x => (x.trim() === '' ? undefined : batchSizeProblem(Number(x))),
        });
        if (v === undefined) return false;
        if (v.trim() === '') delete def.batchSize;
        else def.batchSize = Number(v);
        return true;
      }
    }
  }

  async remove(arg: unknown, ctx: CommandContext): Promise<boolean> {
    const def = await pickEndpoint(this.services, arg, ctx, { title: 'Remove which endpoint?' });
    if (!def) return false;
    if (this.services.endpoints.isRestricted(def.id)) throw new UserError(`"${def.name}" comes from the settings of an untrusted workspace and cannot be removed here.`);
    const origin = this.services.endpoints.origin(def.id);
    const askFirst = ctx.interactive || (isPlainArgs(arg) && arg.confirm === true);
    if (askFirst) {
      const ok = await confirm(
        `Remove the endpoint "${def.name}"?`,
        `It is removed from ${origin ? describeOrigin(origin) : 'settings'}. The credentials of its service principal are kept.`,
        'Remove',
      );
      if (!ok) return false;
    }
    await this.services.endpoints.remove(def.id);
    this.services.metadata.invalidate(def.id);
    this.services.log.info(`Removed endpoint "${def.name}" (${def.id}).`);
    return true;
  }

  async copyUrl(arg: unknown, ctx: CommandContext): Promise<string | undefined> {
    const def = await pickEndpoint(this.services, arg, ctx, { title: 'Copy the score URL of which endpoint?' });
    if (!def) return undefined;
    await vscode.env.clipboard.writeText(def.scoreUrl);
    if (ctx.interactive) void vscode.window.showInformationMessage(`Copied the score URL of "${def.name}".`);
    return def.scoreUrl;
  }

  /** Re-reads every endpoint's metadata; resolves when all answered. `{ expand: n }` also reveals the nodes. */
  async refresh(arg: unknown): Promise<RefreshResult[]> {
    const { endpoints, metadata } = this.services;
    const defs = endpoints.list();
    const results = await Promise.all(
      defs.map(async (def): Promise<RefreshResult> => {
        const readiness = await this.services.readiness(def.id);
        if (readiness.kind === 'refused') {
          const state = readiness.reason === 'unknownEndpoint' ? 'invalidUrl' : readiness.reason;
          // Not called: the rule refused it. An authority change also says what to do.
          return readiness.reason === 'authorityChanged' || readiness.reason === 'loopbackNotApproved'
            ? { endpointId: def.id, state, failure: { code: readiness.reason, title: `${readiness.title} ${readiness.action}` } }
            : { endpointId: def.id, state };
        }
        try {
          // Re-read from Fabric; until it answers the tree keeps the last known state (and its expansion).
          const info = await metadata.version(def.id, { refresh: true });
          return { endpointId: def.id, state: 'ready', status: String(info.status), scaleRule: info.scaleRule, versionName: info.versionName };
        } catch (error) {
          const failure = explainFailure(error);
          return { endpointId: def.id, state: 'failed', failure: { code: failure.code, title: failure.title } };
        }
      }),
    );
    const expand = isPlainArgs(arg) && typeof arg.expand === 'number' ? Math.max(1, Math.min(3, Math.floor(arg.expand))) : undefined;
    if (expand !== undefined) for (const def of defs) await this.reveal(def.id, expand);
    return results;
  }

  async reveal(endpointId: string, expand: number): Promise<void> {
    try {
      await this.view.reveal(this.tree.endpointNode(endpointId), { expand, select: false, focus: false });
    } catch (error) {
      this.services.log.debug(`Could not reveal ${endpointId}: ${errorMessage(error)}`);
    }
  }

  private uniqueId(name: string): string {
    const base = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48) || 'endpoint';
    let id = base;
    for (let n = 2; this.services.endpoints.get(id); n++) id = `${base}-${n}`;
    return id;
  }
}

