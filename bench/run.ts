/**
 * `npm run bench`: every benchmark, one command. Writes the raw results to bench/out/ (not
 * committed) and bench/BENCHMARKS.md plus bench/time-vs-n.svg (committed).
 *
 *   npm run bench                      program cost, preview/check, scan: long (about 2 h on 2 cores)
 *   npm run bench -- --quick           small sizes, one round, a 10 MB scan corpus: minutes
 *   npm run bench -- --only engine     one or more of program, engine, scan (others kept from
 *                                      the last run's bench/out/results.json)
 *   npm run bench -- --report          re-render BENCHMARKS.md and the chart from results.json
 *   --limit-minutes 15                 per run: larger sizes predicted to pass it are skipped,
 *                                      and any run reaching it is stopped
 *   --sizes 1000 --rounds 5            re-measure some sizes (of program and engine); the other
 *                                      sizes' rows are kept from the last run
 *   --runs component/check,raw/preview  engine: only the runs whose key (variant/tool/setting)
 *                                      contains one of these, e.g. check alone at 10,000 tokens
 *
 * Never part of `npm test`. The engine comes from rig/build.sh (or TOKENGUARD_ENGINE_BIN).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { fullPlan, measureEngine, runKey, type EngineRow, type RunSpec } from "./engine/run";
import { OUT, ROOT } from "./lib/build";
import { finish, machine } from "./lib/machine";
import { renderChart, renderMarkdown, renderTargets, type BenchResults } from "./lib/report";
import { measurePrograms } from "./program/run";
import { measureScan } from "./scan/run";

export const SUITES = ["program", "engine", "scan"] as const;
type Suite = (typeof SUITES)[number];

const BENCH = path.join(ROOT, "bench");
const RESULTS = path.join(OUT, "results.json");

export interface Plan {
  readonly suites: readonly Suite[];
  readonly quick: boolean;
  readonly reportOnly: boolean;
  /** Some suites or sizes only: the rest of the results are kept from earlier runs. */
  readonly partial: boolean;
  readonly limitMinutes: number;
  readonly programSizes: readonly number[];
  readonly engineSizes: readonly number[];
  /** Rounds of the program-cost points at a size. */
  readonly rounds: (n: number) => number;
  /** Rounds of the preview/check runs: more, as a preview's wall-clock time is the noisiest. */
  readonly engineRounds: (n: number) => number;
  readonly scanMb: number;
  readonly scanRepeat: number;
  /** The engine runs measured at size n (bench/engine/run.ts fullPlan, narrowed by --runs). */
  readonly engineRuns: (n: number) => RunSpec[];
}

/** What to run, from the command line. Bad flags throw, naming the flag and the fix. */
export function plan(argv: readonly string[]): Plan {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      report: { type: "boolean", default: false },
      "limit-minutes": { type: "string", default: "15" },
      rounds: { type: "string" },
      sizes: { type: "string" },
      runs: { type: "string" },
    },
    strict: true,
  });
  const suites = values.only ? values.only.split(",").map((s) => s.trim()) : [...SUITES];
  const unknown = suites.filter((s) => !(SUITES as readonly string[]).includes(s));
  if (unknown.length) {
    throw new Error(`--only: "${unknown.join(", ")}" is not one of ${SUITES.join(", ")}`);
  }
  const limitMinutes = Number(values["limit-minutes"]);
  if (!(limitMinutes > 0)) {
    throw new Error(`--limit-minutes: "${values["limit-minutes"]}" is not a positive number`);
  }
  const forcedRounds = values.rounds === undefined ? undefined : Number(values.rounds);
  if (forcedRounds !== undefined && !(Number.isInteger(forcedRounds) && forcedRounds >= 1)) {
    throw new Error(`--rounds: "${values.rounds}" is not a whole number >= 1`);
  }
  const sizes = values.sizes?.split(",").map((x) => Number(x.trim()));
  if (sizes && !sizes.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new Error(
      `--sizes: "${values.sizes}" is not a comma-separated list of whole numbers >= 1`,
    );
  }
  const quick = values.quick ?? false;
  const runs = values.runs?.split(",").map((x) => x.trim());
  const known = [...fullPlan(100), ...fullPlan(10000)].map(runKey);
  const unmatched = runs?.filter((r) => !known.some((k) => k.includes(r)));
  if (unmatched?.length) {
    throw new Error(
      `--runs: "${unmatched.join(", ")}" matches no engine run; runs are variant/tool/setting, e.g. ${known.slice(0, 3).join(", ")}`,
    );
  }
  return {
    suites: suites as Suite[],
    quick,
    reportOnly: values.report ?? false,
    partial: suites.length < SUITES.length || sizes !== undefined || runs !== undefined,
    limitMinutes,
    programSizes: sizes ?? (quick ? [100, 1000] : [100, 1000, 10000]),
    engineSizes: sizes ?? (quick ? [100] : [100, 1000, 3000, 10000]),
    // Three rounds where a round is cheap; the 10,000-token runs take minutes each.
    rounds: (n) => forcedRounds ?? (quick ? 1 : n >= 10000 ? 1 : 3),
    // A 1,000-token round is a dozen previews of minutes each: one round from there on.
    engineRounds: (n) => forcedRounds ?? (quick ? 1 : n >= 1000 ? 1 : 2),
    scanMb: quick ? 10 : 100,
    scanRepeat: forcedRounds ?? (quick ? 1 : 3),
    engineRuns: (n) =>
      fullPlan(n, { quick }).filter((r) => !runs || runs.some((k) => runKey(r).includes(k))),
  };
}

/** `next`, plus the items of `previous` at sizes `next` did not measure, ordered by size. */
export function mergeBySize<T>(
  previous: readonly T[] | undefined,
  next: readonly T[],
  sizeOf: (item: T) => number,
): T[] {
  const measured = new Set(next.map(sizeOf));
  const kept = (previous ?? []).filter((r) => !measured.has(sizeOf(r)));
  return [...kept, ...next].sort((a, b) => sizeOf(a) - sizeOf(b));
}

/**
 * Engine rows by size; where both runs measured a size, the new row's runs replace the old row's
 * same runs and the old row's other runs are kept (a `--runs` subset adds to a size's row).
 */
export function mergeEngineRows(
  previous: readonly EngineRow[] | undefined,
  next: readonly EngineRow[],
): EngineRow[] {
  const merged = next.map((row) => {
    const old = previous?.find((r) => r.tokens === row.tokens);
    if (!old) return row;
    const fresh = new Set([...Object.keys(row.runs), ...Object.keys(row.skipped)]);
    const keep = <V>(o: Record<string, V>) =>
      Object.fromEntries(Object.entries(o).filter(([k]) => !fresh.has(k)));
    return {
      ...row,
      runs: { ...keep(old.runs), ...row.runs },
      overhead: { ...keep(old.overhead), ...row.overhead },
      skipped: { ...keep(old.skipped), ...row.skipped },
    };
  });
  return mergeBySize(previous, merged, (r) => r.tokens);
}

function loadPrevious(): Partial<BenchResults> {
  if (!existsSync(RESULTS)) return {};
  return JSON.parse(readFileSync(RESULTS, "utf8")) as Partial<BenchResults>;
}

/**
 * Writes the results, merged into what results.json holds now: another `--only` run may have
 * finished meanwhile (the suites can run side by side), and its tables are kept.
 */
function write(results: BenchResults, suites: readonly Suite[] = SUITES): void {
  mkdirSync(OUT, { recursive: true });
  const latest = loadPrevious();
  const kept = SUITES.filter((s) => !suites.includes(s) && latest[s] !== undefined);
  results = { ...results, ...Object.fromEntries(kept.map((s) => [s, latest[s]])) };
  writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`);
  // Hand-written analysis, appended after the generated tables: why preview grows, then the fixes.
  const notes = ["why-preview.md", "fixes.md"]
    .map((f) => path.join(BENCH, f))
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f, "utf8").trim());
  const fixes = notes.length ? notes.join("\n\n") : undefined;
  writeFileSync(path.join(BENCH, "BENCHMARKS.md"), renderMarkdown(results, fixes));
  writeFileSync(path.join(BENCH, "time-vs-n.svg"), renderChart(results));
}

async function main(): Promise<void> {
  const p = plan(process.argv.slice(2));
  const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);
  const previous = loadPrevious();
  if (p.reportOnly) {
    if (!previous.machine) throw new Error(`${RESULTS} is missing: run \`npm run bench\` first`);
    write(previous as BenchResults);
    log("BENCHMARKS.md and time-vs-n.svg re-rendered from bench/out/results.json");
    return;
  }
  const started = machine();
  const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`;
  // A partial run keeps the other tables from earlier runs: the header names every run behind them.
  const history = p.partial && previous.command ? `${previous.command}; then ${command}` : command;
  let results: BenchResults = { ...previous, machine: started, command: history };
  const checkpoint = () => write({ ...results, machine: finish(started) }, p.suites);

  if (p.suites.includes("program")) {
    log(`program cost: N = ${p.programSizes.join(", ")}`);
    const program = await measurePrograms({
      sizes: p.programSizes,
      rounds: p.rounds,
      limitMinutes: p.limitMinutes,
      log,
    });
    const points = mergeBySize(previous.program?.points, program.points, (x) => x.n);
    results = { ...results, program: { ...program, points } };
    checkpoint();
  }
  if (p.suites.includes("engine")) {
    log(`preview and check: N = ${p.engineSizes.join(", ")}`);
    const engine = await measureEngine({
      sizes: p.engineSizes,
      rounds: p.engineRounds,
      plan: p.engineRuns,
      limitMinutes: p.limitMinutes,
      log,
    });
    const rows = mergeEngineRows(previous.engine?.rows, engine.rows);
    results = { ...results, engine: { ...engine, rows } };
    checkpoint();
  }
  if (p.suites.includes("scan")) {
    log(`scan: ${p.scanMb} MB corpus`);
    const scan = measureScan({
      mb: p.scanMb,
      copies: p.quick ? 4 : 40,
      tools: ["tokenguard", "secretlint", "gitleaks", "detect-secrets"],
      repeat: p.scanRepeat,
      // detect-secrets needs about 20 minutes per 100 MB here: one round.
      maxRounds: { "detect-secrets": 1 },
      timeoutMs: Math.max(p.limitMinutes, 30) * 60_000,
      log,
    });
    results = { ...results, scan: { markdown: scan.markdown, repeat: scan.repeat } };
  }
  results = { ...results, machine: finish(started) };
  write(results, p.suites);
  process.stdout.write(`${renderTargets(results)}\n`);
  log("wrote bench/BENCHMARKS.md, bench/time-vs-n.svg and bench/out/results.json");
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`[bench] ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  });
}
