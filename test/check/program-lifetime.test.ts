/**
 * How long `tokenguard check` lets a program run, and what it leaves behind:
 * - it waits for the program as the Node language host does (until the event loop is empty), so
 *   resources registered after a timer or awaited I/O are judged;
 * - SIGTERM, SIGINT, or check giving up (--timeout) kill the program host and every process it
 *   started: none is left running.
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCheck } from "../../lib/check/check";
import { runCli, tempDir } from "../scan/helpers";
import { FIXTURES, PACK_DIR, ROOT } from "./helpers";

const fixture = (name: string) => path.join(FIXTURES, name);

/** Whether a process is still running (a zombie waiting to be reaped is not). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

async function until(cond: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return cond();
}

interface Spun {
  /** The CLI's exit code and signal, and its stderr. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
  /** The program host and the child the program started. */
  readonly pids: readonly number[];
}

/**
 * Runs `tokenguard check` (a real process) on the `spins` fixture, which never finishes; once the
 * program has recorded its pids, `act` is called with the CLI's pid (to signal it), or not at all.
 */
async function spinCheck(extra: readonly string[], act?: (pid: number) => void): Promise<Spun> {
  const { dir, cleanup } = tempDir("check-spins");
  const pidFile = path.join(dir, "pids");
  const pids: number[] = [];
  try {
    const cli = spawn(
      process.execPath,
      [
        "-r",
        require.resolve("ts-node/register/transpile-only"),
        path.join(ROOT, "lib", "cli", "main.ts"),
        "check",
        fixture("spins"),
        ...extra,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, TG_TEST_PIDFILE: pidFile },
        stdio: ["ignore", "ignore", "pipe"],
      },
    );
    let stderr = "";
    cli.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) =>
      cli.once("exit", (code, signal) => resolve([code, signal])),
    );
    assert.ok(await until(() => existsSync(pidFile), 90_000), "the program started");
    pids.push(...readFileSync(pidFile, "utf8").trim().split(" ").map(Number));
    assert.equal(pids.length, 2, "the program recorded its pid and its child's");
    assert.ok(
      pids.every(running),
      `both processes run before check is stopped (${pids.map((p) => `${p}: ${running(p) ? "running" : "gone"}`).join(", ")}); check said: ${stderr}`,
    );
    act?.(cli.pid!);
    const [code, signal] = await exited;
    // The kill is sent before check exits; give the kernel a moment to deliver it.
    await until(() => !pids.some(running), 5_000);
    return { code, signal, stderr, pids };
  } finally {
    for (const pid of pids) if (running(pid)) process.kill(pid, "SIGKILL"); // never leak
    cleanup();
  }
}

describe("tokenguard check: the program's lifetime", function () {
  this.timeout(180_000);

  it("waits until the program's event loop is empty: resources registered after a timer or awaited I/O are judged", async () => {
    const result = await runCheck({ dir: fixture("late"), policyPack: PACK_DIR });
    // The root Stack and both late tokens (default providers are not counted).
    assert.equal(result.resources, 3);
    assert.deepEqual(
      result.violations.map((v) => `${v.policy} ${v.level} ${v.urn.split("::").pop()}`),
      ["random-token-strength mandatory timer-token"],
    );
    const cli = await runCli(["check", fixture("late"), "--format", "json"], ROOT);
    assert.equal(cli.code, 1, cli.stderr);
    assert.equal((JSON.parse(cli.stdout) as { resources: number }).resources, 3);
  });

  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    it(`${signal} stops check and kills the program and every process it started`, async () => {
      const run = await spinCheck([], (pid) => process.kill(pid, signal));
      assert.deepEqual(run.pids.filter(running), [], "no process of the program is left running");
      assert.equal(run.signal, null, "check handles the signal itself");
      assert.equal(run.code, 128 + os.constants.signals[signal], run.stderr);
      assert.match(run.stderr, new RegExp(`stopped by ${signal}`));
    });
  }

  it("--timeout: gives up with exit 2 and a message naming the flag, and leaves nothing running", async () => {
    const run = await spinCheck(["--timeout", "3s"]);
    assert.equal(run.code, 2, run.stderr);
    assert.deepEqual(run.pids.filter(running), [], "no process of the program is left running");
    assert.match(run.stderr, /the program did not finish within 3s \(--timeout 3s\)/);
  });

  it("--help documents --timeout and its default", async () => {
    const run = await runCli(["check", "--help"], ROOT);
    assert.equal(run.code, 0);
    assert.match(
      run.stdout + run.stderr,
      /--timeout <duration>\s+how long the program may run[^]*\(default: "10m"\)/,
    );
  });

  it("--timeout refuses what is not a duration, naming the flag and the fix", async () => {
    for (const bad of ["600", "soon", "0s"]) {
      const run = await runCli(["check", fixture("clean"), "--timeout", bad], ROOT);
      assert.equal(run.code, 2, bad);
      assert.match(run.stderr, /^tokenguard: --timeout: /, bad);
      assert.match(run.stderr, /"90s", "15m"/, bad);
    }
  });
});
