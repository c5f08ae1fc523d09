/** The machine a benchmark ran on, as BENCHMARKS.md reports it. */
import { existsSync, readFileSync } from "node:fs";
import * as os from "node:os";

export interface Machine {
  readonly cpus: number;
  readonly model: string;
  readonly memoryGiB: number;
  readonly os: string;
  readonly node: string;
  /** 1-minute load average when the run started and when it ended: the machine may be shared. */
  readonly loadStart: number;
  readonly loadEnd?: number;
  readonly startedAt: string;
  readonly finishedAt?: string;
}

/** `model name` from /proc/cpuinfo (Linux), else what Node reports. */
export function cpuModel(cpuinfo?: string): string {
  const text =
    cpuinfo ?? (existsSync("/proc/cpuinfo") ? readFileSync("/proc/cpuinfo", "utf8") : "");
  const line = text.split("\n").find((l) => /^model name\s*:/.test(l));
  return line?.split(":").slice(1).join(":").trim() || os.cpus()[0]?.model || "unknown";
}

function osName(): string {
  try {
    const release = readFileSync("/etc/os-release", "utf8");
    const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(release)?.[1];
    if (pretty) return `${pretty}, ${os.type()} ${os.release()}`;
  } catch {
    // not Linux, or no os-release
  }
  return `${os.type()} ${os.release()}`;
}

export function machine(): Machine {
  return {
    cpus: os.availableParallelism(),
    model: cpuModel(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: osName(),
    node: process.version,
    loadStart: os.loadavg()[0],
    startedAt: new Date().toISOString(),
  };
}

/** The same machine, with the load average and time at the end of the run. */
export function finish(m: Machine): Machine {
  return { ...m, loadEnd: os.loadavg()[0], finishedAt: new Date().toISOString() };
}
