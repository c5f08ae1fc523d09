/**
 * What `tokenguard usage` reports, one shape for every backend (the JSON output; its JSON Schema is
 * lib/usage/json-schema.ts). Times are RFC 3339 in UTC, whole seconds.
 */

/** One capability (Vault) or action (AWS) a scope granted, and how it was used in the window. */
export interface UseEntry {
  /** A Vault capability ("read"), an IAM action ("s3:GetObject"), or a policy name (raw tokens). */
  readonly what: string;
  /** Requests in the window; null when the source does not count (IAM last-accessed data). */
  readonly count: number | null;
  /** The last use in the window. */
  readonly lastUsed: string;
  /** AWS: whether IAM tracked this action itself, or only its service. */
  readonly granularity?: "action" | "service";
}

export type ScopeStatus = "used" | "partly-used" | "unused";

export interface ScopeUsage {
  /** The declared scope, as canonical text. */
  readonly scope: string;
  readonly status: ScopeStatus;
  readonly used: readonly UseEntry[];
  /** Capabilities or actions of this scope with no use in the window. */
  readonly unused: readonly string[];
  /** The last use seen at all, also before the window (absent: none in the evidence). */
  readonly lastUsed?: string;
  /** Requests in the window over all its capabilities (null: the source does not count). */
  readonly count: number | null;
  /** Why the proposal keeps, narrows or drops this scope, when that is not obvious. */
  readonly note?: string;
}

/** A request the token made and Vault refused: the token needs a scope it lacks. */
export interface DeniedRequest {
  readonly path: string;
  readonly operation: string;
  readonly count: number;
  readonly lastSeen: string;
  /** The scope that would have allowed it ("<path>:<capability>"), when the operation maps to one. */
  readonly needs?: string;
}

export type UsageSource = "vault-audit" | "aws-iam";

export interface TokenUsage {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  readonly backend: string;
  /** True for a ScopedToken; false for a raw token resource. */
  readonly managed: boolean;
  /** Where the evidence came from; absent when the token was not measured. */
  readonly source?: UsageSource;
  /** Why the token was not measured (no source for its backend, no flag given, …). */
  readonly reason?: string;
  /** From when the evidence covers this token: its first log entry or creation, whichever is later. */
  readonly evidenceFrom?: string;
  /**
   * Whether the evidence covers the whole window, so an unused scope has been unused for longer
   * than --since (the exit code counts only judged tokens).
   */
  readonly judged: boolean;
  /** Vault: requests matched by a generation's accessor, and by the token's own policy and name. */
  readonly matched?: { readonly accessor: number; readonly policy: number };
  readonly scopes: readonly ScopeUsage[];
  /** "<scope>" or "<path>:<capability>" parts with no use in the window. */
  readonly unusedScopes: readonly string[];
  readonly denied: readonly DeniedRequest[];
  /** Distinct denied requests left out of `denied` (it keeps the most recent 100). */
  readonly deniedOmitted?: number;
  /** The narrower `scopes:` array (strings for Vault, statements for AWS); absent when unmeasured. */
  readonly proposed?: readonly unknown[];
  /** Whether `proposed` differs from the declaration. */
  readonly changed: boolean;
}

export interface SourceSummary {
  /** A Vault audit log file. */
  readonly file?: string;
  readonly kind: UsageSource;
  /** Vault: how the log carries accessors. */
  readonly accessors?: "clear" | "hmac" | "none";
  /** Vault: how HMAC'd accessors were matched. */
  readonly hashing?: string;
  readonly lines?: number;
  readonly requests?: number;
  readonly matched?: number;
  readonly unreadable?: number;
  readonly from?: string;
  readonly to?: string;
  readonly note?: string;
}

export interface UsageReport {
  readonly version: 1;
  readonly project?: string;
  readonly stack?: string;
  readonly now: string;
  /** The --since value as given ("90d", or an RFC 3339 instant). */
  readonly since: string;
  readonly windowStart: string;
  readonly sources: readonly SourceSummary[];
  readonly tokens: readonly TokenUsage[];
  readonly summary: {
    readonly tokens: number;
    readonly measured: number;
    /** Judged tokens with scopes unused for longer than --since (exit 1 when > 0). */
    readonly withUnused: number;
    readonly denied: number;
  };
}
