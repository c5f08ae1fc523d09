import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { cpuModel } from "../lib/machine";
import { timed } from "../lib/proc";
import type { EngineRow } from "../engine/run";
import { mergeBySize, mergeEngineRows, plan } from "../run";

/** Running (a killed orphan may linger as a zombie until init reaps it: that is not running). */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return !/^\d+ \(.*\) Z/.test(stat);
  } catch {
    return false;
  }
}

describe("bench harness", () => {
  it("stops a run at its limit, with everything it started", async () => {
    // The shell starts a background sleep and prints its pid, then waits.
    const run = await timed("sh", ["-c", "sleep 30 & echo $!; wait"], { timeoutMs: 500 });
    assert.equal(run.timedOut, true);
    assert.ok(run.ms < 10_000, `took ${run.ms} ms`);
    const grandchild = Number(run.stdout.trim());
    assert.ok(grandchild > 0, run.stdout);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(running(grandchild), false, "the background sleep was stopped too");
  });

  it("hands stdout over line by line when asked, across chunk boundaries", async () => {
    const lines: string[] = [];
    const run = await timed("sh", ["-c", "printf 'a\\nb'; sleep 0.1; printf 'c\\nlast'"], {
      timeoutMs: 10_000,
      onLine: (l) => lines.push(l),
    });
    assert.equal(run.code, 0);
    assert.equal(run.timedOut, false);
    assert.deepEqual(lines, ["a", "bc", "last"]);
    assert.equal(run.stdout, "");
  });

  it("reads the CPU model from /proc/cpuinfo", () => {
    assert.equal(
      cpuModel("processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC 7B13 64-Core\n"),
      "AMD EPYC 7B13 64-Core",
    );
  });

  it("plans everything by default, a small subset with --quick", () => {
    const full = plan([]);
    assert.deepEqual(full.suites, ["program", "engine", "scan"]);
    assert.deepEqual(full.engineSizes, [100, 1000, 3000, 10000]);
    assert.deepEqual(full.programSizes, [100, 1000, 10000]);
    assert.deepEqual([full.rounds(1000), full.rounds(10000)], [3, 1]);
    assert.deepEqual([full.engineRounds(100), full.engineRounds(1000)], [2, 1]);
    assert.equal(full.limitMinutes, 15);
    const quick = plan(["--quick", "--only", "engine,program", "--limit-minutes", "5"]);
    assert.deepEqual(quick.suites, ["engine", "program"]);
    assert.deepEqual([quick.engineSizes, quick.programSizes], [[100], [100, 1000]]);
    assert.equal(quick.rounds(100), 1);
    assert.equal(quick.scanMb, 10);
    assert.equal(quick.limitMinutes, 5);
    assert.equal(plan(["--rounds", "2"]).rounds(10000), 2);
    assert.equal(plan(["--rounds", "2"]).engineRounds(1000), 2);
    const one = plan(["--sizes", "1000", "--rounds", "5"]);
    assert.deepEqual([one.engineSizes, one.programSizes], [[1000], [1000]]);
    assert.deepEqual(
      [full.partial, quick.partial, one.partial, plan(["--quick"]).partial],
      [false, true, true, false],
    );
  });

  it("re-measuring some sizes keeps the last run's other sizes, and replaces the measured ones", () => {
    const before = [
      { n: 10, v: "old" },
      { n: 1000, v: "old" },
      { n: 10000, v: "old" },
    ];
    const merged = mergeBySize(
      before,
      [
        { n: 1000, v: "new" },
        { n: 100, v: "new" },
      ],
      (x) => x.n,
    );
    assert.deepEqual(merged, [
      { n: 10, v: "old" },
      { n: 100, v: "new" },
      { n: 1000, v: "new" },
      { n: 10000, v: "old" },
    ]);
    assert.deepEqual(
      mergeBySize(undefined, [{ n: 1 }], (x) => x.n),
      [{ n: 1 }],
    );
  });

  it("refuses bad flags, naming the flag and what it accepts", () => {
    assert.throws(
      () => plan(["--only", "engine,cpu"]),
      /--only: "cpu" is not one of program, engine, scan/,
    );
    assert.throws(() => plan(["--limit-minutes", "0"]), /--limit-minutes: "0"/);
    assert.throws(() => plan(["--rounds", "1.5"]), /--rounds: "1\.5"/);
    assert.throws(() => plan(["--fast"]), /--fast/);
    assert.throws(() => plan(["--sizes", "10,1e"]), /--sizes: "10,1e"/);
    assert.throws(() => plan(["--sizes", "0"]), /--sizes: "0"/);
    assert.throws(
      () => plan(["--runs", "check,nonsense"]),
      /--runs: "nonsense" matches no engine run/,
    );
  });

  it("--runs narrows the engine's plan to the runs it names, at every size", () => {
    const keys = (argv: string[], n: number) =>
      plan(argv)
        .engineRuns(n)
        .map((r) => `${r.variant}/${r.tool}/${r.setting}`);
    assert.deepEqual(keys(["--runs", "component/check"], 10000), ["component/check/default"]);
    assert.deepEqual(keys(["--runs", "raw/preview/skip,component/check"], 3000), [
      "raw/preview/skip-checkpoints",
      "component/check/default",
    ]);
    assert.ok(keys([], 1000).length > 10);
    assert.equal(plan(["--only", "engine", "--runs", "component/check"]).partial, true);
  });

  it("a --runs subset adds its runs to a size's row, keeping the row's other runs", () => {
    const s = (median: number) => ({ median, min: median, max: median, n: 1 });
    const row = (tokens: number, runs: Record<string, number>, skipped = {}): EngineRow => ({
      tokens,
      rounds: 1,
      runs: Object.fromEntries(Object.entries(runs).map(([k, v]) => [k, { seconds: s(v) }])),
      overhead: {},
      skipped,
    });
    const before = [
      row(1000, { "raw/preview/default": 40, "component/check/default": 9 }),
      row(100, { a: 1 }),
    ];
    const after = mergeEngineRows(before, [
      row(1000, { "component/check/default": 7 }, { "raw/preview/skip-checkpoints": "stopped" }),
      row(3000, { "component/check/default": 20 }),
    ]);
    assert.deepEqual(
      after.map((r) => r.tokens),
      [100, 1000, 3000],
    );
    const at1000 = after[1];
    assert.deepEqual(
      Object.fromEntries(Object.entries(at1000.runs).map(([k, v]) => [k, v.seconds.median])),
      { "raw/preview/default": 40, "component/check/default": 7 },
    );
    assert.deepEqual(at1000.skipped, { "raw/preview/skip-checkpoints": "stopped" });
  });
});
