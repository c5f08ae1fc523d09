import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { scanStackExport } from "../../lib/scan/stack-scan";
import { parseStackExport, StackExportError } from "../../lib/scan/state";
import {
  raw,
  scopedToken,
  secret,
  shownSecret,
  stackExport,
  type Resource,
} from "../report/exports";
import { credentialMakers, rng } from "./corpus";
import { revealing, runCli, tempDir } from "./helpers";

const m = credentialMakers(rng(41));

const healthy = (): Resource[] => [
  ...scopedToken({
    name: "orders-api",
    backend: "random",
    scopes: ["orders:read"],
    ttl: "31d",
    rotation: { every: "30d", overlap: "1d", anchor: "2026-01-01T00:00:00Z" },
    owner: "team-orders",
    purpose: "storefront reads orders",
    generation: 2,
    rotatesAt: "2026-04-01T00:00:00Z",
    expiresAt: "2026-04-02T00:00:00Z",
    children: [{ n: 2, created: "2026-03-02T00:05:00Z" }],
  }),
  ...scopedToken({
    name: "ci-deploy",
    backend: "vault",
    scopes: ["secret/data/ci/*:read"],
    ttl: "8d",
    rotation: { every: "7d", overlap: "1d", anchor: "2026-01-01T00:00:00Z" },
    owner: "team-platform",
    generation: 9,
    rotatesAt: "2026-03-11T00:00:00Z",
    expiresAt: "2026-03-12T00:00:00Z",
    children: [{ n: 9, created: "2026-03-04T00:01:00Z" }],
  }),
];

async function scan(doc: unknown) {
  const text = JSON.stringify(doc, null, 4);
  return scanStackExport(parseStackExport(text, "prod.json"), { file: "prod.json", text });
}

describe("scan --stack-export: plaintext credentials in state", () => {
  it("finds nothing when every credential is a secret (ciphertext or --show-secrets plaintext)", async () => {
    assert.deepEqual(await scan(stackExport(healthy(), { ordersToken: secret("x") })), []);
    const shown = stackExport(healthy(), { ordersToken: shownSecret(m.tokenguard()) });
    assert.deepEqual(await scan(shown), []);
  });

  it("reports URN and property path for each planted plaintext credential, never the value", async () => {
    const value = m.tokenguard();
    const previous = m.tokenguard();
    const vaultToken = m.vaultService();
    const providerToken = m.vaultService();
    const hex = m.hex64();
    const apiKey = m.generic();
    const stackOutput = m.tokenguard();
    const broken = scopedToken({
      name: "billing",
      backend: "random",
      scopes: ["billing:read"],
      ttl: "31d",
      rotation: { every: "30d", overlap: "1d" },
      owner: "team-billing",
      generation: 1,
      rotatesAt: "2026-04-01T00:00:00Z",
      expiresAt: "2026-04-02T00:00:00Z",
      children: [{ n: 1, created: "2026-03-01T00:00:00Z" }],
      plaintext: {
        value,
        previous: { value: previous, tokenId: "tg_0123456789abcdef", generation: 0 },
      },
    });
    const rawVault = raw("vault:index/token:Token", "legacy-ci", {
      inputs: { policies: ["ci"], ttl: "1h" },
      outputs: { clientToken: vaultToken, policies: ["ci"] },
    });
    const provider = raw("pulumi:providers:vault", "vault-admin", {
      inputs: { address: "https://vault.internal:8200", token: providerToken },
      outputs: {},
    });
    const bytes = raw("random:index/randomBytes:RandomBytes", "signing-key", {
      inputs: { length: 32 },
      outputs: { length: 32, hex, base64: secret("b") },
    });
    const app = raw("aws:lambda/function:Function", "orders-fn", {
      inputs: { environment: { variables: { PARTNER_API_KEY: apiKey, LOG_LEVEL: "info" } } },
      outputs: {},
    });
    const doc = stackExport([...healthy(), ...broken, rawVault, provider, bytes, app], {
      billingToken: stackOutput,
      billingTokenId: "tg_0123456789abcdef",
    });
    const findings = await scan(doc);
    const got = findings.map((f) => [f.urn?.split("::").pop(), f.property, f.rule]);
    assert.deepEqual(
      got.sort(),
      [
        ["billing", "outputs.previous.value", "pulumi-state-plaintext-secret"],
        ["billing", "outputs.value", "pulumi-state-plaintext-secret"],
        ["legacy-ci", "outputs.clientToken", "pulumi-state-plaintext-secret"],
        ["orders-fn", "inputs.environment.variables.PARTNER_API_KEY", "generic-secret"],
        ["orders-prod", "outputs.billingToken", "tokenguard-token"],
        ["signing-key", "outputs.hex", "pulumi-state-plaintext-secret"],
        ["vault-admin", "inputs.token", "vault-token"],
      ].sort(),
    );
    for (const f of findings) {
      assert.equal(f.file, "prod.json");
      assert.ok(f.line > 0, `${f.property} has no line`);
      assert.match(f.fingerprint, /^[0-9a-f]{32}$/);
    }
    const text = JSON.stringify(findings);
    for (const v of [value, previous, vaultToken, providerToken, hex, apiKey, stackOutput]) {
      assert.ok(!text.includes(v));
    }
  });

  it("flags a RandomBytes whose resource id is its value (the provider's id is the base64)", async () => {
    const value = randomBytes(32).toString("base64");
    const token = raw("random:index/randomBytes:RandomBytes", "api-token", {
      inputs: { length: 32 },
      outputs: { length: 32, hex: secret("h"), base64: secret("b") },
    });
    token.id = value;
    const findings = await scan(stackExport([...healthy(), token]));
    assert.deepEqual(
      findings.map((f) => [f.urn?.split("::").pop(), f.property, f.rule]),
      [["api-token", "id", "pulumi-state-plaintext-secret"]],
    );
    assert.ok(findings[0].line > 0);
    assert.ok(!JSON.stringify(findings).includes(value));
  });

  it("scans resources of pending operations too (a create interrupted mid-flight)", async () => {
    const token = m.vaultService();
    const doc = stackExport(healthy()) as { deployment: Record<string, unknown> };
    doc.deployment.pending_operations = [
      {
        type: "creating",
        resource: raw("vault:index/token:Token", "half-made", { outputs: { clientToken: token } }),
      },
    ];
    const findings = await scan(doc);
    assert.deepEqual(
      findings.map((f) => [f.urn?.split("::").pop(), f.property]),
      [["half-made", "outputs.clientToken"]],
    );
  });

  it("points at the line holding the value in the export text", async () => {
    const token = m.vaultService();
    const doc = stackExport([
      raw("vault:index/token:Token", "t", { outputs: { clientToken: token } }),
    ]);
    const text = JSON.stringify(doc, null, 4);
    const [finding] = await scanStackExport(parseStackExport(text, "x.json"), {
      file: "x.json",
      text,
    });
    assert.ok(text.split("\n")[finding.line - 1].includes(token));
  });

  it("refuses what is not an export, naming the field", () => {
    assert.throws(
      () => parseStackExport("{", "x.json"),
      (e: Error) =>
        e instanceof StackExportError &&
        /x\.json is not a pulumi stack export:\n {2}JSON does not parse/.test(e.message),
    );
    assert.throws(() => parseStackExport("{}", "x.json"), /version must be a number/);
    // JSON errors quote the text near the fault; ours must not (it may be a credential).
    const token = m.tokenguard();
    assert.throws(
      () => parseStackExport(`{"outputs": ${token}}`, "x.json"),
      (e: Error) =>
        /JSON does not parse( at character \d+)?$/.test(e.message) &&
        !e.message.includes(token.slice(0, 6)),
    );
    assert.throws(
      () =>
        parseStackExport(
          JSON.stringify({ version: 3, deployment: { resources: [{ urn: "x", type: "t" }] } }),
          "x.json",
        ),
      /deployment\.resources\[0\]\.urn: urn must start with "urn:pulumi:"/,
    );
    assert.deepEqual(
      parseStackExport(JSON.stringify({ version: 3, deployment: {} }), "x").resources,
      [],
    );
  });

  it("CLI: json findings carry urn and property; text and sarif hold no secret", async function () {
    this.timeout(30000);
    const token = m.vaultService();
    const doc = stackExport([
      raw("vault:index/token:Token", "t", { outputs: { clientToken: token } }),
    ]);
    const { dir, cleanup } = tempDir("stack-cli");
    try {
      writeFileSync(path.join(dir, "prod.json"), JSON.stringify(doc, null, 2));
      const run = await runCli(["scan", "--stack-export", "prod.json", "--format", "json"], dir);
      assert.equal(run.code, 1, run.stderr);
      const [f] = JSON.parse(run.stdout).findings;
      assert.deepEqual(
        [f.rule, f.file, f.property],
        ["pulumi-state-plaintext-secret", "prod.json", "outputs.clientToken"],
      );
      assert.match(f.urn, /vault:index\/token:Token::t$/);
      for (const format of ["text", "sarif", "json"]) {
        const out = await runCli(["scan", "--stack-export", "prod.json", "--format", format], dir);
        for (const piece of revealing(token))
          assert.ok(!out.stdout.includes(piece) && !out.stderr.includes(piece));
      }
    } finally {
      cleanup();
    }
  });
});
