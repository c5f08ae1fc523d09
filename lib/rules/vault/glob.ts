/**
 * Whether two Vault path globs can match a common path: the question "does this grant reach an
 * escalation endpoint?" asked of globs on both sides. Exact, by walking both patterns at once.
 *
 * Pattern language (a superset of Vault's, so a grant is never under-read):
 * - `*` matches any run of characters, `/` included (Vault allows it only at the end; anywhere
 *   else it is read as a wildcard too, which can only over-read a grant);
 * - a whole segment `+` matches any one segment (Vault's segment wildcard);
 * - an identity template `{{…}}`, anywhere, matches any run, `/` included: Vault fills it in
 *   before it reads the path (vault/policy.go parsePaths), and the value (an entity's name or
 *   metadata) may hold `/`, `*` or `+`, so `{{identity.entity.metadata.p}}` alone reaches every
 *   path, and a `+` next to a template may become a whole segment once it is filled in;
 * - every other character matches itself.
 */

import { vaultTemplateParts } from "../globs";

type Token = { kind: "char"; char: string } | { kind: "any" } | { kind: "segment" };

function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  vaultTemplateParts(pattern).forEach((part, p) => {
    if (p > 0) tokens.push({ kind: "any" });
    part.split("/").forEach((segment, i) => {
      if (i > 0) tokens.push({ kind: "char", char: "/" });
      if (segment === "+") tokens.push({ kind: "segment" });
      else
        for (const char of segment)
          tokens.push(char === "*" ? { kind: "any" } : { kind: "char", char });
    });
  });
  return tokens;
}

/** The positions reachable from `i` without consuming a character (wildcards may match nothing). */
function closure(tokens: readonly Token[], i: number): number[] {
  const out = [i];
  while (i < tokens.length && tokens[i].kind !== "char") out.push(++i);
  return out;
}

/** Where token `i` can go on character `c` (empty when it cannot take it). */
function step(tokens: readonly Token[], i: number, c: string): number[] {
  const t = tokens[i];
  if (t === undefined) return [];
  if (t.kind === "char") return t.char === c ? [i + 1] : [];
  if (t.kind === "segment" && c === "/") return [];
  return [i]; // a wildcard stays put, taking one more character
}

/** A character no pattern spells out: stands for "anything else" when both sides are wildcards. */
const OTHER = "\u0000";

/** True when some path matches both globs. */
export function globsOverlap(a: string, b: string): boolean {
  const ta = tokenize(a);
  const tb = tokenize(b);
  const alphabet = new Set<string>([OTHER, "/"]);
  for (const t of [...ta, ...tb]) if (t.kind === "char") alphabet.add(t.char);
  const seen = new Set<string>();
  const queue: [number, number][] = [];
  const visit = (i: number, j: number) => {
    for (const x of closure(ta, i)) {
      for (const y of closure(tb, j)) {
        const key = `${x},${y}`;
        if (!seen.has(key)) {
          seen.add(key);
          queue.push([x, y]);
        }
      }
    }
  };
  visit(0, 0);
  while (queue.length) {
    const [i, j] = queue.shift()!;
    if (i === ta.length && j === tb.length) return true;
    for (const c of alphabet) {
      for (const x of step(ta, i, c)) for (const y of step(tb, j, c)) visit(x, y);
    }
  }
  return false;
}

/** True when the glob matches `path`, a concrete path (no wildcards of its own). */
export function globMatches(glob: string, path: string): boolean {
  return globsOverlap(glob, path.replace(/[*+]/g, "\u0001"));
}
