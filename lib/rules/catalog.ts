/**
 * Every rule tokenguard enforces, in one table: the policy pack builds its policies from it, the
 * component uses the levels, and the README's rules table is checked against it.
 */

export type Level = "mandatory" | "advisory";
export type Severity = "low" | "medium" | "high" | "critical";

export interface RuleInfo {
  readonly description: string;
  readonly level: Level;
  readonly severity: Severity;
  readonly remediation: string;
}

/** Rules judged on a ScopedToken's declared spec. */
export const TOKEN_RULES = {
  "token-expiry-required": {
    description: "A token must declare a finite, positive ttl.",
    level: "mandatory",
    severity: "critical",
    remediation: 'Declare ttl as a duration such as "1h" or "P30D".',
  },
  "token-max-ttl": {
    description: "A token's ttl must not exceed its backend's ceiling in the policy file.",
    level: "mandatory",
    severity: "high",
    remediation:
      "Shorten ttl, or raise the ceiling (backends.<backend>.maxTtl) in tokenguard.policy.yaml.",
  },
  "token-rotation-required": {
    description:
      "A token must rotate at least as often as the policy allows, with 0 < overlap <= every/2 and ttl >= every + overlap.",
    level: "mandatory",
    severity: "high",
    remediation:
      'Declare rotation: { every: "30d", overlap: "1d" } within the ceiling, and a ttl of at least every + overlap.',
  },
  "token-least-privilege": {
    description:
      "A token's scopes must name exact permissions: no wildcards, no sudo/root, no escalation actions, nothing outside the policy file's allowlist.",
    level: "mandatory",
    severity: "critical",
    remediation:
      "Replace wildcard or privileged scopes with the exact paths/actions and capabilities the consumer needs.",
  },
  "token-ownership": {
    description: "A token should name an owner and a purpose, so someone answers for it.",
    level: "advisory",
    severity: "low",
    remediation: 'Set owner (e.g. "team-platform") and purpose (e.g. "CI deploy pipeline").',
  },
} as const satisfies Record<string, RuleInfo>;

export type TokenRule = keyof typeof TOKEN_RULES;

/** A rule's verdict on one field of one token. Messages state the fact, the limit and the fix. */
export interface Finding<R extends string = TokenRule> {
  readonly rule: R;
  /** The declared field at fault, as the user writes it: `ttl`, `rotation.every`, `scopes[2]`. */
  readonly field: string;
  readonly message: string;
}
