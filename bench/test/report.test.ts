import { strict as assert } from "node:assert";
import type { EngineResult, EngineRow, RunStats } from "../engine/run";
import type { Machine } from "../lib/machine";
import {
  componentRatios,
  exponents,
  renderChart,
  renderMarkdown,
  targets,
  type BenchResults,
  type TargetRow,
} from "../lib/report";
import type { Summary } from "../lib/stats";
import type { ProgramPoint, ProgramResult } from "../program/run";

const MACHINE: Machine = {
  cpus: 2,
  model: "Test CPU 9000",
  memoryGiB: 8,
  os: "TestOS",
  node: "v22.0.0",
  loadStart: 1.5,
  loadEnd: 2.5,
  startedAt: "2026-01-01T00:00:00.000Z",
  finishedAt: "2026-01-01T01:00:00.000Z",
};
const s = (median: number, min = median, max = median, n = 3): Summary => ({ median, min, max, n });

/** One measurement's stats: a median of `secs`, and optionally CPU seconds by role. */
function stats(secs: number, cpu?: Record<string, number>, resources?: number): RunStats {
  return { seconds: s(secs), ...(cpu ? { cpu } : {}), ...(resources ? { resources } : {}) };
}

interface At1000 {
  raw: number;
  wrapped: number;
  component: number;
  pack: number;
  peer: number;
  check: number;
}

/** A 100-token row, a 1,000-token row with every control and both packs, a 10,000-token check. */
function engine(at: At1000): EngineResult {
  const small: EngineRow = {
    tokens: 100,
    rounds: 2,
    runs: {
      "raw/preview/default": stats(4, undefined, 201),
      "component/preview/default": stats(4.4, undefined, 302),
      "component/check/default": stats(2),
    },
    overhead: {},
    skipped: {},
  };
  const row: EngineRow = {
    tokens: 1000,
    rounds: 1,
    runs: {
      "raw/preview/default": stats(at.raw, { total: 40, engine: 30, program: 5 }, 2001),
      "wrapped/preview/default": stats(at.wrapped, undefined, 3001),
      "component/preview/default": stats(at.component, { total: 60, engine: 45, program: 8 }, 3001),
      "component/previewPack/default": stats(at.pack, { total: 70, "policy pack": 4 }),
      "component/previewPeer/default": stats(at.peer, { total: 72, "peer pack": 6 }),
      "component/check/default": stats(at.check),
    },
    overhead: {
      "component/previewPack/default": s(at.pack - at.component),
      "component/previewPeer/default": s(at.peer - at.component),
    },
    skipped: { "raw/previewPeer/default": "the peer pack is not installed" },
  };
  const large: EngineRow = {
    tokens: 10000,
    rounds: 1,
    runs: { "component/check/default": stats(at.check * 10) },
    overhead: {},
    skipped: {},
  };
  return {
    machine: MACHINE,
    limitMinutes: 15,
    engineVersion: "v3.274.1",
    peer: { name: "@pulumi/awsguard", version: "0.3.1" },
    rows: [small, row, large],
  };
}

const MET: At1000 = { raw: 100, wrapped: 105, component: 110, pack: 112, peer: 114, check: 1 };
const MISSED: At1000 = { raw: 40, wrapped: 70, component: 150, pack: 160, peer: 155, check: 20 };

function point(
  backend: string,
  mode: "component" | "raw",
  n: number,
  secs: number,
  mib: number,
): ProgramPoint {
  return {
    backend: backend as ProgramPoint["backend"],
    mode,
    n,
    registrations: n,
    seconds: s(secs),
    loadSeconds: s(1),
    peakMiB: s(mib),
  };
}

function program(componentPerToken: number, rawPerToken: number, power = 1): ProgramResult {
  const points: ProgramPoint[] = [];
  for (const n of [10, 100, 1000]) {
    points.push(point("random", "component", n, componentPerToken * n ** power, 200 + n));
    points.push(point("random", "raw", n, rawPerToken * n ** power, 200 + n / 2));
  }
  points.push({ backend: "random", mode: "component", n: 10000, skipped: "ran out of memory" });
  return { machine: MACHINE, limitMinutes: 15, points };
}

const results = (over: Partial<BenchResults> = {}): BenchResults => ({
  machine: MACHINE,
  command: "npm run bench",
  engine: engine(MET),
  program: program(0.003, 0.002),
  ...over,
});

/** The target whose name starts with `prefix`. */
function target(rows: readonly TargetRow[], prefix: string): TargetRow {
  const row = rows.find((t) => t.target.startsWith(prefix));
  assert.ok(row, `no target "${prefix}"`);
  return row;
}

describe("bench report", () => {
  it("judges the pack, preview and check targets from the paired engine runs", () => {
    const met = targets(results());
    const pack = target(met, "policy pack overhead");
    assert.equal(pack.met, true);
    assert.match(
      pack.measured,
      /^tokenguard 1\.8% \(2\.00 s\); @pulumi\/awsguard 3\.6% \(4\.00 s\)$/,
    );
    const preview = target(met, "`pulumi preview`, ScopedTokens / raw control (engine: default)");
    assert.deepEqual(
      [preview.measured, preview.met],
      ["100: 1.10×, 1,000: 1.10× (wrapped control 1.05×)", true],
    );
    assert.equal(
      target(met, "`pulumi preview`, ScopedTokens / raw control (engine: skip").measured,
      "not measured",
    );
    assert.deepEqual(
      [
        target(met, "`tokenguard check` at 10,000").measured,
        target(met, "`tokenguard check` at 10,000").met,
      ],
      ["10.0 s", true],
    );
    const vs = target(met, "`tokenguard check` vs");
    assert.match(vs.measured, /^112\.0× /);
    assert.equal(vs.met, true);

    const missed = targets(results({ engine: engine(MISSED) }));
    for (const prefix of [
      "policy pack overhead",
      "`pulumi preview`, ScopedTokens / raw control (engine: default)",
      "`tokenguard check` at 10,000",
      "`tokenguard check` vs",
    ]) {
      assert.equal(target(missed, prefix).met, false, prefix);
    }
    // A pack cheaper than 3% but heavier than the peer still misses.
    const heavier = targets(results({ engine: engine({ ...MET, pack: 112.5, peer: 112 }) }));
    assert.equal(target(heavier, "policy pack overhead").met, false);
  });

  it("judges program time and memory against raw at 1,000 tokens, and says what is missing", () => {
    const rows = targets(results());
    const time = target(rows, "program time, ScopedToken / raw, 1,000");
    assert.deepEqual([time.measured, time.met], ["random 1.50×", false]);
    const rss = target(rows, "program peak RSS, ScopedToken / raw, 1,000");
    assert.deepEqual([rss.measured, rss.met], [`random ${(1200 / 700).toFixed(2)}×`, false]);
    const lean = targets(results({ program: program(0.0024, 0.002) }));
    assert.equal(target(lean, "program time, ScopedToken / raw, 1,000").met, true);
    const heap = target(rows, "10,000 ScopedTokens of every backend");
    assert.deepEqual([heap.measured, heap.met], ["random ran out of memory", false]);
  });

  it("a --quick run's smaller size is printed with its size and not judged", () => {
    const small = engine(MET).rows[0];
    const quick: EngineResult = {
      ...engine(MET),
      rows: [
        {
          ...small,
          runs: {
            ...small.runs,
            "component/previewPack/default": stats(4.6),
            "component/previewPeer/default": stats(5.0),
          },
          overhead: {
            "component/previewPack/default": s(0.2),
            "component/previewPeer/default": s(0.6),
          },
        },
      ],
    };
    const rows = targets(results({ engine: quick }));
    const pack = target(rows, "policy pack overhead");
    assert.match(pack.measured, /^tokenguard 4\.5% .*\[at 100 tokens, not judged\]$/);
    assert.equal(pack.met, undefined);
    const vs = target(rows, "`tokenguard check` vs");
    assert.match(vs.measured, /^2\.30× \(2\.00 s vs 4\.60 s\) \[at 100 tokens, not judged\]$/);
    assert.equal(vs.met, undefined);
  });

  it("judges program growth only over fits that reach 10,000 tokens", () => {
    const grow = (power: number, tenK: boolean): ProgramResult => {
      const points: ProgramPoint[] = [100, 1000, ...(tenK ? [10000] : [])].flatMap((n) => [
        point("random", "component", n, 0.001 * n ** power, 300),
        point("vault", "component", n, 0.001 * n, 300),
      ]);
      return { machine: MACHINE, limitMinutes: 15, points };
    };
    const row = (p: ProgramResult) => target(targets(results({ program: p })), "program growth");
    assert.equal(row(grow(1.0, true)).met, true);
    assert.equal(row(grow(1.2, true)).met, false);
    assert.equal(row(grow(1.0, false)).met, undefined);
    assert.match(row(grow(1.0, false)).measured, /random 1\.00 \(100–1000\)/);
  });

  it("says what it could not measure instead of guessing", () => {
    const none = targets({ machine: MACHINE, command: "npm run bench -- --only scan" });
    assert.equal(none.length, 12);
    for (const t of none)
      assert.deepEqual([t.target, t.measured, t.met], [t.target, "not measured", undefined]);
  });

  it("compares component and raw at 1,000 tokens and fits growth over N >= 100", () => {
    assert.deepEqual(componentRatios(program(0.003, 0.002), 1000), [
      { backend: "random", n: 1000, time: 1.5, memory: 1200 / 700 },
    ]);
    const fits = exponents(program(0.003, 0.002, 1.2));
    assert.deepEqual(
      fits.map((e) => [e.mode, e.from, e.to]),
      [
        ["component", 100, 1000],
        ["raw", 100, 1000],
      ],
    );
    for (const e of fits) assert.ok(Math.abs(e.exponent - 1.2) < 1e-9);
  });

  it("renders the machine, the targets, the controls side by side and why a run was skipped", () => {
    const md = renderMarkdown(results(), "## Fixes\n\nbefore and after");
    assert.match(md, /2 CPUs, Test CPU 9000, 8 GiB RAM; TestOS; Node v22\.0\.0/);
    assert.match(
      md,
      /\| policy pack overhead, 1,000 ScopedTokens \| < 3% of preview, and ≤ the peer pack's \| tokenguard 1\.8%/,
    );
    // resources raw / wrapped / component; raw, wrapped, ScopedTokens; the ratios; CPU 60 s / 40 s.
    assert.ok(
      md.includes(
        "| 1,000 | default | 2001 / 3001 / 3001 | 100.0 s | 105.0 s | 110.0 s | 1.10× | 1.05× | 1.50× |",
      ),
      md,
    );
    assert.ok(
      md.includes(
        "| 1,000 | default | ScopedTokens | 110.0 s | 112.0 s | 114.0 s | 2.00 s | 1.8% | 4.00 s | 3.6% | 4.0 s / 6.0 s |",
      ),
    );
    assert.match(md, /¹ 1,000 tokens, raw\/previewPeer\/default: the peer pack is not installed\./);
    assert.match(md, /\| random \| 10,000 \| skipped \(ran out of memory\) \|/);
    assert.match(md, /Pulumi v3\.274\.1/);
    assert.match(md, /!\[time vs N\]\(time-vs-n\.svg\)/);
    assert.ok(md.trimEnd().endsWith("before and after"));
  });

  it("charts the engine's runs and each backend's program cost", () => {
    const svg = renderChart(results());
    for (const name of [
      "preview --policy-pack, ScopedTokens",
      "preview, raw control",
      "tokenguard check",
      "program, random: ScopedToken",
      "program, random: raw resources",
    ]) {
      assert.ok(svg.includes(`data-name="${name}"`), name);
    }
  });
});
