/**
 * CPU time of a process tree by role — the load-independent half of "where the time goes". A
 * preview's wall-clock time on a shared two-core machine says little about who spent it; the CPU
 * seconds each process used (user + system, from /proc/<pid>/stat) do not depend on how busy the
 * machine is. A poller follows every descendant of the command it watches — the engine, our
 * language host, the program, the stand-in providers, the policy packs, dynamic providers (the
 * engine starts plugins in process groups of their own, so a group id would miss them) — and
 * reads their counters until they exit.
 *
 * A process that exits between two polls loses at most one interval of its CPU time; plugins are
 * killed by the engine at the end (SIGKILL), so there is no exit record to read instead.
 * Linux only: elsewhere the poller reports nothing and the bench says so.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";

export const ROLES = [
  "engine",
  "language host",
  "program",
  "providers",
  "policy pack",
  "peer pack",
  "dynamic providers",
  "check CLI",
  "other",
] as const;
export type Role = (typeof ROLES)[number];

/** CPU seconds by role; `total` is their sum. */
export type CpuByRole = Partial<Record<Role, number>> & { total: number };

/** The role of a process, from its command name and its command line (NUL-separated argv). */
export function roleOf(comm: string, argv: readonly string[], peerPackDir?: string): Role {
  const line = argv.join(" ");
  if (comm === "pulumi" || /(^|\/)pulumi$/.test(argv[0] ?? "")) return "engine";
  if (/pulumi-language-nodejs/.test(argv[0] ?? "") || comm.startsWith("pulumi-language"))
    return "language host";
  if (/run-policy-pack/.test(line)) {
    return peerPackDir && argv.some((a) => a.startsWith(peerPackDir)) ? "peer pack" : "policy pack";
  }
  if (/dynamic-provider/.test(line)) return "dynamic providers";
  if (/stand-ins\/|pulumi-resource-/.test(line)) return "providers";
  if (/@pulumi\/pulumi\/cmd\/run|[\\/]cmd[\\/]run[\\/]/.test(line)) return "program";
  // check's program host: lib/check/host/main (compiled), or its transpiled copy in the temp dir.
  if (/program-host|check[\\/]host[\\/]main\.js/.test(line)) return "program";
  if (/cli[\\/]main\.js/.test(line)) return "check CLI";
  return "other";
}

/** Parses the fields we need from /proc/<pid>/stat (the command name may contain spaces). */
export function parseStat(text: string): { comm: string; ticks: number; ppid: number } | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const rest = text
    .slice(close + 2)
    .trim()
    .split(/\s+/);
  // After the command: state(0) ppid(1) pgrp(2) ... utime(11) stime(12)
  const ppid = Number(rest[1]);
  const ticks = Number(rest[11]) + Number(rest[12]);
  if (![ppid, ticks].every(Number.isFinite)) return undefined;
  return { comm: text.slice(open + 1, close), ticks, ppid };
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Polls the descendants of `root` until stopped; `result()` sums the last counters seen per process. */
export class CpuTreePoller {
  private readonly seen = new Map<number, { role: Role; ticks: number; comm: string }>();
  private readonly timer?: NodeJS.Timeout;
  readonly supported = existsSync("/proc/self/stat");

  constructor(
    private readonly root: number,
    private readonly peerPackDir?: string,
    intervalMs = 250,
  ) {
    if (this.supported) {
      this.timer = setInterval(() => this.poll(), intervalMs);
      this.timer.unref();
    }
  }

  poll(): void {
    let pids: string[];
    try {
      pids = readdirSync("/proc").filter((p) => /^\d+$/.test(p));
    } catch {
      return;
    }
    const stats = new Map<number, NonNullable<ReturnType<typeof parseStat>>>();
    for (const pid of pids) {
      try {
        const stat = parseStat(readFileSync(`/proc/${pid}/stat`, "utf8"));
        if (stat) stats.set(Number(pid), stat);
      } catch {
        // exited meanwhile
      }
    }
    const mine = (pid: number): boolean => {
      for (let p = pid, hops = 0; p > 1 && hops < 64; hops++) {
        if (p === this.root || this.seen.has(p)) return true;
        const parent = stats.get(p)?.ppid;
        if (parent === undefined) return false;
        p = parent;
      }
      return false;
    };
    for (const [pid, stat] of stats) {
      if (!mine(pid)) continue;
      const known = this.seen.get(Number(pid));
      // A process first seen between fork and exec still bears its parent's name: its role is
      // read again once its command changes (the language host forks the program's Node).
      if (known && known.comm === stat.comm) {
        known.ticks = Math.max(known.ticks, stat.ticks);
        continue;
      }
      let argv: string[];
      try {
        argv = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
      } catch {
        continue;
      }
      this.seen.set(Number(pid), {
        role: roleOf(stat.comm, argv, this.peerPackDir),
        ticks: Math.max(known?.ticks ?? 0, stat.ticks),
        comm: stat.comm,
      });
    }
  }

  /** Stops polling; CPU seconds by role (undefined where /proc is not available). */
  result(): CpuByRole | undefined {
    if (this.timer) clearInterval(this.timer);
    if (!this.supported) return undefined;
    const out: CpuByRole = { total: 0 };
    for (const { role, ticks } of this.seen.values()) {
      const s = ticks / TICKS_PER_SECOND;
      out[role] = (out[role] ?? 0) + s;
      out.total += s;
    }
    return out;
  }
}
