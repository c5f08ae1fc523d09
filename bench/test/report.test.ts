import { strict as assert } from "node:assert";
import type { EngineResult } from "../check/run";
import type { Machine } from "../lib/machine";
import {
  componentRatios,
  exponents,
  renderChart,
  renderMarkdown,
  targets,
  type BenchResults,
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

/** The pack's time as the engine logged it: start and analysis, seconds. */
function packCost(start: number, analysis: number) {
  return {
    startSeconds: s(start),
    analysisSeconds: s(analysis),
    totalSeconds: s(start + analysis),
    calls: 4005,
  };
}

function engine(at1000: {
  preview: number;
  pack: number;
  check: number;
  start?: number;
  analyze?: number;
}): EngineResult {
  return {
    machine: MACHINE,
    rounds: { 10: 3, 1000: 3, 10000: 1 },
    limitMinutes: 15,
    engineVersion: "v3.274.1",
    rows: [
      {
        tokens: 10,
        resources: 22,
        seconds: { preview: s(8), previewPack: s(9), check: s(3) },
        packOverhead: s(1),
        skipped: {},
      },
      {
        tokens: 1000,
        resources: 2002,
        seconds: {
          preview: s(at1000.preview),
          previewPack: s(at1000.pack),
          check: s(at1000.check),
        },
        packOverhead: s(at1000.pack - at1000.preview),
        packCost: packCost(at1000.start ?? 1, at1000.analyze ?? 2),
        skipped: {},
      },
      {
        tokens: 10000,
        resources: 20002,
        seconds: { check: s(60) },
        skipped: { preview: "predicted 20 min", previewPack: "predicted 21 min" },
      },
    ],
  };
}

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
  engine: engine({ preview: 100, pack: 103, check: 8 }),
  program: program(0.003, 0.002),
  ...over,
});

describe("bench report", () => {
  it("judges each target against the 1,000-token figures", () => {
    const met = targets(results());
    assert.deepEqual(
      met.map((t) => t.met),
      [true, true, true, true],
    );
    assert.equal(
      met[0].measured,
      "3.0%: 3.00 s paired difference on a 100.0 s preview (rounds: 3.00 s to 3.00 s); engine log: pack start 1.00 s (1.0%, always on the critical path), analyzer calls 2.00 s (overlapping the program)",
    );
    assert.match(met[1].measured, /^12\.9× /);
    assert.match(met[2].measured, /^random 1\.50×$/);

    const missed = targets(
      results({
        engine: engine({ preview: 100, pack: 110, check: 20, start: 2, analyze: 3 }),
        program: program(0.005, 0.002, 1.3),
      }),
    );
    assert.deepEqual(
      missed.map((t) => t.met),
      [false, false, false, false],
    );
  });

  it("says what it could not measure instead of guessing", () => {
    const none = targets({ machine: MACHINE, command: "npm run bench -- --only scan" });
    assert.deepEqual(
      none.map((t) => [t.measured, t.met]),
      Array(4).fill(["not measured", undefined]),
    );
  });

  it("compares component and raw at 1,000 tokens and fits growth over N >= 100", () => {
    assert.deepEqual(componentRatios(program(0.003, 0.002)), [
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

  it("renders the machine, the targets, every size and why a point was skipped", () => {
    const md = renderMarkdown(results(), "## Fixes\n\nbefore and after");
    assert.match(md, /2 CPUs, Test CPU 9000, 8 GiB RAM; TestOS; Node v22\.0\.0/);
    assert.match(md, /\| policy pack overhead at 1,000 tokens \| < 5% of preview time \| 3\.0%/);
    // The 1,000-token row: the paired difference and its share, then the engine log's split.
    assert.ok(
      md.includes(
        "| 1,000 | 2002 | 3 | 100.0 s | 103.0 s | 3.00 s | 3.0% | 1.00 s | 4005 calls, 2.00 s | 8.00 s | 12.9× |",
      ),
    );
    assert.match(md, /\| 10,000 \| 20002 \| 1 \| skipped¹ \| skipped¹ \|/);
    assert.match(md, /¹ Skipped: 10,000 tokens, preview: predicted 20 min/);
    assert.match(md, /\| random \| 10,000 \| skipped \(ran out of memory\) \|/);
    assert.match(md, /Pulumi v3\.274\.1/);
    assert.match(md, /!\[time vs N\]\(time-vs-n\.svg\)/);
    assert.ok(md.trimEnd().endsWith("before and after"));
  });

  it("charts the engine's runs and each backend's program cost", () => {
    const svg = renderChart(results());
    for (const name of [
      "pulumi preview --policy-pack",
      "tokenguard check",
      "program, random: ScopedToken",
      "program, random: raw resources",
    ]) {
      assert.ok(svg.includes(`data-name="${name}"`), name);
    }
  });
});
