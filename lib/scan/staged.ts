/**
 * `tokenguard scan --staged`: what the next commit would add. Reads the staged blobs from the
 * index (not the working tree, which may differ) and reports only findings on added lines, so a
 * pre-commit hook judges the change, not the history of the file.
 */
import { execFile, spawn } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { classify, scanContent } from "./scanner";
import type { ScanFinding } from "./findings";

const run = promisify(execFile);

export class StagedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StagedError";
  }
}

async function git(cwd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await run("git", ["-c", "core.quotepath=off", ...args], {
      cwd,
      maxBuffer: 1024 * 1024 * 1024,
    });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; code?: string | number };
    if (err.code === "ENOENT") throw new StagedError("--staged needs git on PATH");
    throw new StagedError(`git ${args[0]} failed: ${(err.stderr ?? String(e)).trim()}`);
  }
}

/** Unquotes a path git printed C-style ("a\\tb" in quotes). */
function unquote(name: string): string {
  if (!name.startsWith('"')) return name;
  const bytes: number[] = [];
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
      bytes.push(...Buffer.from(body[i], "utf8"));
    } else if (/[0-7]/.test(body[i + 1] ?? "")) {
      bytes.push(parseInt(body.slice(i + 1, i + 4), 8));
      i += 3;
    } else {
      bytes.push(escapes[body[i + 1]] ?? body.charCodeAt(i + 1));
      i += 1;
    }
  }
  return Buffer.from(bytes).toString("utf8");
}

/** Staged files (relative to the repository top) and the line numbers each change adds. */
export function parseAddedLines(diff: string): Map<string, Set<number>> {
  const added = new Map<string, Set<number>>();
  let current: Set<number> | undefined;
  for (const line of diff.split("\n")) {
    if (line.startsWith("+++ ")) {
      const target = line.slice(4).replace(/\t$/, "");
      current = undefined;
      if (target === "/dev/null") continue;
      const name = unquote(target);
      current = new Set();
      added.set(name.startsWith("b/") ? name.slice(2) : name, current);
    } else if (line.startsWith("@@ ") && current) {
      const m = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!m) continue;
      const start = Number(m[1]);
      const count = m[2] === undefined ? 1 : Number(m[2]);
      for (let n = start; n < start + count; n++) current.add(n);
    }
  }
  return added;
}

/** Reads index blobs (":path") through one `git cat-file --batch`. */
function readStaged(top: string, files: readonly string[]): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["cat-file", "--batch"], { cwd: top });
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new StagedError(`git cat-file exited with ${code}`));
      const out = Buffer.concat(chunks);
      const blobs = new Map<string, Buffer>();
      let at = 0;
      for (const file of files) {
        const eol = out.indexOf(10, at);
        const header = out.subarray(at, eol).toString("utf8");
        const m = /^[0-9a-f]+ (\w+) (\d+)$/.exec(header);
        if (!m) {
          at = eol + 1; // "<name> missing": nothing staged under that name
          continue;
        }
        const size = Number(m[2]);
        blobs.set(file, out.subarray(eol + 1, eol + 1 + size));
        at = eol + 1 + size + 1;
      }
      resolve(blobs);
    });
    child.stdin.end(files.map((f) => `:${f}\n`).join(""));
  });
}

/** Findings on the lines the staged changes add (optionally only under `paths`). */
export async function scanStaged(
  options: { cwd?: string; paths?: readonly string[] } = {},
): Promise<{ findings: ScanFinding[]; files: number; bytes: number }> {
  const cwd = options.cwd ?? process.cwd();
  const top = (await git(cwd, ["rev-parse", "--show-toplevel"])).trim();
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
  const added = parseAddedLines(diff);
  const blobs = await readStaged(top, [...added.keys()]);
  const findings: ScanFinding[] = [];
  let bytes = 0;
  for (const [file, lines] of added) {
    const blob = blobs.get(file);
    if (!blob || lines.size === 0 || classify(blob) !== "text") continue;
    bytes += blob.length;
    const rel = path.relative(cwd, path.join(top, file)).split(path.sep).join("/");
    for (const f of await scanContent(blob.toString("utf8"), rel)) {
      for (let n = f.line; n <= f.endLine; n++) {
        if (lines.has(n)) {
          findings.push(f);
          break;
        }
      }
    }
  }
  return { findings, files: blobs.size, bytes };
}
