/** The canary and alarm rules, and the blocks' structure: what the component and the pack both refuse. */
import { strict as assert } from "node:assert";
import { judgeDeclaration } from "../../lib/rules/declaration";
import {
  alertTimingProblem,
  concretePath,
  judgeCanary,
  vaultProbeTarget,
} from "../../lib/rules/canary";
import { DEFAULT_POLICY } from "../../lib/schema/policy-file";
import { parseTokenSpec } from "../../lib/schema/token";

const DAY = 86400;
const base = {
  name: "ci",
  backend: "vault",
  scopes: ["secret/data/ci/*:read,list"],
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  owner: "team-platform",
  purpose: "CI",
};
const findings = (over: Record<string, unknown>) =>
  judgeDeclaration({ ...base, ...over }, DEFAULT_POLICY).findings.map(
    (f) => `${f.rule} ${f.field}: ${f.message}`,
  );

describe("rules/canary: the alarm must fall after the rotation", () => {
  it("accepts before < ttl - every and refuses before >= ttl - every, with the arithmetic", () => {
    assert.equal(
      alertTimingProblem({ ttl: 31 * DAY, every: 30 * DAY, before: 12 * 3600 }),
      undefined,
    );
    assert.equal(
      alertTimingProblem({ ttl: 31 * DAY, every: 30 * DAY, before: 7 * DAY }),
      "alert.before 7d is not shorter than ttl - rotation.every = 31d - 30d = 1d: the alarm at expiresAt - before would come before rotatesAt and fire in every healthy cycle; declare alert.before < 1d, or a ttl longer than 37d",
    );
    // Equal is refused too: the alarm would fire at the very instant of the healthy rotation.
    assert.match(
      alertTimingProblem({ ttl: 31 * DAY, every: 30 * DAY, before: DAY }) ?? "",
      /= 1d: .*declare alert.before < 1d/,
    );
  });

  it("refuses an alarm on a token without rotation (rotatesAt = expiresAt)", () => {
    assert.match(
      alertTimingProblem({ ttl: 30 * DAY, before: 3600 }) ?? "",
      /without rotation .* would fire in every cycle; declare rotation, or remove alert/,
    );
  });

  it("is a mandatory finding on alert.before, judged from the declaration alone (component and pack)", () => {
    assert.deepEqual(findings({ alert: { before: "12h" } }), []);
    assert.deepEqual(findings({ alert: { before: "2d" } }), [
      "token-alert-timing alert.before: alert.before 2d is not shorter than ttl - rotation.every = 31d - 30d = 1d: the alarm at expiresAt - before would come before rotatesAt and fire in every healthy cycle; declare alert.before < 1d, or a ttl longer than 32d",
    ]);
  });

  it("refuses malformed alert blocks naming the field", () => {
    assert.deepEqual(findings({ alert: { before: "soon" } }), [
      'token-arguments-valid alert.before: alert.before: "soon" is not a duration; write it like "90s", "15m", "1h", "7d", "2w" or ISO-8601 "PT1H", "P30D"',
    ]);
    const lines = findings({
      alert: { befor: "1h", topicArn: "arn:aws:sqs:us-east-1:123456789012:q", runbook: "ftp://x" },
    });
    assert.deepEqual(lines, [
      'token-arguments-valid alert.before: alert.before: is required, a duration like "7d"',
      'token-arguments-valid alert.topicArn: alert.topicArn: must be an SNS topic ARN, e.g. "arn:aws:sns:us-east-1:123456789012:rotation-alarms"',
      'token-arguments-valid alert.runbook: alert.runbook: use an http:// or https:// URL without credentials, e.g. "https://api.example.com/health"',
      "token-arguments-valid alert.befor: alert.befor: unknown field; did you mean before?",
    ]);
    assert.deepEqual(findings({ alert: "7d" }), [
      'token-arguments-valid alert: alert: must be an object like { before: "7d" }',
    ]);
  });
});

describe("rules/canary: where the probe goes, and when a token goes unverified", () => {
  const vault = (scopes: string[]) =>
    parseTokenSpec({ ...base, scopes }).scopes as { path: string; capabilities: string[] }[];

  it("picks a concrete path inside the first readable scope, else a listable one", () => {
    assert.equal(concretePath("secret/data/ci/*"), "secret/data/ci/tokenguard-probe");
    assert.equal(concretePath("secret/data/+/config"), "secret/data/tokenguard-probe/config");
    assert.equal(concretePath("kv/app-*"), "kv/app-tokenguard-probe");
    assert.deepEqual(vaultProbeTarget(vault(["kv/a:update", "kv/b/*:list", "kv/c:read"])), {
      path: "kv/c",
      capability: "read",
    });
    assert.deepEqual(vaultProbeTarget(vault(["kv/a:update", "kv/b/*:list"])), {
      path: "kv/b/tokenguard-probe",
      capability: "list",
    });
    assert.equal(vaultProbeTarget(vault(["kv/a:create,update"])), undefined);
    assert.deepEqual(
      vaultProbeTarget(vault(["kv/b/*:read,list"]), { path: "kv/b/app", capability: "list" }),
      { path: "kv/b/app", capability: "list" },
    );
  });

  it("verify: false and write-only Vault tokens are advisory; a probe outside the scopes is refused", () => {
    assert.deepEqual(findings({ verify: false }), [
      "token-verified verify: verify is false: each new credential is released without proof that it works, and a broken one is found by its consumers after the old one is gone; remove verify: false to probe it",
    ]);
    assert.match(
      findings({ scopes: ["kv/app:update"] }).join("\n"),
      /^token-verified verify: no declared scope grants read or list/,
    );
    assert.deepEqual(findings({ verify: { path: "secret/data/prod/db" } }), [
      'token-arguments-valid verify.path: verify.path: no declared scope grants read or list on "secret/data/prod/db"; probe a path and capability the token holds',
    ]);
    const spec = parseTokenSpec({ ...base, backend: "random", scopes: ["orders:read"] });
    assert.deepEqual(judgeCanary(spec), [], "random: a probe is optional");
  });

  it("refuses malformed verify blocks naming the field, per backend", () => {
    assert.deepEqual(findings({ verify: { capability: "update", attempts: 0, path: "kv/*" } }), [
      "token-arguments-valid verify.attempts: verify.attempts: must be at least 1",
      'token-arguments-valid verify.path: verify.path: must be one concrete path (no "*" or "+"), inside a declared scope',
      'token-arguments-valid verify.capability: verify.capability: must be "read" or "list": the probe never writes or deletes',
    ]);
    const random = { backend: "random", scopes: ["orders:read"] };
    assert.deepEqual(
      findings({ ...random, verify: { url: "https://u:p@svc.example/h", expectStatus: 999 } }),
      [
        'token-arguments-valid verify.url: verify.url: use an http:// or https:// URL without credentials, e.g. "https://api.example.com/health"',
        "token-arguments-valid verify.expectStatus: verify.expectStatus: must be an HTTP status code (100-599)",
      ],
    );
    assert.deepEqual(findings({ ...random, verify: { header: "X-Key" } }), [
      "token-arguments-valid verify.url: verify.url: must be a string or a resource output",
    ]);
    assert.deepEqual(
      findings({ ...random, verify: { url: "https://svc.example/h", timeout: "10m" } }),
      [
        "token-arguments-valid verify.timeout: verify.timeout: each try's timeout must be between 1s and 300s (got 600s)",
      ],
    );
    assert.deepEqual(findings({ verify: true }), [
      "token-arguments-valid verify: verify: must be false, or an object of probe options",
    ]);
    assert.deepEqual(
      findings({
        backend: "aws-iam",
        scopes: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/*"] }],
        verify: { url: "https://x.example" },
      }),
      ["token-arguments-valid verify.url: verify.url: unknown field"],
    );
  });
});
