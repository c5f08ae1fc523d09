/**
 * The AWS side of the escalation model, rule by rule: which ARNs reach everything, the token's own
 * principal, actions that only work on "*", policy versions of AWS-managed policies, and the
 * strict scope grammar (a Deny is never granted as an Allow).
 */
import { strict as assert } from "node:assert";
import { isOwnPrincipal, namesOneResource, reachesEverything } from "../../lib/rules/aws/arns";
import { judgeToken } from "../../lib/rules/token-rules";
import { DEFAULT_POLICY, resolvePolicy } from "../../lib/schema/policy-file";
import { parseAwsScope } from "../../lib/schema/scopes";
import { parseTokenSpec, TokenSpecError } from "../../lib/schema/token";
import { goodToken } from "../helpers/fixtures";

const judge = (scopes: object[], policy = DEFAULT_POLICY) =>
  judgeToken(parseTokenSpec(goodToken({ backend: "aws-iam", scopes })), policy)
    .filter((f) => f.rule === "token-least-privilege")
    .map((f) => f.message);

describe("rules/aws escalation model", () => {
  it("reads wildcard ARNs as every resource, and ARNs with a literal name as named", () => {
    for (const arn of [
      "*",
      "arn:aws:s3:::*",
      "arn:aws:s3:::*/*",
      "arn:aws:iam::111122223333:user/*",
      "arn:aws:iam::111122223333:role/*",
      "arn:aws:lambda:eu-west-1:111122223333:function:*",
      "arn:aws:sqs:eu-west-1:111122223333:*",
      "arn:aws:dynamodb:eu-west-1:111122223333:table/*",
      "arn:aws:iam::*:role/deployer",
    ]) {
      assert.equal(reachesEverything(arn), true, arn);
      assert.equal(namesOneResource(arn), false, arn);
    }
    for (const arn of [
      "arn:aws:s3:::acme-reports/exports/*",
      "arn:aws:s3:::app-*",
      "arn:aws:dynamodb:eu-west-1:111122223333:table/orders/index/*",
      "arn:aws:iam::111122223333:user/tokenguard/*",
    ]) {
      assert.equal(reachesEverything(arn), false, arn);
    }
    assert.equal(namesOneResource("arn:aws:iam::111122223333:user/admin"), true);
  });

  // The holes issue 14 lists, each refused now.
  for (const [scope, why] of [
    [
      { actions: ["iam:CreateAccessKey"], resources: ["arn:aws:iam::111122223333:user/*"] },
      /reaches every user/,
    ],
    [
      { actions: ["iam:PassRole"], resources: ["arn:aws:iam::111122223333:role/*"] },
      /reaches every role/,
    ],
    [
      { actions: ["s3:DeleteObject"], resources: ["arn:aws:s3:::*"] },
      /writes, and "arn:aws:s3:::\*" reaches every resource of its kind/,
    ],
    [
      { actions: ["s3:PutObject"], resources: ["arn:aws:s3:::*/*"] },
      /writes, and "arn:aws:s3:::\*\/\*" reaches every resource/,
    ],
    [
      { actions: ["iam:CreateAccessKey"], resources: ["arn:aws:iam::111122223333:user/admin"] },
      /mints a credential for another principal/,
    ],
    [
      { actions: ["sts:AssumeRole"], resources: ["arn:aws:iam::111122223333:role/*"] },
      /reaches every role/,
    ],
  ] as const) {
    it(`refuses ${scope.actions[0]} on ${scope.resources[0]}`, () => {
      const messages = judge([scope]);
      assert.equal(messages.length, 1, messages.join("\n"));
      assert.match(messages[0], why);
    });
  }

  it("lets a token manage its own login and keys' status, but not mint long-lived keys for itself", () => {
    const self = "arn:aws:iam::111122223333:user/${aws:username}";
    assert.equal(isOwnPrincipal(self), true);
    assert.deepEqual(
      judge([{ actions: ["iam:UpdateLoginProfile", "iam:UpdateAccessKey"], resources: [self] }]),
      [],
    );
    const [message] = judge([{ actions: ["iam:CreateAccessKey"], resources: [self] }]);
    assert.match(
      message,
      /on the token's own user makes a long-lived credential tokenguard never rotates/,
    );
    assert.match(
      judge([{ actions: ["iam:AttachUserPolicy"], resources: [self] }])[0],
      /grant itself more/,
    );
  });

  it('allows the built-in actions that only work on "*" and read nothing there; refuses the rest', () => {
    const harmless = [
      "sts:GetCallerIdentity",
      "ecr:GetAuthorizationToken",
      "s3:ListAllMyBuckets",
      "xray:PutTraceSegments",
      "xray:PutTelemetryRecords",
    ];
    assert.deepEqual(judge([{ actions: harmless, resources: ["*"] }]), []);
    assert.match(
      judge([{ actions: ["ec2:DescribeInstances"], resources: ["*"] }])[0],
      /reads everything/,
    );
    assert.match(
      judge([{ actions: ["cloudwatch:PutMetricData"], resources: ["*"] }])[0],
      /writes, and resources include "\*"/,
    );
    const policy = resolvePolicy(
      { backends: { "aws-iam": { allowActions: ["ec2:DescribeInstances"] } } },
      "p.yaml",
    );
    assert.deepEqual(judge([{ actions: ["ec2:DescribeInstances"], resources: ["*"] }], policy), []);
  });

  it("judges a policy version of an AWS-managed policy harmless (AWS refuses to change it), a customer one not", () => {
    // Bishop Fox iam-vulnerable, tool-testing fp4 (not exploitable) and fn2 (exploitable).
    assert.deepEqual(
      judge([
        {
          actions: ["iam:CreatePolicyVersion"],
          resources: ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
        },
      ]),
      [],
    );
    assert.match(
      judge([
        {
          actions: ["iam:CreatePolicyVersion"],
          resources: ["arn:aws:iam::111122223333:policy/ci-*"],
        },
      ])[0],
      /grant itself more/,
    );
  });

  it("judges PassRole with compute across scopes, and PassRole alone on a named role as fine", () => {
    const pass = { actions: ["iam:PassRole"], resources: ["arn:aws:iam::111122223333:role/app"] };
    assert.deepEqual(judge([pass]), []);
    const [message] = judge([
      pass,
      {
        actions: ["ecs:RunTask"],
        resources: ["arn:aws:ecs:eu-west-1:111122223333:task-definition/app:3"],
      },
    ]);
    assert.match(
      message,
      /^scopes\[0\]: iam:PassRole \(scopes\[0\]\) with ecs:RunTask \(scopes\[1\]\)/,
    );
  });

  describe("the scope grammar is strict: unknown keys are errors naming the field", () => {
    for (const [extra, why] of [
      [
        { effect: "Deny" },
        /effect is not a field of an aws scope \(every scope is an Allow: a Deny written here would be granted as an Allow/,
      ],
      [
        { notActions: ["iam:*"] },
        /notActions is not a field of an aws scope \(NotAction grants every action but those listed/,
      ],
      [{ notResources: ["arn:aws:s3:::x"] }, /notResources is not a field/],
      [
        { Actions: ["s3:GetObject"] },
        /Actions is not a field of an aws scope \(it would be dropped silently\)/,
      ],
    ] as const) {
      it(JSON.stringify(extra), () => {
        const scope = { actions: ["s3:GetObject"], resources: ["arn:aws:s3:::b/p/*"], ...extra };
        const parsed = parseAwsScope(scope);
        assert.equal(parsed.ok, false);
        assert.match((parsed as { error: string }).error, why);
        assert.throws(
          () => parseTokenSpec(goodToken({ backend: "aws-iam", scopes: [scope] })),
          (e: unknown) => e instanceof TokenSpecError && e.issues[0].field === "scopes[0]",
        );
      });
    }
  });

  it("keeps the escalation set when the policy file lifts sys/* (forbiddenPaths: [])", () => {
    const policy = resolvePolicy({ backends: { vault: { forbiddenPaths: [] } } }, "p.yaml");
    const vault = (scope: string) =>
      judgeToken(parseTokenSpec(goodToken({ scopes: [scope] })), policy).filter(
        (f) => f.rule === "token-least-privilege",
      );
    assert.deepEqual(vault("sys/leases/renew:update"), []);
    assert.match(vault("sys/policies/acl/ci:update")[0].message, /vault acl-policies/);
    assert.match(vault("sys/*:update")[0].message, /vault acl-policies/);
  });
});
