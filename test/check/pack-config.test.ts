/** Policy pack config, reconciled and validated as `pulumi preview --policy-pack-config` does. */
import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { PolicyInfo } from "../../lib/check/analyzer-client";
import {
  normalizePackConfig,
  PackConfigError,
  readPackConfigFile,
  reconcilePackConfig,
} from "../../lib/check/pack-config";

const policy = (name: string, over: Partial<PolicyInfo> = {}): PolicyInfo => ({
  name,
  description: `${name} description`,
  level: "advisory",
  severity: "medium",
  type: "resource",
  remediationSteps: "",
  ...over,
});

const POLICIES = [
  policy("strength", {
    level: "mandatory",
    configSchema: {
      properties: {
        minBytes: { type: "integer", minimum: 16, default: 32 },
        words: { type: "array", items: { type: "string" }, default: ["token"] },
      },
      required: [],
    },
  }),
  policy("owner"),
  policy("needs-url", {
    configSchema: { properties: { url: { type: "string" } }, required: ["url"] },
  }),
];

describe("check: policy pack config", () => {
  it("starts from schema defaults and each policy's level, then initial config, then the file", () => {
    const out = reconcilePackConfig(
      POLICIES,
      normalizePackConfig({ owner: "mandatory", "needs-url": { url: "https://a" } }, "initial"),
      normalizePackConfig(
        { all: "advisory", strength: { minBytes: 64 }, owner: { enforcementLevel: "disabled" } },
        "file",
      ),
    );
    assert.deepEqual(out, {
      // "all" set every level first; the policy's own entry then wins.
      strength: { level: "advisory", properties: { minBytes: 64, words: ["token"] } },
      owner: { level: "disabled", properties: {} },
      "needs-url": { level: "advisory", properties: { url: "https://a" } },
    });
  });

  it("validates against each policy's config schema, naming the policy and the property", () => {
    const initial = normalizePackConfig({ "needs-url": { url: "https://a" } }, "initial");
    assert.throws(
      () =>
        reconcilePackConfig(
          POLICIES,
          initial,
          normalizePackConfig({ strength: { minBytes: 8, words: "token" } }, "f"),
          "--config f.json",
        ),
      (e: Error) => {
        assert.ok(e instanceof PackConfigError);
        assert.match(e.message, /^--config f\.json does not match the pack's config schema:/);
        assert.match(e.message, /strength: minBytes: must be >= 16/);
        assert.match(e.message, /strength: words: must be array/);
        return true;
      },
    );
    assert.throws(() => reconcilePackConfig(POLICIES), /needs-url: url: is required/);
    assert.throws(
      () =>
        reconcilePackConfig(POLICIES, initial, normalizePackConfig({ strenght: "mandatory" }, "f")),
      /"strenght" is not a policy of this pack; known policies: strength, owner, needs-url/,
    );
  });

  it("refuses a malformed document, naming the entry", () => {
    assert.throws(() => normalizePackConfig([], "f"), /f: must be a JSON object/);
    assert.throws(
      () => normalizePackConfig({ owner: "strict" }, "f"),
      /f: owner: "strict" is not an enforcement level; use one of advisory, mandatory, remediate, disabled/,
    );
    assert.throws(
      () => normalizePackConfig({ owner: { enforcementLevel: 1 } }, "f"),
      /f: owner\.enforcementLevel: 1 is not an enforcement level/,
    );
    assert.throws(
      () => normalizePackConfig({ owner: 3 }, "f"),
      /f: owner: must be an enforcement level or an object/,
    );
  });

  it("reads a file: empty is no config, bad JSON and a missing file name the file", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tokenguard-packcfg-"));
    try {
      const file = path.join(dir, "c.json");
      writeFileSync(file, "  \n");
      assert.deepEqual(readPackConfigFile(file), {});
      writeFileSync(file, "{ nope");
      assert.throws(() => readPackConfigFile(file), new RegExp(`--config ${file}: not valid JSON`));
      assert.throws(
        () => readPackConfigFile(path.join(dir, "missing.json")),
        /missing\.json: cannot read it \(ENOENT\)/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
