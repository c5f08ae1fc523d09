/**
 * The escalation catalogue through the policy pack's real analyzer, over gRPC (started as the
 * engine starts it): each AWS method as a ScopedToken summary (token-least-privilege) and as a
 * raw IAM user with an access key and an inline policy (aws-iam-least-privilege); each Vault
 * endpoint as a ScopedToken summary and as a raw vault.Policy document (vault-no-root-policies).
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { AnalyzerClient, type Violation } from "../../lib/check/analyzer-client";
import { SCOPED_TOKEN_TYPE } from "../../lib/rules/ownership";
import { AWS_TYPES } from "../../lib/rules/raw-aws";
import type { AwsScope } from "../../lib/schema/scopes";
import { renderVaultPolicy } from "../../lib/schema/vault-hcl";
import { AWS_CASES, VAULT_CASES } from "../helpers/escalation-catalogue";
import { goodSummary } from "../helpers/fixtures";
import { PROJECT, STACK } from "../helpers/mocks";
import { PACK_DIR } from "./harness";

const ROOT = path.resolve(__dirname, "../..");

const text = (vs: readonly Violation[], policy: string) =>
  vs
    .filter((v) => v.policy === policy)
    .map((v) => v.message)
    .join("\n");

/** A raw user that holds an access key and an inline policy of the scopes, as Allow statements. */
function keyedUser(pack: AnalyzerClient, scopes: readonly AwsScope[]) {
  const user = { type: AWS_TYPES.user, name: "ops-bot", props: { name: "ops-bot" } };
  const userUrn = pack.urnFor(user);
  const key = {
    type: AWS_TYPES.accessKey,
    name: "ops-bot-key",
    props: { user: "ops-bot" },
    propertyDependencies: { user: [userUrn] },
  };
  const statements = scopes.map((s) => ({
    Effect: "Allow",
    Action: s.actions,
    Resource: s.resources,
  }));
  const inline = {
    type: AWS_TYPES.userPolicy,
    name: "ops-bot-policy",
    props: {
      user: "ops-bot",
      policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }),
    },
    propertyDependencies: { user: [userUrn] },
  };
  return [user, key, inline];
}

describe("escalation catalogue: the policy pack over gRPC refuses each method", function () {
  this.timeout(180_000);
  let pack: AnalyzerClient;

  before(async () => {
    pack = await AnalyzerClient.start(PACK_DIR, {
      project: PROJECT,
      stack: STACK,
      projectDir: ROOT,
    });
    await pack.configure();
  });
  after(async () => {
    if (pack) await pack.stop();
  });

  for (const c of AWS_CASES) {
    it(`aws: ${c.method} (${c.source})`, async () => {
      const summary = await pack.analyze({
        type: SCOPED_TOKEN_TYPE,
        name: "svc",
        props: goodSummary({ name: "svc", backend: "aws-iam", scopes: c.scopes }),
      });
      assert.match(text(summary, "token-least-privilege"), c.refusal);
      assert.ok(summary.every((v) => v.level === "mandatory"));
      const raw = await pack.analyzeStack(keyedUser(pack, c.scopes));
      const least = raw.filter((v) => v.policy === "aws-iam-least-privilege");
      assert.ok(
        least.length > 0,
        `aws-iam-least-privilege did not fire:\n${raw.map((v) => v.message).join("\n")}`,
      );
      assert.match(least.map((v) => v.message).join("\n"), /privilege escalation: /);
    });
  }

  for (const c of VAULT_CASES) {
    it(`vault: ${c.scope} (${c.endpoint}, ${c.source})`, async () => {
      const summary = await pack.analyze({
        type: SCOPED_TOKEN_TYPE,
        name: "ci",
        props: goodSummary({ scopes: [c.scope] }),
      });
      assert.match(text(summary, "token-least-privilege"), c.refusal);
      const colon = c.scope.lastIndexOf(":");
      const document = renderVaultPolicy([
        { path: c.scope.slice(0, colon), capabilities: c.scope.slice(colon + 1).split(",") },
      ]);
      const raw = await pack.analyze({
        type: "vault:index/policy:Policy",
        name: "legacy",
        props: { name: "legacy", policy: document },
      });
      assert.match(text(raw, "vault-no-root-policies"), c.refusal);
    });
  }
});
