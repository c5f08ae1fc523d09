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
  const prefixOnly = pattern.endsWith("*");
  const stem = prefixOnly ? pattern.slice(0, -1) : pattern;
  const body = stem
    .split("")
    .map((ch) => (ch === "+" ? "[^/]+" : escapeRegExp(ch)))
    .join("");
  const re = new RegExp(`^${body}${prefixOnly ? ".*" : ""}$`);
  if (requested.includes("*") || requested.includes("+")) {
    // The request is itself a glob: the pattern must cover the request's literal prefix with a trailing *.
    return prefixOnly && re.test(requested);
  }
  return re.test(requested);
}

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
