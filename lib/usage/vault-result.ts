/** A Vault token's accumulated use, as the report shows it: per scope, denied, the proposal. */
import { formatInstant } from "../rotation/clock";
import { scopeText } from "../schema/scopes";
import type { DeniedRequest, ScopeUsage, TokenUsage, UseEntry } from "./model";
import { proposeVault } from "./narrow";
import { OPERATION_CAPABILITY } from "./vault-audit";
import type { CapabilityUse, VaultTokenUsage } from "./vault-usage";

type VaultFindings = Pick<
  TokenUsage,
  "scopes" | "unusedScopes" | "denied" | "deniedOmitted" | "proposed" | "changed" | "matched"
>;

function scopeUsage(
  scope: string,
  granted: readonly string[],
  uses: ReadonlyMap<string, CapabilityUse>,
  note: string | undefined,
): ScopeUsage {
  const used: UseEntry[] = [];
  const unused: string[] = [];
  let lastEver: number | undefined;
  let count = 0;
  for (const cap of granted) {
    const use = uses.get(cap);
    if (use?.lastEver !== undefined) lastEver = Math.max(lastEver ?? use.lastEver, use.lastEver);
    if (use && use.count > 0 && use.last !== undefined) {
      used.push({ what: cap, count: use.count, lastUsed: formatInstant(use.last) });
      count += use.count;
    } else unused.push(cap);
  }
  return {
    scope,
    status: unused.length === 0 ? "used" : used.length === 0 ? "unused" : "partly-used",
    used,
    unused,
    ...(lastEver !== undefined ? { lastUsed: formatInstant(lastEver) } : {}),
    count,
    ...(note ? { note } : {}),
  };
}

function deniedList(usage: VaultTokenUsage): DeniedRequest[] {
  return [...usage.denied.values()]
    .sort((a, b) => b.count - a.count || a.path.localeCompare(b.path))
    .map((d) => {
      const cap = OPERATION_CAPABILITY[d.operation];
      return {
        path: d.path,
        operation: d.operation,
        count: d.count,
        lastSeen: formatInstant(d.last),
        ...(cap ? { needs: `${d.path}:${cap}` } : {}),
      };
    });
}

/** The findings for a token whose grants are declared path scopes or (raw) policy names. */
export function vaultFindings(usage: VaultTokenUsage): VaultFindings {
  const grants = usage.grants;
  let scopes: ScopeUsage[];
  let proposed: string[];
  let declared: string[];
  if (grants.kind === "scopes") {
    const proposal = proposeVault(
      grants.scopes.map((scope, i) => ({
        scope,
        usedCapabilities: scope.capabilities.filter((c) => (usage.uses[i].get(c)?.count ?? 0) > 0),
        paths: usage.paths[i],
      })),
    );
    declared = grants.scopes.map(scopeText);
    scopes = grants.scopes.map((s, i) =>
      scopeUsage(declared[i], s.capabilities, usage.uses[i], proposal.notes.get(i)),
    );
    proposed = [...proposal.scopes];
  } else {
    declared = [...grants.policies];
    // A raw token's grants are whole policies: a policy is used when it granted a request.
    scopes = grants.policies.map((p, i) => {
      const s = scopeUsage(p, [...usage.uses[i].keys()], usage.uses[i], undefined);
      return { ...s, status: s.used.length ? "used" : "unused", unused: [] };
    });
    proposed = grants.policies.filter((_, i) => scopes[i].status !== "unused");
  }
  const unusedScopes = scopes.flatMap((s) =>
    s.status === "unused"
      ? [s.scope]
      : s.unused.map((c) => `${s.scope.slice(0, s.scope.lastIndexOf(":"))}:${c}`),
  );
  return {
    matched: { ...usage.matched },
    scopes,
    unusedScopes,
    denied: deniedList(usage),
    ...(usage.deniedDropped ? { deniedOmitted: usage.deniedDropped } : {}),
    proposed,
    changed: JSON.stringify(proposed) !== JSON.stringify(declared),
  };
}
