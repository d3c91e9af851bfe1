// Activate / Deactivate a version and turn auto-sleep on or off. Confirmed first (from the UI), run as
// cancellable long-running operations with progress, and the node is updated from Fabric when they end.
import * as vscode from 'vscode';
import type { EndpointDefinition, EndpointVersionInfo } from '../../core/endpoints/model';
import { explainFailure } from '../../core/endpoints/connectionReport';
import type { LroProgress } from '../../core/fabric/types';
import type { Services } from '../services';
import { pickEndpoint } from '../shared/endpointPicker';
import { readVersionInfo } from '../shared/metadataCache';
import { confirm, isPlainArgs, registerCommand, stringArg, UserError, type CommandContext } from '../shared/commands';
import { VersionNode } from './nodes';

type VersionAction = 'activate' | 'deactivate' | 'autoSleepOn' | 'autoSleepOff';

interface ActionText {
  pickTitle: string;
  question: (version: string, name: string) => string;
  detail: string;
  button: string;
  progress: (version: string, name: string) => string;
  done: (info: EndpointVersionInfo, name: string) => string;
  failed: string;
}

const TEXT: Record<VersionAction, ActionText> = {
  activate: {
    pickTitle: 'Activate a version of which endpoint?',
    question: (v, n) => `Activate version ${v} of "${n}"?`,
    detail: 'An active endpoint uses Fabric capacity. A model can have at most 5 versions with active endpoints.',
    button: 'Activate',
    progress: (v, n) => `Activating version ${v} of "${n}"`,
    done: (i, n) => `Version ${i.versionName} of "${n}" is ${i.status}.`,
    failed: 'activate',
  },
  deactivate: {
    pickTitle: 'Deactivate a version of which endpoint?',
    question: (v, n) => `Deactivate version ${v} of "${n}"?`,
    detail: 'Calls to this version, including Dataflows that use it, fail until it is activated again.',
    button: 'Deactivate',
    progress: (v, n) => `Deactivating version ${v} of "${n}"`,
    done: (i, n) => `Version ${i.versionName} of "${n}" is ${i.status}.`,
    failed: 'deactivate',
  },
  autoSleepOn: {
    pickTitle: 'Turn auto-sleep on for which endpoint?',
    question: (v, n) => `Turn auto-sleep on for version ${v} of "${n}"?`,
    detail: 'The endpoint sleeps after 5 minutes without requests; the first call after that is slow.',
    button: 'Turn On',
    progress: (v, n) => `Turning auto-sleep on for version ${v} of "${n}"`,
    done: (i, n) => `Auto-sleep is ${i.scaleRule === 'AllowScaleToZero' ? 'on' : 'off'} for version ${i.versionName} of "${n}".`,
    failed: 'turn auto-sleep on for',
  },
  autoSleepOff: {
    pickTitle: 'Turn auto-sleep off for which endpoint?',
    question: (v, n) => `Turn auto-sleep off for version ${v} of "${n}"?`,
    detail: 'The endpoint stays awake (always on) and keeps using Fabric capacity while it is active.',
    button: 'Turn Off',
    progress: (v, n) => `Turning auto-sleep off for version ${v} of "${n}"`,
    done: (i, n) => `Auto-sleep is ${i.scaleRule === 'AllowScaleToZero' ? 'on' : 'off'} for version ${i.versionName} of "${n}".`,
    failed: 'turn auto-sleep off for',
  },
};

export class VersionCommands {
  constructor(private readonly services: Services) {}

  register(): vscode.Disposable[] {
    const s = this.services;
    return [
      registerCommand(s, 'fabricMl.activateVersion', (arg, ctx) => this.run('activate', arg, ctx)),
      registerCommand(s, 'fabricMl.deactivateVersion', (arg, ctx) => this.run('deactivate', arg, ctx)),
      registerCommand(s, 'fabricMl.turnAutoSleepOn', (arg, ctx) => this.run('autoSleepOn', arg, ctx)),
      registerCommand(s, 'fabricMl.turnAutoSleepOff', (arg, ctx) => this.run('autoSleepOff', arg, ctx)),
    ];
  }

  async run(action: VersionAction, arg: unknown, ctx: CommandContext): Promise<EndpointVersionInfo | undefined> {
    const def = await pickEndpoint(this.services, arg, ctx, { title: TEXT[action].pickTitle });
    if (!def) return undefined;
    const version = await this.versionOf(def, arg);
    const text = TEXT[action];
    const askFirst = ctx.interactive || (isPlainArgs(arg) && arg.confirm === true);
    if (askFirst && !(await confirm(text.question(version, def.name), text.detail, text.button))) return undefined;

    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: text.progress(version, def.name), cancellable: true },
      async (progress, token) => {
        const abort = new AbortController();
        const onCancel = token.onCancellationRequested(() => abort.abort());
        const { metadata, log } = this.services;
        try {
          const session = await this.services.openSession(def.id, { interactive: ctx.interactive });
          const { ref, api } = session;
          let shownTransition = false;
          const onProgress = (p: LroProgress): void => {
            progress.report({ message: p.percentComplete !== undefined ? `${p.status} (${p.percentComplete}%)` : p.status });
            // Show "Activating" / "Deactivating" on the node while the operation runs.
            if (!shownTransition) {
              shownTransition = true;
              metadata.version(def.id, { refresh: true }).catch(() => undefined);
            }
          };
          log.info(`${text.progress(version, def.name)}…`);
          if (action === 'activate') await api.activateVersion(ref, version, { signal: abort.signal, onProgress });
          else if (action === 'deactivate') await api.deactivateVersion(ref, version, { signal: abort.signal, onProgress });
          else await api.updateVersionScaleRule(ref, version, action === 'autoSleepOn' ? 'AllowScaleToZero' : 'AlwaysOn', { signal: abort.signal });
          // Read the version back from Fabric; the endpoint's node shows its own version.
          const info = await api.getVersion(ref, version, { signal: abort.signal });
          const own = await readVersionInfo(session, abort.signal).catch(() => undefined);
          if (own) metadata.set(def.id, own.info, own.usesDefaultVersion);
          else metadata.invalidate(def.id);
          const message = text.done(info, def.name);
          log.info(message);
          if (ctx.interactive) void vscode.window.showInformationMessage(message);
          return info;
        } catch (error) {
          metadata.invalidate(def.id);
          if (error instanceof UserError) throw error;
          const failure = explainFailure(error);
          if (failure.code === 'cancelled') {
            log.info(`${text.progress(version, def.name)}: cancelled.`);
            return undefined;
          }
          throw new UserError(`Could not ${text.failed} version ${version} of "${def.name}": ${failure.title}${failure.action ? ` ${failure.action}` : ''}`);
        } finally {
          onCancel.dispose();
        }
      },
    );
  }

  /** The version named by the node or `{ version }`, else the one the endpoint calls. */
  private async versionOf(def: EndpointDefinition, arg: unknown): Promise<string> {
    if (arg instanceof VersionNode) return arg.versionName;
    if (isPlainArgs(arg)) {
      const named = stringArg(arg, 'version');
      if (named !== undefined && named.trim()) return named.trim();
    }
    const ref = this.services.endpoints.refFor(def);
    if (ref.version !== undefined) return ref.version;
    try {
      return (await this.services.metadata.version(def.id)).versionName;
    } catch (error) {
      const failure = explainFailure(error);
      throw new UserError(`Could not find which version "${def.name}" calls: ${failure.title}`);
    }
  }
}
