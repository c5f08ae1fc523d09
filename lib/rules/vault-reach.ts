/**
 * What Vault path grants reach, as Vault's ACL decides it: blocks with the same path merge their
 * capabilities (a `deny` among them takes everything away), and a path is governed by ONE block —
 * the exact path if there is one, else the highest-priority pattern that matches it. So adding a
 * narrower block can take access away, and removing one can give access back.
 *
 * Priority is Vault's (./globs compareVaultPathPriority, after its policy docs, "Priority
 * matching"): the later first wildcard wins; then not ending in `*`; then fewer `+` segments; then
 * the longer path; then the lexicographically larger.
 */
import { VAULT_CAPABILITIES, type VaultScope } from "../schema/scopes";
import { compareVaultPathPriority, globMatches } from "./globs";

const CAP_ORDER = new Map<string, number>(VAULT_CAPABILITIES.map((c, i) => [c, i]));

/** Blocks merged per path, as Vault merges them. */
function merged(scopes: readonly VaultScope[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const s of scopes) {
    const caps = out.get(s.path) ?? new Set<string>();
    s.capabilities.forEach((c) => caps.add(c));
    out.set(s.path, caps);
  }
  return out;
}

/** The governing path among those matched, and what it grants (nothing for a deny). */
function governing(paths: readonly string[], blocks: ReadonlyMap<string, ReadonlySet<string>>) {
  if (!paths.length) return { caps: new Set<string>() };
  const path = paths.reduce((best, p) => (compareVaultPathPriority(p, best) > 0 ? p : best));
  const caps = blocks.get(path)!;
  return { path, caps: caps.has("deny") ? new Set<string>() : caps };
}

/** Capabilities `to` grants somewhere `from` does not, per governing block of `to`. */
export interface VaultReachGain {
  readonly path: string;
  readonly capabilities: readonly string[];
  /** A path where the gain shows, when the block's own path already had it before. */
  readonly example?: string;
}

/**
 * What `to` grants on some path that `from` does not, each under the block of `to` that governs
 * that path. Exact: every combination of matching patterns is visited (lib/rules/globs).
 * Throws GlobLimitError for policies too large to compare.
 */
export function vaultReachGained(
  from: readonly VaultScope[],
  to: readonly VaultScope[],
): VaultReachGain[] {
  const before = merged(from);
  const after = merged(to);
  const afterPaths = [...after.keys()];
  const beforePaths = [...before.keys()];
  const gained = new Map<string, { caps: Set<string>; example?: string }>();
  for (const m of globMatches([...afterPaths, ...beforePaths], "vault")) {
    const now = governing(
      afterPaths.filter((_, i) => m.matched[i]),
      after,
    );
    if (!now.path) continue;
    const was = governing(
      beforePaths.filter((_, i) => m.matched[afterPaths.length + i]),
      before,
    );
    const caps = [...now.caps].filter((c) => !was.caps.has(c));
    if (!caps.length) continue;
    const entry = gained.get(now.path) ?? { caps: new Set<string>() };
    for (const c of caps) {
      // The same path held this capability: the gain is where another block governed before.
      if (before.get(now.path)?.has(c) && !entry.example) entry.example = m.text;
      entry.caps.add(c);
    }
    gained.set(now.path, entry);
  }
  return afterPaths.flatMap((path) => {
    const g = gained.get(path);
    if (!g) return [];
    const capabilities = [...g.caps].sort(
      (a, b) => (CAP_ORDER.get(a) ?? 99) - (CAP_ORDER.get(b) ?? 99),
    );
    return [{ path, capabilities, ...(g.example !== undefined ? { example: g.example } : {}) }];
  });
}
