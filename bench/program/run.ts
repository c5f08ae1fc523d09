/**
 * Program cost: time and peak memory to declare N ScopedTokens under Pulumi's mock runtime, per
 * backend, against the same N as the raw provider resources a ScopedToken creates (./programs).
 * Every point runs in a fresh process (./worker), TypeScript through ts-node as Pulumi runs a
 * TypeScript program; component and raw take turns within each round.
 */
import * as path from "node:path";
import { machine, finish, type Machine } from "../lib/machine";
import { failure, timed } from "../lib/proc";
import { predictAt, summarize, type Summary } from "../lib/stats";
import { BACKENDS, MODES, type BenchBackend, type BenchMode } from "./backends";
import type { WorkerResult } from "./worker";

export interface ProgramPoint {
  readonly backend: BenchBackend;
  readonly mode: BenchMode;
  readonly n: number;
  readonly registrations?: number;
  /** Declaring the N tokens until all settled, seconds. */
  readonly seconds?: Summary;
  /** Loading the SDK, providers and tokenguard, seconds (not part of `seconds`). */
  readonly loadSeconds?: Summary;
  /** Peak RSS of the process, MiB. */
  readonly peakMiB?: Summary;
  readonly skipped?: string;
}

export interface ProgramResult {
  readonly machine: Machine;
  readonly limitMinutes: number;
  readonly points: readonly ProgramPoint[];
}

export interface ProgramOptions {
  readonly sizes: readonly number[];
  readonly backends?: readonly BenchBackend[];
  readonly rounds: (n: number) => number;
  readonly limitMinutes: number;
  readonly log?: (line: string) => void;
}

const WORKER = path.join(__dirname, "worker.ts");

async function runWorker(
  backend: BenchBackend,
  mode: BenchMode,
  n: number,
  limitMs: number,
): Promise<WorkerResult> {
  const run = await timed(
    process.execPath,
    ["-r", require.resolve("ts-node/register/transpile-only"), WORKER, backend, mode, String(n)],
    { timeoutMs: limitMs },
  );
  if (/heap out of memory/.test(run.stderr)) {
    throw new Error(
      `ran out of memory at Node's default heap limit after ${(run.ms / 1000).toFixed(0)} s`,
    );
  }
  if (run.code !== 0) throw failure(`program ${backend} ${mode} ${n}`, run, limitMs);
  return JSON.parse(run.stdout.trim().split("\n").pop() as string) as WorkerResult;
}

export async function measurePrograms(opts: ProgramOptions): Promise<ProgramResult> {
  const log = opts.log ?? (() => undefined);
  const started = machine();
  const limitMs = opts.limitMinutes * 60_000;
  const points: ProgramPoint[] = [];
  // raw-lean only up to 1,000 tokens: it explains the ratio; the 10,000-token runs take minutes each.
  const modesAt = (n: number): BenchMode[] => (n <= 1000 ? [...MODES] : ["component", "raw"]);
  for (const backend of opts.backends ?? BACKENDS) {
    for (const n of [...opts.sizes].sort((a, b) => a - b)) {
      const modes = modesAt(n);
      const samples: Record<BenchMode, WorkerResult[]> = { component: [], raw: [], "raw-lean": [] };
      const skipped: Partial<Record<BenchMode, string>> = {};
      for (const mode of modes) {
        const done = points
          .filter((p) => p.backend === backend && p.mode === mode && p.seconds && p.loadSeconds)
          .map((p) => ({ n: p.n, value: p.seconds!.median + p.loadSeconds!.median }));
        if (done.length && predictAt(done, n) * 1000 > limitMs) {
          skipped[mode] = `predicted over the ${opts.limitMinutes}-minute limit per run`;
        }
      }
      const rounds = Math.max(1, opts.rounds(n));
      for (let round = 0; round < rounds; round++) {
        for (const mode of round % 2 ? [...modes].reverse() : modes) {
          if (skipped[mode]) continue;
          try {
            const r = await runWorker(backend, mode, n, limitMs);
            samples[mode].push(r);
            log(
              `${backend} ${mode} ${n}: ${(r.runMs / 1000).toFixed(2)} s, ${(r.maxRssKiB / 1024).toFixed(0)} MiB`,
            );
          } catch (e) {
            skipped[mode] = (e as Error).message.split("\n")[0];
            log(`${backend} ${mode} ${n}: ${skipped[mode]}`);
          }
        }
      }
      for (const mode of modes) {
        const s = samples[mode];
        points.push(
          s.length
            ? {
                backend,
                mode,
                n,
                registrations: s[0].registrations,
                seconds: summarize(s.map((r) => r.runMs / 1000)),
                loadSeconds: summarize(s.map((r) => r.loadMs / 1000)),
                peakMiB: summarize(s.map((r) => r.maxRssKiB / 1024)),
              }
            : { backend, mode, n, skipped: skipped[mode] ?? "not run" },
        );
      }
    }
  }
  return { machine: finish(started), limitMinutes: opts.limitMinutes, points };
}
