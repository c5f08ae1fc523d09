/**
 * ScopedToken's canary and alarm as declared (Pulumi mocks): which verification each generation
 * gets and what it asks, that the value waits for it, the AWS schedule at `expiresAt - before`
 * with its topic, role and message, and the refusals — before anything is registered.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { ScopedToken, TokenRefusedError, type ScopedTokenArgs } from "../../lib";
import { VERIFICATION_TYPE } from "../../lib/verify/verification";
import { children, promiseOf, registrations, reset } from "../helpers/mocks";

const ANCHOR = "2026-01-01T00:00:00Z";
const common = {
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d", anchor: ANCHOR },
  owner: "team-orders",
  purpose: "storefront",
};
const args = (over: Record<string, unknown>): ScopedTokenArgs =>
  ({ backend: "random", scopes: ["orders:read"], ...common, ...over }) as ScopedTokenArgs;
const iam = (over: Record<string, unknown> = {}) =>
  args({
    backend: "aws-iam",
    scopes: [{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::acme/reports/*"] }],
    ...over,
  });

async function build(name: string, a: ScopedTokenArgs) {
  const token = new ScopedToken(name, a);
  await promiseOf(pulumi.all([token.tokenId, token.value, token.alarmAt, token.alarmTopicArn]));
  return token;
}
const byType = (type: string) => children().filter((r) => r.type === type);

describe("ScopedToken: the canary, as declared", () => {
  beforeEach(() => reset({ now: "2026-01-31T06:00:00Z" })); // inside g1's overlap: g0 and g1 live

  it("random with verify.url: one verification per live generation, asking the user's service", async () => {
    const token = await build(
      "orders",
      args({
        verify: {
          url: "https://orders.example.com/healthz",
          header: "X-Api-Key",
          expectStatus: 204,
          attempts: 5,
        },
      }),
    );
    const probes = byType(VERIFICATION_TYPE);
    assert.deepEqual(
      probes.map((p) => p.name),
      ["orders-verify-g0", "orders-verify-g1"],
    );
    assert.deepEqual(probes[1].inputs.request, {
      kind: "http",
      url: "https://orders.example.com/healthz",
      header: "X-Api-Key",
      expectStatus: [204],
    });
    assert.deepEqual(probes[1].inputs.plan, {
      attempts: 5,
      delaysMs: [1000, 2000, 4000, 8000],
      timeoutMs: 10_000,
    });
    assert.equal(probes[1].inputs.generation, 1);
    // The credential is the generation's own token, and the value comes out unchanged once verified.
    const credential = probes[1].inputs.credential as { value: string };
    assert.equal(credential.value, await promiseOf(token.value), "a secret input");
    assert.ok(String(await promiseOf(token.value)).startsWith("tg_"));
  });

  it("no probe: random without verify, and verify: false (advisory), register no verification", async () => {
    await build("plain", args({}));
    await build("optout", args({ backend: "vault", scopes: ["kv/data/app:read"], verify: false }));
    assert.deepEqual(byType(VERIFICATION_TYPE), []);
  });

  it("vault: the default probe reads a concrete path inside the first readable scope", async () => {
    await build(
      "ci",
      args({ backend: "vault", scopes: ["kv/metadata/ci/*:list", "kv/data/ci/*:read"] }),
    );
    const [g0] = byType(VERIFICATION_TYPE);
    assert.equal((g0.inputs.request as { path: string }).path, "kv/data/ci/tokenguard-probe");
    assert.equal((g0.inputs.request as { capability: string }).capability, "read");
  });

  it("refuses a malformed verify block before registering anything", () => {
    assert.throws(
      () => new ScopedToken("bad", args({ verify: { url: "ftp://x", tries: 3 } })),
      (e: unknown) =>
        e instanceof TokenRefusedError &&
        /verify\.url: use an http:\/\/ or https:\/\/ URL/.test(e.message) &&
        /verify\.tries: unknown field/.test(e.message),
    );
    assert.deepEqual(registrations, []);
  });
});

describe("ScopedToken: the rotation alarm, as declared", () => {
  beforeEach(() => reset({ now: "2026-01-10T00:00:00Z" })); // generation 0: rotates 01-31, expires 02-01

  it("aws-iam: a one-time schedule at expiresAt - before, to a created topic through a publish-only role", async () => {
    const token = await build(
      "svc",
      iam({ alert: { before: "12h", runbook: "https://wiki.example.com/rotation" } }),
    );
    assert.equal(await promiseOf(token.alarmAt), "2026-01-31T12:00:00Z");
    const [schedule] = byType("aws:scheduler/schedule:Schedule");
    assert.equal(schedule.name, "svc-alarm");
    assert.equal(schedule.inputs.scheduleExpression, "at(2026-01-31T12:00:00)");
    assert.equal(schedule.inputs.scheduleExpressionTimezone, "UTC");
    assert.deepEqual(schedule.inputs.flexibleTimeWindow, { mode: "OFF" });
    const target = schedule.inputs.target as { arn: string; roleArn: string; input: string };
    assert.equal(target.arn, "arn:aws:sns:us-east-1:123456789012:svc-alarm");
    assert.equal(await promiseOf(token.alarmTopicArn), target.arn);
    assert.equal(target.roleArn, "arn:aws:iam::123456789012:role/svc-alarm");
    const message = JSON.parse(target.input);
    assert.deepEqual(
      [message.token, message.owner, message.runbook, message.generation, message.expiresAt],
      ["svc", "team-orders", "https://wiki.example.com/rotation", 0, "2026-02-01T00:00:00Z"],
    );
    assert.match(
      message.message,
      /ScopedToken "svc" \(owner team-orders\) in tgtest\/unit was not rotated/,
    );
    assert.deepEqual(
      byType("aws:sns/topic:Topic").map((r) => r.name),
      ["svc-alarm"],
    );
    const [role] = byType("aws:iam/role:Role");
    assert.equal(
      JSON.parse(String(role.inputs.assumeRolePolicy)).Statement[0].Principal.Service,
      "scheduler.amazonaws.com",
    );
    const [policy] = byType("aws:iam/rolePolicy:RolePolicy");
    assert.deepEqual(JSON.parse(String(policy.inputs.policy)).Statement, [
      { Effect: "Allow", Action: ["sns:Publish"], Resource: [target.arn] },
    ]);
  });

  it("a rotation moves the alarm forward by `every`", async () => {
    reset({ now: "2026-02-05T00:00:00Z" }); // generation 1
    await build("svc", iam({ alert: { before: "12h" } }));
    const [schedule] = byType("aws:scheduler/schedule:Schedule");
    assert.equal(schedule.inputs.scheduleExpression, "at(2026-03-02T12:00:00)");
  });

  it("uses a declared topic and role; creates neither", async () => {
    const topicArn = "arn:aws:sns:us-east-1:123456789012:rotation-alarms";
    const roleArn = "arn:aws:iam::123456789012:role/scheduler-publish";
    await build("svc", iam({ alert: { before: "6h", topicArn, roleArn } }));
    const [schedule] = byType("aws:scheduler/schedule:Schedule");
    assert.deepEqual(
      [
        (schedule.inputs.target as { arn: string }).arn,
        (schedule.inputs.target as { roleArn: string }).roleArn,
      ],
      [topicArn, roleArn],
    );
    assert.deepEqual(byType("aws:sns/topic:Topic"), []);
    assert.deepEqual(byType("aws:iam/role:Role"), []);
  });

  it("random without a topic: no AWS resources, the instant for report --due", async () => {
    const token = await build("orders", args({ alert: { before: "12h" } }));
    assert.equal(await promiseOf(token.alarmAt), "2026-01-31T12:00:00Z");
    assert.equal(await promiseOf(token.alarmTopicArn), undefined);
    assert.ok(children().every((r) => !r.type.startsWith("aws:")));
  });

  it("refuses an alarm that would fire in every healthy cycle, with the arithmetic, creating nothing", () => {
    assert.throws(
      () => new ScopedToken("svc", iam({ alert: { before: "1d" } })),
      (e: unknown) =>
        e instanceof TokenRefusedError &&
        e.message.includes(
          "alert.before 1d is not shorter than ttl - rotation.every = 31d - 30d = 1d",
        ) &&
        e.message.includes("[token-alert-timing]"),
    );
    assert.deepEqual(registrations, []);
  });
});
