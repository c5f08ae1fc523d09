/**
 * `tokenguard scan --staged`: what the next commit would add. Reads the staged blobs from the
 * index (not the working tree, which may differ) and reports only findings on added lines, so a
 * pre-commit hook judges the change, not the history of the file.
 */
import { execFile, spawn } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import type { ScanFinding } from "./findings";
import type { Fingerprinter } from "./fingerprint";
import { bytePath, joinPath, relativePath, shownPath, type BytePath } from "./paths";
import { contentSkip, type SkippedFile } from "./read";
import { scanContent } from "./scanner";

const run = promisify(execFile);

export class StagedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StagedError";
  }
}

async function git(cwd: string, args: readonly string[]): Promise<Buffer> {
  try {
    const { stdout } = await run("git", ["-c", "core.quotepath=off", ...args], {
      cwd,
      encoding: "buffer",
      maxBuffer: 1024 * 1024 * 1024,
    });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: Buffer; code?: string | number };
    if (err.code === "ENOENT") throw new StagedError("--staged needs git on PATH");
    const why = err.stderr?.toString("utf8") ?? String(e);
    throw new StagedError(`git ${args[0]} failed: ${why.trim()}`);
  }
}

/** Unquotes a path git printed C-style ("a\\tb" in quotes), as a byte path. */
function unquote(name: string): BytePath {
  if (!name.startsWith('"')) return name as BytePath;
  let bytes = "";
  const body = name.slice(1, -1);
  const escapes: Record<string, number> = {
    n: 10,
    t: 9,
    r: 13,
    '"': 34,
    "\\": 92,
    a: 7,
    b: 8,
    f: 12,
    v: 11,
  };
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== "\\") {
      bytes += body[i];
    } else if (/[0-7]/.test(body[i + 1] ?? "")) {
      bytes += String.fromCharCode(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes += String.fromCharCode(escapes[body[i + 1]] ?? body.charCodeAt(i + 1));
      i += 1;
    }
  }
  return bytes as BytePath;
}

/**
 * Staged files (byte paths relative to the repository top) and the line numbers each change adds,
 * from a zero-context diff read one character per byte (latin1).
 */
export function parseAddedLines(diff: string): Map<BytePath, Set<number>> {
  const added = new Map<BytePath, Set<number>>();
  let current: Set<number> | undefined;
  for (const line of diff.split("\n")) {
    if (line.startsWith("+++ ")) {
      const target = line.slice(4).replace(/\t$/, "");
      current = undefined;
      if (target === "/dev/null") continue;
      const name = unquote(target);
      current = new Set();
      added.set((name.startsWith("b/") ? name.slice(2) : name) as BytePath, current);
    } else if (line.startsWith("@@ ") && current) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m) continue;
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      for (let n = start; n < start + count; n++) current.add(n);
    } else if (line.startsWith("Binary files ")) {
      // git's own binary verdict (a NUL in the first 8000 bytes): no lines, reported as skipped
      const m = /^Binary files .+ and (.+) differ$/.exec(line);
      const name = m && m[1] !== "/dev/null" ? unquote(m[1]) : undefined;
      if (name) added.set((name.startsWith("b/") ? name.slice(2) : name) as BytePath, new Set());
    }
  }
  return added;
}

/** The index's blob id for each path (`git ls-files -s -z`; names are raw bytes). */
async function indexBlobs(top: string): Promise<Map<BytePath, string>> {
  const out = (await git(top, ["ls-files", "-z", "--stage"])).toString("latin1");
  const ids = new Map<BytePath, string>();
  for (const rec of out.split("\0")) {
    const m = /^\d+ ([0-9a-f]+) 0\t([^]*)$/.exec(rec);
    if (m) ids.set(m[2] as BytePath, m[1]);
  }
  return ids;
}

/** Reads blobs by id through one `git cat-file --batch` (ids, so any file name works). */
function readBlobs(top: string, ids: readonly string[]): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd: top });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new StagedError(`git cat-file exited with ${code}`));
      const out = Buffer.concat(chunks);
      const blobs = new Map<string, Buffer>();
      for (let at = 0; at < out.length;) {
        const eol = out.indexOf(10, at);
        const m = /^([0-9a-f]+) (\w+) (\d+)$/.exec(out.subarray(at, eol).toString("latin1"));
        if (!m) {
          at = eol + 1; // "<id> missing"
          continue;
        }
        const size = Number(m[3]);
        blobs.set(m[1], out.subarray(eol + 1, eol + 1 + size));
        at = eol + 1 + size + 1;
      }
      resolve(blobs);
    });
    child.stdin.end(ids.map((id) => `${id}\n`).join(""));
  });
}

/** Findings of `blob` (shown as `file`) that start or end on an added line. */
async function onAddedLines(
  blob: Buffer,
  file: string,
  lines: ReadonlySet<number>,
  fp?: Fingerprinter,
) {
  const out: ScanFinding[] = [];
  for (const f of await scanContent(blob.toString("utf8"), file, fp)) {
    for (let n = f.line; n <= f.endLine; n++) {
      if (lines.has(n)) {
        out.push(f);
        break;
      }
    }
  }
  return out;
}

/** Findings on the lines the staged changes add (optionally only under `paths`). */
export async function scanStaged(
  options: { cwd?: string; paths?: readonly string[]; fingerprinter?: Fingerprinter } = {},
): Promise<{
  findings: ScanFinding[];
  files: number;
  bytes: number;
  skippedFiles: SkippedFile[];
}> {
  const cwd = options.cwd ?? process.cwd();
  const top = (await git(cwd, ["rev-parse", "--show-toplevel"])).toString("utf8").trim();
  const diff = await git(top, [
    "diff",
    "--cached",
    "--no-color",
    "--no-ext-diff",
    "--no-renames",
    "--src-prefix=a/",
    "--dst-prefix=b/",
    "--diff-filter=ACM",
    "-U0",
    ...(options.paths?.length ? ["--", ...options.paths.map((p) => path.resolve(cwd, p))] : []),
  ]);
  const added = parseAddedLines(diff.toString("latin1"));
  const ids = await indexBlobs(top);
  const wanted = [...added.keys()].map((f) => ids.get(f)).filter((id) => id !== undefined);
  const blobs = await readBlobs(top, wanted);
  const out = {
    findings: [] as ScanFinding[],
    files: 0,
    bytes: 0,
    skippedFiles: [] as SkippedFile[],
  };
  const [base, root] = [bytePath(path.resolve(cwd)), bytePath(top)];
  for (const [name, lines] of added) {
    const blob = blobs.get(ids.get(name) ?? "");
    if (!blob) continue;
    const file = shownPath(relativePath(base, joinPath(root, name)));
    const skip = contentSkip(blob);
    if (skip) out.skippedFiles.push({ file, ...skip });
    if (skip || lines.size === 0) continue;
    out.files++;
    out.bytes += blob.length;
    out.findings.push(...(await onAddedLines(blob, file, lines, options.fingerprinter)));
  }
  return out;
}
