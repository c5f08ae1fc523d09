/**
 * `tokenguard/usage`: which declared scopes each token actually used (Vault audit logs, IAM
 * last-accessed data), and the narrower declaration. See docs/usage.md.
 */
export { runUsage, type UsageOptions } from "./run";
export type {
  DeniedRequest,
  ScopeStatus,
  ScopeUsage,
  SourceSummary,
  TokenUsage,
  UsageReport,
  UsageSource,
  UseEntry,
} from "./model";
export { USAGE_JSON_SCHEMA } from "./json-schema";
export { formatMarkdown, formatText, proposedText } from "./format";
export { parseAuditLine, OPERATION_CAPABILITY, type AuditRequest } from "./vault-audit";
export { AuditLogError } from "./vault-stream";
export { VaultHashError, type VaultConnection } from "./vault-hash";
export { IamUsageError, serviceLastAccessed, type IamOptions } from "./aws-iam";
export type { ServiceLastAccessed, TrackedAction } from "./aws-usage";
export { WindowError } from "./window";
