/**
 * The real engine against the offline check, on one generated program per size: N ScopedTokens
 * (random backend) importing the compiled library, as a user's program imports the npm package.
 * Each round times, in alternating order:
 *
 *   pulumi preview                                 the baseline
 *   pulumi preview --policy-pack policy-packs/tokenguard
 *   tokenguard check                               the compiled CLI, offline
 *
 * giving the policy pack's overhead (paired per round, so drift on a shared machine cancels) and
 * check's speed-up over the preview it stands in for. Every run gives the same (empty) verdict;
 * the bench asserts that. A size whose preview is predicted to pass the per-run limit is skipped,
 * and any run is stopped at that limit.
 *
 * `npm run bench:check` runs this alone: results in bench/out/check-bench.{json,md}.
 * Options (environment): BENCH_CHECK_SIZES (default 10,100,1000), BENCH_CHECK_REPEAT (rounds,
 * default 1), BENCH_LIMIT_MINUTES (per run, default 15), TOKENGUARD_ENGINE_BIN (a built engine).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { newStack, tempProgram, type Stack } from "../../test/e2e/harness";
import { compiledLib, OUT, ROOT } from "../lib/build";
import { machine, finish, type Machine } from "../lib/machine";
import { engine, previewArgs } from "../lib/engine";
import { failure, timed } from "../lib/proc";
import { PackTimelineReader, type PackTimeline } from "./engine-log";
import { predictAt, summarize, type Summary } from "../lib/stats";

const PACK = path.join(ROOT, "policy-packs", "tokenguard");
export const BENCH_NOW = "2026-01-31T06:00:00Z";

/** A program declaring `n` valid random-backend tokens, importing tokenguard from `lib`. */
export function benchProgram(n: number, lib: string): string {
  return [
    `import { ScopedToken } from ${JSON.stringify(lib)};`,
    `for (let i = 0; i < ${n}; i++) {`,
    "  new ScopedToken(`svc-${i}`, {",
    '    backend: "random",',
    '    scopes: ["orders:read"],',
    '    ttl: "31d",',
    '    rotation: { every: "30d", overlap: "1d" },',
    '    owner: "team-bench",',
    '    purpose: "benchmark token",',
    "  });",
    "}",
    "",
  ].join("\n");
}

export type EngineTool = "preview" | "previewPack" | "check";
export const TOOLS: readonly EngineTool[] = ["preview", "previewPack", "check"];

export interface EngineRow {
  readonly tokens: number;
  /** Resources the pack analyzed (check's count, the root Stack included). */
  readonly resources?: number;
  /** Wall-clock seconds per tool: median and spread over the rounds. */
  readonly seconds: Partial<Record<EngineTool, Summary>>;
  /** previewPack − preview, paired per round, seconds (noisy on a shared machine). */
  readonly packOverhead?: Summary;
  /** The pack's time on the preview's critical path, from the engine's own log (./engine-log). */
  readonly packCost?: PackCost;
  /** Why a tool was not measured at this size. */
  readonly skipped: Partial<Record<EngineTool, string>>;
}

export interface PackCost {
  /** Starting and configuring the pack, before the engine runs the program, seconds. */
  readonly startSeconds: Summary;
  /** Inside the analyzer's Remediate, Analyze and AnalyzeStack calls, seconds. */
  readonly analysisSeconds: Summary;
  readonly totalSeconds: Summary;
  /** Analyzer calls per preview. */
  readonly calls: number;
}

export interface EngineResult {
  readonly machine: Machine;
  readonly rounds: Record<number, number>;
  readonly limitMinutes: number;
  readonly rows: readonly EngineRow[];
  /** `pulumi version` of the engine measured. */
  readonly engineVersion?: string;
  /** Set when the engine could not be had: only check was measured. */
  readonly engineMissing?: string;
}

export interface EngineOptions {
  readonly sizes: readonly number[];
  /** The policy pack, for preview and check alike. @default policy-packs/tokenguard */
  readonly pack?: string;
  /** A compiled lib/ whose CLI runs check. @default lib/ built from the working tree */
  readonly checkLib?: string;
  /** Rounds at a size; the largest sizes may get fewer (a 10,000-token preview takes minutes). */
  readonly rounds: (n: number) => number;
  readonly limitMinutes: number;
  readonly log?: (line: string) => void;
}

interface Sample {
  readonly seconds: number;
  readonly violations: number;
  readonly resources?: number;
  readonly pack?: PackTimeline;
}

async function runCheck(lib: string, pack: string, dir: string, stack: string, limitMs: number) {
  const run = await timed(
    process.execPath,
    [
      path.join(lib, "cli", "main.js"),
      "check",
      dir,
      "--stack",
      stack,
      "--policy-pack",
      pack,
      "--format",
      "json",
    ],
    { timeoutMs: limitMs },
  );
  if (run.code !== 0) throw failure("tokenguard check", run, limitMs);
  const doc = JSON.parse(run.stdout) as { resources: number; violations: unknown[] };
  return { seconds: run.ms / 1000, violations: doc.violations.length, resources: doc.resources };
}

async function runPreview(
  bin: string,
  stack: Stack,
  pack: string | undefined,
  limitMs: number,
): Promise<Sample> {
  let violations = 0;
  const timeline = pack ? new PackTimelineReader(pack) : undefined;
  const run = await timed(
    path.join(bin, "pulumi"),
    // The engine's log times the pack's start and every analyzer call. Both previews log.
    previewArgs(stack.name, { ...(pack ? { pack } : {}), engineLog: true }),
    {
      cwd: stack.dir,
      env: { ...stack.env, PWD: stack.dir, PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true" },
      timeoutMs: limitMs,
      onLine: (line) => {
        if (line.includes('"policyEvent"')) violations++;
      },
      ...(timeline ? { onErrLine: (line: string) => timeline.line(line) } : {}),
    },
  );
  if (run.code !== 0) throw failure(`pulumi preview${pack ? " --policy-pack" : ""}`, run, limitMs);
  const packTimeline = timeline?.result();
  if (timeline && !packTimeline) {
    throw new Error("pulumi preview --policy-pack: the engine's log never showed the pack start");
  }
  return { seconds: run.ms / 1000, violations, ...(packTimeline ? { pack: packTimeline } : {}) };
}

export async function measureEngine(opts: EngineOptions): Promise<EngineResult> {
  const log = opts.log ?? (() => undefined);
  const started = machine();
  const lib = compiledLib();
  const checkLib = opts.checkLib ?? lib;
  const pack = opts.pack ?? PACK;
  const { bin, missing } = engine();
  if (missing) log(`engine: missing (${missing}); measuring tokenguard check alone`);
  const engineVersion = bin
    ? (await timed(path.join(bin, "pulumi"), ["version"], { timeoutMs: 60_000 })).stdout.trim()
    : undefined;
  const limitMs = opts.limitMinutes * 60_000;
  const rows: EngineRow[] = [];
  const rounds: Record<number, number> = {};
  for (const n of [...opts.sizes].sort((a, b) => a - b)) {
    const skipped: Partial<Record<EngineTool, string>> = {};
    if (missing) skipped.preview = skipped.previewPack = `engine missing: ${missing}`;
    // Predict from the sizes done so far; skip what could not finish within the limit.
    for (const tool of TOOLS) {
      const failed = rows.find((r) => r.skipped[tool]);
      if (failed && !skipped[tool]) {
        skipped[tool] = `not run at ${failed.tokens} tokens already`;
        continue;
      }
      const done = rows.flatMap((r) => {
        const s = r.seconds[tool];
        return s ? [{ n: r.tokens, value: s.median }] : [];
      });
      if (skipped[tool] || done.length === 0) continue;
      const predicted = predictAt(done, n);
      if (predicted * 1000 > limitMs) {
        skipped[tool] =
          `predicted ${(predicted / 60).toFixed(0)} min from the smaller sizes, over the ${opts.limitMinutes}-minute limit per run`;
      }
    }
    const prog = await tempProgram(
      {
        "Pulumi.yaml": `name: bench-check-${n}\nmain: index.ts\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`,
        "index.ts": "",
      },
      { name: `bench-${n}` },
    );
    const dir = prog.dir;
    writeFileSync(
      path.join(dir, "index.ts"),
      benchProgram(n, path.relative(dir, lib).split(path.sep).join("/")),
    );
    const stack: Stack | undefined =
      bin && !(skipped.preview && skipped.previewPack) ? await newStack(dir, { bin }) : undefined;
    const stackName = stack?.name ?? "bench";
    try {
      if (stack) await stack.setConfig("tokenguard:now", BENCH_NOW);
      else {
        writeFileSync(
          path.join(dir, `Pulumi.${stackName}.yaml`),
          `config:\n  tokenguard:now: "${BENCH_NOW}"\n`,
        );
      }
      const samples: Record<EngineTool, Sample[]> = { preview: [], previewPack: [], check: [] };
      rounds[n] = Math.max(1, opts.rounds(n));
      for (let round = 0; round < rounds[n]; round++) {
        // Alternate the order of the previews, so a machine getting busier favours neither.
        const order: EngineTool[] =
          round % 2 ? ["previewPack", "preview", "check"] : ["preview", "previewPack", "check"];
        for (const tool of order) {
          if (skipped[tool]) continue;
          try {
            const sample =
              tool === "check"
                ? await runCheck(checkLib, pack, dir, stackName, limitMs)
                : await runPreview(
                    bin as string,
                    stack as Stack,
                    tool === "previewPack" ? pack : undefined,
                    limitMs,
                  );
            samples[tool].push(sample);
            log(`${n} tokens, round ${round + 1}: ${tool} ${sample.seconds.toFixed(1)} s`);
          } catch (e) {
            // A run that fails or reaches the limit: reported, and not repeated.
            skipped[tool] = (e as Error).message.split("\n")[0];
            samples[tool] = [];
            log(`${n} tokens: ${tool}: ${skipped[tool]}`);
          }
        }
      }
      // The pack's verdict, through the engine and through check, must be the same.
      const verdicts = [...samples.previewPack, ...samples.check].map((s) => s.violations);
      if (new Set(verdicts).size > 1) {
        throw new Error(`verdicts differ at ${n} tokens: ${verdicts.join(", ")} violations`);
      }
      const seconds: Partial<Record<EngineTool, Summary>> = {};
      for (const tool of TOOLS) {
        if (samples[tool].length) seconds[tool] = summarize(samples[tool].map((s) => s.seconds));
      }
      const paired = samples.previewPack.flatMap((s, i) =>
        samples.preview[i] ? [s.seconds - samples.preview[i].seconds] : [],
      );
      const timelines = samples.previewPack.flatMap((x) => (x.pack ? [x.pack] : []));
      const packCost: PackCost | undefined = timelines.length
        ? {
            startSeconds: summarize(timelines.map((t) => t.startSeconds)),
            analysisSeconds: summarize(timelines.map((t) => t.analysisSeconds)),
            totalSeconds: summarize(timelines.map((t) => t.startSeconds + t.analysisSeconds)),
            calls: timelines[0].calls,
          }
        : undefined;
      rows.push({
        tokens: n,
        ...(samples.check[0]?.resources !== undefined
          ? { resources: samples.check[0].resources }
          : {}),
        seconds,
        ...(paired.length ? { packOverhead: summarize(paired) } : {}),
        ...(packCost ? { packCost } : {}),
        skipped,
      });
    } finally {
      await stack?.cleanup();
      await prog.remove();
    }
  }
  return {
    machine: finish(started),
    rounds,
    limitMinutes: opts.limitMinutes,
    rows,
    ...(engineVersion ? { engineVersion } : {}),
    ...(missing ? { engineMissing: missing } : {}),
  };
}

const secs = (s: Summary | undefined) => (s ? `${s.median.toFixed(1)} s` : "skipped");

/** The table `npm run bench:check` prints: check against preview --policy-pack. */
export function checkTable(result: EngineResult): string {
  return [
    "| ScopedTokens | resources | tokenguard check | pulumi preview --policy-pack | preview / check |",
    "|---:|---:|---:|---:|---:|",
    ...result.rows.map((r) => {
      const check = r.seconds.check;
      const preview = r.seconds.previewPack;
      const ratio = check && preview ? `${(preview.median / check.median).toFixed(1)}×` : "—";
      return `| ${r.tokens} | ${r.resources ?? ""} | ${secs(check)} | ${secs(preview)} | ${ratio} |`;
    }),
  ].join("\n");
}

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_CHECK_SIZES ?? "10,100,1000").split(",").map(Number);
  const repeat = Number(process.env.BENCH_CHECK_REPEAT ?? 1);
  const result = await measureEngine({
    sizes,
    rounds: () => repeat,
    limitMinutes: Number(process.env.BENCH_LIMIT_MINUTES ?? 15),
    log: (line) => console.error(line),
  });
  mkdirSync(OUT, { recursive: true });
  writeFileSync(path.join(OUT, "check-bench.json"), `${JSON.stringify(result, null, 2)}\n`);
  const m = result.machine;
  const note = `${m.cpus} × ${m.model}, ${m.memoryGiB} GiB, node ${m.node}; median of ${repeat} round(s).`;
  writeFileSync(path.join(OUT, "check-bench.md"), `${checkTable(result)}\n\n${note}\n`);
  console.log(`${checkTable(result)}\n\n${note}`);
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  });
}
