/**
 * The engine's tables of BENCHMARKS.md: preview against its controls, where the CPU goes, the
 * two packs side by side, and check. Pure: results in, lines out.
 */
import type { EngineResult, EngineRow, RunStats } from "../engine/run";
import { ROLES } from "./cpu-tree";
import { growthExponent, type Summary } from "./stats";

export const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
export const ratio = (x: number) => `${x.toFixed(x < 10 ? 2 : 1)}×`;

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

const n$ = (n: number) => n.toLocaleString("en-US");

export function run(row: EngineRow | undefined, key: string): RunStats | undefined {
  return row?.runs[key];
}

/** time(a) / time(b) at one size, when both were measured. */
export function timeRatio(row: EngineRow | undefined, a: string, b: string): number | undefined {
  const x = run(row, a)?.seconds.median;
  const y = run(row, b)?.seconds.median;
  return x !== undefined && y !== undefined && y > 0 ? x / y : undefined;
}

/** Overhead of a pack run (paired, seconds) as a share of the plain preview. */
export function packShare(row: EngineRow | undefined, key: string): number | undefined {
  const o = row?.overhead[key];
  const [variant, , setting] = key.split("/");
  const plain = run(row, `${variant}/preview/${setting}`)?.seconds.median;
  return o && plain ? o.median / plain : undefined;
}

/** Growth exponent of one run key's median time over the sizes it was measured at (>= 100). */
export function engineExponent(
  engine: EngineResult,
  key: string,
): { k: number; from: number; to: number } | undefined {
  const pts = engine.rows.flatMap((r) => {
    const s = r.runs[key]?.seconds.median;
    return s !== undefined && r.tokens >= 100 ? [{ n: r.tokens, value: s }] : [];
  });
  if (new Set(pts.map((p) => p.n)).size < 2) return undefined;
  return { k: growthExponent(pts), from: pts[0].n, to: pts[pts.length - 1].n };
}

const cell = (row: EngineRow, key: string) => {
  const r = run(row, key);
  if (r) return summary(r.seconds);
  return row.skipped[key] ? "stopped¹" : "—";
};
const r2 = (x: number | undefined) => (x === undefined ? "—" : ratio(x));

function previewTable(engine: EngineResult): string[] {
  const lines = [
    "| tokens | engine | resources (raw / wrapped / ScopedToken) | raw control | wrapped control | ScopedTokens | ScopedTokens / raw | ScopedTokens / wrapped | CPU: ScopedTokens / raw |",
    "|---:|---|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const row of engine.rows) {
    for (const setting of ["default", "skip-checkpoints"]) {
      const k = (v: string) => `${v}/preview/${setting}`;
      if (!["raw", "wrapped", "component"].some((v) => run(row, k(v)) || row.skipped[k(v)]))
        continue;
      const res = ["raw", "wrapped", "component"]
        .map((v) => run(row, k(v))?.resources ?? "—")
        .join(" / ");
      const cpuA = run(row, k("component"))?.cpu?.total;
      const cpuB = run(row, k("raw"))?.cpu?.total;
      lines.push(
        `| ${n$(row.tokens)} | ${setting} | ${res} | ${cell(row, k("raw"))} | ${cell(row, k("wrapped"))} | ${cell(row, k("component"))} | ${r2(timeRatio(row, k("component"), k("raw")))} | ${r2(timeRatio(row, k("component"), k("wrapped")))} | ${cpuA && cpuB ? ratio(cpuA / cpuB) : "—"} |`,
      );
    }
  }
  return lines;
}

function cpuTable(engine: EngineResult): string[] {
  const lines = [
    `| tokens | run | wall clock | CPU total | ${ROLES.join(" | ")} |`,
    `|---:|---|---:|---:|${ROLES.map(() => "---:").join("|")}|`,
  ];
  for (const row of engine.rows) {
    for (const [key, stats] of Object.entries(row.runs)) {
      const cpu = stats.cpu;
      if (!cpu) continue;
      const share = (role: string) =>
        cpu[role] ? `${cpu[role].toFixed(1)} s (${pct(cpu[role] / cpu.total)})` : "—";
      lines.push(
        `| ${n$(row.tokens)} | ${key} | ${seconds(stats.seconds.median)} | ${cpu.total.toFixed(1)} s | ${ROLES.map(share).join(" | ")} |`,
      );
    }
  }
  return lines;
}

function packTable(engine: EngineResult): string[] {
  const peer = engine.peer ? `${engine.peer.name} ${engine.peer.version}` : "peer (not installed)";
  const lines = [
    `| tokens | engine | program | preview | + tokenguard pack | + ${peer} | tokenguard overhead (paired) | share | ${peer} overhead (paired) | share | pack CPU: tokenguard / ${peer} |`,
    "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const row of engine.rows) {
    for (const setting of ["default", "skip-checkpoints"]) {
      for (const variant of ["component", "raw"]) {
        const k = (tool: string) => `${variant}/${tool}/${setting}`;
        if (!run(row, k("previewPack")) && !run(row, k("previewPeer"))) continue;
        const o = (tool: string) => summary(row.overhead[k(tool)]);
        const sh = (tool: string) => {
          const x = packShare(row, k(tool));
          return x === undefined ? "—" : pct(x);
        };
        const ours = run(row, k("previewPack"))?.cpu?.["policy pack"];
        const theirs = run(row, k("previewPeer"))?.cpu?.["peer pack"];
        lines.push(
          `| ${n$(row.tokens)} | ${setting} | ${variant === "component" ? "ScopedTokens" : "raw control"} | ${cell(row, k("preview"))} | ${cell(row, k("previewPack"))} | ${cell(row, k("previewPeer"))} | ${o("previewPack")} | ${sh("previewPack")} | ${o("previewPeer")} | ${sh("previewPeer")} | ${ours !== undefined && theirs !== undefined ? `${ours.toFixed(1)} s / ${theirs.toFixed(1)} s` : "—"} |`,
        );
      }
    }
  }
  return lines;
}

function checkTable(engine: EngineResult): string[] {
  const lines = [
    "| tokens | tokenguard check | CPU: check CLI / program host / pack | preview --policy-pack (default engine) | preview --policy-pack / check |",
    "|---:|---:|---:|---:|---:|",
  ];
  for (const row of engine.rows) {
    const c = run(row, "component/check/default");
    if (!c && !row.skipped["component/check/default"]) continue;
    const cpu = c?.cpu;
    const vs = timeRatio(row, "component/previewPack/default", "component/check/default");
    lines.push(
      `| ${n$(row.tokens)} | ${cell(row, "component/check/default")} | ${cpu ? `${(cpu["check CLI"] ?? 0).toFixed(1)} s / ${(cpu.program ?? 0).toFixed(1)} s / ${(cpu["policy pack"] ?? 0).toFixed(1)} s` : "—"} | ${cell(row, "component/previewPack/default")} | ${r2(vs)} |`,
    );
  }
  return lines;
}

export function engineSection(engine: EngineResult): string[] {
  const skipped = engine.rows.flatMap((r) =>
    Object.entries(r.skipped).map(([key, why]) => `${n$(r.tokens)} tokens, ${key}: ${why}`),
  );
  return [
    "## Where users wait: preview and check",
    "",
    `Three generated programs per size (bench/engine/programs.ts), all of the random backend: **ScopedTokens** — N tokens as the README declares them, importing the compiled library; the **raw control** — the same RandomPasswords (same names, arguments and live generations), declared by hand; the **wrapped control** — those RandomPasswords under one plain ComponentResource per token, which does nothing else. Pulumi ${engine.engineVersion ?? "(engine missing)"} built by rig/build.sh, with the repository's Node language host and stand-in random provider. Each round runs every measurement once, in an order that rotates from round to round; medians of the rounds, spread in brackets; a per-run limit of ${engine.limitMinutes} minutes. The engine setting *default* is the engine as users run it; *skip-checkpoints* sets \`PULUMI_SKIP_CHECKPOINTS=true\` (see "Why preview grows faster than N" below).`,
    "",
    ...previewTable(engine),
    "",
    "### Where the CPU goes",
    "",
    "CPU seconds of every process a run started (user + system, read from /proc while it ran; bench/lib/cpu-tree.ts), by role: the engine (`pulumi`), our Node language host, the program (Node, the SDK, ts-node), the stand-in providers, and the packs. Unlike wall-clock time on a shared machine, these do not depend on the load.",
    "",
    ...cpuTable(engine),
    "",
    `### Policy packs side by side: tokenguard and ${engine.peer ? `${engine.peer.name} ${engine.peer.version}` : "the peer"}`,
    "",
    `The same programs previewed three ways in each round: plain, with \`--policy-pack policy-packs/tokenguard\`, and with the peer — Pulumi's published CrossGuard pack for AWS, \`new AwsGuard({ all: "advisory" })\`, installed from the npm registry into ~/.cache/tokenguard-bench (bench/engine/packs.ts). A pack's overhead is its run minus the plain preview of the same round (paired). Neither pack finds anything to refuse on these programs; both pay their start and the engine's Remediate and Analyze calls for every resource.${engine.peerMissing ? ` Peer not measured: ${engine.peerMissing}.` : ""}`,
    "",
    ...packTable(engine),
    "",
    "### tokenguard check",
    "",
    ...checkTable(engine),
    ...(skipped.length ? ["", `¹ ${[...new Set(skipped)].join("; ")}.`] : []),
  ];
}
