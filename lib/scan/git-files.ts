/**
 * What git says is in a work tree: every tracked file (whatever .gitignore says — ignore rules
 * apply to untracked files only, as in git) and the untracked files no ignore rule excludes. Names
 * come from `git ls-files -z` as raw bytes.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { bytesToPath, joinPath, utf8Path, type BytePath } from "./paths";

const run = promisify(execFile);

/** Folders skipped unless asked for (untracked ones only, inside git). */
export const VENDORED_DIRS: readonly string[] = ["node_modules", ".git", ".hg", ".svn"];

export interface GitEntry {
  readonly path: BytePath;
  /** A file, a symbolic link, or a directory to list on its own (a submodule, a nested repository). */
  readonly kind: "file" | "symlink" | "repository";
}

export interface GitListing {
  readonly entries: GitEntry[];
  /** Directories git could not open (it warns and goes on), with its reason. */
  readonly unreadable: { readonly path: BytePath; readonly detail: string }[];
}

/** Why git could not list a tree that is in a work tree (git missing, a repository it refuses). */
export class GitUnavailable extends Error {}

async function git(cwd: string, args: readonly string[]): Promise<{ out: Buffer; err: string }> {
  const { stdout, stderr } = await run("git", ["-c", "core.quotepath=off", ...args], {
    cwd,
    encoding: "buffer",
    maxBuffer: 4 * 1024 * 1024 * 1024,
  });
  return { out: stdout, err: stderr.toString("utf8") };
}

/** NUL-separated records, without the empty one after the last NUL. */
function records(out: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  for (let at = 0; at < out.length;) {
    const end = out.indexOf(0, at);
    parts.push(out.subarray(at, end === -1 ? out.length : end));
    at = end === -1 ? out.length : end + 1;
  }
  return parts;
}

/** `git ls-files -s -z`: "<mode> <object> <stage>\t<path>" per tracked entry. */
function tracked(out: Buffer, dir: BytePath): GitEntry[] {
  const entries: GitEntry[] = [];
  for (const rec of records(out)) {
    const tab = rec.indexOf(9);
    const mode = rec.subarray(0, 6).toString("latin1");
    const p = joinPath(dir, bytesToPath(rec.subarray(tab + 1)));
    const kind = mode === "160000" ? "repository" : mode === "120000" ? "symlink" : "file";
    entries.push({ path: p, kind });
  }
  return entries;
}

/** git's warning for a directory it skips; git cuts messages at 4 KiB, losing the reason. */
const CANNOT_OPEN = /^warning: could not open directory '(.*?)(?:': (.*))?$/;

/**
 * The files git lists under `dir`, or undefined when `dir` is not in a git work tree. Throws
 * {@link GitUnavailable} when it is (a `.git` above it) but git cannot list it.
 */
export async function gitListing(
  dir: BytePath,
  includeVendored: boolean,
): Promise<GitListing | undefined> {
  const cwd = utf8Path(dir);
  if (cwd === undefined) return undefined; // git cannot be started there; the walk reads it
  try {
    const probe = await git(cwd, ["rev-parse", "--is-inside-work-tree"]);
    if (probe.out.toString().trim() !== "true") return undefined;
  } catch (e) {
    const err = e as { code?: string | number; stderr?: Buffer };
    if (err.code === "ENOENT") throw new GitUnavailable("git is not on PATH");
    const why = err.stderr?.toString("utf8").trim() ?? String(e);
    if (/not a git repository/i.test(why)) return undefined;
    throw new GitUnavailable(why.split("\n")[0]);
  }
  const exclude = includeVendored ? [] : VENDORED_DIRS.map((d) => `--exclude=${d}/`);
  const [cached, others] = await Promise.all([
    git(cwd, ["ls-files", "-z", "--stage"]),
    git(cwd, ["ls-files", "-z", "--others", "--exclude-standard", ...exclude]),
  ]);
  const entries = tracked(cached.out, dir);
  for (const rec of records(others.out)) {
    const nested = rec[rec.length - 1] === 0x2f; // "sub/": a repository git does not enter
    const p = joinPath(dir, bytesToPath(nested ? rec.subarray(0, -1) : rec));
    entries.push({ path: p, kind: nested ? "repository" : "file" });
  }
  const unreadable = others.err
    .split("\n")
    .map((line) => CANNOT_OPEN.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({
      path: joinPath(dir, bytesToPath(Buffer.from(m[1], "utf8"))),
      detail: m[2] ?? "name too long (git's message was cut short)",
    }));
  return { entries, unreadable };
}
