/**
 * BENCHMARKS.md and the time-vs-N chart, from the suites' results. Pure: results in, text out.
 */
import type { EngineResult, EngineRow } from "../check/run";
import type { ProgramPoint, ProgramResult } from "../program/run";
import type { Machine } from "./machine";
import { growthExponent, type Summary } from "./stats";
import { lineChart, type Series } from "./svg";

export interface BenchResults {
  readonly machine: Machine;
  /** The command line that produced them, e.g. "npm run bench". */
  readonly command: string;
  readonly program?: ProgramResult;
  readonly engine?: EngineResult;
  readonly scan?: { readonly markdown: string; readonly repeat: number };
}

export interface TargetRow {
  readonly target: string;
  readonly goal: string;
  readonly measured: string;
  /** undefined: not measured in this run. */
  readonly met?: boolean;
}

/** The size the issue's targets are stated at. */
export const TARGET_N = 1000;

export function seconds(x: number): string {
  if (Math.abs(x) < 1) return `${(x * 1000).toFixed(0)} ms`;
  return Math.abs(x) < 10 ? `${x.toFixed(2)} s` : `${x.toFixed(1)} s`;
}

/** "1.23 s (1.10–1.40)": the median and the spread, when there is one. */
export function summary(s: Summary | undefined, fmt: (x: number) => string = seconds): string {
  if (!s) return "—";
  return s.n > 1 && s.max > s.min
    ? `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`
    : fmt(s.median);
}

const ratio = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)}×`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function engineRowAt(engine: EngineResult | undefined, n: number): EngineRow | undefined {
  return engine?.rows.find((r) => r.tokens === n);
}

/** The points of one backend and mode, by N. */
function programSeries(program: ProgramResult, backend: string, mode: string): ProgramPoint[] {
  return program.points
    .filter((p) => p.backend === backend && p.mode === mode && p.seconds)
    .sort((a, b) => a.n - b.n);
}

function backendsOf(program: ProgramResult): string[] {
  return [...new Set(program.points.map((p) => p.backend))];
}

/** Component vs raw, per backend, at the largest N both were measured at (TARGET_N if there). */
export function componentRatios(
  program: ProgramResult,
): { backend: string; n: number; time: number; memory: number }[] {
  return backendsOf(program).flatMap((backend) => {
    const comp = programSeries(program, backend, "component");
    const raw = programSeries(program, backend, "raw");
    const both = comp.filter((c) => raw.some((r) => r.n === c.n)).map((c) => c.n);
    if (both.length === 0) return [];
    const n = both.includes(TARGET_N) ? TARGET_N : Math.max(...both);
    const c = comp.find((p) => p.n === n)!;
    const r = raw.find((p) => p.n === n)!;
    return [
      {
        backend,
        n,
        time: c.seconds!.median / r.seconds!.median,
        memory: c.peakMiB!.median / r.peakMiB!.median,
      },
    ];
  });
}

/** Growth exponent of run time over N >= 100 (below that, fixed costs dominate). */
export function exponents(
  program: ProgramResult,
): { backend: string; mode: string; exponent: number; from: number; to: number }[] {
  return backendsOf(program).flatMap((backend) =>
    ["component", "raw"].flatMap((mode) => {
      const pts = programSeries(program, backend, mode).filter((p) => p.n >= 100);
      if (new Set(pts.map((p) => p.n)).size < 2) return [];
      return [
        {
          backend,
          mode,
          exponent: growthExponent(pts.map((p) => ({ n: p.n, value: p.seconds!.median }))),
          from: pts[0].n,
          to: pts[pts.length - 1].n,
        },
      ];
    }),
  );
}

/** Linear within measurement noise. */
export const LINEAR = { min: 0.85, max: 1.15 };

export function targets(results: BenchResults): TargetRow[] {
  const rows: TargetRow[] = [];
  const at = engineRowAt(results.engine, TARGET_N);
  const plain = at?.seconds.preview;
  const overhead = at?.packOverhead;
  const cost = at?.packCost;
  rows.push({
    target: `policy pack overhead at ${TARGET_N.toLocaleString("en-US")} tokens`,
    goal: "< 5% of preview time",
    ...(plain && overhead
      ? {
          measured: `${pct(overhead.median / plain.median)}: ${seconds(overhead.median)} paired difference on a ${seconds(plain.median)} preview (rounds: ${seconds(overhead.min)} to ${seconds(overhead.max)})${
            cost
              ? `; engine log: pack start ${seconds(cost.startSeconds.median)} (${pct(cost.startSeconds.median / plain.median)}, always on the critical path), analyzer calls ${seconds(cost.analysisSeconds.median)} (overlapping the program)`
              : ""
          }`,
          met: overhead.median / plain.median < 0.05,
        }
      : { measured: "not measured" }),
  });
  const check = at?.seconds.check;
  const withPack = at?.seconds.previewPack;
  rows.push({
    target: `\`tokenguard check\` vs \`pulumi preview --policy-pack\` at ${TARGET_N.toLocaleString("en-US")} tokens`,
    goal: "≥ 10× faster",
    ...(check && withPack
      ? {
          measured: `${ratio(withPack.median / check.median)} (${seconds(check.median)} vs ${seconds(withPack.median)})`,
          met: withPack.median / check.median >= 10,
        }
      : { measured: "not measured" }),
  });
  const ratios = results.program ? componentRatios(results.program) : [];
  rows.push({
    target: "component overhead (time to declare N tokens vs the same raw resources)",
    goal: "< 2× raw",
    ...(ratios.length
      ? {
          measured: ratios.map((r) => `${r.backend} ${ratio(r.time)}`).join(", "),
          met: ratios.every((r) => r.time < 2),
        }
      : { measured: "not measured" }),
  });
  const exps = results.program ? exponents(results.program) : [];
  rows.push({
    target: "program cost linear in N (fitted exponent k of time ∝ N^k, N ≥ 100)",
    goal: `k within ${LINEAR.min}–${LINEAR.max}`,
    ...(exps.length
      ? {
          measured: `k = ${Math.min(...exps.map((e) => e.exponent)).toFixed(2)}–${Math.max(...exps.map((e) => e.exponent)).toFixed(2)} over ${exps.length} series`,
          met: exps.every((e) => e.exponent >= LINEAR.min && e.exponent <= LINEAR.max),
        }
      : { measured: "not measured" }),
  });
  return rows;
}

const met = (m: boolean | undefined) => (m === undefined ? "—" : m ? "yes" : "**no**");

function engineSection(engine: EngineResult): string[] {
  const lines = [
    "## Where users wait: preview and check",
    "",
    `One generated program per size: N ScopedTokens (random backend) importing the compiled library. Each round runs \`pulumi preview\`, \`pulumi preview --policy-pack policy-packs/tokenguard\` (alternating which goes first) and \`tokenguard check\` (the compiled CLI) on the same program and stack. Pulumi ${engine.engineVersion ?? "(engine missing)"} built by rig/build.sh, with the repository's Node language host and stand-in random provider. Median of the rounds, spread in brackets; a per-run limit of ${engine.limitMinutes} minutes.`,
    "",
    "The pack's overhead is the difference between the two previews within each round (paired, so a machine getting busier or quieter affects both). The engine's own log (`-v=7`, read by bench/check/engine-log.ts; both previews log) shows where it goes: the engine starts the pack and waits for it before it runs the program — always on the critical path — then calls the analyzer (Remediate, Analyze) for one resource at a time while the program keeps registering, and AnalyzeStack at the end. The analyzer calls overlap the program's own work, so they cost wall-clock time only where the engine, not the program, is the bottleneck.",
    "",
    "| ScopedTokens | resources | rounds | pulumi preview | preview --policy-pack | pack overhead (paired) | share of preview | pack start (engine waits) | analyzer calls (overlapping) | tokenguard check | preview --policy-pack / check |",
    "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of engine.rows) {
    const plain = r.seconds.preview;
    const pack = r.seconds.previewPack;
    const check = r.seconds.check;
    const o = r.packOverhead;
    const c = r.packCost;
    const skip = (t: "preview" | "previewPack") => (r.skipped[t] ? "skipped¹" : "—");
    lines.push(
      `| ${r.tokens.toLocaleString("en-US")} | ${r.resources ?? "—"} | ${engine.rounds[r.tokens] ?? "—"} | ${plain ? summary(plain) : skip("preview")} | ${pack ? summary(pack) : skip("previewPack")} | ${
        o ? summary(o) : "—"
      } | ${o && plain ? pct(o.median / plain.median) : "—"} | ${c ? summary(c.startSeconds) : "—"} | ${
        c ? `${c.calls} calls, ${seconds(c.analysisSeconds.median)}` : "—"
      } | ${summary(check)} | ${check && pack ? ratio(pack.median / check.median) : "—"} |`,
    );
  }
  const skipped = engine.rows.flatMap((r) =>
    Object.entries(r.skipped).map(
      ([tool, why]) => `${r.tokens.toLocaleString("en-US")} tokens, ${tool}: ${why}`,
    ),
  );
  if (skipped.length) lines.push("", `¹ Skipped: ${[...new Set(skipped)].join("; ")}.`);
  return lines;
}

function programSection(program: ProgramResult): string[] {
  const lines = [
    "## Program cost: ScopedToken vs the same raw resources",
    "",
    "Time to declare N tokens under Pulumi's mock runtime until every one has settled (module loading excluded), and the process's peak RSS; each point in a fresh process, TypeScript through ts-node as Pulumi runs it. *Raw* declares, by hand, exactly the provider resources one ScopedToken creates (bench/test/programs.test.ts proves the two register the same resources). Median of the rounds, spread in brackets.",
    "",
    "| backend | N | ScopedToken | raw resources | time ratio | per token (ScopedToken) | peak RSS ScopedToken | peak RSS raw |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const backend of backendsOf(program)) {
    const comp = program.points.filter((p) => p.backend === backend && p.mode === "component");
    for (const c of comp.sort((a, b) => a.n - b.n)) {
      const r = program.points.find(
        (p) => p.backend === backend && p.mode === "raw" && p.n === c.n,
      );
      const mib = (x: number) => `${x.toFixed(0)} MiB`;
      lines.push(
        `| ${backend} | ${c.n.toLocaleString("en-US")} | ${c.seconds ? summary(c.seconds) : `skipped (${c.skipped})`} | ${
          r?.seconds ? summary(r.seconds) : `skipped (${r?.skipped ?? "not run"})`
        } | ${c.seconds && r?.seconds ? ratio(c.seconds.median / r.seconds.median) : "—"} | ${
          c.seconds ? `${((c.seconds.median * 1000) / c.n).toFixed(2)} ms` : "—"
        } | ${c.peakMiB ? summary(c.peakMiB, mib) : "—"} | ${r?.peakMiB ? summary(r.peakMiB, mib) : "—"} |`,
      );
    }
  }
  const exps = exponents(program);
  if (exps.length) {
    lines.push(
      "",
      `Growth (time ∝ N^k, least squares on log-log, N ≥ 100): ${exps
        .map((e) => `${e.backend} ${e.mode} k = ${e.exponent.toFixed(2)}`)
        .join("; ")}.`,
    );
  }
  return lines;
}

export function renderMarkdown(results: BenchResults, fixes?: string): string {
  const m = results.machine;
  const lines = [
    "# tokenguard benchmarks",
    "",
    `Generated by \`${results.command}\` (bench/run.ts); the last run went from ${m.startedAt} to ${m.finishedAt ?? "?"}. Reproduce from a fresh clone: \`npm run setup && npm run bench\`; \`npm run bench -- --quick\` measures a small subset in minutes. Raw results: bench/out/*.json (not committed).`,
    "",
    `**Machine:** ${m.cpus} CPUs, ${m.model}, ${m.memoryGiB} GiB RAM; ${m.os}; Node ${m.node}. 1-minute load average ${m.loadStart.toFixed(1)} at the start, ${m.loadEnd?.toFixed(1) ?? "?"} at the end (a shared machine: other work ran alongside, which is why every figure is a median of paired or interleaved runs).`,
    "",
    "![time vs N](time-vs-n.svg)",
    "",
    "## Targets",
    "",
    "| target | goal | measured | met |",
    "|---|---|---|---|",
    ...targets(results).map((t) => `| ${t.target} | ${t.goal} | ${t.measured} | ${met(t.met)} |`),
    "",
  ];
  if (results.engine) lines.push(...engineSection(results.engine), "");
  if (results.program) lines.push(...programSection(results.program), "");
  if (results.scan) {
    lines.push(
      "## Scan: throughput, recall and false positives",
      "",
      "bench/scan (shared with `npm run bench:scan`): every tool scans the same directory — a generated corpus with credentials planted at known lines and credential-shaped look-alikes, and one file per case of three case corpora: peer-derived (situations from gitleaks' and secretlint's published tests), held-out (Nosey Parker's rule examples), and tokenguard's own rule cases; all with our own random values.",
      "",
      results.scan.markdown.trim(),
      "",
    );
  }
  if (fixes) lines.push(fixes.trim(), "");
  return lines.join("\n");
}

const BACKEND_COLORS: Record<string, string> = {
  random: "#2ca02c",
  vault: "#9467bd",
  "aws-iam": "#ff7f0e",
  "aws-secret": "#8c564b",
};

/** Time vs N on log-log axes: the engine's previews, check, and the program cost per backend. */
export function renderChart(results: BenchResults): string {
  const series: Series[] = [];
  const engine = results.engine;
  if (engine) {
    const tools = [
      ["previewPack", "pulumi preview --policy-pack", "#d62728"],
      ["preview", "pulumi preview", "#ff9896"],
      ["check", "tokenguard check", "#1f77b4"],
    ] as const;
    for (const [tool, name, color] of tools) {
      series.push({
        name,
        color,
        points: engine.rows.flatMap((r) => {
          const s = r.seconds[tool];
          return s ? [{ x: r.tokens, y: s.median }] : [];
        }),
      });
    }
  }
  const program = results.program;
  if (program) {
    for (const backend of backendsOf(program)) {
      for (const mode of ["component", "raw"] as const) {
        series.push({
          name: `program, ${backend}: ${mode === "component" ? "ScopedToken" : "raw resources"}`,
          color: BACKEND_COLORS[backend],
          dashed: mode === "raw",
          points: programSeries(program, backend, mode).map((p) => ({
            x: p.n,
            y: p.seconds!.median,
          })),
        });
      }
    }
  }
  return lineChart({
    title: "tokenguard: time vs number of ScopedTokens (log-log)",
    xLabel: "ScopedTokens (N)",
    yLabel: "seconds (median)",
    series,
    yTick: (v) => (v < 1 ? `${Math.round(v * 1000)} ms` : `${v} s`),
    width: 900,
    height: 520,
  });
}
