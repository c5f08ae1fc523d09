/**
 * The provider as the engine runs it: serialized by Pulumi's closure serializer (what lands in
 * the state as `__provider`), then loaded in a fresh plain-node process with require-from-string
 * in the project's directory, as the dynamic-provider host does — also on `pulumi destroy`.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { verifyLedgerText } from "../../lib/audit/chain";
import { ledgerProvider } from "../../lib/audit/provider";
import { entryInputs, tempDir, tokenValue } from "./fixtures";

const REPO = path.resolve(__dirname, "../..");

const HOST = `
const fs = require("fs");
const requireFromString = require(process.env.TG_RFS);
const provider = requireFromString(fs.readFileSync(process.env.TG_PROVIDER, "utf8")).handler();
(async () => {
  const [g1, g2] = JSON.parse(process.env.TG_INPUTS);
  const a = await provider.create(g1);
  const b = await provider.create(g2);
  await provider.delete(a.id, a.outs);
  await provider.delete(b.id, b.outs);
  let failure = "create did not fail";
  try {
    await provider.create(JSON.parse(process.env.TG_BLOCKED));
  } catch (e) {
    failure = e.message; // what the engine shows the user
  }
  process.stdout.write(JSON.stringify([a.outs.event, b.outs.event, failure]));
})().catch((e) => { process.stderr.write(String(e && e.message)); process.exit(1); });
`;

describe("audit/provider, serialized as the engine stores and runs it", () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it("records the same lifecycle from a fresh process, relative to the project, and reports failures", async function () {
    this.timeout(60_000);
    const serialized = await pulumi.runtime.serializeFunction(() => ledgerProvider, {
      allowSecrets: true,
    });
    assert.equal(serialized.containsSecrets, false);
    const providerFile = path.join(t.dir, "provider.js");
    writeFileSync(path.join(t.dir, "blocked"), "a file where the ledger's directory should be");
    writeFileSync(providerFile, serialized.text);
    const sink = { kind: "file" as const, path: "ledger/tokens.jsonl" };
    const rfs = require.resolve("require-from-string", {
      paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))],
    });
    const run = spawnSync(process.execPath, ["-e", HOST], {
      cwd: t.dir,
      encoding: "utf8",
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_PATH: path.join(REPO, "node_modules"), // the project's node_modules
        TG_RFS: rfs,
        TG_PROVIDER: providerFile,
        TG_INPUTS: JSON.stringify([entryInputs(sink, 1), entryInputs(sink, 2)]),
        TG_BLOCKED: JSON.stringify(entryInputs({ kind: "file", path: "blocked/l.jsonl" }, 3)),
      },
    });
    assert.equal(run.status, 0, run.stderr);
    const [first, second, failure] = JSON.parse(run.stdout);
    assert.deepEqual([first, second], ["issued", "rotated-in"]);
    assert.match(
      failure,
      /could not record the issue of token "orders-api" generation 3 in .*blocked\/l\.jsonl: cannot create the ledger's directory/,
      "a failed step reports its reason (not `undefined`)",
    );
    const v = verifyLedgerText(readFileSync(path.join(t.dir, "ledger", "tokens.jsonl"), "utf8"));
    assert.equal(v.intact, true);
    assert.deepEqual(
      v.records.map((r) => `${r.event} g${r.generation}`),
      ["issued g1", "rotated-in g2", "retired g1", "revoked g2"],
    );
    // What the state holds is code, never a credential.
    assert.ok(!serialized.text.includes(tokenValue("g1")));
  });
});
