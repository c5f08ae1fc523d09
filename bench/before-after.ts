/**
 * Before/after for the profiling-driven fixes (bench/fixes.md): the policy pack and `tokenguard
 * check` as of commit BENCH_BEFORE (default e0c4498, the last commit before them) against the
 * working tree, on the same programs, engine and stacks, taking turns round by round.
 *
 *   npx ts-node --transpile-only bench/before-after.ts      results: bench/out/before-after.json
 *
 * Options (environment): BENCH_BEFORE (a commit), BENCH_SIZES (default 10,100,1000),
 * BENCH_ROUNDS (default 3), TOKENGUARD_ENGINE_BIN. The old sources are read with `git archive`
 * into bench/out/before (nothing in the working tree changes) and compiled there.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { measureEngine, type EngineRow, type EngineTool } from "./check/run";
import { OUT, ROOT } from "./lib/build";
import { machine, finish } from "./lib/machine";
import { summarize, type Summary } from "./lib/stats";

const BEFORE = process.env.BENCH_BEFORE ?? "e0c4498";
const DIR = path.join(OUT, "before");
const PACK_AFTER = path.join(ROOT, "policy-packs", "tokenguard");
const PACK_BEFORE = path.join(DIR, "policy-packs", "tokenguard");

function must(cmd: string, args: string[], cwd: string): void {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")}: ${r.stderr || r.stdout}`);
}

/** lib/ and the policy pack as of BEFORE, compiled; returns the compiled lib. */
function prepareBefore(): string {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  const archive = path.join(OUT, "before.tar");
  must("git", ["archive", "-o", archive, BEFORE, "lib", "policy-packs/tokenguard"], ROOT);
  must("tar", ["-xf", archive, "-C", DIR], ROOT);
  rmSync(archive);
  // The pack's dependencies are the same packages: reuse the installed ones.
  symlinkSync(path.join(PACK_AFTER, "node_modules"), path.join(PACK_BEFORE, "node_modules"));
  writeFileSync(
    path.join(DIR, "tsconfig.json"),
    JSON.stringify({
      extends: path.join(ROOT, "tsconfig.json"),
      compilerOptions: { rootDir: ".", outDir: "dist", noEmit: false, types: ["node"] },
      include: ["lib/**/*.ts"],
    }),
  );
  must(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", DIR], DIR);
  return path.join(DIR, "dist", "lib");
}

/** Seconds from starting the pack the way the engine does to its serving port. */
function packStart(pack: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(
      process.execPath,
      [path.join(pack, "node_modules/@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:0", pack],
      {
        cwd: pack,
        env: {
          ...process.env,
          PULUMI_NODEJS_PROJECT: "bench",
          PULUMI_NODEJS_STACK: "bench",
          PULUMI_NODEJS_ORGANIZATION: "organization",
          PULUMI_NODEJS_DRY_RUN: "true",
          PULUMI_CONFIG: "{}",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child.stdout.once("data", () => {
      resolve(Number(process.hrtime.bigint() - started) / 1e9);
      child.kill();
    });
    child.once("exit", (code) => reject(new Error(`the pack at ${pack} exited ${code}`)));
  });
}

type Variant = "before" | "after";

async function main(): Promise<void> {
  const sizes = (process.env.BENCH_SIZES ?? "10,100,1000").split(",").map(Number);
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const log = (line: string) => process.stderr.write(`[before-after] ${line}\n`);
  const started = machine();
  const beforeLib = prepareBefore();
  if (!existsSync(path.join(beforeLib, "cli", "main.js"))) throw new Error("before: no CLI built");

  const starts: Record<Variant, number[]> = { before: [], after: [] };
  for (let i = 0; i < 5; i++) {
    for (const v of ["before", "after"] as const) {
      starts[v].push(await packStart(v === "before" ? PACK_BEFORE : PACK_AFTER));
    }
  }
  log(
    `pack start: before ${summarize(starts.before).median.toFixed(2)} s, after ${summarize(starts.after).median.toFixed(2)} s`,
  );

  const rows: { tokens: number; variant: Variant; row: EngineRow }[] = [];
  for (const n of sizes) {
    for (let round = 0; round < rounds; round++) {
      for (const variant of (round % 2 ? ["after", "before"] : ["before", "after"]) as Variant[]) {
        const result = await measureEngine({
          sizes: [n],
          rounds: () => 1,
          limitMinutes: 15,
          ...(variant === "before" ? { pack: PACK_BEFORE, checkLib: beforeLib } : {}),
          log: (line) => log(`${variant}: ${line}`),
        });
        rows.push({ tokens: n, variant, row: result.rows[0] });
      }
    }
  }
  const table: Record<
    string,
    Record<Variant, Partial<Record<EngineTool | "overhead", Summary>>>
  > = {};
  for (const n of sizes) {
    table[n] = { before: {}, after: {} };
    for (const variant of ["before", "after"] as const) {
      const mine = rows.filter((r) => r.tokens === n && r.variant === variant).map((r) => r.row);
      for (const tool of ["preview", "previewPack", "check"] as const) {
        const xs = mine.flatMap((r) => (r.seconds[tool] ? [r.seconds[tool].median] : []));
        if (xs.length) table[n][variant][tool] = summarize(xs);
      }
      const o = mine.flatMap((r) => (r.packOverhead ? [r.packOverhead.median] : []));
      if (o.length) table[n][variant].overhead = summarize(o);
    }
  }
  const doc = {
    before: BEFORE,
    machine: finish(started),
    packStart: { before: summarize(starts.before), after: summarize(starts.after) },
    table,
  };
  writeFileSync(path.join(OUT, "before-after.json"), `${JSON.stringify(doc, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
