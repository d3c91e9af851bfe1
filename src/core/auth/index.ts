// The token side: Entra client credentials for the Fabric API over msal-node.
export type { AuthSettings, CloudName, TokenSource } from './types';
export { accountProviderFor, AUTHORITY_HOSTS, FABRIC_API_BASE, FABRIC_SCOPE, fabricApiBase, resolveAuthority, type ResolvedAuthority } from './clouds';
export { AuthError, explainAuthError, isValidClientId, isValidTenant, type AuthErrorKind } from './authErrors';
export { MsalTokenSource, type MsalTokenSourceOptions } from './tokenProvider';
export {
  authorityChange,
  rotationRefusal,
  UNBOUND_AUTHORITY,
  validateClientId,
  validateProfileId,
  validateSecret,
  validateTenant,
  type AuthorityChange,
  type StoredCredentials,
} from './binding';
export {
  FABRIC_USER_SCOPES,
  SIGNED_OUT_ACTION,
  userScopes,
  UserTokenSource,
  type AccountTokenProvider,
  type UserAccess,
  type UserSignInSettings,
} from './userTokenSource';
