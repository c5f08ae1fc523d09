/**
 * Vault policy names: one per token, never shared. Vault keeps one policy per (lower-cased) name
 * and a write replaces it, so two tokens bound to one name would hold each other's grants, and
 * destroying one would delete the other's policy. Default names are unique by construction; the
 * stack rule `vault-policy-name-unique` refuses two resources that write the same name.
 */
import { createHash } from "node:crypto";
import type { Issue } from "../../schema/errors";
import type { Finding } from "../catalog";
import type { NodeFinding } from "../aws/stack";

const sanitize = (text: string) => text.toLowerCase().replace(/[^a-z0-9-]+/g, "-");

/** The prefix of every name this stack owns: `tokenguard-<project>-<stack>-`, sanitised. */
export function ownedVaultPolicyPrefix(project: string, stack: string): string {
  return sanitize(`tokenguard-${project}-${stack}-`);
}

/**
 * The default policy name of a token. Names that need no sanitising are kept as they are; a name
 * sanitising changed gets `_` and 12 hex of a hash of the original, so `ci.deploy`, `ci-deploy`
 * and `CI-Deploy` never meet (`_` never survives sanitising, so a kept name cannot look hashed).
 */
export function vaultPolicyNameFor(project: string, stack: string, token: string): string {
  const raw = `tokenguard-${project}-${stack}-${token}`;
  const clean = sanitize(raw);
  if (clean === raw) return raw;
  return `${clean}_${createHash("sha256").update(raw).digest("hex").slice(0, 12)}`;
}

/**
 * Why an explicit `vault.policyName` is refused (empty when fine). The args schema checks the
 * name's characters and the flag's type; this adds what needs the stack: whether the name is the
 * stack's own, or adopted on purpose.
 */
export function vaultPolicyNameProblems(
  name: string | undefined,
  adopt: boolean | undefined,
  ownedPrefix: string,
): string[] {
  if (name === undefined) {
    return adopt ? ["there is nothing to adopt without vault.policyName; drop it"] : [];
  }
  if (!name.startsWith(ownedPrefix) && adopt !== true) {
    return [
      `"${name}" is outside this stack's names (${ownedPrefix}…): Vault replaces a policy of that name if one exists, and destroying the token deletes it; use the default name, or set vault.adoptExistingPolicy: true if this stack should own "${name}"`,
    ];
  }
  return [];
}

/**
 * The policy-name problems of a ScopedToken's arguments, as argument issues (`vault.policyName`,
 * `vault.adoptExistingPolicy`); none when the vault block already has schema issues.
 */
export function vaultPolicyNameIssues(
  args: unknown,
  project: string,
  stack: string,
  schemaIssues: readonly Issue[],
): Issue[] {
  const given = (args ?? {}) as { backend?: unknown; vault?: unknown };
  if (given.backend !== "vault" || typeof given.vault !== "object" || given.vault === null)
    return [];
  if (schemaIssues.some((i) => i.field === "vault" || i.field.startsWith("vault."))) return [];
  const { policyName, adoptExistingPolicy } = given.vault as {
    policyName?: string;
    adoptExistingPolicy?: boolean;
  };
  const field = policyName === undefined ? "vault.adoptExistingPolicy" : "vault.policyName";
  return vaultPolicyNameProblems(
    policyName,
    adoptExistingPolicy,
    ownedVaultPolicyPrefix(project, stack),
  ).map((message) => ({ field, path: field.split("."), message }));
}

/** A `vault.Policy` of the stack, with its name when known at preview. */
export interface VaultPolicyNode {
  readonly urn: string;
  readonly name: string;
  readonly policyName?: string;
  readonly namespace?: string;
  /** The ScopedToken that generated it, if any. */
  readonly owner?: string;
}

const describe = (n: VaultPolicyNode) =>
  n.owner ? `ScopedToken "${n.owner}"` : `vault.Policy "${n.name}"`;

/** `vault-policy-name-unique`: every resource writing a policy name another resource writes too. */
export function judgeVaultPolicyNameClashes(
  nodes: readonly VaultPolicyNode[],
): NodeFinding<"vault-policy-name-unique">[] {
  const groups = new Map<string, VaultPolicyNode[]>();
  for (const n of nodes) {
    if (n.policyName === undefined) continue;
    const key = `${n.namespace ?? ""}\n${n.policyName.toLowerCase()}`;
    groups.set(key, [...(groups.get(key) ?? []), n]);
  }
  return [...groups.values()]
    .filter((g) => g.length > 1)
    .flatMap((group) =>
      group.map((n) => {
        const others = group
          .filter((o) => o !== n)
          .map(describe)
          .join(", ");
        const finding: Finding<"vault-policy-name-unique"> = {
          rule: "vault-policy-name-unique",
          field: "name",
          message: `Vault policy "${n.policyName}" of ${describe(n)} is also written by ${others}: Vault keeps one policy per name, so they would hold each other's grants and destroying one deletes the others'; give each its own name`,
        };
        return { ...finding, urn: n.urn };
      }),
    );
}
