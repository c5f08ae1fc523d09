export { ScopedToken, SCOPED_TOKEN_TYPE, resolvePolicyFor } from "./scoped-token";
export { awsScopes } from "./backends/aws-scopes";
export type { AwsScopeInput } from "./backends/aws-scopes";
export type { AwsIamBackendArgs } from "./backends/aws-iam";
export type { AwsSecretBackendArgs } from "./backends/aws-secret";
export type {
  ScopedTokenArgs,
  VaultScopedTokenArgs,
  RandomScopedTokenArgs,
  AwsIamScopedTokenArgs,
  AwsSecretScopedTokenArgs,
  RotationArgs,
  PreviousGeneration,
} from "./scoped-token";
export type { VaultBackendArgs } from "./backends/vault";
export type { RandomBackendArgs } from "./backends/random";
export { tokenHash } from "./backends/random";
export { parseDuration, formatDuration, DurationError } from "./schema/duration";
export {
  loadPolicyFile,
  parsePolicyText,
  resolvePolicy,
  DEFAULT_POLICY,
  POLICY_FILE_NAME,
  PolicyFileError,
} from "./schema/policy-file";
export type { Policy, BackendPolicy, PolicyFileInput } from "./schema/policy-file";
export { parseTokenSpec, TokenSpecError } from "./schema/token";
export type { TokenDeclaration, TokenSpec } from "./schema/token";
export { judgeToken } from "./rules/token-rules";
export { TOKEN_RULES } from "./rules/catalog";
export type { Finding, RuleInfo } from "./rules/catalog";
export * as rotation from "./rotation";
export * as audit from "./audit";
export { LedgerEntry, ledgerEntry, ledgerSettings } from "./audit/ledger-entry";
export type { LedgerEntryArgs, LedgerSettings, LedgerTokenFacts } from "./audit/ledger-entry";
