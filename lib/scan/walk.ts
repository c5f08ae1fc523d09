/**
 * The files to scan under the given roots, in a stable order.
 *
 * Inside a git work tree, git says: every tracked file, plus the untracked files no ignore rule
 * excludes (./git-files). Elsewhere (or inside a folder git cannot be started in) the tree is
 * walked with .gitignore read as git reads it (./ignore-rules). Either way node_modules, .git, .hg
 * and .svn folders are left out unless `includeVendored` — untracked ones only: a tracked file is
 * always scanned. Symlinks are not followed. Files named as roots are scanned even when ignored.
 * A directory that cannot be opened (too deep, no permission) is reported, and the walk goes on.
 */
import { readdir, stat } from "node:fs/promises";
import { gitListing, GitUnavailable, VENDORED_DIRS } from "./git-files";
import { inheritedMatchers, isIgnored, loadMatcher, type Matcher } from "./ignore-rules";
import { bytePath, bytesToPath, fsPath, joinPath, shownPath, type BytePath } from "./paths";
import { unreadableDetail } from "./read";

export interface WalkOptions {
  /** Also scan untracked node_modules, .git, .hg and .svn folders. @default false */
  readonly includeVendored?: boolean;
  /** Called when git cannot list a work tree and .gitignore is read instead. */
  readonly onWarning?: (message: string) => void;
}

/** A file to read, or a path that could not be listed (and why). */
export interface WalkEntry {
  readonly path: BytePath;
  readonly unreadable?: string;
}

const VENDORED = new Set(VENDORED_DIRS);

/** Every file under `roots` (files or directories, as given on the command line). */
export async function* walkFiles(
  roots: readonly string[],
  options: WalkOptions = {},
): AsyncGenerator<WalkEntry> {
  for (const root of roots) {
    let info;
    try {
      info = await stat(root);
    } catch {
      throw new Error(`${root}: no such file or directory`);
    }
    const abs = bytePath(root);
    if (info.isFile()) yield { path: abs };
    else if (info.isDirectory()) yield* walkRoot(abs, options);
  }
}

/** One directory: listed by git when it is in a work tree, else walked. */
async function* walkRoot(dir: BytePath, options: WalkOptions): AsyncGenerator<WalkEntry> {
  let listing;
  try {
    listing = await gitListing(dir, options.includeVendored ?? false);
  } catch (e) {
    if (!(e instanceof GitUnavailable)) throw e;
    options.onWarning?.(
      `${shownPath(dir)} is in a git work tree but git cannot list it (${e.message}); reading .gitignore instead, so files git tracks but .gitignore names are not scanned`,
    );
  }
  if (!listing) {
    const base = inheritedMatchers(dir);
    if (!isIgnored(base, dir, true)) yield* walkTree(dir, base, options);
    return;
  }
  const seen = new Set<string>();
  const entries = listing.entries.filter((e) => !seen.has(e.path) && seen.add(e.path));
  entries.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const entry of entries) {
    if (entry.kind === "repository") yield* walkRoot(entry.path, options);
    else yield { path: entry.path };
  }
  for (const u of listing.unreadable)
    yield { path: u.path, unreadable: unreadableDetail(undefined, u.detail, u.path) };
  if (options.includeVendored) {
    const dotGit = joinPath(dir, ".git");
    if ((await stat(fsPath(dotGit)).catch(() => undefined))?.isDirectory()) {
      yield* walkTree(dotGit, [], options);
    }
  }
}

/** Reads a directory's entries, sorted by name (bytes), or why it cannot be read. */
async function entriesOf(dir: BytePath) {
  try {
    const dirents = await readdir(fsPath(dir), { withFileTypes: true, encoding: "buffer" });
    return dirents
      .map((d) => ({ name: bytesToPath(d.name), dir: d.isDirectory() }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return unreadableDetail(err.code, err.message, dir);
  }
}

/** Walks a tree depth-first without recursion (trees may be thousands of levels deep). */
async function* walkTree(
  top: BytePath,
  parents: readonly Matcher[],
  options: WalkOptions,
): AsyncGenerator<WalkEntry> {
  const stack: { dir: BytePath; matchers: readonly Matcher[] }[] = [
    { dir: top, matchers: parents },
  ];
  while (stack.length > 0) {
    const { dir, matchers: above } = stack.pop()!;
    const entries = await entriesOf(dir);
    if (typeof entries === "string") {
      yield { path: dir, unreadable: entries };
      continue;
    }
    const own = loadMatcher(dir, joinPath(dir, ".gitignore"));
    const matchers = own ? [...above, own] : above;
    const subdirs: BytePath[] = [];
    for (const entry of entries) {
      const abs = joinPath(dir, entry.name);
      if (isIgnored(matchers, abs, entry.dir)) continue;
      if (!entry.dir) yield { path: abs };
      else if (options.includeVendored || !VENDORED.has(entry.name)) subdirs.push(abs);
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push({ dir: subdirs[i], matchers });
  }
}
