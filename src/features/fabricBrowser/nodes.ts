// The nodes of the "Fabric workspaces" view: workspaces → ML models → the model's endpoint (default version)
// and its versions. A version node carries `endpointId` (the browsed endpoint's id), so every endpoint command
// (Score, Test connection, Insert M, Activate/Deactivate, auto-sleep, Pin) takes it as its argument.
import type { EndpointVersionInfo } from '../../core/endpoints/model';
import type { BrowsedVersion, FabricItem } from '../../core/fabric/browse';

export type FabricNode = AccountNode | WorkspaceNode | ModelNode | DefaultVersionNode | BrowsedVersionNode | MessageNode | MoreNode;

export class AccountNode {
  readonly kind = 'account';
  readonly id = 'fabric/account';
  constructor(readonly label: string) {}
}

export class WorkspaceNode {
  readonly kind = 'workspace';
  readonly id: string;
  constructor(readonly workspace: FabricItem) {
    this.id = `fabric/ws/${workspace.id}`;
  }
}

export class ModelNode {
  readonly kind = 'model';
  readonly id: string;
  constructor(
    readonly parent: WorkspaceNode,
    readonly model: FabricItem,
  ) {
    this.id = `${parent.id}/model/${model.id}`;
  }
}

/** The model's endpoint: its default version, or the warning that none is set. */
export class DefaultVersionNode {
  readonly kind = 'defaultVersion';
  readonly id: string;
  constructor(
    readonly parent: ModelNode,
    readonly defaultVersionName: string | undefined,
    readonly warning: string | undefined,
  ) {
    this.id = `${parent.id}/endpoint`;
  }
}

export class BrowsedVersionNode {
  readonly kind = 'browsedVersion';
  readonly id: string;
  constructor(
    readonly parent: ModelNode,
    readonly version: BrowsedVersion,
    /** The id commands take: the browsed endpoint's id. */
    readonly endpointId: string,
    public info: EndpointVersionInfo,
    readonly isDefault: boolean,
  ) {
    this.id = `${parent.id}/v/${info.versionName}`;
  }
}

/** A line that explains something (a 403, an error, "no ML models"); `command` makes it clickable. */
export class MessageNode {
  readonly kind = 'message';
  constructor(
    readonly id: string,
    readonly text: string,
    readonly tooltip: string,
    readonly icon: 'error' | 'warning' | 'info' | 'lock',
    readonly command?: { command: string; title: string; arguments?: unknown[] },
  ) {}
}

/** "Load more…": the next page of workspaces (parent undefined) or of a workspace's models. */
export class MoreNode {
  readonly kind = 'more';
  readonly id: string;
  constructor(readonly parent: WorkspaceNode | undefined) {
    this.id = `${parent?.id ?? 'fabric'}/more`;
  }
}
