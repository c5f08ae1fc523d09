/** Glob helpers shared by the vault and aws rules. `*` matches any run of characters. */

function escapeRegExp(text: string): string {
  return text.replace(/[.+^${}()|[\]\\?]/g, "\\$&");
}

/** IAM-style glob (`*` any run, `?` one char), case-insensitive as IAM action names are. */
export function iamGlob(pattern: string): RegExp {
  const body = pattern
    .split("")
    .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : escapeRegExp(ch)))
    .join("");
  return new RegExp(`^${body}$`, "i");
}

/**
 * Vault path glob: a trailing `*` is a prefix match, `+` matches one path segment.
 * A requested path that itself ends in `*` is only covered by a pattern whose `*` reaches as far.
 */
export function vaultPathCovers(pattern: string, requested: string): boolean {
  if (pattern === requested) return true;
  const re = vaultPathRegExp(pattern);
  if (requested.includes("*") || requested.includes("+")) {
    // The request is itself a glob: the pattern must cover the request's literal prefix with a trailing *.
    return pattern.endsWith("*") && re.test(requested);
  }
  return re.test(requested);
}

/** A Vault policy path as a RegExp over literal request paths (`+` one segment, trailing `*` any rest). */
export function vaultPathRegExp(pattern: string): RegExp {
  const cached = compiled.get(pattern);
  if (cached) return cached;
  const prefixOnly = pattern.endsWith("*");
  const stem = prefixOnly ? pattern.slice(0, -1) : pattern;
  const body = stem
    .split("")
    .map((ch) => (ch === "+" ? "[^/]+" : escapeRegExp(ch)))
    .join("");
  const re = new RegExp(`^${body}${prefixOnly ? ".*" : ""}$`);
  if (compiled.size >= 4096) compiled.clear();
  compiled.set(pattern, re);
  return re;
}

/** Compiled policy paths: a usage scan matches every request against the same few patterns. */
const compiled = new Map<string, RegExp>();

/** The literal part of a vault path glob before its first wildcard. */
export function vaultPathStem(path: string): string {
  const cut = path.search(/[*+]/);
  return cut < 0 ? path : path.slice(0, cut);
}

/** Whether two vault path globs can reach a common path (a cheap, conservative prefix test). */
export function vaultPathsOverlap(a: string, b: string): boolean {
  const sa = vaultPathStem(a);
  const sb = vaultPathStem(b);
  const aExact = sa === a;
  const bExact = sb === b;
  if (aExact && bExact) return a === b;
  if (aExact) return vaultPathCovers(b, a);
  if (bExact) return vaultPathCovers(a, b);
  return sa.startsWith(sb) || sb.startsWith(sa);
}

/**
 * Vault's priority between two policy paths that both match a request (its documented rules, in
 * order): the later first wildcard wins; a path not ending in `*` beats one that does; fewer `+`
 * segments win; the longer path wins; the lexicographically larger wins. Negative when `a` loses.
 */
export function compareVaultPathPriority(a: string, b: string): number {
  const firstWildcard = (p: string) => {
    const i = p.search(/[*+]/);
    return i < 0 ? Infinity : i;
  };
  const plusSegments = (p: string) => p.split("/").filter((s) => s === "+").length;
  const byWildcard = firstWildcard(a) - firstWildcard(b);
  if (byWildcard !== 0 && !Number.isNaN(byWildcard)) return byWildcard;
  const glob = Number(b.endsWith("*")) - Number(a.endsWith("*"));
  if (glob !== 0) return glob;
  const plus = plusSegments(b) - plusSegments(a);
  if (plus !== 0) return plus;
  if (a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The policy path Vault applies to the literal request path `requested` among `patterns` (the
 * highest priority one that matches it), or undefined when none does.
 */
export function winningVaultPath(
  patterns: readonly string[],
  requested: string,
): string | undefined {
  let best: string | undefined;
  for (const p of patterns) {
    if (p !== requested && !vaultPathRegExp(p).test(requested)) continue;
    if (best === undefined || compareVaultPathPriority(p, best) > 0) best = p;
  }
  return best;
}
