import { strict as assert } from "node:assert";
import { SECRET_SIG, SIG_KEY } from "../../lib/wire";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { ScopedToken, awsScopes, type ScopedTokenArgs } from "../../lib";
import { keySlot, liveSet } from "../../lib/rotation/schedule";
import { children, promiseOf, registrations, reset } from "../helpers/mocks";
import { VERIFICATION_TYPE } from "../../lib/verify/verification";

const ANCHOR = "2026-01-01T00:00:00Z";
const BUCKET = "arn:aws:s3:::acme-reports";
const common = {
  ttl: "61d",
  rotation: { every: "60d", overlap: "1d", anchor: ANCHOR },
  owner: "team-data",
  purpose: "nightly report export",
};
const iam = (over: Record<string, unknown> = {}): ScopedTokenArgs =>
  ({
    backend: "aws-iam",
    scopes: [{ actions: ["s3:GetObject"], resources: [`${BUCKET}/reports/*`] }],
    ...common,
    ...over,
  }) as ScopedTokenArgs;
const secret = (over: Record<string, unknown> = {}): ScopedTokenArgs =>
  ({
    backend: "aws-secret",
    scopes: [awsScopes.secretRead()],
    ...common,
    ...over,
  }) as ScopedTokenArgs;

async function build(name: string, args: ScopedTokenArgs) {
  const token = new ScopedToken(name, args);
  await promiseOf(pulumi.all([token.tokenId, token.previous, token.value, token.urn]));
  return token;
}

const policyDoc = (name: string) =>
  JSON.parse(String(children().find((r) => r.name === name)?.inputs.policy));

describe("backends/aws", () => {
  beforeEach(() => reset({ now: "2026-01-10T00:00:00Z" }));

  describe("aws-iam", () => {
    it("creates a tagged user, one exact inline policy and one access key", async () => {
      const token = await build("svc", iam());
      assert.deepEqual(
        children().map((r) => [r.type, r.name]),
        [
          ["aws:iam/user:User", "svc-user"],
          ["aws:iam/userPolicy:UserPolicy", "svc-policy"],
          ["aws:iam/accessKey:AccessKey", "svc-key0"],
          [VERIFICATION_TYPE, "svc-verify-g0"],
        ],
      );
      const [user, policy, key, probe] = children();
      assert.deepEqual(user.inputs, {
        name: "tg-unit-svc",
        path: "/tokenguard/tgtest/",
        forceDestroy: true,
        tags: {
          "managed-by": "tokenguard",
          "tokenguard-token": "svc",
          owner: "team-data",
          purpose: "nightly report export",
        },
      });
      assert.equal(policy.inputs.user, "tg-unit-svc");
      assert.equal(policy.inputs.name, "tokenguard-scopes");
      assert.deepEqual(policyDoc("svc-policy"), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "TokenguardScope0",
            Effect: "Allow",
            Action: ["s3:GetObject"],
            Resource: [`${BUCKET}/reports/*`],
          },
        ],
      });
      assert.deepEqual(key.inputs, { user: "tg-unit-svc" });
      // The canary: sts:GetCallerIdentity with the new key must answer as this user.
      assert.deepEqual(probe.inputs.request, {
        kind: "aws-iam",
        accessKeyId: await promiseOf(token.tokenId),
        userArn: "arn:aws:iam::123456789012:user/tokenguard/tgtest/tg-unit-svc",
        region: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
      });
      assert.equal((probe.inputs.plan as { attempts: number }).attempts, 8);
      assert.match(String(await promiseOf(token.tokenId)), /^AKIAFAKE/);
      assert.equal(
        await promiseOf(token.userArn),
        "arn:aws:iam::123456789012:user/tokenguard/tgtest/tg-unit-svc",
      );
      assert.equal(await pulumi.isSecret(token.value), true);
      assert.equal(await pulumi.isSecret(token.tokenId), false);
    });

    it("renders exact policy documents for several scope sets, resolving ARN outputs", async () => {
      const topicArn = pulumi.output("arn:aws:sns:eu-west-1:123456789012:orders");
      await build(
        "multi",
        iam({
          scopes: [
            ...awsScopes.s3ReadPrefix(pulumi.output(BUCKET), "exports/"),
            awsScopes.snsPublish(topicArn),
            {
              actions: ["sqs:SendMessage", "sqs:SendMessage"],
              resources: ["arn:aws:sqs:eu-west-1:123456789012:jobs"],
              conditions: { Bool: { "aws:SecureTransport": "true" } },
            },
          ],
        }),
      );
      assert.deepEqual(policyDoc("multi-policy").Statement, [
        {
          Sid: "TokenguardScope0",
          Effect: "Allow",
          Action: ["s3:GetObject"],
          Resource: [`${BUCKET}/exports/*`],
        },
        {
          Sid: "TokenguardScope1",
          Effect: "Allow",
          Action: ["s3:ListBucket"],
          Resource: [BUCKET],
          Condition: { StringLike: { "s3:prefix": ["exports/*"] } },
        },
        {
          Sid: "TokenguardScope2",
          Effect: "Allow",
          Action: ["sns:Publish"],
          Resource: ["arn:aws:sns:eu-west-1:123456789012:orders"],
        },
        {
          Sid: "TokenguardScope3",
          Effect: "Allow",
          Action: ["sqs:SendMessage"],
          Resource: ["arn:aws:sqs:eu-west-1:123456789012:jobs"],
          Condition: { Bool: { "aws:SecureTransport": "true" } },
        },
      ]);
      const summary = registrations.find((r) => r.name === "multi" && !r.custom);
      assert.deepEqual((summary?.inputs.scopes as { resources: string[] }[])[0].resources, [
        "<resource reference>",
      ]);
    });

    it("honours userName, path and permissionsBoundary", async () => {
      await build(
        "named",
        iam({
          aws: {
            userName: "report-exporter",
            path: "/apps/",
            permissionsBoundary: "arn:aws:iam::123456789012:policy/boundary",
          },
        }),
      );
      const user = children()[0];
      assert.equal(user.inputs.name, "report-exporter");
      assert.equal(user.inputs.path, "/apps/");
      assert.equal(user.inputs.permissionsBoundary, "arn:aws:iam::123456789012:policy/boundary");
    });

    const clock: [string, string, string[]][] = [
      ["before the boundary", "2026-03-01T23:59:59Z", ["rot-key0"]],
      ["inside the overlap", "2026-03-02T06:00:00Z", ["rot-key0", "rot-key1"]],
      ["after the overlap", "2026-03-03T00:00:00Z", ["rot-key1"]],
      ["next overlap", "2026-05-01T06:00:00Z", ["rot-key1", "rot-key0"]],
    ];
    for (const [label, now, keys] of clock) {
      it(`declares at most two access keys: ${label} -> ${keys.join(" + ")}`, async () => {
        reset({ now });
        await build("rot", iam());
        const declared = children().filter((r) => r.type === "aws:iam/accessKey:AccessKey");
        assert.deepEqual(
          declared.map((r) => r.name),
          keys,
        );
      });
    }

    it("never needs a third key, whatever the times `pulumi up` runs at (model of the engine)", () => {
      // Slots hold one key each. An up computes the live set; a slot whose generation changes is
      // replaced delete-before-replace, new slots are created, unused slots deleted at the end.
      const every = 90 * 86400;
      const spec = { every, overlap: 86400, ttl: 91 * 86400, anchor: 0 };
      fc.assert(
        fc.property(
          fc.array(fc.integer({ min: 1, max: 3 * every }), { minLength: 1, maxLength: 40 }),
          (gaps) => {
            let now = 0;
            const slots = new Map<number, number>(); // slot -> generation held
            for (const gap of gaps) {
              now += gap;
              const live = liveSet(spec, now);
              const want = [live.previous, live.current]
                .filter((g) => g !== undefined)
                .map((g) => g.n);
              if (new Set(want.map(keySlot)).size !== want.length) return false; // two live gens share a slot
              for (const n of want) {
                const held = slots.get(keySlot(n));
                // Replacing a slot revokes its old key first: that key must no longer be live.
                if (held !== undefined && held !== n && want.includes(held)) return false;
                slots.set(keySlot(n), n);
                if (slots.size > 2) return false;
              }
              for (const [slot, n] of slots) if (!want.includes(n)) slots.delete(slot);
            }
            return true;
          },
        ),
        { numRuns: 500 },
      );
    });
  });

  describe("aws-secret", () => {
    it("creates a secret, an access policy for 'self', and one token version per generation", async () => {
      reset({ now: "2026-03-02T06:00:00Z" }); // inside an overlap: two generations
      const token = await build(
        "hook",
        secret({ aws: { kmsKeyId: "alias/tokens", recoveryWindowInDays: 14 } }),
      );
      // Registration order follows input resolution; the set of children is what matters.
      assert.deepEqual(
        children()
          .map((r) => [r.type, r.name])
          .sort((a, b) => a[1].localeCompare(b[1])),
        [
          ["aws:iam/policy:Policy", "hook-access"],
          ["random:index/randomPassword:RandomPassword", "hook-g0"],
          ["aws:secretsmanager/secretVersion:SecretVersion", "hook-g0-version"],
          ["random:index/randomPassword:RandomPassword", "hook-g1"],
          ["aws:secretsmanager/secretVersion:SecretVersion", "hook-g1-version"],
          ["aws:secretsmanager/secret:Secret", "hook-secret"],
        ],
      );
      const sec = children().find((r) => r.name === "hook-secret")!;
      assert.equal(sec.inputs.name, "tokenguard/tgtest/unit/hook");
      assert.equal(sec.inputs.kmsKeyId, "alias/tokens");
      assert.equal(sec.inputs.recoveryWindowInDays, 14);
      const arn =
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:tokenguard/tgtest/unit/hook-AbCdEf";
      assert.deepEqual(policyDoc("hook-access"), {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "TokenguardScope0",
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            Resource: [arn],
          },
        ],
      });
      assert.equal(await promiseOf(token.tokenId), arn);
      assert.equal(await promiseOf(token.secretArn), arn);
      assert.equal(
        await promiseOf(token.value),
        undefined,
        "the value stays in Secrets Manager unless asked for",
      );
      assert.match(String(await promiseOf(token.hash)), /^[0-9a-f]{64}$/);
    });

    it("defaults to a 30-day recovery window and delivers the value only when asked", async () => {
      const token = await build("exp", secret({ aws: { exposeValue: true } }));
      assert.equal(
        children().find((r) => r.name === "exp-secret")?.inputs.recoveryWindowInDays,
        30,
      );
      assert.match(String(await promiseOf(token.value)), /^tg_[A-Za-z0-9_-]{43}$/);
      assert.equal(await pulumi.isSecret(token.value), true);
      const version = children().find((r) => r.name === "exp-g0-version");
      // A secret input reaches the engine wrapped in Pulumi's secret signature.
      assert.deepEqual(version?.inputs.secretString, {
        [SIG_KEY]: SECRET_SIG,
        value: await promiseOf(token.value),
      });
    });
  });

  describe("refuses bad aws specs at construction, naming the field, creating nothing", () => {
    const bad: [string, Record<string, unknown>, RegExp][] = [
      [
        "wildcard action",
        { scopes: [{ actions: ["*"], resources: [BUCKET] }] },
        /scopes\[0\]: action "\*" grants everything/,
      ],
      [
        "service wildcard",
        { scopes: [{ actions: ["s3:*"], resources: [BUCKET] }] },
        /scopes\[0\]: action "s3:\*" is a wildcard/,
      ],
      [
        "partial wildcard",
        { scopes: [{ actions: ["s3:Put*"], resources: [BUCKET] }] },
        /scopes\[0\]: action "s3:Put\*" is a wildcard/,
      ],
      [
        "write on *",
        { scopes: [{ actions: ["s3:PutObject"], resources: ["*"] }] },
        /scopes\[0\]: action "s3:PutObject" writes, and resources include "\*"/,
      ],
      [
        "read on *",
        { scopes: [{ actions: ["s3:GetObject"], resources: ["*"] }] },
        /scopes\[0\]: action "s3:GetObject" on resources "\*" reads everything/,
      ],
      [
        "iam:*",
        { scopes: [{ actions: ["iam:*"], resources: [BUCKET] }] },
        /scopes\[0\]: action "iam:\*" is a wildcard/,
      ],
      [
        "PassRole on *",
        { scopes: [{ actions: ["iam:PassRole"], resources: ["*"] }] },
        /scopes\[0\]: action "iam:PassRole" on "\*" reaches every role/,
      ],
      [
        "CreateAccessKey on *",
        { scopes: [{ actions: ["iam:CreateAccessKey"], resources: ["*"] }] },
        /iam:CreateAccessKey" on "\*"/,
      ],
      [
        "AssumeRole on *",
        { scopes: [{ actions: ["sts:AssumeRole"], resources: ["*"] }] },
        /sts:AssumeRole" on "\*"/,
      ],
      [
        "escalation",
        {
          scopes: [
            { actions: ["iam:PutUserPolicy"], resources: ["arn:aws:iam::123456789012:user/x"] },
          ],
        },
        /grant itself more/,
      ],
      [
        "empty actions",
        { scopes: [{ actions: [], resources: [BUCKET] }] },
        /scopes\[0\]: actions must be a non-empty list/,
      ],
      [
        "empty resources",
        { scopes: [{ actions: ["s3:GetObject"], resources: [] }] },
        /scopes\[0\]: resources must be a non-empty list/,
      ],
      [
        "malformed ARN",
        { scopes: [{ actions: ["s3:GetObject"], resources: ["acme-reports/*"] }] },
        /scopes\[0\]: resources\[0\] "acme-reports\/\*" is not an ARN/,
      ],
      [
        "malformed action",
        { scopes: [{ actions: ["GetObject"], resources: [BUCKET] }] },
        /scopes\[0\]: actions\[0\] "GetObject" is not an IAM action/,
      ],
      ["string scope", { scopes: ["s3:GetObject"] }, /scopes\[0\]: must be an object/],
      [
        "self outside aws-secret",
        { scopes: [{ actions: ["s3:GetObject"], resources: ["self"] }] },
        /"self" only means something for the aws-secret backend/,
      ],
      [
        "a Deny written as a scope (never granted as an Allow)",
        { scopes: [{ actions: ["s3:DeleteObject"], resources: [BUCKET], effect: "Deny" }] },
        /scopes\[0\]: effect is not a field of an aws scope \(every scope is an Allow/,
      ],
      [
        "notActions in a scope",
        { scopes: [{ notActions: ["iam:*"], actions: ["s3:GetObject"], resources: [BUCKET] }] },
        /scopes\[0\]: notActions is not a field of an aws scope/,
      ],
      [
        "CreateAccessKey on another user",
        {
          scopes: [
            {
              actions: ["iam:CreateAccessKey"],
              resources: ["arn:aws:iam::123456789012:user/admin"],
            },
          ],
        },
        /mints a credential for another principal/,
      ],
      ["bad user name", { aws: { userName: "has space" } }, /aws.userName/],
      [
        "ttl over 90d",
        { ttl: "92d" },
        /ttl 92d exceeds the ceiling of 90d for the aws-iam backend/,
      ],
    ];
    for (const [label, over, message] of bad) {
      it(label, () => {
        reset();
        assert.throws(
          () => new ScopedToken("bad", iam(over)),
          (e: unknown) => e instanceof pulumi.ResourceError && message.test(e.message),
        );
        assert.deepEqual(registrations, []);
      });
    }
    it("aws-secret: recovery window outside 7-30 days", () => {
      reset();
      assert.throws(
        () => new ScopedToken("bad", secret({ aws: { recoveryWindowInDays: 3 } })),
        /aws.recoveryWindowInDays: 3 is not 7-30/,
      );
      assert.deepEqual(registrations, []);
    });
  });
});
