import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { buildInventory, type Inventory, type InventoryEntry } from "../../lib/report/inventory";
import { parseInstant } from "../../lib/rotation/clock";
import { parseStackExport } from "../../lib/scan/state";
import { DEFAULT_POLICY, parsePolicyText } from "../../lib/schema/policy-file";
import { runCli, tempDir } from "../scan/helpers";
import { raw, scopedToken, stackExport, type Resource } from "./exports";

const NOW = "2026-03-05T12:00:00Z";
const ANCHOR = "2026-01-01T00:00:00Z";

/** orders-api: random, 30d/1d/31d from ANCHOR → at NOW generation 2 (03-02), rotates 04-01, expires 04-02. */
const ordersApi = (over: Partial<Parameters<typeof scopedToken>[0]> = {}) =>
  scopedToken({
    name: "orders-api",
    backend: "random",
    scopes: ["orders:read"],
    ttl: "31d",
    rotation: { every: "30d", overlap: "1d", anchor: ANCHOR },
    owner: "team-orders",
    purpose: "storefront reads orders",
    generation: 2,
    rotatesAt: "2026-04-01T00:00:00Z",
    expiresAt: "2026-04-02T00:00:00Z",
    children: [{ n: 2, created: "2026-03-02T00:05:00Z" }],
    ...over,
  });

/** ci-deploy: vault, 7d/1d → at NOW generation 9 (03-05) and 8 (overlap until 03-06). */
const ciDeploy = (over: Partial<Parameters<typeof scopedToken>[0]> = {}) =>
  scopedToken({
    name: "ci-deploy",
    backend: "vault",
    scopes: ["secret/data/ci/*:read,list"],
    ttl: "8d",
    rotation: { every: "7d", overlap: "1d", anchor: ANCHOR },
    owner: "team-platform",
    purpose: "CI deploy pipeline",
    generation: 9,
    rotatesAt: "2026-03-12T00:00:00Z",
    expiresAt: "2026-03-13T00:00:00Z",
    children: [
      { n: 8, created: "2026-02-26T00:02:00Z" },
      { n: 9, created: "2026-03-05T00:01:00Z" },
    ],
    ...over,
  });

function inventory(resources: Resource[], policy = DEFAULT_POLICY, now = NOW): Inventory {
  const exp = parseStackExport(JSON.stringify(stackExport(resources)), "test");
  return buildInventory(exp, { policy, now: parseInstant(now) });
}

const flagsOf = (inv: { tokens: readonly InventoryEntry[] }) =>
  Object.fromEntries(
    inv.tokens.map((t) => [t.name, [...new Set(t.flags.map((f) => f.flag))].sort()]),
  );

describe("report: credential inventory", () => {
  it("lists healthy ScopedTokens with owner, scopes, generation, issue, expiry and next rotation, unflagged", () => {
    const inv = inventory([...ordersApi(), ...ciDeploy()]);
    assert.deepEqual(flagsOf(inv), { "orders-api": [], "ci-deploy": [] });
    const orders = inv.tokens.find((t) => t.name === "orders-api")!;
    assert.deepEqual(
      {
        managed: orders.managed,
        backend: orders.backend,
        owner: orders.owner,
        scopes: orders.scopes,
        generation: orders.generation,
        issued: orders.issued,
        expires: orders.expires,
        nextRotation: orders.nextRotation,
      },
      {
        managed: true,
        backend: "random",
        owner: "team-orders",
        scopes: ["orders:read"],
        generation: 2,
        issued: "2026-03-02T00:05:00Z",
        expires: "2026-04-02T00:00:00Z",
        nextRotation: "2026-04-01T00:00:00Z",
      },
    );
    const ci = inv.tokens.find((t) => t.name === "ci-deploy")!;
    assert.deepEqual(
      ci.generations.map((g) => [g.n, g.expires]),
      [
        [8, "2026-03-06T00:02:00Z"], // created + ttl: issued 2 minutes after its scheduled start
        [9, "2026-03-13T00:01:00Z"],
      ],
    );
    assert.deepEqual(inv.summary, { tokens: 2, flagged: 0, flags: {} });
    assert.equal(inv.project, "orders");
    assert.equal(inv.stack, "prod");
    assert.equal(inv.now, NOW);
  });

  it("flags rotation overdue and an expired generation still in state", () => {
    // State still holds generation 1 (due 01-31 + 30d = 03-02, expired 03-03): up has not run.
    const stale = ordersApi({
      generation: 1,
      rotatesAt: "2026-03-02T00:00:00Z",
      expiresAt: "2026-03-03T00:00:00Z",
      children: [{ n: 1, created: "2026-01-31T00:03:00Z" }],
    });
    const [t] = inventory(stale).tokens;
    assert.deepEqual(flagsOf({ tokens: [t] }), {
      "orders-api": ["expired-but-present", "rotation-overdue"],
    });
    assert.match(
      t.flags.find((f) => f.flag === "rotation-overdue")!.message,
      /generation 1 was due to rotate at 2026-03-02T00:00:00Z; generation 2 is current now/,
    );
    assert.match(
      t.flags.find((f) => f.flag === "expired-but-present")!.message,
      /generation 1 expired at 2026-03-03T00:00:00Z/,
    );
    // The same state judged before the due date is fine.
    assert.deepEqual(flagsOf(inventory(stale, DEFAULT_POLICY, "2026-03-01T00:00:00Z")), {
      "orders-api": [],
    });
  });

  it("flags scopes broader than today's policy file allows (stale permissions after a tightening)", () => {
    const tightened = parsePolicyText(
      'version: 1\ntokens:\n  ci-deploy:\n    allowedScopes: ["secret/data/ci/*:read"]\n',
      "tokenguard.policy.yaml",
    );
    assert.deepEqual(flagsOf(inventory(ciDeploy())), { "ci-deploy": [] });
    const inv = inventory(ciDeploy(), tightened);
    assert.deepEqual(flagsOf(inv), { "ci-deploy": ["scope-beyond-policy"] });
    assert.match(
      inv.tokens[0].flags[0].message,
      /scopes\[0\]: "secret\/data\/ci\/\*:read,list" is outside the scopes allowed for token "ci-deploy" \(tokenguard\.policy\.yaml\)/,
    );
    assert.equal(inv.policy, "tokenguard.policy.yaml");
  });

  it("flags a token in state that holds an escalation the model refuses (deployed before it existed)", () => {
    const minter = ciDeploy({ scopes: ["auth/token/create-orphan:update"] });
    const inv = inventory(minter);
    assert.deepEqual(flagsOf(inv), { "ci-deploy": ["scope-beyond-policy"] });
    assert.match(inv.tokens[0].flags[0].message, /privilege escalation: vault token-create-orphan/);
    const allowed = parsePolicyText(
      [
        "tokens:",
        "  ci-deploy:",
        "    allowEscalation:",
        '      - scope: "auth/token/create-orphan:update"',
        "        reason: the CI system mints orphan tokens for its build agents",
      ].join("\n"),
      "p.yaml",
    );
    assert.deepEqual(flagsOf(inventory(minter, allowed)), { "ci-deploy": [] });
  });

  it("flags a lifetime today's ceilings refuse, and a missing owner unless the policy waives it", () => {
    const lowered = parsePolicyText("version: 1\nbackends:\n  random:\n    maxTtl: 7d\n", "p.yaml");
    const inv = inventory(ordersApi(), lowered);
    assert.deepEqual(flagsOf(inv), { "orders-api": ["policy-violation"] });
    assert.match(
      inv.tokens[0].flags[0].message,
      /ttl 31d exceeds the ceiling of 7d .*\[token-max-ttl\]/,
    );

    const ownerless = ordersApi({ owner: undefined });
    assert.deepEqual(flagsOf(inventory(ownerless)), { "orders-api": ["missing-owner"] });
    const waived = parsePolicyText("version: 1\ndefaults:\n  requireOwner: false\n", "p.yaml");
    assert.deepEqual(flagsOf(inventory(ownerless, waived)), { "orders-api": [] });
  });

  it("lists raw token resources as unmanaged, with what can be known of them; not ScopedToken children", () => {
    const resources = [
      ...ordersApi(),
      raw("vault:index/token:Token", "legacy-ci", {
        inputs: { policies: ["ci"], ttl: "1h", renewable: false, metadata: { owner: "team-ci" } },
        outputs: {},
        created: "2026-03-01T00:00:00Z",
      }),
      raw("aws:iam/accessKey:AccessKey", "deployer-key", {
        inputs: { user: "deployer" },
        outputs: {},
        created: "2025-10-01T00:00:00Z",
      }),
      raw("random:index/randomBytes:RandomBytes", "signing-key", {
        inputs: { length: 16 },
        outputs: {},
        created: "2026-02-01T00:00:00Z",
      }),
      raw("random:index/randomBytes:RandomBytes", "bucket-suffix", {
        inputs: { length: 4 },
        outputs: {},
      }),
      raw("vault:kv/secretV2:SecretV2", "app-config", { inputs: {}, outputs: {} }),
    ];
    const inv = inventory(resources);
    assert.deepEqual(flagsOf(inv), {
      "orders-api": [],
      "legacy-ci": ["expired-but-present", "unmanaged-raw-token"],
      "deployer-key": ["missing-owner", "rotation-overdue", "unmanaged-raw-token"],
      "signing-key": ["missing-owner", "policy-violation", "unmanaged-raw-token"],
    });
    const legacy = inv.tokens.find((t) => t.name === "legacy-ci")!;
    assert.deepEqual(
      [legacy.managed, legacy.backend, legacy.owner, legacy.scopes, legacy.issued, legacy.expires],
      [false, "vault", "team-ci", ["ci"], "2026-03-01T00:00:00Z", "2026-03-01T01:00:00Z"],
    );
    assert.match(
      inv.tokens
        .find((t) => t.name === "signing-key")!
        .flags.map((f) => f.message)
        .join("\n"),
      /random-token-strength/,
    );
    assert.deepEqual(inv.summary.flags["unmanaged-raw-token"], 3);
  });

  it("a root-policy raw vault token and a renewable one without a max are policy violations", () => {
    const inv = inventory([
      raw("vault:index/token:Token", "admin", {
        inputs: { policies: ["root"], metadata: { owner: "ops" } },
        outputs: {},
        created: "2026-03-05T00:00:00Z",
      }),
    ]);
    const messages = inv.tokens[0].flags
      .filter((f) => f.flag === "policy-violation")
      .map((f) => f.message);
    assert.ok(
      messages.some((m) => /vault-no-root-policies/.test(m)),
      messages.join("\n"),
    );
    assert.ok(
      messages.some((m) => /vault-token-must-expire/.test(m)),
      messages.join("\n"),
    );
  });
});

describe("tokenguard report (CLI)", function () {
  this.timeout(30000);
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ({ dir, cleanup } = tempDir("report"));
    writeFileSync(
      path.join(dir, "healthy.json"),
      JSON.stringify(stackExport([...ordersApi(), ...ciDeploy()])),
    );
    writeFileSync(
      path.join(dir, "mixed.json"),
      JSON.stringify(
        stackExport([
          ...ciDeploy(),
          raw("vault:index/token:Token", "legacy", { inputs: { policies: ["ci"] }, outputs: {} }),
        ]),
      ),
    );
    writeFileSync(
      path.join(dir, "tight.yaml"),
      'version: 1\ntokens:\n  ci-deploy:\n    allowedScopes: ["secret/data/ci/*:read"]\n',
    );
  });
  after(() => cleanup());

  it("json when not on a terminal; exit 0 when nothing is flagged", async () => {
    const run = await runCli(["report", "--stack-export", "healthy.json", "--now", NOW], dir);
    assert.equal(run.code, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.deepEqual(
      doc.tokens.map((t: { name: string }) => t.name),
      ["orders-api", "ci-deploy"],
    );
    assert.equal(doc.policy, "built-in defaults");
  });

  it("exit 1 with flags; --policy decides; the table spells each flag out", async () => {
    const run = await runCli(
      [
        "report",
        "--stack-export",
        "mixed.json",
        "--now",
        NOW,
        "--policy",
        "tight.yaml",
        "--format",
        "table",
      ],
      dir,
    );
    assert.equal(run.code, 1, run.stderr);
    const lines = run.stdout.split("\n");
    assert.match(lines[0], /^stack orders\/prod at 2026-03-05T12:00:00Z, policy: tight\.yaml$/);
    assert.match(lines[1], /^TOKEN +BACKEND +OWNER +GEN +ISSUED +EXPIRES +NEXT ROTATION +FLAGS$/);
    assert.match(
      lines[2],
      /^ci-deploy +vault +team-platform +9 +2026-03-05 00:01 +2026-03-13 00:00 +2026-03-12 00:00 +scope-beyond-policy$/,
    );
    assert.match(
      lines[3],
      /^legacy \(raw\) +vault +- +- +- +- +- +unmanaged-raw-token,missing-owner,policy-violation$/,
    );
    assert.match(run.stdout, /ci-deploy scope-beyond-policy: scopes\[0\]/);
    assert.match(run.stdout, /2 tokens, 2 flagged$/m);
  });

  it("uses ./tokenguard.policy.yaml when present", async () => {
    const own = tempDir("report-policy");
    try {
      writeFileSync(
        path.join(own.dir, "tokenguard.policy.yaml"),
        'version: 1\ntokens:\n  ci-deploy:\n    allowedScopes: ["secret/data/ci/*:read"]\n',
      );
      writeFileSync(path.join(own.dir, "s.json"), JSON.stringify(stackExport(ciDeploy())));
      const run = await runCli(["report", "--stack-export", "s.json", "--now", NOW], own.dir);
      assert.equal(run.code, 1);
      assert.equal(JSON.parse(run.stdout).policy, "tokenguard.policy.yaml");
    } finally {
      own.cleanup();
    }
  });

  it("exit 2 with a clear reason for bad input", async () => {
    writeFileSync(path.join(dir, "bad-policy.yaml"), "version: 2\n");
    const saved = process.env.PATH;
    const cases: [string[], RegExp][] = [
      [
        ["report", "--stack-export", "healthy.json", "--now", "yesterday"],
        /--now: "yesterday" is not an RFC 3339 timestamp/,
      ],
      [
        ["report", "--stack-export", "healthy.json", "--policy", "bad-policy.yaml"],
        /bad-policy\.yaml is not a valid tokenguard policy file:\n {2}version: version must be 1/,
      ],
      [["report", "--stack-export", "nope.json"], /nope\.json: cannot be read \(ENOENT\)/],
      [
        ["report", "--stack-export", "healthy.json", "--format", "csv"],
        /--format must be table or json/,
      ],
      [["report"], /the pulumi CLI is not on PATH: pass --stack-export FILE/],
    ];
    try {
      process.env.PATH = dir; // no pulumi here
      for (const [args, message] of cases) {
        const run = await runCli(args, dir);
        assert.equal(run.code, 2, args.join(" "));
        assert.match(run.stderr, message);
      }
    } finally {
      process.env.PATH = saved;
    }
  });
});
