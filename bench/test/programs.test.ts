import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { BACKENDS, BENCH_NOW } from "../program/backends";
import { declareMany } from "../program/programs";
import { parseWorkerArgs, type WorkerResult } from "../program/worker";
import { registrations, reset } from "../../test/helpers/mocks";

const ROOT = path.resolve(__dirname, "../..");

/** The custom resources registered, as sorted "type name" lines. */
function customResources(): string[] {
  return registrations
    .filter((r) => r.custom)
    .map((r) => `${r.type} ${r.name}`)
    .sort();
}

describe("bench: program cost programs", () => {
  for (const backend of BACKENDS) {
    it(`${backend}: raw declares exactly the resources a ScopedToken creates, one generation`, async () => {
      reset({ now: BENCH_NOW });
      await declareMany(backend, "component", 3);
      const fromComponent = customResources();
      const components = registrations.filter((r) => !r.custom);
      reset({ now: BENCH_NOW });
      await declareMany(backend, "raw", 3);
      const raw = customResources();

      assert.deepEqual(raw, fromComponent);
      assert.ok(raw.length >= 3, "at least one resource per token");
      // The only extra registration is the component itself, one per token.
      assert.deepEqual(
        components.map((c) => `${c.type} ${c.name}`),
        ["svc-0", "svc-1", "svc-2"].map((n) => `tokenguard:index:ScopedToken ${n}`),
      );
      assert.equal(registrations.filter((r) => !r.custom).length, 0);
      assert.ok(
        raw.every((line) => !line.includes("-g1")),
        "the pinned clock leaves exactly one live generation",
      );
    });
  }

  it("the worker refuses bad arguments, naming the field", () => {
    assert.deepEqual(parseWorkerArgs(["vault", "raw", "10"]), {
      backend: "vault",
      mode: "raw",
      n: 10,
    });
    assert.throws(() => parseWorkerArgs(["gcp", "raw", "10"]), /^Error: backend: "gcp"/);
    assert.throws(() => parseWorkerArgs(["vault", "both", "10"]), /^Error: mode: "both"/);
    assert.throws(() => parseWorkerArgs(["vault", "raw", "1e9.5"]), /^Error: n: "1e9.5"/);
  });

  it("the worker measures one point in a fresh process and reports it as JSON", function () {
    this.timeout(120_000);
    const r = spawnSync(
      process.execPath,
      [
        "-r",
        require.resolve("ts-node/register/transpile-only"),
        path.join(ROOT, "bench/program/worker.ts"),
        "random",
        "component",
        "4",
      ],
      { encoding: "utf8", cwd: ROOT },
    );
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as WorkerResult;
    assert.equal(result.backend, "random");
    assert.equal(result.n, 4);
    assert.equal(result.registrations, 8, "4 components and their 4 RandomPasswords");
    assert.ok(result.runMs > 0 && result.loadMs > 0);
    assert.ok(result.maxRssKiB > 10_000, `peak RSS ${result.maxRssKiB} KiB is implausibly small`);
  });
});
