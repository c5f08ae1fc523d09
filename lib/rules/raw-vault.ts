/**
 * Raw Vault resources (vault.Token, token roles, vault.Policy), judged as pure functions over plain
 * props: tokens declared without ScopedToken are held to the same policy file.
 */
import { DurationError, formatDuration, parseDuration } from "../schema/duration";
import type { BackendPolicy, Policy } from "../schema/policy-file";
import { parseVaultPolicy, VaultPolicyParseError } from "../schema/vault-hcl";
import { unallowed } from "./allowance";
import type { Finding, RawRule } from "./catalog";
import { vaultGrantProblems } from "./vault/scope";

export type RawFinding<R extends RawRule = RawRule> = Finding<R>;

/** A Vault duration as seconds: a number of seconds, `"3600"`, or a duration such as `"768h"`. */
export function vaultSeconds(value: unknown): { seconds?: number; error?: string } {
  if (value === undefined || value === null || value === "" || value === 0 || value === "0") {
    return {}; // unset: Vault falls back to the mount's defaults
  }
  if (typeof value === "number") {
    return Number.isInteger(value) && value > 0
      ? { seconds: value }
      : { error: `${value} is not a whole number of seconds` };
  }
  if (typeof value !== "string") return { error: "is not a duration" };
  if (/^\d+$/.test(value.trim())) return { seconds: Number(value.trim()) };
  try {
    return { seconds: parseDuration(value) };
  } catch (e) {
    return { error: e instanceof DurationError ? e.message : String(e) };
  }
}

/** What decides how long a Vault token lives, as declared on a token or on a token role. */
export interface VaultLifetimeFacts {
  readonly ttl?: unknown;
  readonly explicitMaxTtl?: unknown;
  /** Roles only: the maximum renewals may reach (tokens take it from the mount). */
  readonly maxTtl?: unknown;
  readonly period?: unknown;
  readonly renewable?: unknown;
}

/** How the user spells each lifetime field on the resource being judged. */
export interface VaultLifetimeFields {
  readonly ttl: string;
  readonly explicitMaxTtl: string;
  readonly maxTtl?: string;
  readonly period: string;
  readonly renewable: string;
}

export const TOKEN_FIELDS: VaultLifetimeFields = {
  ttl: "ttl",
  explicitMaxTtl: "explicitMaxTtl",
  period: "period",
  renewable: "renewable",
};

export const ROLE_FIELDS: VaultLifetimeFields = {
  ttl: "tokenTtl",
  explicitMaxTtl: "tokenExplicitMaxTtl",
  maxTtl: "tokenMaxTtl",
  period: "tokenPeriod",
  renewable: "renewable",
};

/**
 * `vault-token-must-expire`: a bounded life (ttl or explicit max), an explicit max when renewable
 * or periodic, and no longer than the vault ceiling of the policy (`source` names it).
 */
export function judgeVaultLifetime(
  facts: VaultLifetimeFacts,
  fields: VaultLifetimeFields,
  limits: BackendPolicy,
  source: string,
): RawFinding<"vault-token-must-expire">[] {
  const findings: RawFinding<"vault-token-must-expire">[] = [];
  const add = (field: string, message: string) =>
    findings.push({ rule: "vault-token-must-expire", field, message });
  const ceiling = formatDuration(limits.maxTtl);
  const read = (field: string, value: unknown) => {
    const r = vaultSeconds(value);
    if (r.error) add(field, `${field} ${r.error}`);
    return r.seconds;
  };
  const ttl = read(fields.ttl, facts.ttl);
  const explicitMax = read(fields.explicitMaxTtl, facts.explicitMaxTtl);
  const maxTtl = fields.maxTtl ? read(fields.maxTtl, facts.maxTtl) : undefined;
  const period = read(fields.period, facts.period);
  if (findings.length) return findings;

  const fix = `set ${fields.explicitMaxTtl} <= ${ceiling}`;
  if (period !== undefined && explicitMax === undefined) {
    add(
      fields.period,
      `${fields.period} ${formatDuration(period)} makes a periodic token that can be renewed forever; ${fix}`,
    );
  } else if (ttl === undefined && explicitMax === undefined) {
    add(
      fields.ttl,
      `neither ${fields.ttl} nor ${fields.explicitMaxTtl} is set: the token lives as long as the mount allows; ${fix} and ${fields.renewable}: false`,
    );
  } else if (facts.renewable !== false && explicitMax === undefined && maxTtl === undefined) {
    add(
      fields.renewable,
      `the token is renewable (${fields.renewable} is ${facts.renewable === true ? "true" : "unset, which Vault takes as true"}) and has no ${fields.explicitMaxTtl}: each renewal extends it up to the mount's maximum; ${fix} or ${fields.renewable}: false`,
    );
  }
  const life = explicitMax ?? maxTtl ?? (facts.renewable === false ? ttl : undefined);
  const lifeField =
    explicitMax !== undefined
      ? fields.explicitMaxTtl
      : maxTtl !== undefined
        ? (fields.maxTtl ?? fields.explicitMaxTtl)
        : fields.ttl;
  if (life !== undefined && life > limits.maxTtl) {
    add(
      lifeField,
      `${lifeField} ${formatDuration(life)} exceeds the vault ceiling of ${ceiling} (${source}); set ${lifeField} <= ${ceiling}`,
    );
  }
  return findings;
}

/**
 * A policy name as Vault reads it: trimmed of white space as Go trims it (U+0085 included, which
 * JavaScript's trim() keeps) and lower-cased. So "Root\u0085" is root.
 */
const vaultPolicyName = (name: string) =>
  name.replace(/^[\s\u0085]+|[\s\u0085]+$/g, "").toLowerCase();

/** Whether a role's allowed_policies_glob entry (`*` any run) lets a child token ask for root. */
const globReachesRoot = (glob: string) =>
  new RegExp(
    `^${vaultPolicyName(glob)
      .split("*")
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  ).test("root");

/**
 * `vault-no-root-policies` on a list of policy names attached to a token or role (`field` names the
 * list); with `globs`, on a role's `allowedPoliciesGlobs`, each refused when it matches "root".
 */
export function judgeVaultPolicyNames(
  names: readonly (string | undefined)[],
  field: string,
  globs = false,
): RawFinding<"vault-no-root-policies">[] {
  return names.flatMap((name, i) => {
    if (name === undefined) return [];
    const root = globs ? globReachesRoot(name) : vaultPolicyName(name) === "root";
    if (!root) return [];
    const what = globs ? `${JSON.stringify(name)} matches "root"` : `is "root"`;
    return [
      {
        rule: "vault-no-root-policies" as const,
        field: `${field}[${i}]`,
        message: `${field}[${i}] ${what}, which grants everything and never expires; ${globs ? "name the policies a child token may ask for" : "attach a least-privilege policy instead"}`,
      },
    ];
  });
}

/**
 * `vault-no-root-policies` on a Vault policy document (HCL or JSON): every path block must pass the
 * same check a ScopedToken's scopes pass, escalation endpoints included; an escalation is let
 * through only by an allowance of `token` (the owning ScopedToken, or the resource's own name) in
 * the policy file. A document that does not parse is refused (fail closed).
 */
export function judgeVaultPolicyDocument(
  document: string,
  policy: Policy,
  token: string,
  field = "policy",
): RawFinding<"vault-no-root-policies">[] {
  const rule = "vault-no-root-policies" as const;
  let paths;
  try {
    paths = parseVaultPolicy(document);
  } catch (e) {
    if (!(e instanceof VaultPolicyParseError)) throw e;
    return [
      {
        rule,
        field,
        message: `${field} does not parse (${e.message}), so tokenguard cannot tell what it grants; fix the document`,
      },
    ];
  }
  const entries = policy.tokens[token]?.allowEscalation;
  return paths.flatMap(({ path, capabilities, line }) =>
    // A deny block takes everything away on its path: nothing in it grants.
    capabilities.includes("deny")
      ? []
      : unallowed(
          token,
          vaultGrantProblems({ path, capabilities }, policy.backends.vault),
          entries,
        ).map((problem) => ({
          rule,
          field,
          message: `${field}, path ${JSON.stringify(path)} (line ${line}): ${problem}`,
        })),
  );
}

/** `vault-token-orphan` (advisory): an orphan token outlives the revocation of its creator. */
export function judgeVaultOrphan(noParent: unknown): RawFinding<"vault-token-orphan">[] {
  return noParent === true
    ? [
        {
          rule: "vault-token-orphan",
          field: "noParent",
          message:
            "noParent: true makes an orphan token: revoking the token that created it leaves this one valid; remove noParent or declare the token with ScopedToken",
        },
      ]
    : [];
}
