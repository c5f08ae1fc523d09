/**
 * Against exports written by the real engine (pulumi v3.274.1 built by rig/build.sh, local
 * file backend, passphrase secrets): a stack whose program registers a
 * `tokenguard:index:ScopedToken` component with the component's non-secret summary as inputs, a
 * secret `value` output, and stack outputs `ordersToken` (secret) and `plainOutput` (plain).
 * Captured once with `pulumi stack export` and `--show-secrets` (the secret is a placeholder);
 * plaintext credentials are planted into copies at test time.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { buildInventory } from "../../lib/report/inventory";
import { parseInstant } from "../../lib/rotation/clock";
import { scanStackExport } from "../../lib/scan/stack-scan";
import { parseStackExport } from "../../lib/scan/state";
import { DEFAULT_POLICY } from "../../lib/schema/policy-file";
import { credentialMakers, rng } from "./corpus";

const fixture = (name: string) => readFileSync(path.join(__dirname, "fixtures", name), "utf8");

async function scan(text: string) {
  return scanStackExport(parseStackExport(text, "engine.json"), { file: "engine.json", text });
}

describe("scan and report on real engine exports", () => {
  it("the engine's export is clean: secrets are ciphertext, or wrapped plaintext with --show-secrets", async () => {
    assert.deepEqual(await scan(fixture("engine-export.json")), []);
    assert.deepEqual(await scan(fixture("engine-export-shown.json")), []);
  });

  it("finds plaintext planted where the engine put secrets, by URN and property path", async () => {
    const m = credentialMakers(rng(61));
    const token = m.tokenguard();
    const doc = JSON.parse(fixture("engine-export.json"));
    const [stack, component] = doc.deployment.resources;
    stack.outputs.ordersToken = token; // an unsecret()ed stack output
    component.outputs.value = token; // a component that forgot pulumi.secret
    const text = JSON.stringify(doc, null, 4); // the engine's own indentation
    const findings = await scan(text);
    assert.deepEqual(
      findings.map((f) => [f.urn, f.property, f.rule]),
      [
        [
          "urn:pulumi:dev::tgx::pulumi:pulumi:Stack::tgx-dev",
          "outputs.ordersToken",
          "tokenguard-token",
        ],
        [
          "urn:pulumi:dev::tgx::tokenguard:index:ScopedToken::orders-api",
          "outputs.value",
          "pulumi-state-plaintext-secret",
        ],
      ],
    );
    const lines = text.split("\n");
    for (const f of findings) assert.ok(lines[f.line - 1].includes(token), `line ${f.line}`);
    assert.equal(findings[0].fingerprint.length, 32);
    assert.ok(!JSON.stringify(findings).includes(token));
  });

  it("reports the ScopedToken from the engine's export with its recorded schedule", () => {
    const exp = parseStackExport(fixture("engine-export.json"), "engine.json");
    const inv = buildInventory(exp, {
      policy: DEFAULT_POLICY,
      now: parseInstant("2026-03-05T12:00:00Z"),
    });
    assert.deepEqual(
      inv.tokens.map((t) => [
        t.name,
        t.managed,
        t.backend,
        t.owner,
        t.generation,
        t.nextRotation,
        t.expires,
        t.flags,
      ]),
      [
        [
          "orders-api",
          true,
          "random",
          "team-orders",
          2,
          "2026-04-01T00:00:00Z",
          "2026-04-02T00:00:00Z",
          [],
        ],
      ],
    );
    assert.deepEqual([inv.project, inv.stack], ["tgx", "dev"]);
    const later = buildInventory(exp, {
      policy: DEFAULT_POLICY,
      now: parseInstant("2026-04-03T00:00:00Z"),
    });
    assert.deepEqual(
      later.tokens[0].flags.map((f) => f.flag),
      ["expired-but-present", "rotation-overdue"],
    );
  });
});
