/**
 * The random stand-in (pulumi-resource-random) under the real engine: `pulumi preview/up/destroy`
 * on a local backend, programs using @pulumi/random 4.21.2. Also the dynamic-provider launcher.
 * Runs the rig's binaries (rig/build.sh, run by the harness), whatever PATH holds.
 */
import * as assert from "node:assert/strict";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  engineBin,
  fingerprint,
  newStack,
  tempProgram,
  type Stack,
  type StackState,
  type TempProgram,
} from "../../test/e2e/harness";
import { bcryptVerify } from "./bcrypt";

/** These tests are about the stand-ins: they always run the rig's binaries, never PATH's. */
const rig = () => engineBin(["pulumi", "nodejs", "stand-ins"]);

/** Asserts without ever putting the (secret) value in the message. */
function holds(cond: boolean, what: string, secret?: string): void {
  assert.ok(cond, secret === undefined ? what : `${what} (value ${fingerprint(secret)})`);
}

function resources(state: StackState) {
  return state.deployment.resources ?? [];
}

function byName(state: StackState, name: string) {
  const r = resources(state).find((x) => x.urn.endsWith(`::${name}`));
  assert.ok(r, `no resource ${name} in the state`);
  return r;
}

function isCiphertext(v: unknown): boolean {
  const o = v as Record<string, unknown> | undefined;
  return (
    typeof o === "object" &&
    o !== null &&
    o["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270" &&
    typeof o.ciphertext === "string" &&
    !("plaintext" in o)
  );
}

/** `pulumi preview --json`: the operation planned for each resource, by name. */
async function plannedOps(stack: Stack): Promise<Record<string, string>> {
  const r = await stack.pulumi(["preview", "--json"]);
  const steps = (JSON.parse(r.stdout) as { steps?: { op: string; urn: string }[] }).steps ?? [];
  const ops: Record<string, string> = {};
  for (const s of steps) ops[s.urn.split("::").pop() as string] = s.op;
  return ops;
}

const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const random = require("@pulumi/random");
const cfg = new pulumi.Config();
const str = new random.RandomString("string", {
  length: cfg.getNumber("stringLength") ?? 16, special: false, upper: false,
});
const bytes = new random.RandomBytes("bytes", {
  length: cfg.getNumber("bytes") ?? 32,
  // a keeper fed by another resource: unknown at preview whenever that one is replaced
  keepers: { generation: cfg.get("generation") ?? "0", peer: str.result },
});
const password = new random.RandomPassword("password", {
  length: 24, special: true, overrideSpecial: "-_", minUpper: 3, minNumeric: 3, minSpecial: 2,
});
const id = new random.RandomId("id", { byteLength: 8, prefix: "tg-" });
exports.hex = bytes.hex;
exports.base64 = bytes.base64;
exports.bytesId = bytes.id;
exports.password = password.result;
exports.bcryptHash = password.bcryptHash;
exports.string = str.result;
exports.stringId = str.id;
exports.passwordId = password.id;
exports.idHex = id.hex;
exports.idB64Url = id.b64Url;
exports.idDec = id.dec;
exports.idId = id.id;
`;

describe("random stand-in provider (real engine)", function () {
  this.timeout(300_000);
  let prog: TempProgram;
  let stack: Stack;

  before(async () => {
    prog = await tempProgram({ "index.js": PROGRAM }, { name: "random-shapes" });
    stack = await newStack(prog.dir, { bin: rig() });
  });

  after(async () => {
    if (stack) {
      await stack.destroy().catch(() => undefined);
      await stack.cleanup();
    }
    if (prog) await prog.remove();
  });

  it("preview plans creates whose computed outputs are unknown until up", async () => {
    const r = await stack.pulumi(["preview", "--json"]);
    const steps = (
      JSON.parse(r.stdout) as {
        steps: { op: string; urn: string; newState?: { outputs?: Record<string, unknown> } }[];
      }
    ).steps;
    const bytes = steps.find((s) => s.urn.endsWith("::bytes"));
    assert.equal(bytes?.op, "create");
    assert.equal(bytes?.newState?.outputs?.hex, undefined, "hex must not be known at preview");
  });

  it("up creates values of the real providers' shapes", async () => {
    await stack.up();
    const o = await stack.outputs({ showSecrets: true });
    const hex = String(o.hex);
    const b64 = String(o.base64);
    holds(
      /^[0-9a-f]{64}$/.test(hex),
      "RandomBytes.hex is 64 lower-case hex digits (32 bytes)",
      hex,
    );
    holds(
      Buffer.from(b64, "base64").toString("hex") === hex,
      "RandomBytes.base64 is the same bytes",
      b64,
    );
    holds(
      o.bytesId === b64,
      "RandomBytes id is its base64 (pulumi-random computeRandomBytesID)",
      b64,
    );

    const pw = String(o.password);
    holds(
      pw.length === 24 && /^[A-Za-z0-9_-]+$/.test(pw),
      "password: 24 chars of A-Z a-z 0-9 - _",
      pw,
    );
    holds((pw.match(/[A-Z]/g) ?? []).length >= 3, "password: minUpper 3", pw);
    holds((pw.match(/[0-9]/g) ?? []).length >= 3, "password: minNumeric 3", pw);
    holds((pw.match(/[-_]/g) ?? []).length >= 2, "password: minSpecial 2 from overrideSpecial", pw);
    holds(bcryptVerify(pw, String(o.bcryptHash)), "bcryptHash is a bcrypt of the password", pw);
    assert.match(String(o.bcryptHash), /^\$2a\$10\$/, "cost 10, $2a$ (Go's DefaultCost)");
    assert.equal(o.passwordId, "none");

    assert.match(String(o.string), /^[a-z0-9]{16}$/, "RandomString: lower + numeric only");
    assert.equal(o.stringId, o.string, "RandomString id is its result");

    const b64url = String(o.idB64Url).replace(/^tg-/, "");
    const raw = Buffer.from(b64url, "base64url");
    assert.equal(raw.length, 8);
    assert.equal(o.idHex, `tg-${raw.toString("hex")}`);
    assert.equal(o.idDec, `tg-${BigInt(`0x${raw.toString("hex")}`).toString(10)}`);
    assert.equal(o.idId, b64url, "RandomId id is b64Url without the prefix");
  });

  it("keeps base64/hex/result/bcryptHash only as ciphertext in the state", async () => {
    const plain = await stack.outputs({ showSecrets: true });
    const state = await stack.exportState();
    const text = JSON.stringify(state);
    const bytes = byName(state, "bytes");
    holds(
      isCiphertext(bytes.outputs?.base64) && isCiphertext(bytes.outputs?.hex),
      "RandomBytes base64/hex are secrets",
    );
    const pw = byName(state, "password");
    holds(
      isCiphertext(pw.outputs?.result) && isCiphertext(pw.outputs?.bcryptHash),
      "RandomPassword result/bcryptHash are secrets",
    );
    assert.equal(
      typeof byName(state, "string").outputs?.result,
      "string",
      "RandomString result is not secret (as the real schema)",
    );
    for (const k of ["hex", "password", "bcryptHash"]) {
      holds(
        !text.includes(String(plain[k])),
        `${k} appears only as ciphertext in the export`,
        String(plain[k]),
      );
    }
    // Faithful to pulumi-random: the RandomBytes id is its base64 value, in plain text.
    const b64 = String(plain.base64);
    holds(bytes.id === b64, "the RandomBytes id holds the base64 value in plain text", b64);
  });

  it("changes nothing on refresh or a second up; a new length or keeper replaces", async () => {
    const before = await stack.outputs({ showSecrets: true });
    await stack.refresh("--expect-no-changes"); // Read keeps the values: they live in the state
    await stack.pulumi(["preview", "--expect-no-changes"]);

    await stack.setConfig("bytes", "48");
    const ops = await plannedOps(stack);
    assert.equal(ops.bytes, "replace", "length forces a replacement");
    assert.ok(!["replace", "update"].includes(ops.password ?? "same"), "the password stays");
    await stack.up();
    const afterLength = await stack.outputs({ showSecrets: true });
    holds(/^[0-9a-f]{96}$/.test(String(afterLength.hex)), "48 new bytes", String(afterLength.hex));
    holds(afterLength.password === before.password, "the password was not touched");

    await stack.setConfig("generation", "1");
    assert.equal(
      (await plannedOps(stack)).bytes,
      "replace",
      "a keeper change forces a replacement",
    );
    await stack.up();
    const afterKeeper = await stack.outputs({ showSecrets: true });
    holds(
      afterKeeper.hex !== afterLength.hex,
      "new bytes after the keeper change",
      String(afterKeeper.hex),
    );

    // The peer string is replaced, so the bytes' keeper is unknown at preview: a replacement.
    await stack.setConfig("stringLength", "20");
    const peerOps = await plannedOps(stack);
    assert.equal(peerOps.string, "replace");
    assert.equal(peerOps.bytes, "replace", "an unknown keeper plans a replacement");
    await stack.up();
    const afterPeer = await stack.outputs({ showSecrets: true });
    assert.match(String(afterPeer.string), /^[a-z0-9]{20}$/);
    holds(
      afterPeer.hex !== afterKeeper.hex,
      "new bytes after the peer changed",
      String(afterPeer.hex),
    );
  });

  it("destroy removes every resource", async () => {
    await stack.destroy();
    const custom = resources(await stack.exportState()).filter((r) => r.type.startsWith("random:"));
    assert.deepEqual(custom, []);
  });
});

describe("random stand-in: secrets and validation without the SDK's help", function () {
  this.timeout(300_000);

  it("marks schema-secret outputs itself and keeps secret inputs secret", async () => {
    // Plain CustomResources: no additionalSecretOutputs from the SDK, so only the provider marks.
    const prog = await tempProgram({
      "index.js": `
const pulumi = require("@pulumi/pulumi");
new pulumi.CustomResource("random:index/randomBytes:RandomBytes", "raw-bytes", {
  length: 16, keepers: pulumi.secret({ k: "v" }), base64: undefined, hex: undefined,
});
new pulumi.CustomResource("random:index/randomString:RandomString", "raw-string", {
  length: 8, result: undefined,
});
`,
    });
    const stack = await newStack(prog.dir, { bin: rig() });
    try {
      await stack.up();
      const state = await stack.exportState();
      const bytes = byName(state, "raw-bytes");
      assert.ok(isCiphertext(bytes.outputs?.base64), "base64 secret by the provider");
      assert.ok(isCiphertext(bytes.outputs?.hex), "hex secret by the provider");
      assert.ok(isCiphertext(bytes.outputs?.keepers), "a secret input stays secret in the outputs");
      assert.equal(typeof byName(state, "raw-string").outputs?.result, "string");
      await stack.destroy();
    } finally {
      await stack.cleanup();
      await prog.remove();
    }
  });

  it("rejects invalid arguments at preview, like the real validators", async () => {
    const prog = await tempProgram({
      "index.js": `
const pulumi = require("@pulumi/pulumi");
const random = require("@pulumi/random");
if (new pulumi.Config().require("case") === "bytes") new random.RandomBytes("zero", { length: 0 });
else new random.RandomPassword("short", { length: 2, minUpper: 2, minNumeric: 2 });
`,
    });
    const stack = await newStack(prog.dir, { bin: rig() });
    try {
      const expected: Record<string, RegExp> = {
        bytes: /Attribute length value must be at least 1, got: 0/,
        password:
          /must be at least sum of min_upper \+ min_lower \+ min_numeric \+ min_special, got: 2/,
      };
      for (const [which, message] of Object.entries(expected)) {
        await stack.setConfig("case", which);
        const r = await stack.pulumi(["preview"], { allowFail: true });
        assert.notEqual(r.code, 0, `${which}: preview must fail`);
        assert.match(r.stdout + r.stderr, message);
      }
    } finally {
      await stack.cleanup();
      await prog.remove();
    }
  });
});

describe("pulumi-resource-pulumi-nodejs launcher", function () {
  this.timeout(300_000);

  it("runs a dynamic provider for a program in a subfolder without its own node_modules", async () => {
    const prog = await tempProgram(
      {
        "index.js": `
const pulumi = require("@pulumi/pulumi");
const provider = {
  async create(inputs) { return { id: "d-" + inputs.n, outs: { doubled: inputs.n * 2 } }; },
};
class Doubler extends pulumi.dynamic.Resource {
  constructor(name, n) { super(provider, name, { n, doubled: undefined }, {}); }
}
exports.doubled = new Doubler("d", 21).doubled;
`,
      },
      { name: "nested/dynamic" },
    );
    const stack = await newStack(prog.dir, { bin: rig() });
    try {
      // The program's folder and its parent have no node_modules: the repository root has.
      assert.ok(!fs.existsSync(path.join(prog.dir, "node_modules")));
      assert.ok(!fs.existsSync(path.join(path.dirname(prog.dir), "node_modules")));
      await stack.up();
      assert.equal((await stack.outputs()).doubled, 42);
      await stack.destroy();
    } finally {
      await stack.cleanup();
      await prog.remove();
    }
  });
});

describe("stand-in plugin start-up", function () {
  this.timeout(60_000);

  for (const name of ["random", "vault"]) {
    it(`pulumi-resource-${name} prints its port quickly`, async () => {
      const exe = path.join(rig(), `pulumi-resource-${name}`);
      const started = Date.now();
      const child = spawn(exe, ["127.0.0.1:1"], {
        cwd: path.resolve(__dirname, "../.."),
        stdio: ["ignore", "pipe", "pipe"],
      });
      const port = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d) => {
          out += d;
          if (out.includes("\n")) resolve(out.trim());
        });
        child.on("exit", (code) => reject(new Error(`exited ${code} before printing a port`)));
      });
      const ms = Date.now() - started;
      child.kill("SIGKILL");
      assert.match(port, /^\d+$/);
      console.log(`      pulumi-resource-${name}: port after ${ms} ms`);
      assert.ok(ms < 5000, `start-up took ${ms} ms`);
    });
  }
});
