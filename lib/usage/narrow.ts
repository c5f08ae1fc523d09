/**
 * The narrower Vault declaration: unused capabilities dropped, globs narrowed to the paths used
 * when that is strictly narrower. Never broader than the declaration: a Vault scope whose
 * path overlaps another declared path keeps its path (Vault applies the most specific matching
 * path only, so narrowing or dropping one of two overlapping paths can hand its requests to the
 * other, broader one) and only loses capabilities.
 */
import { vaultPathCovers, vaultPathsOverlap } from "../rules/globs";
import type { VaultScope } from "../schema/scopes";
import type { PathSummary } from "./vault-usage";

/**
 * The narrowest path covering every used path: the one path when only one was used, else their
 * common prefix up to a "/" followed by "*" — when that is strictly narrower than `declared`.
 */
export function narrowedVaultPath(declared: string, used: PathSummary): string | undefined {
  if (used.first === undefined) return undefined;
  let candidate: string;
  if (!used.many) candidate = used.first;
  else {
    const prefix = used.prefix ?? "";
    const cut = prefix.lastIndexOf("/");
    if (cut < 0) return undefined;
    candidate = `${prefix.slice(0, cut + 1)}*`;
  }
  const strictlyNarrower =
    candidate !== declared &&
    vaultPathCovers(declared, candidate) &&
    !vaultPathCovers(candidate, declared);
  return strictlyNarrower ? candidate : undefined;
}

export interface VaultScopeUse {
  readonly scope: VaultScope;
  /** Capabilities used in the window, in the declared order. */
  readonly usedCapabilities: readonly string[];
  readonly paths: PathSummary;
}

export interface VaultProposal {
  /** The proposed scopes, as "<path>:<capabilities>" strings, in declaration order. */
  readonly scopes: readonly string[];
  /** Per declared scope, why it was kept despite being unused, or how it was narrowed. */
  readonly notes: ReadonlyMap<number, string>;
}

/** Whether a declared scope shares its paths with another declared scope. */
function overlapsAnother(all: readonly VaultScopeUse[], i: number): string | undefined {
  const path = all[i].scope.path;
  const other = all.find((u, j) => j !== i && vaultPathsOverlap(path, u.scope.path));
  return other?.scope.path;
}

/** The narrower Vault declaration for a token's measured use. */
export function proposeVault(uses: readonly VaultScopeUse[]): VaultProposal {
  const notes = new Map<number, string>();
  const byPath = new Map<string, string[]>();
  uses.forEach((u, i) => {
    const other = overlapsAnother(uses, i);
    let path = u.scope.path;
    let caps = u.usedCapabilities;
    if (caps.length === 0) {
      if (other === undefined) return; // dropped: nothing used it
      caps = u.scope.capabilities;
      notes.set(
        i,
        `kept though unused: it overrides the overlapping "${other}" on its paths, and dropping it would widen that one`,
      );
    } else if (other === undefined) {
      const narrowed = narrowedVaultPath(path, u.paths);
      if (narrowed) {
        notes.set(i, `narrowed to the ${u.paths.many ? "paths" : "path"} used: ${narrowed}`);
        path = narrowed;
      }
    }
    const merged = byPath.get(path) ?? [];
    for (const c of caps) if (!merged.includes(c)) merged.push(c);
    byPath.set(path, merged);
  });
  return { scopes: [...byPath].map(([p, caps]) => `${p}:${caps.join(",")}`), notes };
}
