/**
 * `npm run bench:check`: wall-clock time of `tokenguard check` against the real `pulumi preview
 * --policy-pack` (test/engine: Pulumi v3.274.1 and the stand-in random provider) on the same
 * generated program with 10, 100 and 1,000 ScopedTokens (random backend), and their ratio, in one
 * run. Both read the same stack config and give the same (empty) verdict; the bench asserts that.
 * Results: bench/out/check-bench.{json,md}. Not part of `npm test`.
 *
 * Options (environment): BENCH_CHECK_SIZES (comma list, default 10,100,1000), BENCH_CHECK_REPEAT
 * (rounds; the fastest counts, default 1), TOKENGUARD_ENGINE_BIN (an already built engine bin dir).
 * When the engine cannot be had, check is measured alone and the peer is marked missing.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { engineBin, newStack, tempProgram, type Stack } from "../../test/e2e/harness";

const ROOT = path.resolve(__dirname, "..", "..");
const OUT = path.join(ROOT, "bench", "out");
const PACK = path.join(ROOT, "policy-packs", "tokenguard");
const SIZES = (process.env.BENCH_CHECK_SIZES ?? "10,100,1000").split(",").map(Number);
const REPEAT = Number(process.env.BENCH_CHECK_REPEAT ?? 1);

/** A program declaring `n` valid random-backend tokens. */
function program(n: number): string {
  return [
    'import { ScopedToken } from "../../../../lib";',
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

interface Timed {
  readonly ms: number;
  readonly violations: number;
  readonly resources?: number;
}

function timeCheck(dir: string, stack: string): Timed {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    process.execPath,
    [
      "-r",
      require.resolve("ts-node/register/transpile-only"),
      path.join(ROOT, "lib/cli/main.ts"),
      "check",
      dir,
      "--stack",
      stack,
      "--format",
      "json",
    ],
    {
      encoding: "utf8",
      env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, "tsconfig.json") },
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`check exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const doc = JSON.parse(r.stdout) as { resources: number; violations: unknown[] };
  return { ms, violations: doc.violations.length, resources: doc.resources };
}

function timePreview(bin: string, stack: Stack): Timed {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(
    path.join(bin, "pulumi"),
    ["preview", "--json", "--policy-pack", PACK, "--stack", stack.name, "--non-interactive"],
    {
      cwd: stack.dir,
      encoding: "utf8",
      env: { ...stack.env, PWD: stack.dir, PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true" },
      maxBuffer: 1024 * 1024 * 1024,
    },
  );
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0)
    throw new Error(`pulumi preview exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const violations = r.stdout.split("\n").filter((l) => l.includes('"policyEvent"')).length;
  return { ms, violations };
}

function fastest(runs: Timed[]): Timed {
  return runs.reduce((a, b) => (b.ms < a.ms ? b : a));
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  let bin: string | undefined;
  let peerMissing: string | undefined;
  try {
    bin = engineBin();
    for (const plugin of ["pulumi", "pulumi-resource-random"]) {
      if (!existsSync(path.join(bin, plugin))) throw new Error(`${plugin} is not in ${bin}`);
    }
  } catch (e) {
    peerMissing = (e as Error).message.split("\n")[0];
    bin = undefined;
    console.error(`pulumi preview: missing (${peerMissing}); measuring check alone`);
  }

  const rows: {
    tokens: number;
    resources?: number;
    checkMs: number;
    previewMs?: number;
    ratio?: number;
  }[] = [];
  for (const n of SIZES) {
    const prog = await tempProgram(
      {
        "Pulumi.yaml": `name: bench-check-${n}\nmain: index.ts\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`,
        "index.ts": program(n),
      },
      { name: `bench-${n}` },
    );
    const stack = bin
      ? await newStack(prog.dir, { bin })
      : { name: "bench", dir: prog.dir, cleanup: async () => undefined };
    try {
      if (bin) await (stack as Stack).setConfig("tokenguard:now", "2026-01-31T06:00:00Z");
      else
        writeFileSync(
          path.join(prog.dir, "Pulumi.bench.yaml"),
          'config:\n  tokenguard:now: "2026-01-31T06:00:00Z"\n',
        );
      const checks: Timed[] = [];
      const previews: Timed[] = [];
      for (let round = 0; round < REPEAT; round++) {
        checks.push(timeCheck(prog.dir, stack.name));
        if (bin) previews.push(timePreview(bin, stack as Stack));
      }
      const check = fastest(checks);
      const preview = previews.length ? fastest(previews) : undefined;
      if (preview && preview.violations !== check.violations) {
        throw new Error(
          `verdicts differ at ${n} tokens: check ${check.violations}, preview ${preview.violations}`,
        );
      }
      rows.push({
        tokens: n,
        resources: check.resources,
        checkMs: Math.round(check.ms),
        ...(preview
          ? { previewMs: Math.round(preview.ms), ratio: Number((preview.ms / check.ms).toFixed(2)) }
          : {}),
      });
      console.error(
        `${n} tokens: check ${(check.ms / 1000).toFixed(1)} s${preview ? `, preview ${(preview.ms / 1000).toFixed(1)} s` : ""}`,
      );
    } finally {
      await stack.cleanup();
      await prog.remove();
    }
  }

  const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, node ${process.version}`;
  const table = [
    `| ScopedTokens | resources | tokenguard check | pulumi preview --policy-pack | preview / check |`,
    `|---:|---:|---:|---:|---:|`,
    ...rows.map(
      (r) =>
        `| ${r.tokens} | ${r.resources ?? ""} | ${(r.checkMs / 1000).toFixed(1)} s | ${
          r.previewMs !== undefined ? `${(r.previewMs / 1000).toFixed(1)} s` : "missing"
        } | ${r.ratio !== undefined ? `${r.ratio}×` : "—"} |`,
    ),
  ].join("\n");
  const note = peerMissing ? `\n\npulumi preview not measured: ${peerMissing}` : "";
  writeFileSync(
    path.join(OUT, "check-bench.json"),
    `${JSON.stringify({ machine, repeat: REPEAT, peerMissing, rows }, null, 2)}\n`,
  );
  writeFileSync(
    path.join(OUT, "check-bench.md"),
    `${table}\n\n${machine}; fastest of ${REPEAT}.${note}\n`,
  );
  console.log(table + note);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
