/**
 * One program-cost measurement, in a fresh process (bench/program/run.ts starts one per point):
 * Pulumi's mock runtime (the unit tests' deterministic mocks), then N tokens of one backend as
 * ScopedTokens or as raw resources, timed until every one has settled. Prints one JSON line.
 *
 *   node -r ts-node/register/transpile-only bench/program/worker.ts <backend> <component|raw|raw-lean> <n>
 */
import { BACKENDS, BENCH_NOW, MODES, type BenchBackend, type BenchMode } from "./backends";

export interface WorkerResult {
  readonly backend: BenchBackend;
  readonly mode: BenchMode;
  readonly n: number;
  /** Resources registered (components and custom resources). */
  readonly registrations: number;
  /** Loading the program's modules (the SDK, providers, tokenguard), ms. */
  readonly loadMs: number;
  /** Declaring the N tokens until every one has settled, ms. */
  readonly runMs: number;
  /** Peak resident set size of the whole process, KiB. */
  readonly maxRssKiB: number;
}

export function parseWorkerArgs(argv: readonly string[]): {
  backend: BenchBackend;
  mode: BenchMode;
  n: number;
} {
  const [backend, mode, count] = argv;
  if (!(BACKENDS as readonly string[]).includes(backend)) {
    throw new Error(`backend: "${backend}" is not one of ${BACKENDS.join(", ")}`);
  }
  if (!(MODES as readonly string[]).includes(mode)) {
    throw new Error(`mode: "${mode}" is not one of ${MODES.join(", ")}`);
  }
  const n = Number(count);
  if (!Number.isInteger(n) || n < 0) throw new Error(`n: "${count}" is not a whole number >= 0`);
  return { backend: backend as BenchBackend, mode: mode as BenchMode, n };
}

async function main(): Promise<void> {
  const { backend, mode, n } = parseWorkerArgs(process.argv.slice(2));
  const t0 = process.hrtime.bigint();
  // Everything heavy is loaded here, timed apart from declaring; the program after the mocks.
  const { installMocks, registrations, reset } = await import("../../test/helpers/mocks");
  await installMocks();
  reset({ now: BENCH_NOW });
  const { declareMany } = await import("./programs");
  const t1 = process.hrtime.bigint();
  await declareMany(backend, mode, n);
  const t2 = process.hrtime.bigint();
  const result: WorkerResult = {
    backend,
    mode,
    n,
    registrations: registrations.length,
    loadMs: Number(t1 - t0) / 1e6,
    runMs: Number(t2 - t1) / 1e6,
    maxRssKiB: process.resourceUsage().maxRSS,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(2);
    },
  );
}
