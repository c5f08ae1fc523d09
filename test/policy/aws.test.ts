import { strict as assert } from "node:assert";
import { SCOPED_TOKEN_TYPE } from "../../lib/rules/ownership";
import { AWS_TYPES } from "../../lib/rules/raw-aws";
import {
  awsAccessKeyRotation,
  awsIamLeastPrivilege,
  awsSecretRotation,
} from "../../lib/policy/aws";
import { runStack, UNKNOWN, urnFor, type StackFixture } from "./harness";

const doc = (...statements: object[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });
const READ_BUCKET = { Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/p/*" };

const res = (
  type: string,
  name: string,
  props: Record<string, unknown>,
  extra: Partial<StackFixture> = {},
): StackFixture & { urn: string } => {
  const r = { type, name, props, ...extra };
  return { ...r, urn: urnFor(r) };
};

/** A raw user with an access key and an inline policy, wired the way the engine records it. */
function keyedUser(policy: string) {
  const user = res(AWS_TYPES.user, "deploy-bot", { name: "deploy-bot", arn: UNKNOWN });
  const key = res(
    AWS_TYPES.accessKey,
    "deploy-bot-key",
    { user: "deploy-bot" },
    {
      propertyDependencies: { user: [user.urn] },
    },
  );
  const inline = res(
    AWS_TYPES.userPolicy,
    "deploy-bot-policy",
    { user: "deploy-bot", policy },
    {
      propertyDependencies: { user: [user.urn] },
    },
  );
  return { user, key, inline };
}

const SCOPED = res(SCOPED_TOKEN_TYPE, "svc", {});

describe("policy pack: raw AWS resources (stack policies)", () => {
  describe("aws-access-key-rotation", () => {
    it("flags an access key no ScopedToken owns, naming the ceiling", async () => {
      const { user, key } = keyedUser(doc(READ_BUCKET));
      const out = await runStack(awsAccessKeyRotation, [user, key]);
      assert.deepEqual(out.violations, [
        `${key.urn}: access key "deploy-bot-key" is not owned by a ScopedToken: nothing rotates it and it never expires, while aws-iam keys must rotate at least every 90d (built-in defaults); declare it with ScopedToken (backend: "aws-iam")`,
      ]);
    });
    it("passes the access keys a ScopedToken owns", async () => {
      const user = res(AWS_TYPES.user, "svc-user", { name: "tg-svc" }, { parent: SCOPED.urn });
      const key = res(AWS_TYPES.accessKey, "svc-key0", { user: "tg-svc" }, { parent: SCOPED.urn });
      assert.deepEqual((await runStack(awsAccessKeyRotation, [SCOPED, user, key])).violations, []);
    });
  });

  describe("aws-iam-least-privilege", () => {
    it("passes an exact read policy on a keyed user", async () => {
      const { user, key, inline } = keyedUser(doc(READ_BUCKET));
      assert.deepEqual((await runStack(awsIamLeastPrivilege, [user, key, inline])).violations, []);
    });
    for (const [what, statement, message] of [
      [
        '"*"',
        { Effect: "Allow", Action: "*", Resource: "*" },
        /Statement\[0\]: action "\*" grants everything/,
      ],
      [
        '"s3:*"',
        { Effect: "Allow", Action: "s3:*", Resource: "arn:aws:s3:::b/*" },
        /Statement\[0\]: action "s3:\*" is a wildcard/,
      ],
      [
        'a write on Resource "*"',
        { Effect: "Allow", Action: "s3:PutObject", Resource: "*" },
        /action "s3:PutObject" writes, and resources include "\*"/,
      ],
      [
        "an escalation action",
        {
          Effect: "Allow",
          Action: "iam:AttachUserPolicy",
          Resource: "arn:aws:iam::123456789012:user/x",
        },
        /action "iam:AttachUserPolicy" lets the holder grant itself more/,
      ],
      [
        "NotAction",
        { Effect: "Allow", NotAction: "iam:*", Resource: "*" },
        /NotAction with Allow grants every action but those listed/,
      ],
    ] as const) {
      it(`flags ${what} in the inline policy of a keyed user`, async () => {
        const { user, key, inline } = keyedUser(doc(statement));
        const out = await runStack(awsIamLeastPrivilege, [user, key, inline]);
        assert.equal(out.violations.length, 1, out.violations.join("\n"));
        assert.ok(
          out.violations[0].startsWith(
            `${inline.urn}: inline policy attached to a token principal (user): `,
          ),
        );
        assert.match(out.violations[0], message);
      });
    }
    it("does not judge principals that hold no token", async () => {
      const { user, inline } = keyedUser(doc({ Effect: "Allow", Action: "*", Resource: "*" }));
      assert.deepEqual((await runStack(awsIamLeastPrivilege, [user, inline])).violations, []);
    });
    it("lets allowActions allow an exact action on *, and refuses an escalation or wildcard there", async () => {
      const { user, key, inline } = keyedUser(
        doc({ Effect: "Allow", Action: "ec2:DescribeInstances", Resource: "*" }),
      );
      const flagged = await runStack(awsIamLeastPrivilege, [user, key, inline]);
      assert.equal(flagged.violations.length, 1);
      const allowed = await runStack(awsIamLeastPrivilege, [user, key, inline], {
        allowActions: ["ec2:DescribeInstances"],
      });
      assert.deepEqual(allowed.violations, []);
      for (const action of ["iam:PassRole", "iam:*", "*", "lambda:UpdateFunctionCode"]) {
        await assert.rejects(
          runStack(awsIamLeastPrivilege, [user, key, inline], { allowActions: [action] }),
          new RegExp(
            `aws-iam-least-privilege\\.allowActions\\[0\\]: "${action.replace(/\*/g, "\\*")}" is`,
          ),
        );
      }
    });
    it("follows managed policies and group membership, and flags AdministratorAccess", async () => {
      const { user, key } = keyedUser(doc(READ_BUCKET));
      const group = res(AWS_TYPES.group, "deployers", { name: "deployers" });
      const member = res(AWS_TYPES.groupMembership, "m", {
        group: "deployers",
        users: ["deploy-bot"],
      });
      const wide = res(AWS_TYPES.policy, "wide", {
        name: "wide",
        arn: UNKNOWN,
        policy: doc({ Effect: "Allow", Action: "ec2:*", Resource: "*" }),
      });
      const attach = res(
        AWS_TYPES.groupPolicyAttachment,
        "attach",
        { group: "deployers", policyArn: UNKNOWN },
        {
          propertyDependencies: { group: [group.urn], policyArn: [wide.urn] },
        },
      );
      const admin = res(AWS_TYPES.userPolicyAttachment, "admin", {
        user: "deploy-bot",
        policyArn: "arn:aws:iam::aws:policy/AdministratorAccess",
      });
      const out = await runStack(awsIamLeastPrivilege, [
        user,
        key,
        group,
        member,
        wide,
        attach,
        admin,
      ]);
      assert.deepEqual(out.violations, [
        `${attach.urn}: policy "wide" attached to a token principal (group): Statement[0]: action "ec2:*" is a wildcard; name the exact actions`,
        `${admin.urn}: arn:aws:iam::aws:policy/AdministratorAccess is attached to a token principal (user) and grants (nearly) everything or a way to escalate to it; attach a policy naming the exact actions and ARNs`,
      ]);
    });
    it("judges what it knows and says it cannot know an unknown document", async () => {
      const { user, key, inline } = keyedUser(doc({ Effect: "Allow", Action: "*", Resource: "*" }));
      const later = res(AWS_TYPES.userPolicy, "later", { user: "deploy-bot", policy: UNKNOWN });
      const out = await runStack(awsIamLeastPrivilege, [user, key, inline, later]);
      assert.equal(out.violations.length, 1);
      assert.match(out.unknown ?? "", /can't be known during preview/);
    });
    it("passes a ScopedToken's own user, key and policy, even with a document unknown at preview", async () => {
      const user = res(AWS_TYPES.user, "svc-user", { name: "tg-svc" }, { parent: SCOPED.urn });
      const key = res(AWS_TYPES.accessKey, "svc-key0", { user: "tg-svc" }, { parent: SCOPED.urn });
      const policy = res(
        AWS_TYPES.userPolicy,
        "svc-policy",
        { user: "tg-svc", policy: UNKNOWN },
        { parent: SCOPED.urn },
      );
      assert.deepEqual(await runStack(awsIamLeastPrivilege, [SCOPED, user, key, policy]), {
        violations: [],
      });
    });
  });

  describe("aws-secret-rotation", () => {
    const secret = res(AWS_TYPES.secret, "webhook-token", { name: "webhook-token" });
    const rotation = (rules: object) =>
      res(
        AWS_TYPES.secretRotation,
        "webhook-token-rotation",
        { secretId: UNKNOWN, rotationRules: rules },
        {
          propertyDependencies: { secretId: [secret.urn] },
        },
      );
    it("flags a token secret that nothing rotates", async () => {
      const out = await runStack(awsSecretRotation, [secret]);
      assert.deepEqual(out.violations, [
        `${secret.urn}: secret "webhook-token" is a credential and nothing rotates it; add an aws.secretsmanager.SecretRotation every 90d or less, or declare it with ScopedToken (backend: "aws-secret")`,
      ]);
    });
    it("passes rotation exactly at the ceiling (90 days), flags 91", async () => {
      assert.deepEqual(
        (await runStack(awsSecretRotation, [secret, rotation({ automaticallyAfterDays: 90 })]))
          .violations,
        [],
      );
      const slow = await runStack(awsSecretRotation, [
        secret,
        rotation({ automaticallyAfterDays: 91 }),
      ]);
      assert.match(
        slow.violations[0],
        /rotates every 91d, slower than the aws-secret ceiling of 90d \(built-in defaults\)/,
      );
      const rate = await runStack(awsSecretRotation, [
        secret,
        rotation({ scheduleExpression: "rate(100 days)" }),
      ]);
      assert.match(rate.violations[0], /rotates every 100d/);
    });
    it("judges every secret whatever its name (no name words), and passes ScopedToken's own", async () => {
      const named = [
        res(AWS_TYPES.secret, "db-config", { name: "db-config" }),
        res(AWS_TYPES.secret, "orders", { namePrefix: "orders-" }),
        res(AWS_TYPES.secret, "x", {}),
      ];
      const owned = res(
        AWS_TYPES.secret,
        "svc-secret",
        { name: "tokenguard/p/s/svc" },
        { parent: SCOPED.urn },
      );
      const out = await runStack(awsSecretRotation, [SCOPED, ...named, owned]);
      assert.deepEqual(
        out.violations.map((v) => v.split(": ")[0]),
        named.map((n) => n.urn),
      );
      for (const v of out.violations) assert.match(v, /is a credential and nothing rotates it/);
    });
    it("has no nameWords setting any more", () => {
      assert.deepEqual(Object.keys(awsSecretRotation.configSchema?.properties ?? {}).sort(), [
        "policy",
        "policyFile",
      ]);
    });
  });
});
