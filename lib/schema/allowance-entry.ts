/**
 * One `tokens.<name>.allowEscalation` entry of the policy file, as the rules read it (the schema
 * that checks it is ./allowance). Kept free of zod, so the package's public types do not need it.
 */
export interface EscalationAllowance {
  /** Vault: the exact scope, `"<path>:<cap>[,<cap>]"`, as declared. */
  readonly scope?: string;
  /** AWS: the exact actions the escalation needs. */
  readonly actions?: readonly string[];
  /** AWS: the exact ARNs (principals, roles, functions) at stake. */
  readonly resources?: readonly string[];
  /** Why this token must hold it. */
  readonly reason: string;
}
