/**
 * tokenguard's CrossGuard policies as a library (the package subpath `tokenguard/policy`), so a team
 * can run them as they ship or compose them into its own pack:
 *
 * ```ts
 * import { PolicyPack } from "@pulumi/policy";
 * import { tokenguardPolicies } from "tokenguard/policy";
 *
 * new PolicyPack("acme-guardrails", {
 *   policies: [...tokenguardPolicies({ "vault-token-orphan": "mandatory" }), ...acmePolicies],
 * });
 * ```
 *
 * The ready-to-run pack inside the package, `policy-packs/tokenguard`, is exactly
 * `new PolicyPack("tokenguard", { policies: tokenguardPolicies() })`.
 */
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { RULES, type RuleName } from "../rules/catalog";
import { awsPolicies } from "./aws";
import { randomPolicies } from "./random";
import { tokenPolicies } from "./token";
import { vaultPolicies } from "./vault";
import { providerPolicies } from "./vault-provider";

/** The name of tokenguard's own pack (`pulumi preview --policy-pack …/policy-packs/tokenguard`). */
export const PACK_NAME = "tokenguard";

/** Every policy's name, in the order the pack serves them. */
export const POLICY_NAMES = Object.keys(RULES) as RuleName[];

/** Enforcement levels to use instead of each policy's default: per policy, or `all`. */
export type EnforcementOverrides = Partial<Record<RuleName | "all", EnforcementLevel>>;

const LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

/**
 * tokenguard's policies, with each policy's default enforcement level unless `levels` says
 * otherwise (`{ all: "advisory" }` first, then per policy). An unknown policy name or level throws,
 * naming it: a typo must not silently leave a rule at its default.
 */
export function tokenguardPolicies(levels: EnforcementOverrides = {}): Policies {
  for (const [name, level] of Object.entries(levels)) {
    if (name !== "all" && !(POLICY_NAMES as string[]).includes(name)) {
      throw new Error(
        `tokenguardPolicies: "${name}" is not a tokenguard policy; use one of ${POLICY_NAMES.join(", ")} or "all"`,
      );
    }
    if (!LEVELS.includes(level as EnforcementLevel)) {
      throw new Error(
        `tokenguardPolicies: "${name}" level "${String(level)}" is not one of ${LEVELS.join(", ")}`,
      );
    }
  }
  const policies: Policies = [
    ...tokenPolicies,
    ...vaultPolicies,
    ...awsPolicies,
    ...randomPolicies,
    ...providerPolicies,
  ];
  return policies.map((policy) => {
    const level = levels[policy.name as RuleName] ?? levels.all;
    return level === undefined ? policy : { ...policy, enforcementLevel: level };
  });
}

export { configWithDefaults, POLICY_SOURCE_PROPERTIES, policyFor } from "./config";
