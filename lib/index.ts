/**
 * tokenguard: API tokens as infrastructure. The root export is the component and what declaring it
 * needs; the policies are `tokenguard/policy`, the ledger `tokenguard/audit`, the scanners
 * `tokenguard/scan`.
 */
export { ScopedToken, SCOPED_TOKEN_TYPE, TokenRefusedError } from "./scoped-token";
export type {
  ScopedTokenArgs,
  ScopedTokenCommonArgs,
  VaultScopedTokenArgs,
  RandomScopedTokenArgs,
  AwsIamScopedTokenArgs,
  AwsSecretScopedTokenArgs,
  RotationArgs,
  PreviousGeneration,
  VaultBackendArgs,
  RandomBackendArgs,
  AwsIamBackendArgs,
  AwsSecretBackendArgs,
  AlertArgs,
  ProbeArgs,
  VaultVerifyArgs,
  HttpVerifyArgs,
} from "./scoped-token-args";
export { awsScopes } from "./backends/aws-scopes";
export type { AwsScopeInput } from "./backends/aws-scopes";
export { tokenHash } from "./token-hash";
export { MissingPeerError } from "./peer";
export { PolicyFileError, POLICY_FILE_NAME } from "./schema/policy-file";
export { DurationError } from "./schema/duration";
