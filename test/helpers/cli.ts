/** Running the `tokenguard` CLI from tests: in-process (fast) or as a real process (exit codes, stdin). */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { main } from "../../lib/cli/main";

export const ROOT = path.resolve(__dirname, "..", "..");

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `tokenguard <args>` in this process with `cwd` (default: the current one), capturing stdout/stderr. */
export async function runCli(
  args: readonly string[],
  cwd: string = process.cwd(),
): Promise<CliRun> {
  const out: string[] = [];
  const err: string[] = [];
  const write = { out: process.stdout.write, err: process.stderr.write };
  const before = process.cwd();
  process.exitCode = undefined;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    out.push(chunk.toString());
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    err.push(chunk.toString());
    return true;
  }) as typeof process.stderr.write;
  try {
    process.chdir(cwd);
    const code = await main(args);
    return { code, stdout: out.join(""), stderr: err.join("") };
  } finally {
    process.chdir(before);
    process.stdout.write = write.out;
    process.stderr.write = write.err;
    process.exitCode = undefined;
  }
}

/** Runs the real CLI entry point in a child process (ts-node), optionally feeding stdin. */
export function spawnCli(args: readonly string[], cwd: string, input?: string): CliRun {
  const result = spawnSync(
    process.execPath,
    [
      "-r",
      require.resolve("ts-node/register/transpile-only"),
      path.join(ROOT, "lib", "cli", "main.ts"),
      ...args,
    ],
    {
      cwd,
      input,
      encoding: "utf8",
      env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix: string): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `tokenguard-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
