// The elements of the Endpoint Explorer tree. Commands receive these as their argument when run from a
// tree item; every endpoint-related node carries `endpointId` (the Score and M commands read it too) and
// profile nodes carry `profileId`. Nodes are plain data; the provider decides how each one looks.
import type { SignatureField } from '../../core/endpoints/model';

export abstract class ExplorerNode {
  abstract readonly kind: string;
  constructor(
    /** Stable across refreshes (also the TreeItem id), so VS Code keeps expansion and selection. */
    readonly id: string,
    readonly parent: ExplorerNode | undefined,
  ) {}
}

export class EndpointNode extends ExplorerNode {
  readonly kind = 'endpoint';
  constructor(readonly endpointId: string) {
    super(`endpoint/${endpointId}`, undefined);
  }
}

export class VersionNode extends ExplorerNode {
  readonly kind = 'version';
  constructor(
    parent: EndpointNode,
    readonly endpointId: string,
    public versionName: string,
  ) {
    super(`${parent.id}/version`, parent);
  }
}

export class SignatureNode extends ExplorerNode {
  readonly kind = 'signature';
  constructor(
    parent: EndpointNode,
    readonly endpointId: string,
    readonly direction: 'input' | 'output',
  ) {
    super(`${parent.id}/${direction}`, parent);
  }
}

export class FieldNode extends ExplorerNode {
  readonly kind = 'field';
  constructor(
    parent: SignatureNode,
    readonly endpointId: string,
    public field: SignatureField,
    index: number,
  ) {
    super(`${parent.id}/${index}`, parent);
  }
}

/** A service-principal profile, under an endpoint (the one it uses) or under the "Service principals" group. */
export class ProfileNode extends ExplorerNode {
  readonly kind = 'profile';
  constructor(
    parent: ExplorerNode | undefined,
    readonly profileId: string,
    /** Set when the node sits under an endpoint. */
    readonly endpointId?: string,
  ) {
    super(`${parent?.id ?? 'root'}/profile/${profileId}`, parent);
  }
}

export class ProfilesGroupNode extends ExplorerNode {
  readonly kind = 'profiles';
  constructor() {
    super('profiles', undefined);
  }
}

/** A line of explanation under an endpoint (why it cannot be called, what failed). */
export class MessageNode extends ExplorerNode {
  readonly kind = 'message';
  constructor(
    parent: EndpointNode,
    readonly endpointId: string,
    readonly slot: string,
    public text: string,
    public tooltip: string,
    public icon: string,
  ) {
    super(`${parent.id}/message/${slot}`, parent);
  }
}

/** A line at the root of an otherwise empty tree, e.g. "No endpoints yet: add one". */
export class HintNode extends ExplorerNode {
  readonly kind = 'hint';
  constructor(readonly hint: 'addEndpoint') {
    super(`hint/${hint}`, undefined);
  }
}

export type AnyNode = EndpointNode | VersionNode | SignatureNode | FieldNode | ProfileNode | ProfilesGroupNode | MessageNode | HintNode;
