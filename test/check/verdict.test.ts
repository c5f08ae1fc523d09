/**
 * The verdict of `tokenguard check` on every example equals, rule for rule, what the pack's own
 * policies report for the same resources evaluated in this process: check adds no rule logic, it
 * only runs the program, rebuilds the engine's view and carries it to the pack over gRPC.
 */
import { strict as assert } from "node:assert";
import { atExpression } from "../../lib/rotation/alarm";
import { parseInstant } from "../../lib/rotation/clock";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { hasMandatory, runCheck, type CheckResult } from "../../lib/check/check";
import { loadProject } from "../../lib/check/project";
import { RULES } from "../../lib/rules/catalog";
import { ownedByScopedToken, SCOPED_TOKEN_TYPE } from "../../lib/rules/ownership";
import { PACK_DIR, packVerdictInProcess, ROOT, tempProject, verdictLines } from "./helpers";

async function checkAndCompare(dir: string, stack?: string): Promise<CheckResult> {
  const result = await runCheck({ dir, policyPack: PACK_DIR, ...(stack ? { stack } : {}) });
  const project = loadProject(dir, stack);
  const expected = await packVerdictInProcess(result.view, project.root, { ...project.config });
  assert.deepEqual(
    verdictLines(result.violations),
    verdictLines(expected),
    `check and the pack disagree on ${dir}`,
  );
  // N counts what the program registered, the root Stack included, not the default providers.
  assert.equal(result.resources, result.view.resources.filter((r) => !r.synthesized).length);
  assert.ok(result.view.resources.some((r) => r.type === "pulumi:pulumi:Stack"));
  return result;
}

describe("tokenguard check: the verdict equals the pack's, rule for rule", function () {
  this.timeout(300_000);

  it("examples/bad-tokens: every mandatory rule fires, at the resource at fault", async () => {
    const result = await checkAndCompare(path.join(ROOT, "examples/bad-tokens"));
    assert.equal(hasMandatory(result), true);
    const mandatory = Object.entries(RULES)
      .filter(([, r]) => r.level === "mandatory")
      .map(([name]) => name);
    for (const rule of mandatory) {
      assert.ok(
        result.violations.some((v) => v.policy === rule && v.level === "mandatory"),
        `${rule} did not fire`,
      );
    }
    const tooLong = result.violations.find((v) => v.policy === "token-max-ttl");
    assert.equal(
      tooLong?.urn,
      "urn:pulumi:dev::tokenguard-bad-tokens::tokenguard:index:ScopedToken::too-long",
    );
    assert.equal(tooLong?.type, SCOPED_TOKEN_TYPE);
    // The stack policies name the resource at fault too, not the stack.
    const key = result.violations.find((v) => v.policy === "aws-access-key-rotation");
    assert.equal(
      key?.urn,
      "urn:pulumi:dev::tokenguard-bad-tokens::aws:iam/accessKey:AccessKey::deploy-bot-key",
    );
    // The `new` call of each resource, in the example's own file.
    const source = readFileSync(path.join(ROOT, "examples/bad-tokens/index.ts"), "utf8").split(
      "\n",
    );
    for (const v of result.violations) {
      assert.ok(v.location, `${v.policy} on ${v.urn} has no source location`);
      // A ScopedToken's generation (`<token>-g<n>`) is declared by the ScopedToken's `new`.
      const own = v.urn.split("::").pop()!;
      const name = ownedByScopedToken(v.urn) ? own.replace(/-g\d+$/, "") : own;
      assert.match(source[v.location.line - 1], new RegExp(`new [\\w.]+\\("${name}"`), v.urn);
    }
  });

  it("the quickstart (the root Pulumi.yaml): clean, with engine URNs and default providers", async () => {
    const result = await checkAndCompare(ROOT);
    assert.deepEqual(result.violations, []);
    const urns = result.view.resources.map((r) => r.urn);
    assert.deepEqual(urns.slice(0, 2), [
      "urn:pulumi:dev::tokenguard-quickstart::pulumi:pulumi:Stack::tokenguard-quickstart-dev",
      "urn:pulumi:dev::tokenguard-quickstart::tokenguard:index:ScopedToken::orders-api",
    ]);
    // The token's child (one per generation): the component's type in its URN, the default provider.
    const child = result.view.resources.find((r) => r.parent === urns[1]);
    assert.ok(child, "the ScopedToken has a child");
    assert.equal(
      child.urn,
      `urn:pulumi:dev::tokenguard-quickstart::tokenguard:index:ScopedToken$${child.type}::${child.name}`,
    );
    assert.match(child.type, /^random:index\//);
    assert.deepEqual(child.provider, {
      urn: "urn:pulumi:dev::tokenguard-quickstart::pulumi:providers:random::default_4_21_2",
      type: "pulumi:providers:random",
      name: "default_4_21_2",
      props: { version: "4.21.2" },
    });
    assert.equal(result.resources, 3);
  });

  it("examples/vault-ci-token: clean under its own policy file", async () => {
    const result = await checkAndCompare(path.join(ROOT, "examples/vault-ci-token"));
    assert.deepEqual(result.violations, []);
    assert.ok(result.view.resources.some((r) => r.type === "vault:index/token:Token"));
  });

  it("examples/consumer: a StackReference is read, not analyzed on its own, and passes", async () => {
    const result = await checkAndCompare(path.join(ROOT, "examples/consumer"));
    assert.equal(hasMandatory(result), false);
    const ref = result.view.resources.find((r) => r.type === "pulumi:pulumi:StackReference");
    assert.equal(ref?.analyze, false);
    assert.equal(
      ref?.provider?.urn,
      "urn:pulumi:dev::tokenguard-consumer::pulumi:providers:pulumi::default",
    );
  });

  it("examples/aws-service-key", async () => {
    const result = await checkAndCompare(path.join(ROOT, "examples/aws-service-key"));
    assert.equal(hasMandatory(result), false);
    assert.ok(result.view.resources.some((r) => r.type === "aws:iam/accessKey:AccessKey"));
    // The dead-man's switch, as the program declares it: one schedule at expiresAt - 12h.
    const token = result.view.resources.find((r) => r.type === "tokenguard:index:ScopedToken");
    const schedule = result.view.resources.find(
      (r) => r.type === "aws:scheduler/schedule:Schedule",
    );
    const expiresAt = parseInstant(String(token?.props.expiresAt));
    assert.equal(schedule?.props.scheduleExpression, atExpression(expiresAt - 12 * 3600));
    assert.ok(result.view.resources.some((r) => r.type === "aws:sns/topic:Topic"));
  });

  it("examples/aws-service-key/consumer, given the producer it needs in a stack file", async () => {
    const example = path.join(ROOT, "examples/aws-service-key/consumer");
    const project = tempProject({
      "Pulumi.yaml": readFileSync(path.join(example, "Pulumi.yaml"), "utf8"),
      "index.ts": readFileSync(path.join(example, "index.ts"), "utf8"),
      "Pulumi.ci.yaml":
        "config:\n  tokenguard-aws-service-key-consumer:producer: organization/tokenguard-aws-service-key/ci\n",
    });
    try {
      const result = await checkAndCompare(project.dir, "ci");
      assert.equal(hasMandatory(result), false);
      assert.deepEqual(
        result.view.resources.map((r) => r.type),
        ["pulumi:pulumi:Stack", "pulumi:providers:pulumi", "pulumi:pulumi:StackReference"],
      );
    } finally {
      project.cleanup();
    }
  });

  it("examples/aws-webhook-secret", async () => {
    const result = await checkAndCompare(path.join(ROOT, "examples/aws-webhook-secret"));
    assert.equal(hasMandatory(result), false);
    assert.ok(result.view.resources.some((r) => r.type === "aws:secretsmanager/secret:Secret"));
  });
});
