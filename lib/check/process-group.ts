/**
 * Processes that run code tokenguard does not control (a stack program, a policy pack) start in a
 * process group of their own, so each can be killed together with everything it started: when the
 * caller stops it, when it ends (leftover children), when this process exits, and — for the CLI,
 * through {@link stopGroupsOnSignals} — when this process is interrupted or terminated.
 * POSIX only: on Windows a group is just the child itself.
 */
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";
import { constants } from "node:os";

const live = new Set<number>();
let exitHook = false;

/**
 * Spawns `command` as the leader of a new process group. The group dies with its leader (what the
 * child started and left running is killed when it exits), and at the latest when we exit.
 */
export function spawnGroup(
  command: string,
  args: readonly string[],
  options: SpawnOptions,
): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  if (child.pid !== undefined) {
    live.add(child.pid);
    child.once("exit", () => killGroup(child));
    if (!exitHook) {
      exitHook = true;
      process.on("exit", killAllGroups);
    }
  }
  return child;
}

/** SIGKILLs the child's whole group: the child, if it still runs, and what it started. */
export function killGroup(child: ChildProcess): void {
  const pid = child.pid;
  if (pid === undefined) return;
  try {
    process.kill(process.platform === "win32" ? pid : -pid, "SIGKILL");
  } catch {
    // ESRCH: the group is already gone.
  }
  live.delete(pid);
}

/** SIGKILLs every group spawned here that may still have members. */
export function killAllGroups(): void {
  for (const pid of live) {
    try {
      process.kill(process.platform === "win32" ? pid : -pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  live.clear();
}

const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/**
 * Until the returned function is called: on SIGINT, SIGTERM or SIGHUP, kill every group, say so on
 * stderr and exit with 128 + the signal's number, as a shell reports a process the signal ended.
 * (The groups do not receive a terminal's Ctrl-C themselves: they are not in its process group.)
 */
export function stopGroupsOnSignals(what: string): () => void {
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = () => {
      killAllGroups();
      process.stderr.write(`tokenguard: ${what} stopped by ${signal}\n`);
      process.exit(128 + constants.signals[signal]);
    };
    process.once(signal, handler);
    return () => process.removeListener(signal, handler);
  });
  return () => handlers.forEach((remove) => remove());
}
