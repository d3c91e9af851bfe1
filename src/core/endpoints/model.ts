// The endpoint model shared by every surface. Endpoint definitions live in settings and hold IDs only;
// credentials never appear in these types.

/** One endpoint as stored in the `fabricMl.endpoints` setting. */
export interface EndpointDefinition {
  id: string;
  name: string;
  /** The score URL the user copied from Fabric (version or default-version form). */
  scoreUrl: string;
  /**
   * Which service-principal profile calls this endpoint (defaults to "default"). With identity "user" it is
   * still the profile the Dataflow's M uses and "Test as the Dataflow will" tests.
   */
  profileId: string;
  /** Who calls: the signed-in Microsoft account ("user", "as you") or the service principal (default). */
  identity?: EndpointIdentity;
  /** Rows per score request for this endpoint; falls back to `fabricMl.scoring.batchSize`. */
  batchSize?: number;
}

/** "user": calls are made as the signed-in Microsoft account; "servicePrincipal": as the profile's app. */
export type EndpointIdentity = 'user' | 'servicePrincipal';

/** The identity an endpoint calls with (definitions without one predate sign-in and use the service principal). */
export function identityOf(def: Pick<EndpointDefinition, 'identity'>): EndpointIdentity {
  return def.identity === 'user' ? 'user' : 'servicePrincipal';
}

/** How a node or a message names the identity: "as you (data.engineer@contoso.com)" or "service principal "Prod"". */
export function describeIdentity(identity: EndpointIdentity, names: { account?: string; profileLabel: string }): string {
  if (identity === 'user') return names.account ? `as you (${names.account})` : 'as you (not signed in)';
  return `service principal "${names.profileLabel}"`;
}

/** A service-principal profile: only a label is stored in settings, the rest is in SecretStorage. */
export interface ServicePrincipalProfile {
  id: string;
  label: string;
}

/** Credentials of one profile, as kept in SecretStorage. Never logged, never shown. */
export interface ServicePrincipalCredentials {
  tenantId: string;
  clientId: string;
  clientSecret: string;
}

/** One column of a version's input or output signature. `type` is Fabric's text (double, long, string, …). */
export interface SignatureField {
  name: string;
  type: string;
  required: boolean;
}

/** Fabric documents Deactivated | Activating | Deactivating | Active | Failed; examples also show others. */
export type VersionStatus = 'Active' | 'Deactivated' | 'Activating' | 'Deactivating' | 'Failed' | (string & {});
export type ScaleRule = 'AlwaysOn' | 'AllowScaleToZero' | (string & {});

/** `MLModelEndpointVersionInfo` from the Fabric API. */
export interface EndpointVersionInfo {
  versionName: string;
  status: VersionStatus;
  scaleRule?: ScaleRule;
  inputSignature?: SignatureField[];
  outputSignature?: SignatureField[];
  failureDetails?: { errorCode?: string; message?: string };
}

/** `MLModelEndpoint` from the Fabric API (the model's endpoint with its default version). */
export interface ModelEndpointInfo {
  defaultVersionName?: string;
  defaultVersionAssignmentBehavior?: string;
  defaultVersionInfo?: EndpointVersionInfo;
}

/** What a score URL says: where the API is, which workspace, model and (optionally) version. */
export interface EndpointRef {
  /** Scheme + host (+ port) + `/v1`, e.g. `https://api.fabric.microsoft.com/v1`. */
  apiBase: string;
  workspaceId: string;
  modelId: string;
  /** Absent for the default-version URL (`…/mlModels/{model}/endpoint/score`). */
  version?: string;
}
