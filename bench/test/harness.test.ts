import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { cpuModel } from "../lib/machine";
import { timed } from "../lib/proc";
import { mergeBySize, plan } from "../run";

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
  });
});
