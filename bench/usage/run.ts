/**
 * `npm run bench:usage`: `tokenguard usage` over a large Vault audit log (default 1 GiB), its
 * throughput and peak RSS against two controls over the same file in the same run: `wc -l` (the
 * floor: reading lines) and `jq -c` extracting the same fields usage reads (time, accessor, path,
 * operation) from every response entry. Peak RSS also at a quarter of the size, to show memory
 * does not grow with the log. Results: bench/out/usage-bench.{json,md}. Not part of `npm test`.
 *
 * Options (environment): BENCH_USAGE_MB (default 1024), BENCH_USAGE_ROUNDS (default 2; the
 * fastest round counts, the machine is shared), BENCH_USAGE_DIR (where the logs are written,
 * default the system temp directory; they are removed afterwards unless BENCH_USAGE_KEEP=1).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stackExport, vaultScopedToken } from "../../test/usage/fixtures";
import { compiledLib, OUT } from "../lib/build";
import { machine } from "../lib/machine";
import { generateAuditLog, watchedAccessors } from "./generate";

const MB = Number(process.env.BENCH_USAGE_MB ?? 1024);
const ROUNDS = Number(process.env.BENCH_USAGE_ROUNDS ?? 2);
const TOKENS = 20;
const JQ_FILTER =
  'select(.type == "response") | [.time, .auth.accessor, .request.path, .request.operation]';

interface Measured {
  readonly seconds: number;
  readonly peakRssMiB: number;
}

/** Wall time and peak RSS of one command, through GNU time; output discarded. */
function measure(cmd: string, args: readonly string[]): Measured {
  const r = spawnSync("/usr/bin/time", ["-f", "%e %M", cmd, ...args], {
    encoding: "utf8",
    stdio: ["ignore", "ignore", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
    timeout: 60 * 60_000,
  });
  const last = r.stderr.trim().split("\n").pop() ?? "";
  const m = /^([\d.]+) (\d+)$/.exec(last);
  if (!m || (r.status !== 0 && r.status !== 1)) {
    throw new Error(`${cmd} failed (exit ${r.status}):\n${r.stderr.slice(-2000)}`);
  }
  return { seconds: Number(m[1]), peakRssMiB: Number(m[2]) / 1024 };
}

function fastest(runs: Measured[]): Measured {
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

async function main(): Promise<void> {
  if (!existsSync("/usr/bin/time")) throw new Error("GNU time (/usr/bin/time) is required");
  for (const tool of ["jq", "wc"]) {
    if (spawnSync(tool, ["--version"]).error) throw new Error(`${tool} is required (the control)`);
  }
  const lib = compiledLib();
  const dir = path.join(process.env.BENCH_USAGE_DIR ?? os.tmpdir(), "tokenguard-bench-usage");
  mkdirSync(dir, { recursive: true });
  mkdirSync(OUT, { recursive: true });
  const exportFile = path.join(dir, "export.json");
  const accessors = watchedAccessors(TOKENS);
  writeFileSync(
    exportFile,
    stackExport(
      accessors.flatMap((a, i) =>
        vaultScopedToken({
          name: `bench-${i}`,
          scopes: ["secret/data/+/app-1*:read", "secret/data/team-1*:read,list", "kv/data/x:read"],
          accessors: [a],
          policy: `bench-policy-${i}`,
          created: "2025-01-01T00:00:00Z",
        }),
      ),
    ),
  );
  const full = path.join(dir, `audit-${MB}.log`);
  const quarter = path.join(dir, `audit-${Math.round(MB / 4)}.log`);
  console.log(`generating ${MB} MiB and ${Math.round(MB / 4)} MiB audit logs in ${dir}…`);
  const generated = await generateAuditLog(full, MB, { tokens: TOKENS });
  await generateAuditLog(quarter, Math.round(MB / 4), { tokens: TOKENS });
  const usageArgs = (log: string) => [
    path.join(lib, "cli", "main.js"),
    "usage",
    "--stack-export",
    exportFile,
    "--vault-audit",
    log,
    "--since",
    "2025-01-01T00:00:00Z",
    "--now",
    "2027-01-01T00:00:00Z",
    "--format",
    "json",
  ];
  const runs: Record<string, Measured[]> = { usage: [], "wc -l": [], "jq -c": [], quarter: [] };
  for (let round = 0; round < ROUNDS; round++) {
    console.log(`round ${round + 1}/${ROUNDS}`);
    runs["wc -l"].push(measure("wc", ["-l", full]));
    runs.usage.push(measure(process.execPath, usageArgs(full)));
    runs["jq -c"].push(measure("jq", ["-c", JQ_FILTER, full]));
    runs.quarter.push(measure(process.execPath, usageArgs(quarter)));
  }
  const bytes = statSync(full).size;
  const best = Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, fastest(v)]));
  // GNU time reports hundredths: a run under that counts as 0.01 s.
  const mbps = (m: Measured, size = bytes) => size / 1024 / 1024 / Math.max(m.seconds, 0.01);
  const result = {
    machine: machine(),
    log: {
      mebibytes: bytes / 1024 / 1024,
      lines: generated.lines,
      watchedResponses: generated.watchedResponses,
    },
    rounds: ROUNDS,
    runs,
    throughputMiBps: {
      usage: mbps(best.usage),
      "wc -l": mbps(best["wc -l"]),
      "jq -c": mbps(best["jq -c"]),
    },
    ratios: {
      "usage / wc -l (throughput)": mbps(best.usage) / mbps(best["wc -l"]),
      "usage / jq -c (throughput)": mbps(best.usage) / mbps(best["jq -c"]),
      "usage / jq -c (peak RSS)": best.usage.peakRssMiB / best["jq -c"].peakRssMiB,
      "usage at full / at a quarter of the size (peak RSS)":
        best.usage.peakRssMiB / best.quarter.peakRssMiB,
    },
  };
  writeFileSync(path.join(OUT, "usage-bench.json"), `${JSON.stringify(result, null, 2)}\n`);
  const row = (name: string, m: Measured, size = bytes) =>
    `| ${name.replace(/\|/g, "\\|")} | ${m.seconds.toFixed(1)} | ${mbps(m, size).toFixed(0)} | ${m.peakRssMiB.toFixed(0)} |`;
  const md = [
    `# tokenguard usage: a ${(bytes / 1024 / 1024).toFixed(0)} MiB Vault audit log (${generated.lines} lines)`,
    "",
    `${result.machine.cpus} CPUs (${result.machine.model}), load ${result.machine.loadStart}; fastest of ${ROUNDS} rounds.`,
    "",
    "| command | seconds | MiB/s | peak RSS MiB |",
    "|---|---|---|---|",
    row("tokenguard usage", best.usage),
    row("wc -l (control)", best["wc -l"]),
    row(`jq -c '${JQ_FILTER}' (control)`, best["jq -c"]),
    row("tokenguard usage, a quarter of the log", best.quarter, statSync(quarter).size),
    "",
    ...Object.entries(result.ratios).map(([k, v]) => `- ${k}: ${v.toFixed(2)}`),
    "",
  ].join("\n");
  writeFileSync(path.join(OUT, "usage-bench.md"), md);
  console.log(md);
  if (process.env.BENCH_USAGE_KEEP !== "1") rmSync(dir, { recursive: true, force: true });
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exitCode = 1;
});
