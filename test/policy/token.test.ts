import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import type { TokenRule } from "../../lib/rules/catalog";
import { SCOPED_TOKEN_TYPE } from "../../lib/rules/ownership";
import { tokenPolicies } from "../../lib/policy/token";
import { runResource, UNKNOWN, type Outcome } from "./harness";
import { goodSummary } from "../helpers/fixtures";

const summary = goodSummary;

const policy = (name: TokenRule) => {
  const p = tokenPolicies.find((x) => x.name === name);
  assert.ok(p, name);
  return p;
};

function judge(
  name: TokenRule,
  props: Record<string, unknown>,
  config: object = {},
): Promise<Outcome> {
  return runResource(
    policy(name),
    { type: SCOPED_TOKEN_TYPE, name: String(props.name ?? "ci"), props },
    config,
  );
}

describe("policy pack: token-* rules on a ScopedToken summary", () => {
  it("serves one policy per token rule, with its level, severity and policy-file config", () => {
    // Written out, not read from the catalog the pack is built from: a rule dropped, renamed or
    // demoted there must fail here.
    assert.deepEqual(
      tokenPolicies.map((p) => [p.name, p.enforcementLevel, p.severity]),
      [
        ["token-expiry-required", "mandatory", "critical"],
        ["token-max-ttl", "mandatory", "high"],
        ["token-rotation-required", "mandatory", "high"],
        ["token-least-privilege", "mandatory", "critical"],
        ["token-arguments-valid", "mandatory", "high"],
        ["token-ownership", "advisory", "low"],
        ["token-alert-timing", "mandatory", "medium"],
        ["token-verified", "advisory", "low"],
      ],
    );
    for (const p of tokenPolicies) {
      assert.ok(p.description && p.remediationSteps, p.name);
      assert.deepEqual(Object.keys(p.configSchema?.properties ?? {}).sort(), [
        "policy",
        "policyFile",
      ]);
    }
  });

  it("passes the good summary on every rule", async () => {
    for (const p of tokenPolicies) {
      assert.deepEqual(
        await runResource(p, { type: SCOPED_TOKEN_TYPE, name: "ci", props: summary() }),
        {
          violations: [],
        },
      );
    }
  });

  it("does not apply to other resource types", async () => {
    const out = await runResource(policy("token-max-ttl"), {
      type: "vault:index/token:Token",
      name: "t",
      props: { ttl: "9999h" },
    });
    assert.ok(out.notApplicable);
    assert.deepEqual(out.violations, []);
  });

  describe("token-expiry-required", () => {
    it("flags a missing ttl", async () => {
      const out = await judge("token-expiry-required", summary({ ttl: undefined }));
      assert.equal(out.violations.length, 1);
      assert.match(
        out.violations[0],
        /ttl is missing: a token must expire; declare ttl, e\.g\. "1h"/,
      );
    });
    it("flags a zero ttl", async () => {
      const out = await judge("token-expiry-required", summary({ ttl: "0s" }));
      assert.match(out.violations[0], /ttl "0s" is zero/);
    });
    it("leaves a missing ttl to this rule alone", async () => {
      for (const other of ["token-max-ttl", "token-rotation-required"] as const) {
        assert.deepEqual((await judge(other, summary({ ttl: undefined }))).violations, []);
      }
    });
  });

  describe("token-max-ttl", () => {
    it("passes ttl exactly at the vault ceiling (768h)", async () => {
      assert.deepEqual((await judge("token-max-ttl", summary({ ttl: "768h" }))).violations, []);
    });
    it("flags one second over the ceiling, naming the fact, the limit and the fix", async () => {
      const out = await judge("token-max-ttl", summary({ ttl: "768h1s" }));
      assert.deepEqual(out.violations, [
        "ttl 32d1s exceeds the ceiling of 32d for the vault backend (built-in defaults); declare ttl <= 32d",
      ]);
    });
    it("applies a ceiling given inline through config", async () => {
      const config = { policy: { backends: { vault: { maxTtl: "7d", maxRotation: "3d" } } } };
      const ok = summary({ ttl: "7d", rotation: { every: "3d", overlap: "1d" } });
      assert.deepEqual((await judge("token-max-ttl", ok, config)).violations, []);
      const out = await judge(
        "token-max-ttl",
        summary({ ttl: "8d", rotation: { every: "3d", overlap: "1d" } }),
        config,
      );
      assert.deepEqual(out.violations, [
        "ttl 8d exceeds the ceiling of 7d for the vault backend (policy pack config `policy`); declare ttl <= 7d",
      ]);
    });
  });

  describe("token-rotation-required", () => {
    it("flags missing rotation", async () => {
      const out = await judge("token-rotation-required", summary({ rotation: undefined }));
      assert.match(out.violations[0], /rotation is missing and vault tokens must rotate/);
    });
    it("flags rotation slower than the ceiling", async () => {
      const out = await judge(
        "token-rotation-required",
        summary({ rotation: { every: "31d", overlap: "1d" }, ttl: "32d" }),
      );
      assert.match(out.violations[0], /rotation.every 31d is slower than the vault ceiling of 30d/);
    });
    it("flags a ttl shorter than every + overlap, and passes it at exactly every + overlap", async () => {
      const out = await judge("token-rotation-required", summary({ ttl: "30d" }));
      assert.match(
        out.violations[0],
        /ttl 30d is 1d shorter than rotation.every \+ rotation.overlap \(31d\)/,
      );
      assert.deepEqual(
        (await judge("token-rotation-required", summary({ ttl: "31d" }))).violations,
        [],
      );
    });
    it("reports a malformed rotation (structural) under this rule", async () => {
      const out = await judge("token-rotation-required", summary({ rotation: { every: "30d" } }));
      assert.equal(out.violations.length, 1);
      assert.match(out.violations[0], /^rotation\.overlap: rotation\.overlap is required/);
      assert.deepEqual(
        (await judge("token-least-privilege", summary({ rotation: { every: "30d" } }))).violations,
        [],
      );
    });
  });

  describe("token-least-privilege", () => {
    it("flags a wildcard path and sudo", async () => {
      const out = await judge(
        "token-least-privilege",
        summary({ scopes: ["*:read", "secret/x:sudo"] }),
      );
      assert.deepEqual(out.violations, [
        'scopes[0]: path "*" grants everything; name the paths',
        'scopes[1]: "sudo" opens root-protected paths; tokenguard never grants it',
      ]);
    });
    it("flags escalation and wildcard actions on an AWS token", async () => {
      const out = await judge(
        "token-least-privilege",
        summary({
          backend: "aws-iam",
          scopes: [
            { actions: ["iam:PutUserPolicy"], resources: ["arn:aws:iam::123456789012:user/x"] },
            { actions: ["s3:*"], resources: ["arn:aws:s3:::b/*"] },
          ],
        }),
      );
      assert.equal(out.violations.length, 2);
      assert.match(
        out.violations[0],
        /^scopes\[0\]: action "iam:PutUserPolicy" lets the holder grant itself more/,
      );
      assert.match(out.violations[1], /^scopes\[1\]: action "s3:\*" is a wildcard/);
    });
    it("flags a scope outside the token's allowlist in the policy file", async () => {
      const config = { policy: { tokens: { ci: { allowedScopes: ["secret/data/ci/*:read"] } } } };
      const out = await judge("token-least-privilege", summary(), config);
      assert.match(
        out.violations[0],
        /scopes\[0\]: "secret\/data\/ci\/\*:read,list" is outside the scopes allowed for token "ci"/,
      );
      const inside = summary({ scopes: ["secret/data/ci/app:read"] });
      assert.deepEqual((await judge("token-least-privilege", inside, config)).violations, []);
    });
    it("reports an unknown backend or an unparseable scope with the field", async () => {
      const out = await judge("token-least-privilege", summary({ backend: "gcp" }));
      assert.match(
        out.violations[0],
        /^backend: backend must be one of "vault", "aws-iam", "aws-secret", "random"/,
      );
      const bad = await judge("token-least-privilege", summary({ scopes: ["secret/x"] }));
      assert.match(bad.violations[0], /^scopes\[0\]: "secret\/x" has no capabilities/);
    });
  });

  describe("token-ownership (advisory)", () => {
    it("flags a missing owner and a missing purpose", async () => {
      const out = await judge("token-ownership", summary({ owner: undefined, purpose: undefined }));
      assert.equal(out.violations.length, 2);
      assert.match(out.violations[0], /owner is missing/);
      assert.match(out.violations[1], /purpose is missing/);
    });
    it("is advisory by default", () =>
      assert.equal(policy("token-ownership").enforcementLevel, "advisory"));
  });

  describe("values unknown at preview", () => {
    it("judges a summary whose generation and instants are unknown", async () => {
      const props = summary({
        ttl: "900d",
        generation: UNKNOWN,
        rotatesAt: UNKNOWN,
        expiresAt: UNKNOWN,
      });
      const out = await judge("token-max-ttl", props);
      assert.equal(out.unknown, undefined);
      assert.equal(out.violations.length, 1);
    });
    it("says it cannot know (instead of crashing) when a judged field is unknown", async () => {
      const out = await judge("token-max-ttl", summary({ ttl: UNKNOWN }));
      assert.match(out.unknown ?? "", /can't be known during preview/);
    });
  });

  describe("the policy file, by config", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tg-policy-"));
    const file = path.join(dir, "tight.policy.yaml");
    writeFileSync(file, "version: 1\nbackends:\n  vault:\n    maxTtl: 10d\n    maxRotation: 5d\n");
    const short = summary({ ttl: "20d", rotation: { every: "5d", overlap: "1d" } });
    let saved: { pwd?: string; config?: string };
    beforeEach(() => (saved = { pwd: process.env.PWD, config: process.env.PULUMI_CONFIG }));
    afterEach(() => {
      for (const [k, v] of [
        ["PWD", saved.pwd],
        ["PULUMI_CONFIG", saved.config],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    });

    it("reads policyFile (absolute)", async () => {
      const out = await judge("token-max-ttl", short, { policyFile: file });
      assert.deepEqual(out.violations, [
        `ttl 20d exceeds the ceiling of 10d for the vault backend (${file}); declare ttl <= 10d`,
      ]);
    });
    it("resolves a relative policyFile against PWD (the directory pulumi runs in)", async () => {
      process.env.PWD = dir;
      const out = await judge("token-max-ttl", short, { policyFile: "tight.policy.yaml" });
      assert.match(out.violations[0], /ceiling of 10d/);
    });
    it("prefers the inline policy over policyFile", async () => {
      const out = await judge("token-max-ttl", short, {
        policyFile: file,
        policy: { backends: { vault: { maxTtl: "30d" } } },
      });
      assert.deepEqual(out.violations, []);
    });
    it("falls back to stack config tokenguard:policyFile, the component's own setting", async () => {
      process.env.PULUMI_CONFIG = JSON.stringify({ "tokenguard:policyFile": file });
      const out = await judge("token-max-ttl", short);
      assert.match(out.violations[0], /ceiling of 10d/);
    });
    it("then tokenguard.policy.yaml in the project directory", async () => {
      const project = mkdtempSync(path.join(tmpdir(), "tg-project-"));
      writeFileSync(
        path.join(project, "tokenguard.policy.yaml"),
        "backends:\n  vault:\n    maxTtl: 12d\n",
      );
      process.env.PWD = project;
      delete process.env.PULUMI_CONFIG;
      const out = await judge("token-max-ttl", short);
      assert.match(out.violations[0], /ceiling of 12d/);
    });
    it("fails loudly on an invalid policy document, naming the field", async () => {
      await assert.rejects(
        judge("token-max-ttl", short, { policy: { backends: { vault: { maxTtl: "forever" } } } }),
        /backends\.vault\.maxTtl: "forever" is not a duration/,
      );
    });
  });
});
