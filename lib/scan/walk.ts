/**
 * Walks the files to scan, honouring .gitignore like git does: every .gitignore from the
 * repository's top down to each directory (deeper files override shallower ones, `!` re-includes)
 * plus .git/info/exclude. An ignored directory is not entered. Symlinks are not followed.
 * Files named explicitly on the command line are scanned even when ignored.
 */
import { existsSync, readFileSync } from "node:fs";
import { opendir, stat } from "node:fs/promises";
import * as path from "node:path";
import ignore, { type Ignore } from "ignore";

interface Matcher {
  readonly base: string;
  readonly rules: Ignore;
}

function load(base: string, file: string): Matcher | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return { base, rules: ignore().add(readFileSync(file, "utf8")) };
  } catch {
    return undefined;
  }
}

/** The nearest directory at or above `dir` holding `.git`, if any. */
export function gitTop(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, ".git"))) return d;
    if (d === path.dirname(d)) return undefined;
  }
}

/** Ignore files that apply to `dir` from above it: .git/info/exclude and ancestors' .gitignore. */
function inherited(dir: string): Matcher[] {
  const top = gitTop(dir);
  if (top === undefined) return [];
  const matchers: Matcher[] = [];
  const exclude = load(top, path.join(top, ".git", "info", "exclude"));
  if (exclude) matchers.push(exclude);
  const chain: string[] = [];
  for (let d = path.dirname(path.resolve(dir)); d.startsWith(top); d = path.dirname(d)) {
    chain.unshift(d);
    if (d === top) break;
  }
  for (const d of chain) {
    const m = load(d, path.join(d, ".gitignore"));
    if (m) matchers.push(m);
  }
  return matchers;
}

/** Git's verdict for `abs` under the matchers (deepest first decides). */
function ignored(matchers: readonly Matcher[], abs: string, isDir: boolean): boolean {
  for (let i = matchers.length - 1; i >= 0; i--) {
    const rel = path.relative(matchers[i].base, abs).split(path.sep).join("/");
    if (rel === "" || rel.startsWith("..")) continue;
    const verdict = matchers[i].rules.test(isDir ? `${rel}/` : rel);
    if (verdict.ignored) return true;
    if (verdict.unignored) return false;
  }
  return false;
}

/** Absolute paths of every file to scan under `roots` (files or directories), in stable order. */
export async function* walkFiles(roots: readonly string[]): AsyncGenerator<string> {
  for (const root of roots) {
    const abs = path.resolve(root);
    let info;
    try {
      info = await stat(abs);
    } catch {
      throw new Error(`${root}: no such file or directory`);
    }
    if (info.isFile()) {
      yield abs;
      continue;
    }
    if (!info.isDirectory()) continue;
    const base = inherited(abs);
    if (ignored(base, abs, true)) continue;
    yield* walkDir(abs, base);
  }
}

async function* walkDir(dir: string, parents: readonly Matcher[]): AsyncGenerator<string> {
  const own = load(dir, path.join(dir, ".gitignore"));
  const matchers = own ? [...parents, own] : parents;
  const entries: { name: string; dir: boolean }[] = [];
  for await (const entry of await opendir(dir)) {
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      if (entry.name !== ".git") entries.push({ name: entry.name, dir: true });
    } else if (entry.isFile()) entries.push({ name: entry.name, dir: false });
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const abs = path.join(dir, entry.name);
    if (ignored(matchers, abs, entry.dir)) continue;
    if (entry.dir) yield* walkDir(abs, matchers);
    else yield abs;
  }
}
