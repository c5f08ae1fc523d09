/**
 * .gitignore as git reads it, for trees git cannot list (outside a work tree, or without git):
 * every .gitignore from the repository's top down to each directory (deeper files override
 * shallower ones, `!` re-includes) plus .git/info/exclude. Paths are byte paths (./paths).
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import ignore, { type Ignore } from "ignore";
import { fsPath, joinPath, type BytePath } from "./paths";

export interface Matcher {
  readonly base: BytePath;
  readonly rules: Ignore;
}

/** The rules of one ignore file, if it exists and reads. */
export function loadMatcher(base: BytePath, file: BytePath): Matcher | undefined {
  try {
    return { base, rules: ignore().add(readFileSync(fsPath(file), "utf8")) };
  } catch {
    return undefined; // absent or unreadable: no rules
  }
}

/** The nearest directory at or above `dir` holding `.git`, if any. */
export function gitTop(dir: BytePath): BytePath | undefined {
  for (let d = dir; ; d = path.dirname(d) as BytePath) {
    if (existsSync(fsPath(joinPath(d, ".git")))) return d;
    if (d === path.dirname(d)) return undefined;
  }
}

/** Ignore files that apply to `dir` from above it: .git/info/exclude and ancestors' .gitignore. */
export function inheritedMatchers(dir: BytePath): Matcher[] {
  const top = gitTop(dir);
  if (top === undefined) return [];
  const matchers: Matcher[] = [];
  const exclude = loadMatcher(top, joinPath(top, ".git", "info", "exclude"));
  if (exclude) matchers.push(exclude);
  const chain: BytePath[] = [];
  for (let d = path.dirname(dir) as BytePath; d.startsWith(top); d = path.dirname(d) as BytePath) {
    chain.unshift(d);
    if (d === top) break;
  }
  for (const d of chain) {
    const m = loadMatcher(d, joinPath(d, ".gitignore"));
    if (m) matchers.push(m);
  }
  return matchers;
}

/** Git's verdict for `abs` under the matchers (deepest first decides). */
export function isIgnored(matchers: readonly Matcher[], abs: BytePath, isDir: boolean): boolean {
  for (let i = matchers.length - 1; i >= 0; i--) {
    const rel = path.relative(matchers[i].base, abs).split(path.sep).join("/");
    if (rel === "" || rel.startsWith("..")) continue;
    // Patterns are UTF-8 text; names that are not UTF-8 match only wildcards, as in git.
    const name = Buffer.from(rel, "latin1").toString("utf8");
    const verdict = matchers[i].rules.test(isDir ? `${name}/` : name);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}
