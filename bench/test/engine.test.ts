import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as pulumi from "@pulumi/pulumi";
import { ScopedToken } from "../../lib";
import { fullPlan, rotated, runKey } from "../engine/run";
import { BENCH_NOW, libImport, liveGenerations, programSource, TOKEN } from "../engine/programs";
import { CpuTreePoller, parseStat, roleOf } from "../lib/cpu-tree";
import { PROJECT, STACK, promiseOf, registrations, reset } from "../../test/helpers/mocks";

const N = 40;

/** The RandomPasswords registered, as sorted names. */
const passwords = () =>
  registrations
    .filter((r) => r.type === "random:index/randomPassword:RandomPassword")
    .map((r) => r.name)
    .sort();

describe("bench: engine programs and plan", () => {
  it("the raw control lists exactly the RandomPasswords N ScopedTokens create, with their arguments", async () => {
    reset({ now: BENCH_NOW });
    const tokens = Array.from({ length: N }, (_, i) => new ScopedToken(`svc-${i}`, TOKEN));
    await promiseOf(pulumi.all(tokens.map((t) => t.value)));
    const gens = Array.from({ length: N }, (_, i) => liveGenerations(`svc-${i}`, PROJECT, STACK));
    const expected = gens.flatMap((g, i) => g.map((n) => `svc-${i}-g${n}`)).sort();
    assert.deepEqual(passwords(), expected);
    // Jittered anchors: at BENCH_NOW some tokens are in their overlap (two generations), some not.
    assert.ok(gens.some((g) => g.length === 2) && gens.some((g) => g.length === 1));

    // The raw program declares those names with the component's own arguments.
    const src = programSource("raw", 3, "./lib");
    const child = registrations.find((r) => r.name === expected[0])!;
    const args = JSON.parse(/const args = (.*);/.exec(src)![1]) as Record<string, unknown>;
    assert.deepEqual(args, child.inputs);
    assert.ok(src.includes(JSON.stringify([0, 1, 2].map((i) => liveGenerations(`svc-${i}`)))));
    assert.ok(src.includes("additionalSecretOutputs"));
  });

  it("wraps each token's raw resources in one plain component; the component program imports the library", () => {
    const wrapped = programSource("wrapped", 5, "../dist/lib");
    assert.match(wrapped, /class Wrapper extends pulumi\.ComponentResource/);
    assert.match(wrapped, /parent: this/);
    const component = programSource("component", 5, "../dist/lib");
    assert.match(component, /^import \{ ScopedToken \} from "\.\.\/dist\/lib";/);
    assert.match(component, /i < 5;/);
    assert.equal(libImport("/a/b", "/a/dist/lib"), "../dist/lib");
    assert.equal(libImport("/a", "/a/dist/lib"), "./dist/lib");
  });

  it("plans every control and both packs up to 1,000 tokens, the workaround only beyond", () => {
    const keys = (n: number, quick = false) => fullPlan(n, { quick }).map(runKey);
    const at1000 = keys(1000);
    for (const k of [
      "raw/preview/default",
      "wrapped/preview/default",
      "component/preview/default",
      "component/previewPack/default",
      "component/previewPeer/default",
      "raw/previewPeer/default",
      "wrapped/preview/skip-checkpoints",
      "component/check/default",
    ]) {
      assert.ok(at1000.includes(k), k);
    }
    assert.equal(new Set(at1000).size, at1000.length);
    assert.ok(!keys(100, true).includes("wrapped/preview/skip-checkpoints"));
    const at10k = keys(10000);
    assert.ok(at10k.every((k) => !k.endsWith("/default") || k === "component/check/default"));
    assert.ok(!at10k.includes("component/previewPeer/skip-checkpoints"));
    assert.ok(keys(3000).includes("component/previewPeer/skip-checkpoints"));
  });

  it("rotates the order from round to round, so every run takes every position", () => {
    const runs = ["a", "b", "c"];
    assert.deepEqual(
      [0, 1, 2, 3].map((r) => rotated(runs, r).join("")),
      ["abc", "bca", "cab", "abc"],
    );
    assert.deepEqual(rotated([], 2), []);
  });
});

describe("bench: CPU by process role", () => {
  it("names each process of a preview by what it is", () => {
    const peer = "/home/u/.cache/tokenguard-bench/awsguard";
    const cases: [string, string[], string][] = [
      ["pulumi", ["/opt/engine/bin/pulumi", "preview"], "engine"],
      [
        "pulumi-language",
        ["/opt/engine/bin/pulumi-language-nodejs", "localhost:1"],
        "language host",
      ],
      [
        "node",
        ["node", "/x/@pulumi/pulumi/cmd/run-policy-pack", "/repo/policy-packs/tokenguard"],
        "policy pack",
      ],
      ["node", ["node", "/x/@pulumi/pulumi/cmd/run-policy-pack", peer], "peer pack"],
      ["node", ["node", "/x/node_modules/@pulumi/pulumi/cmd/run", "."], "program"],
      ["pulumi-resource", ["/opt/engine/bin/pulumi-resource-random"], "providers"],
      ["node", ["node", "/repo/dist/lib/cli/main.js", "check"], "check CLI"],
      ["node", ["node", "/repo/dist/lib/check/host/main.js"], "program"],
      ["node", ["node", "/tmp/tokenguard-program-host-0123/main.js"], "program"],
      ["bash", ["bash", "-c", "true"], "other"],
    ];
    for (const [comm, argv, role] of cases)
      assert.equal(roleOf(comm, argv, peer), role, argv.join(" "));
  });

  it("reads the command, parent and CPU ticks from /proc/<pid>/stat, spaces in the name included", () => {
    const line = "4242 (node (x) y) S 17 4242 17 0 -1 4194560 1 0 0 0 150 25 0 0 20 0 11 0 99";
    assert.deepEqual(parseStat(line), { comm: "node (x) y", ticks: 175, ppid: 17 });
    assert.equal(parseStat("garbage"), undefined);
  });

  it("names a process again once it execs another command (seen between fork and exec)", async function () {
    this.timeout(20_000);
    // sh first, then exec'd into a busy Node whose command line reads as a Pulumi program.
    const busy = `exec ${process.execPath} -e "while (process.cpuUsage().user < 6e5) {}" /x/@pulumi/pulumi/cmd/run`;
    const child = spawn("sh", ["-c", `sleep 0.3; ${busy}`], { stdio: "ignore" });
    const poller = new CpuTreePoller(child.pid!, undefined, 50);
    await new Promise((r) => child.on("exit", r));
    const cpu = poller.result()!;
    assert.ok((cpu.program ?? 0) >= 0.3, JSON.stringify(cpu));
    assert.equal(cpu.other ?? 0, 0, JSON.stringify(cpu));
  });

  it("counts the CPU of a child's own children (Linux /proc, as the bench machine has)", async function () {
    this.timeout(20_000);
    // A shell that starts a busy grandchild for ~0.6 s of CPU.
    const busy = `${process.execPath} -e "while (process.cpuUsage().user < 6e5) {}"`;
    const child = spawn("sh", ["-c", `${busy}; sleep 0.3`], { stdio: "ignore" });
    const poller = new CpuTreePoller(child.pid!, undefined, 50);
    await new Promise((r) => child.on("exit", r));
    const cpu = poller.result()!;
    assert.ok(cpu.total >= 0.3, `total ${cpu.total}`);
    assert.ok((cpu.other ?? 0) >= 0.3, JSON.stringify(cpu));
  });
});
