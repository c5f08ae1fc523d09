/**
 * Timed child processes with a hard time limit. Each command runs in its own process group, so on
 * timeout the whole tree (pulumi, its language host, plugins, the policy pack) is stopped — a
 * benchmark never runs unbounded and never leaves orphans behind.
 */
import { spawn } from "node:child_process";

export interface TimedRun {
  /** Wall-clock time, ms. */
  readonly ms: number;
  readonly code: number | null;
  /** Everything written to stdout, unless `onLine` took it. */
  readonly stdout: string;
  /** The last 16 KiB of stderr. */
  readonly stderr: string;
  /** True when the limit was hit and the process group was killed. */
  readonly timedOut: boolean;
}

export interface TimedOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Hard limit; the process group is killed when it passes. */
  readonly timeoutMs: number;
  /** Receives stdout line by line instead of keeping it (large outputs, e.g. preview --json). */
  readonly onLine?: (line: string) => void;
  /** Receives stderr line by line (the tail is kept as well, for failure messages). */
  readonly onErrLine?: (line: string) => void;
  /** Called with the child's pid (= its process group id) once it is started. */
  readonly onSpawn?: (pid: number) => void;
}

export function timed(cmd: string, args: readonly string[], opts: TimedOptions): Promise<TimedRun> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true, // its own process group, so the whole tree can be stopped
    });
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    let stdout = "";
    let stderr = "";
    const outLines = lineSplitter(opts.onLine);
    const errLines = lineSplitter(opts.onErrLine);
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      if (opts.onLine) outLines.push(d);
      else stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr = (stderr + d).slice(-16384);
      errLines.push(d);
    });
    let timedOut = false;
    const killGroup = () => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup();
    }, opts.timeoutMs);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(new Error(`${cmd}: ${e.message}`));
    });
    child.once("close", (code) => {
      clearTimeout(timer);
      outLines.end();
      errLines.end();
      resolve({
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        code,
        stdout,
        stderr,
        timedOut,
      });
    });
  });
}

/** Feeds chunks in, hands whole lines to `onLine` (nothing when there is no `onLine`). */
function lineSplitter(onLine: ((line: string) => void) | undefined) {
  let partial = "";
  return {
    push(chunk: string) {
      if (!onLine) return;
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) onLine(line);
    },
    end() {
      if (onLine && partial) onLine(partial);
      partial = "";
    },
  };
}

/** A run's failure as one line plus the tail of its stderr. */
export function failure(what: string, run: TimedRun, limitMs: number): Error {
  if (run.timedOut) return new Error(`${what}: stopped at the ${limitMs / 60000}-minute limit`);
  const tail = run.stderr.trim().split("\n").slice(-8).join("\n");
  return new Error(`${what} exited ${run.code}${tail ? `:\n${tail}` : ""}`);
}
