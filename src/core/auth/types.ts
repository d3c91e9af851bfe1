// Contracts of the token side. Implemented over @azure/msal-node in tokenProvider.ts.
import type { ServicePrincipalCredentials } from '../endpoints/model';

export type CloudName = 'public' | 'usGovernment' | 'china' | 'custom';

export interface AuthSettings {
  cloud: CloudName;
  /** Used when cloud is "custom": https://host, or http://127.0.0.1:PORT when allowLoopback. */
  customAuthorityHost?: string;
  allowLoopback: boolean;
}

/**
 * Acquires Fabric API tokens for one kind of identity: `subject` says whose token (a service principal's
 * credentials for MsalTokenSource, the access a call needs for UserTokenSource). Callers above the token
 * source (the HTTP client, the scoring engine, LROs, host rules) only see the resulting bearer token.
 */
export interface TokenSource<Subject = ServicePrincipalCredentials> {
  /** A bearer token for the Fabric API. Throws AuthError on failure. */
  getToken(subject: Subject, signal?: AbortSignal): Promise<string>;
  /** Token requests that went to the wire (not served from cache) since creation. */
  readonly networkTokenRequests: number;
  /** Drops cached apps/tokens (after credentials change). */
  clear(): void;
}
