/**
 * Where users wait: `pulumi preview`, `pulumi preview --policy-pack` and `tokenguard check` on the
 * real engine (rig/build.sh), for N ScopedTokens and for the controls of ./programs (the same
 * provider resources declared by hand, and those resources under a plain component each), with
 * tokenguard's pack and a published peer pack (./packs) on the same programs.
 *
 * Every round runs each measurement once, in an order that rotates from round to round, so a
 * machine getting busier or quieter affects every variant alike; the report gives medians and
 * ratios within a size. Each preview also records the CPU seconds of every process it started, by
 * role (../lib/cpu-tree): that share does not depend on the machine's load.
 *
 * Engine settings: "default" is the engine as users run it. "skip-checkpoints" sets
 * PULUMI_SKIP_CHECKPOINTS=true: the engine then builds its in-memory snapshot once at the end
 * instead of after every step, which is what makes a preview quadratic in the resources (see
 * BENCHMARKS.md, "Why preview grows faster than N"); a preview persists nothing either way.
 */
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { newStack, tempProgram, type Stack } from "../../test/e2e/harness";
import { PackTimelineReader, type PackTimeline } from "../check/engine-log";
import { CpuTreePoller, type CpuByRole } from "../lib/cpu-tree";
import { compiledLib } from "../lib/build";
import { finish, machine, type Machine } from "../lib/machine";
import { engine, previewArgs } from "../lib/engine";
import { failure, timed } from "../lib/proc";
import { summarize, type Summary } from "../lib/stats";
import { peerPack, TOKENGUARD_PACK } from "./packs";
import {
  BENCH_NOW,
  BENCH_STACK,
  libImport,
  programSource,
  projectFile,
  type Variant,
} from "./programs";

export type EngineTool = "preview" | "previewPack" | "previewPeer" | "check";
export type EngineSetting = "default" | "skip-checkpoints";

/** One measurement: a tool on a variant's program under an engine setting. */
export interface RunSpec {
  readonly variant: Variant;
  readonly tool: EngineTool;
  readonly setting: EngineSetting;
}

export const runKey = (r: RunSpec) => `${r.variant}/${r.tool}/${r.setting}`;

export interface RunStats {
  readonly seconds: Summary;
  /** CPU seconds by role, medians over the rounds. */
  readonly cpu?: Record<string, number>;
  /** Resources in the preview (the engine's steps, the root stack included). */
  readonly resources?: number;
  /** The pack's start and analyzer calls, from the engine's log (previewPack only). */
  readonly pack?: { startSeconds: Summary; analysisSeconds: Summary; calls: number };
}

export interface EngineRow {
  readonly tokens: number;
  readonly rounds: number;
  readonly runs: Record<string, RunStats>;
  /** previewPack − preview and previewPeer − preview, paired per round, by variant/setting. */
  readonly overhead: Record<string, Summary>;
  readonly skipped: Record<string, string>;
}

export interface EngineResult {
  readonly machine: Machine;
  readonly limitMinutes: number;
  readonly rows: readonly EngineRow[];
  readonly engineVersion?: string;
  readonly peer?: { readonly name: string; readonly version: string };
  readonly engineMissing?: string;
  readonly peerMissing?: string;
}

export interface EngineOptions {
  readonly sizes: readonly number[];
  readonly rounds: (n: number) => number;
  /** The measurements at size n. */
  readonly plan: (n: number) => readonly RunSpec[];
  readonly limitMinutes: number;
  /** Every preview logs at -v=7, and pack runs report the pack's start and analyzer calls. */
  readonly engineLog?: boolean;
  readonly log?: (line: string) => void;
}

/**
 * The full plan at size n. Up to 1,000 tokens: every control and both packs under the default
 * engine, and the curve again with PULUMI_SKIP_CHECKPOINTS. Beyond, the default engine's per-step
 * snapshot makes a preview take hours (quadratic), so the larger sizes run with the workaround
 * only, and fewer controls (the wrapped one, and the packs on the raw control, answer their
 * questions at the smaller sizes already).
 */
export function fullPlan(n: number, opts: { quick?: boolean } = {}): RunSpec[] {
  const runs: RunSpec[] = [];
  const add = (variant: Variant, tool: EngineTool, setting: EngineSetting) =>
    runs.push({ variant, tool, setting });
  const small = n <= 1000;
  if (small) {
    for (const v of ["raw", "wrapped", "component"] as const) add(v, "preview", "default");
    for (const v of ["raw", "component"] as const) {
      add(v, "previewPack", "default");
      add(v, "previewPeer", "default");
    }
  }
  const skip = "skip-checkpoints";
  for (const v of small && !opts.quick
    ? (["raw", "wrapped", "component"] as const)
    : (["raw", "component"] as const)) {
    add(v, "preview", skip);
  }
  add("component", "previewPack", skip);
  if (n <= 3000) add("component", "previewPeer", skip);
  add("component", "check", "default");
  return runs;
}

interface Sample {
  readonly seconds: number;
  readonly violations: number;
  readonly resources?: number;
  readonly cpu?: CpuByRole;
  readonly pack?: PackTimeline;
}

interface Program {
  readonly dir: string;
  readonly stack?: Stack;
  remove(): Promise<void>;
}

async function preparePrograms(
  n: number,
  variants: readonly Variant[],
  bin: string | undefined,
): Promise<Record<string, Program>> {
  const lib = compiledLib();
  const out: Record<string, Program> = {};
  for (const variant of variants) {
    const prog = await tempProgram(
      { "Pulumi.yaml": projectFile(), "index.ts": "" },
      { name: `bench-${variant}-${n}` },
    );
    writeFileSync(
      path.join(prog.dir, "index.ts"),
      programSource(variant, n, libImport(prog.dir, lib)),
    );
    const stack = bin ? await newStack(prog.dir, { bin, name: BENCH_STACK }) : undefined;
    if (stack) await stack.setConfig("tokenguard:now", BENCH_NOW);
    else
      writeFileSync(
        path.join(prog.dir, `Pulumi.${BENCH_STACK}.yaml`),
        `config:\n  tokenguard:now: "${BENCH_NOW}"\n`,
      );
    out[variant] = {
      dir: prog.dir,
      stack,
      remove: async () => {
        await stack?.cleanup();
        await prog.remove();
      },
    };
  }
  return out;
}

async function runPreview(
  bin: string,
  stack: Stack,
  run: RunSpec,
  packs: { tokenguard: string; peer?: string },
  limitMs: number,
  engineLog: boolean,
): Promise<Sample> {
  const pack =
    run.tool === "previewPack"
      ? packs.tokenguard
      : run.tool === "previewPeer"
        ? packs.peer
        : undefined;
  if (run.tool === "previewPeer" && !pack) throw new Error("the peer pack is not installed");
  let violations = 0;
  let resources = 0;
  const timeline = pack && engineLog ? new PackTimelineReader(pack) : undefined;
  const env: NodeJS.ProcessEnv = {
    ...stack.env,
    PWD: stack.dir,
    PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true",
  };
  if (run.setting === "skip-checkpoints") env.PULUMI_SKIP_CHECKPOINTS = "true";
  let poller: CpuTreePoller | undefined;
  // Logging costs the engine time, so it is all previews or none (--engine-log).
  const args = previewArgs(stack.name, { ...(pack ? { pack } : {}), engineLog });
  const result = await timed(path.join(bin, "pulumi"), args, {
    cwd: stack.dir,
    env,
    timeoutMs: limitMs,
    onSpawn: (pid) => (poller = new CpuTreePoller(pid, packs.peer)),
    onLine: (line) => {
      if (line.includes('"policyEvent"')) violations++;
      if (line.includes('"resourcePreEvent"')) resources++;
    },
    ...(timeline ? { onErrLine: (line: string) => timeline.line(line) } : {}),
  });
  const cpu = poller?.result();
  if (result.code !== 0) throw failure(`pulumi preview (${runKey(run)})`, result, limitMs);
  const packTimeline = timeline?.result();
  return {
    seconds: result.ms / 1000,
    violations,
    resources: resources + 1,
    ...(cpu ? { cpu } : {}),
    ...(packTimeline ? { pack: packTimeline } : {}),
  };
}

async function runCheck(dir: string, limitMs: number): Promise<Sample> {
  const lib = compiledLib();
  let poller: CpuTreePoller | undefined;
  const args = [
    path.join(lib, "cli", "main.js"),
    "check",
    dir,
    "--stack",
    BENCH_STACK,
    "--policy-pack",
    TOKENGUARD_PACK,
    "--format",
    "json",
  ];
  const run = await timed(process.execPath, args, {
    timeoutMs: limitMs,
    onSpawn: (pid) => (poller = new CpuTreePoller(pid)),
  });
  const cpu = poller?.result();
  if (run.code !== 0) throw failure("tokenguard check", run, limitMs);
  const doc = JSON.parse(run.stdout) as { resources: number; violations: unknown[] };
  return {
    seconds: run.ms / 1000,
    violations: doc.violations.length,
    resources: doc.resources,
    ...(cpu ? { cpu } : {}),
  };
}

/** Medians of each role's CPU seconds over the samples. */
function cpuMedians(samples: readonly Sample[]): Record<string, number> | undefined {
  const withCpu = samples.flatMap((s) => (s.cpu ? [s.cpu] : []));
  if (!withCpu.length) return undefined;
  const roles = new Set(withCpu.flatMap((c) => Object.keys(c)));
  return Object.fromEntries(
    [...roles].map((role) => [
      role,
      summarize(withCpu.map((c) => (c as Record<string, number>)[role] ?? 0)).median,
    ]),
  );
}

function statsOf(samples: readonly Sample[]): RunStats {
  const cpu = cpuMedians(samples);
  const packs = samples.flatMap((s) => (s.pack ? [s.pack] : []));
  return {
    seconds: summarize(samples.map((s) => s.seconds)),
    ...(cpu ? { cpu } : {}),
    ...(samples[0]?.resources !== undefined ? { resources: samples[0].resources } : {}),
    ...(packs.length
      ? {
          pack: {
            startSeconds: summarize(packs.map((p) => p.startSeconds)),
            analysisSeconds: summarize(packs.map((p) => p.analysisSeconds)),
            calls: packs[0].calls,
          },
        }
      : {}),
  };
}

/** Pack − plain preview within each round, for every variant/setting measured both ways. */
function pairedOverheads(samples: Record<string, (Sample | undefined)[]>): Record<string, Summary> {
  const out: Record<string, Summary> = {};
  for (const key of Object.keys(samples)) {
    const [variant, tool, setting] = key.split("/");
    if (tool !== "previewPack" && tool !== "previewPeer") continue;
    const plain = samples[`${variant}/preview/${setting}`];
    if (!plain) continue;
    const diffs = samples[key].flatMap((s, i) =>
      s && plain[i] ? [s.seconds - plain[i]!.seconds] : [],
    );
    if (diffs.length) out[key] = summarize(diffs);
  }
  return out;
}

/** Rotates `runs` by `round` places, so each measurement takes every position in turn. */
export function rotated<T>(runs: readonly T[], round: number): T[] {
  if (!runs.length) return [];
  const k = round % runs.length;
  return [...runs.slice(k), ...runs.slice(0, k)];
}

async function measureSize(
  n: number,
  opts: EngineOptions,
  ctx: {
    bin?: string;
    packs: { tokenguard: string; peer?: string };
    limitMs: number;
    engineLog: boolean;
  },
): Promise<EngineRow> {
  const log = opts.log ?? (() => undefined);
  const skipped: Record<string, string> = {};
  const runs = opts.plan(n).filter((r) => {
    if (r.tool === "check" || ctx.bin) return true;
    skipped[runKey(r)] = "engine missing";
    return false;
  });
  const programs = await preparePrograms(n, [...new Set(runs.map((r) => r.variant))], ctx.bin);
  const rounds = Math.max(1, opts.rounds(n));
  const samples: Record<string, (Sample | undefined)[]> = {};
  try {
    for (let round = 0; round < rounds; round++) {
      for (const run of rotated(runs, round)) {
        const key = runKey(run);
        if (skipped[key]) continue;
        const prog = programs[run.variant];
        try {
          const sample =
            run.tool === "check"
              ? await runCheck(prog.dir, ctx.limitMs)
              : await runPreview(
                  ctx.bin as string,
                  prog.stack as Stack,
                  run,
                  ctx.packs,
                  ctx.limitMs,
                  ctx.engineLog,
                );
          (samples[key] ??= [])[round] = sample;
          log(`${n} tokens, round ${round + 1}: ${key} ${sample.seconds.toFixed(1)} s`);
        } catch (e) {
          skipped[key] = (e as Error).message.split("\n")[0];
          delete samples[key];
          log(`${n} tokens: ${key}: ${skipped[key]}`);
        }
      }
    }
  } finally {
    for (const p of Object.values(programs)) await p.remove();
  }
  // Every pack run and check of the component program must reach the same (empty) verdict.
  const verdicts = Object.entries(samples)
    .filter(([k]) => k.startsWith("component/") && !k.includes("/preview/"))
    .flatMap(([, s]) => s.flatMap((x) => (x ? [x.violations] : [])));
  if (new Set(verdicts).size > 1)
    throw new Error(`verdicts differ at ${n} tokens: ${verdicts.join(", ")}`);
  const runStats: Record<string, RunStats> = {};
  for (const [key, s] of Object.entries(samples)) {
    const present = s.filter((x): x is Sample => x !== undefined);
    if (present.length) runStats[key] = statsOf(present);
  }
  return { tokens: n, rounds, runs: runStats, overhead: pairedOverheads(samples), skipped };
}

export async function measureEngine(opts: EngineOptions): Promise<EngineResult> {
  const log = opts.log ?? (() => undefined);
  const started = machine();
  const { bin, missing } = engine();
  if (missing) log(`engine: missing (${missing}); measuring tokenguard check alone`);
  let peer: { dir: string; version: string } | undefined;
  let peerMissing: string | undefined;
  try {
    peer = peerPack(log);
  } catch (e) {
    peerMissing = (e as Error).message;
    log(`peer pack: ${peerMissing}`);
  }
  const engineVersion = bin
    ? (await timed(path.join(bin, "pulumi"), ["version"], { timeoutMs: 60_000 })).stdout.trim()
    : undefined;
  const limitMs = opts.limitMinutes * 60_000;
  const rows: EngineRow[] = [];
  for (const n of [...opts.sizes].sort((a, b) => a - b)) {
    rows.push(
      await measureSize(n, opts, {
        bin,
        packs: { tokenguard: TOKENGUARD_PACK, peer: peer?.dir },
        limitMs,
        engineLog: opts.engineLog ?? false,
      }),
    );
  }
  return {
    machine: finish(started),
    limitMinutes: opts.limitMinutes,
    rows,
    ...(engineVersion ? { engineVersion } : {}),
    ...(peer ? { peer: { name: "@pulumi/awsguard", version: peer.version } } : {}),
    ...(missing ? { engineMissing: missing } : {}),
    ...(peerMissing ? { peerMissing } : {}),
  };
}
