/**
 * Every rule tokenguard enforces, in one table: the policy pack builds its policies from it, and the
 * component and `report` take each rule's level from it.
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
      "A token's scopes must name exact permissions: no wildcards (actions, paths, ARNs that reach every resource), no sudo/root, no privilege escalation (the Vault and AWS escalation model), nothing outside the policy file's allowlist.",
    level: "mandatory",
    severity: "critical",
    remediation:
      "Replace wildcard or privileged scopes with the exact paths/actions and capabilities the consumer needs; allow one named escalation for one token in the policy file (tokens.<name>.allowEscalation, with a reason) only if it must hold it.",
  },
  "token-arguments-valid": {
    description:
      "A ScopedToken's arguments must be well-formed: only known fields, and valid options for its backend.",
    level: "mandatory",
    severity: "high",
    remediation:
      "Fix or remove the field the message names: a misspelt field would otherwise silently not apply.",
  },
  "token-ownership": {
    description: "A token should name an owner and a purpose, so someone answers for it.",
    level: "advisory",
    severity: "low",
    remediation: 'Set owner (e.g. "team-platform") and purpose (e.g. "CI deploy pipeline").',
  },
  "token-alert-timing": {
    description:
      "A rotation alarm must fire only when rotation stopped: alert.before < ttl - rotation.every, so the alarm instant (expiresAt - before) falls after rotatesAt.",
    level: "mandatory",
    severity: "medium",
    remediation:
      "Shorten alert.before below ttl - rotation.every, or lengthen ttl; a token without rotation cannot have an alarm.",
  },
  "token-verified": {
    description:
      "A rotated token should prove each new credential works (a canary probe) before its value is released and the old one retired.",
    level: "advisory",
    severity: "low",
    remediation:
      "Remove verify: false; for Vault, grant read or list on a path the probe can request; for random and aws-secret, declare verify: { url } of your service.",
  },
} as const satisfies Record<string, RuleInfo>;

export type TokenRule = keyof typeof TOKEN_RULES;

/**
 * Defence in depth: rules judged on raw provider resources, so tokens declared without ScopedToken
 * (or with an older tokenguard) are caught too. Children a ScopedToken generates always pass them.
 */
export const RAW_RULES = {
  "vault-token-must-expire": {
    description:
      "A vault.Token must expire: a ttl or explicit max ttl, an explicit max ttl when renewable or periodic, and no longer than the vault ceiling.",
    level: "mandatory",
    severity: "critical",
    remediation:
      'Set explicitMaxTtl (e.g. "768h" or less) and renewable: false, or declare the token with ScopedToken.',
  },
  "vault-no-root-policies": {
    description:
      'Vault tokens, token roles and policy documents must not grant root or a way to it: no "root" policy, no sudo, no path "*", nothing on forbidden paths (sys/*), no write to an escalation endpoint (token creation and roles, identity entities and groups, auth-method users, roles and config, ACL policies), and documents Vault would refuse do not pass.',
    level: "mandatory",
    severity: "critical",
    remediation:
      "Attach a policy naming exact paths and capabilities; drop root, sudo, wildcard, sys/ and escalation paths, or allow one escalation for one token in the policy file (tokens.<name>.allowEscalation, with a reason).",
  },
  "vault-token-orphan": {
    description:
      "A vault.Token outside ScopedToken should not be an orphan: orphans survive the revocation of the token that created them.",
    level: "advisory",
    severity: "medium",
    remediation:
      "Remove noParent, or declare the token with ScopedToken (vault.orphan), which bounds and rotates it.",
  },
  "vault-policy-name-unique": {
    description:
      "Two resources must not write one Vault policy name (two ScopedTokens, or a ScopedToken and a raw vault.Policy): Vault keeps one policy per name, so the tokens would hold each other's grants, and destroying one deletes the other's policy.",
    level: "mandatory",
    severity: "high",
    remediation:
      "Give each token and vault.Policy its own name: drop vault.policyName to use the generated one, or rename one of them.",
  },
  "aws-access-key-rotation": {
    description:
      "An aws.iam.AccessKey must be owned by a ScopedToken, which rotates it; a bare access key never expires.",
    level: "mandatory",
    severity: "high",
    remediation:
      'Declare the key with ScopedToken (backend: "aws-iam") so it rotates, or use a role with short-lived credentials.',
  },
  "aws-iam-least-privilege": {
    description:
      'What a token principal holds (users with access keys, their groups, principals a ScopedToken owns, and roles of the program it can assume) must name exact actions: no "*", no "service:*", nothing on every resource but harmless "*"-only actions, no privilege escalation (Rhino Security Labs / Pacu methods), no statement without an Effect.',
    level: "mandatory",
    severity: "critical",
    remediation:
      "Name the exact actions and resource ARNs the token needs; allow one named escalation for one principal in the policy file (tokens.<name>.allowEscalation, with a reason) only if it must hold it.",
  },
  "aws-secret-rotation": {
    description:
      "Every Secrets Manager secret is a credential: it must rotate (a SecretRotation within the aws-secret ceiling) or be owned by a ScopedToken.",
    level: "mandatory",
    severity: "high",
    remediation:
      'Add an aws.secretsmanager.SecretRotation for the secret within the ceiling, or declare it with ScopedToken (backend: "aws-secret").',
  },
  "random-token-strength": {
    description:
      "A random resource that generates a token must carry at least 32 bytes (256 bits) of entropy.",
    level: "mandatory",
    severity: "high",
    remediation:
      "Raise the length (RandomBytes length / RandomId byteLength >= 32; RandomPassword/RandomString long enough for 32 bytes over its alphabet), or use ScopedToken.",
  },
} as const satisfies Record<string, RuleInfo>;

export type RawRule = keyof typeof RAW_RULES;

/**
 * Rules on the provider a ScopedToken's credentials are created with: a credential must live its
 * declared life, not die with the provider's own session.
 */
export const PROVIDER_RULES = {
  "vault-provider-child-token": {
    description:
      "A ScopedToken's Vault token must not be minted under the Vault provider's short-lived child token: Vault revokes it with that token (maxLeaseTtlSeconds, 20 minutes by default), long before its ttl.",
    level: "mandatory",
    severity: "high",
    remediation:
      "Set skipChildToken: true on the Vault provider (stack config vault:skipChildToken: true for the default provider), or declare the ScopedToken with vault: { orphan: true }.",
  },
} as const satisfies Record<string, RuleInfo>;

export type ProviderRule = keyof typeof PROVIDER_RULES;

/** Every rule, token rules first: the table the policy pack and the README are built from. */
export const RULES: Readonly<Record<TokenRule | RawRule | ProviderRule, RuleInfo>> = {
  ...TOKEN_RULES,
  ...RAW_RULES,
  ...PROVIDER_RULES,
};

export type RuleName = TokenRule | RawRule | ProviderRule;

/** A rule's verdict on one field of one token. Messages state the fact, the limit and the fix. */
export interface Finding<R extends string = TokenRule> {
  readonly rule: R;
  /** The declared field at fault, as the user writes it: `ttl`, `rotation.every`, `scopes[2]`. */
  readonly field: string;
  readonly message: string;
}
