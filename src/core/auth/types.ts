// Contracts of the token side. Implemented over @azure/msal-node in tokenProvider.ts.
import type { ServicePrincipalCredentials } from '../endpoints/model';

export type CloudName = 'public' | 'usGovernment' | 'china' | 'custom';

export interface AuthSettings {
  cloud: CloudName;
  /** Used when cloud is "custom": https://host, or http://127.0.0.1:PORT when allowLoopback. */
  customAuthorityHost?: string;
  allowLoopback: boolean;
}

/** Acquires Fabric API tokens for service principals; one msal app per (authority, tenant, client). */
export interface TokenSource {
  /** A bearer token for https://api.fabric.microsoft.com/.default. Throws AuthError on failure. */
  getToken(credentials: ServicePrincipalCredentials, signal?: AbortSignal): Promise<string>;
  /** Token requests that went to the wire (not served from cache) since creation. */
  readonly networkTokenRequests: number;
  /** Drops cached apps/tokens (after credentials change). */
  clear(): void;
}
