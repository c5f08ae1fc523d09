/**
 * Glob helpers shared by the vault and aws rules, the scope diff and usage. Two syntaxes:
 * - "iam": `*` any run of characters, `?` one character (IAM actions and ARNs, scope labels);
 * - "vault": a trailing `*` is a prefix match and a `+` segment (`a/+/b`) matches any one path
 *   segment, as Vault's ACL matches them; any other character, a `*` before the end or a `+`
 *   inside a segment included, matches itself.
 * {@link iamGlob} matches one concrete text; {@link globMatches} compares globs with globs, exactly.
 */

export type GlobSyntax = "iam" | "vault";

function escapeRegExp(text: string): string {
  return text.replace(/[.*+^${}()|[\]\\?]/g, "\\$&");
}

/**
 * IAM-style glob (`*` any run, `?` one char), case-insensitive as IAM action names are. ARNs are
 * case-sensitive (`user/Admin` is not `user/admin`): match them with `{ caseSensitive: true }`.
 */
export function iamGlob(pattern: string, options: { caseSensitive?: boolean } = {}): RegExp {
  const body = pattern
    .split("")
    .map((ch) => (ch === "*" ? ".*" : ch === "?" ? "." : escapeRegExp(ch)))
    .join("");
  return new RegExp(`^${body}$`, options.caseSensitive ? "" : "i");
}

// ------------------------------------------------------------------ globs compared with globs

/** One step of a glob: a character, exactly one of a class, or any run of a class. */
type Piece =
  | { readonly kind: "char"; readonly ch: string }
  | { readonly kind: "one" | "run"; readonly slash: boolean };

/** Whether the `+` at `i` is a whole path segment (`a/+/b`, `a/+`, and `a/+*` at the end). */
function segmentWildcard(pattern: string, i: number): boolean {
  const before = i === 0 || pattern[i - 1] === "/";
  const rest = pattern.slice(i + 1);
  return before && (rest === "" || rest === "*" || rest.startsWith("/"));
}

function piecesOf(pattern: string, syntax: GlobSyntax): Piece[] {
  const out: Piece[] = [];
  [...pattern].forEach((ch, i) => {
    if (syntax === "iam" && ch === "*") out.push({ kind: "run", slash: true });
    else if (syntax === "iam" && ch === "?") out.push({ kind: "one", slash: true });
    else if (syntax === "vault" && ch === "*" && i === pattern.length - 1)
      out.push({ kind: "run", slash: true });
    else if (syntax === "vault" && ch === "+" && segmentWildcard(pattern, i))
      out.push({ kind: "one", slash: false }, { kind: "run", slash: false });
    else out.push({ kind: "char", ch });
  });
  return out;
}

/** A glob as a small automaton: state i is "before piece i"; pieces.length accepts. */
class Automaton {
  constructor(private readonly pieces: readonly Piece[]) {}

  /** `states` with every state reachable without reading a character (runs may match nothing). */
  close(states: Iterable<number>): Set<number> {
    const out = new Set<number>();
    for (let s of states) {
      out.add(s);
      while (this.pieces[s]?.kind === "run") out.add(++s);
    }
    return out;
  }

  step(states: ReadonlySet<number>, ch: string): Set<number> {
    const next: number[] = [];
    for (const s of states) {
      const p = this.pieces[s];
      if (p === undefined) continue;
      const fits = p.kind === "char" ? p.ch === ch : p.slash || ch !== "/";
      if (fits) next.push(p.kind === "run" ? s : s + 1);
    }
    return this.close(next);
  }

  accepts(states: ReadonlySet<number>): boolean {
    return states.has(this.pieces.length);
  }
}

/** A character no pattern uses: it stands for every character the patterns do not name. */
function otherChar(used: ReadonlySet<string>): string {
  return [..."xyzqjkw0123456789XYZ"].find((c) => !used.has(c)) ?? "\u00b7";
}

/** Which patterns one text matches, and a shortest such text. */
export interface GlobMatch {
  readonly matched: readonly boolean[];
  readonly text: string;
}

/** Globs too many to compare within the walk's budget. */
export class GlobLimitError extends Error {
  constructor(states: number) {
    super(`comparing these globs needs more than ${states} steps`);
    this.name = "GlobLimitError";
  }
}

export interface GlobWalk {
  /** Compare lower-cased (IAM action names). */
  readonly ignoreCase?: boolean;
  /** Stop following a text once none of these patterns can match a continuation (default: all). */
  readonly live?: readonly number[];
  /** Throw {@link GlobLimitError} past this many distinct states (default 200,000). */
  readonly maxStates?: number;
}

/**
 * Every combination of `patterns` that one text can match at once, each with a shortest text that
 * does, shortest first. Exact: a breadth-first walk of the product of the patterns' automata over
 * the characters they name, "/", and one character standing for every other.
 */
export function* globMatches(
  patterns: readonly string[],
  syntax: GlobSyntax,
  walk: GlobWalk = {},
): Generator<GlobMatch> {
  const fold = (s: string) => (walk.ignoreCase ? s.toLowerCase() : s);
  const machines = patterns.map((p) => new Automaton(piecesOf(fold(p), syntax)));
  const used = new Set([...patterns.map(fold).join(""), "/"]);
  const alphabet = [...used, otherChar(used)];
  const live = walk.live ?? machines.map((_, i) => i);
  const max = walk.maxStates ?? 200_000;
  type Node = { states: Set<number>[]; text: string };
  const keyOf = (n: Node) => n.states.map((g) => [...g].sort().join(",")).join(";");
  let frontier: Node[] = [{ states: machines.map((m) => m.close([0])), text: "" }];
  const seen = new Set(frontier.map(keyOf));
  const told = new Set<string>();
  while (frontier.length) {
    const next: Node[] = [];
    for (const node of frontier) {
      const matched = machines.map((m, i) => m.accepts(node.states[i]));
      const combination = matched.map(Number).join("");
      if (!told.has(combination)) {
        told.add(combination);
        yield { matched, text: node.text };
      }
      for (const ch of alphabet) {
        const states = machines.map((m, i) => m.step(node.states[i], ch));
        if (!live.some((i) => states[i].size > 0)) continue;
        const child = { states, text: node.text + ch };
        const key = keyOf(child);
        if (seen.has(key)) continue;
        if (seen.size >= max) throw new GlobLimitError(max);
        seen.add(key);
        next.push(child);
      }
    }
    frontier = next;
  }
}

/**
 * A text `requested` matches that none of `patterns` does, or undefined when the patterns cover
 * everything `requested` matches (requested may itself be a glob); a shortest one.
 */
export function globWitness(
  patterns: readonly string[],
  requested: string,
  syntax: GlobSyntax,
  ignoreCase = false,
): string | undefined {
  for (const m of globMatches([requested, ...patterns], syntax, { ignoreCase, live: [0] })) {
    if (m.matched[0] && !m.matched.slice(1).some(Boolean)) return m.text;
  }
  return undefined;
}

/** Whether `patterns` together match everything `requested` matches (both globs of `syntax`). */
export function globCovers(
  patterns: readonly string[],
  requested: string,
  syntax: GlobSyntax,
  ignoreCase = false,
): boolean {
  return globWitness(patterns, requested, syntax, ignoreCase) === undefined;
}

// ------------------------------------------------------------------ vault paths

/**
 * Whether the Vault path glob `pattern` reaches every path `requested` (itself maybe a glob) does.
 * An identity template may be filled in with anything: a pattern with one covers only itself, and
 * a requested path with one is read as everything under its part before the first template.
 */
export function vaultPathCovers(pattern: string, requested: string): boolean {
  if (pattern === requested) return true;
  if (vaultTemplateParts(pattern).length > 1) return false;
  const parts = vaultTemplateParts(requested);
  return globCovers([pattern], parts.length > 1 ? `${parts[0]}*` : requested, "vault");
}

/** A Vault policy path as a RegExp over literal request paths (the same pieces as above). */
export function vaultPathRegExp(pattern: string): RegExp {
  const cached = compiled.get(pattern);
  if (cached) return cached;
  const body = piecesOf(pattern, "vault")
    .map((p) =>
      p.kind === "char"
        ? escapeRegExp(p.ch)
        : `${p.slash ? "." : "[^/]"}${p.kind === "run" ? "*" : ""}`,
    )
    .join("");
  const re = new RegExp(`^${body}$`);
  if (compiled.size >= 4096) compiled.clear();
  compiled.set(pattern, re);
  return re;
}

/** Compiled policy paths: a usage scan matches every request against the same few patterns. */
const compiled = new Map<string, RegExp>();

/**
 * An identity template (`{{identity.entity.id}}`), as Vault's templating finds one: `{{`, then up
 * to the next `}}`. Vault fills it in before it reads the path, and the value may hold `/`, `*` or
 * `+`, so a template can stand for any run of characters.
 */
const VAULT_TEMPLATE = /\{\{[\s\S]*?\}\}/;

/** A vault path's literal parts around its identity templates (one part when it has none). */
export function vaultTemplateParts(path: string): string[] {
  return path.split(VAULT_TEMPLATE);
}

/** The literal part of a vault path glob before its first wildcard or identity template. */
export function vaultPathStem(path: string): string {
  const literal = vaultTemplateParts(path)[0];
  const cut = literal.search(/[*+]/);
  return cut < 0 ? literal : literal.slice(0, cut);
}

/**
 * Whether two vault path globs can reach a common path (a cheap, conservative prefix test). A
 * path with a template is never exact: only its stem is compared, as the template may be anything.
 */
export function vaultPathsOverlap(a: string, b: string): boolean {
  const sa = vaultPathStem(a);
  const sb = vaultPathStem(b);
  const aExact = sa === a;
  const bExact = sb === b;
  if (aExact && bExact) return a === b;
  if (aExact && vaultTemplateParts(b).length === 1) return vaultPathCovers(b, a);
  if (bExact && vaultTemplateParts(a).length === 1) return vaultPathCovers(a, b);
  return sa.startsWith(sb) || sb.startsWith(sa);
}

/**
 * Vault's priority between two policy paths that both match a request (its documented rules, in
 * order): the later first wildcard wins; a path not ending in `*` beats one that does; fewer `+`
 * segments win; the longer path wins; the lexicographically larger wins. Negative when `a` loses.
 */
export function compareVaultPathPriority(a: string, b: string): number {
  // As vault/acl.go reads a path: one with segment wildcards (policy.go: "+", "…/+…" or "+/…";
  // "+*", which Vault refuses, counts too) starts wildcarding at its first "+" character, literal
  // or not (strings.Index), and counts the segments that are exactly "+" (its trailing "*" cut);
  // any other path starts at its trailing "*" (a "*" elsewhere is literal there), with none counted.
  const segments = (p: string) => /^\+(\/|\*?$)/.test(p) || p.includes("/+");
  const firstWildcard = (p: string) =>
    segments(p) ? p.indexOf("+") : p.endsWith("*") ? p.length - 1 : Infinity;
  const plusCount = (p: string) =>
    segments(p)
      ? p
          .replace(/\*$/, "")
          .split("/")
          .filter((s) => s === "+").length
      : 0;
  const byWildcard = firstWildcard(a) - firstWildcard(b);
  if (byWildcard !== 0 && !Number.isNaN(byWildcard)) return byWildcard;
  const glob = Number(b.endsWith("*")) - Number(a.endsWith("*"));
  if (glob !== 0) return glob;
  const plus = plusCount(b) - plusCount(a);
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
