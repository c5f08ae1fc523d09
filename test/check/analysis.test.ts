import { strict as assert } from "node:assert";
import type { Violation } from "../../lib/check/analyzer-client";
import { ANALYZE_CONCURRENCY, StreamedAnalysis } from "../../lib/check/analysis";
import type { EngineResource } from "../../lib/check/engine-view";

function resource(name: string, analyze = true): EngineResource {
  return {
    type: "test:index:Thing",
    name,
    urn: `urn:pulumi:s::p::test:index:Thing::${name}`,
    props: {},
    outputs: {},
    custom: true,
    analyze,
    synthesized: false,
    dependencies: [],
    propertyDependencies: {},
  };
}

function violation(name: string): Violation {
  return {
    policyName: "p",
    policyPackName: "pack",
    policyPackVersion: "1",
    description: "",
    message: `bad ${name}`,
    enforcementLevel: "mandatory",
    urn: "",
  } as unknown as Violation;
}

/** An analyzer whose calls stay open until the test settles them. */
class ManualAnalyzer {
  readonly calls: {
    name: string;
    resolve: (vs: Violation[]) => void;
    reject: (e: Error) => void;
  }[] = [];
  readonly names: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  analyze(r: EngineResource): Promise<Violation[]> {
    this.names.push(r.name);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    return new Promise<Violation[]>((resolve, reject) => {
      const done = () => this.inFlight--;
      this.calls.push({
        name: r.name,
        resolve: (vs) => (done(), resolve(vs)),
        reject: (e) => (done(), reject(e)),
      });
    });
  }
}

const tick = () => new Promise((r) => setImmediate(r));

describe("check: Analyze calls while the program runs (StreamedAnalysis)", () => {
  it("queues resources until the pack is ready, then keeps arrival order whatever order calls finish in", async () => {
    const analysis = new StreamedAnalysis();
    analysis.add(resource("a"));
    analysis.add(resource("b"));
    const pack = new ManualAnalyzer();
    assert.equal(pack.calls.length, 0);
    analysis.start(pack);
    analysis.add(resource("c"));
    assert.deepEqual(
      pack.calls.map((c) => c.name),
      ["a", "b", "c"],
    );
    const result = analysis.close();
    pack.calls[2].resolve([violation("c")]);
    pack.calls[0].resolve([violation("a")]);
    await tick();
    pack.calls[1].resolve([]);
    const vs = await result;
    assert.deepEqual(
      vs.map((v) => [v.message, v.urn]),
      [
        ["bad a", resource("a").urn],
        ["bad c", resource("c").urn],
      ],
    );
  });

  it(`keeps at most ${ANALYZE_CONCURRENCY} calls in flight and skips resources that are only read`, async () => {
    const pack = new ManualAnalyzer();
    const analysis = new StreamedAnalysis();
    analysis.start(pack);
    for (let i = 0; i < 30; i++) analysis.add(resource(`r${i}`, i !== 7));
    const result = analysis.close();
    while (pack.calls.some((c) => c)) {
      const open = pack.calls.splice(0);
      open.forEach((c) => c.resolve([]));
      await tick();
    }
    await result;
    assert.equal(pack.maxInFlight, ANALYZE_CONCURRENCY);
    assert.equal(pack.names.length, 29);
    assert.ok(!pack.names.includes("r7"), "a read resource is analyzed only with the stack");
  });

  it("reports progress only once the program has ended, against the final total", async () => {
    const seen: [number, number][] = [];
    const pack = new ManualAnalyzer();
    const analysis = new StreamedAnalysis((done, total) => seen.push([done, total]));
    analysis.start(pack);
    analysis.add(resource("a"));
    analysis.add(resource("b"));
    pack.calls[0].resolve([]);
    await tick();
    assert.deepEqual(seen, []);
    const result = analysis.close();
    pack.calls[1].resolve([]);
    await result;
    assert.deepEqual(seen, [[2, 2]]);
  });

  it("fails with the first failed call, tells the caller once, and sends nothing after it", async () => {
    const failures: unknown[] = [];
    const pack = new ManualAnalyzer();
    const analysis = new StreamedAnalysis(undefined, (e) => failures.push(e));
    analysis.start(pack);
    for (let i = 0; i < ANALYZE_CONCURRENCY + 5; i++) analysis.add(resource(`r${i}`));
    pack.calls[0].reject(new Error("pack died"));
    pack.calls[1].reject(new Error("second"));
    await tick();
    assert.equal(failures.length, 1);
    const sent = pack.calls.length;
    analysis.add(resource("late"));
    assert.equal(pack.calls.length, sent, "no call after a failure");
    const result = analysis.close();
    pack.calls.slice(2).forEach((c) => c.resolve([]));
    await assert.rejects(result, /pack died/);
  });
});
