/**
 * The AWS gate against catalogues it was not first built from (pathfinding.cloud, Cloudsplaining,
 * PMapper, hackingthe.cloud) and against least-privilege policies AWS documents as the way to
 * write them: what must pass passes, on both paths (a ScopedToken's scopes, and raw IAM documents
 * on a keyed user judged by the pack's `aws-iam-least-privilege`). The escalations themselves are
 * in the shared catalogue (test/helpers/escalation-catalogue.ts).
 */
import { strict as assert } from "node:assert";
import { awsIamLeastPrivilege } from "../../lib/policy/aws";
import { reachesEverything } from "../../lib/rules/aws/arns";
import { withoutDenied, readDocument } from "../../lib/rules/aws/documents";
import { AWS_TYPES } from "../../lib/rules/raw-aws";
import { judgeToken } from "../../lib/rules/token-rules";
import { allowActionProblem } from "../../lib/schema/allowance";
import { DEFAULT_POLICY } from "../../lib/schema/policy-file";
import { parseTokenSpec } from "../../lib/schema/token";
import { goodToken } from "../helpers/fixtures";
import { runStack, UNKNOWN, urnFor, type StackFixture } from "./harness";

const ACCT = "111122223333";
const INSTANCE = `arn:aws:ec2:eu-west-1:${ACCT}:instance/i-0abc1234def567890`;
const doc = (region: string, name: string) => `arn:aws:ssm:${region}::document/${name}`;
const PASS_FN_ROLE = { actions: ["iam:PassRole"], resources: [`arn:aws:iam::${ACCT}:role/fn`] };
const RUN_INSTANCE = { actions: ["ec2:RunInstances"], resources: [INSTANCE] };
const pinned = (op: string, service: string) => ({
  ...PASS_FN_ROLE,
  conditions: { [op]: { "iam:PassedToService": service } },
});

const judge = (scopes: object[]) =>
  judgeToken(parseTokenSpec(goodToken({ backend: "aws-iam", scopes })), DEFAULT_POLICY)
    .filter((f) => f.rule === "token-least-privilege")
    .map((f) => f.message);

const fixture = (type: string, name: string, props: Record<string, unknown>, deps = {}) => {
  const r: StackFixture = { type, name, props, propertyDependencies: deps };
  return { ...r, urn: urnFor(r) };
};

/** The same scopes as raw Allow statements of an inline policy on a user with an access key. */
async function judgeRaw(scopes: readonly Record<string, unknown>[]): Promise<string[]> {
  const statements = scopes.map((s) => ({
    Effect: "Allow",
    Action: s.actions,
    Resource: s.resources,
    ...(s.conditions ? { Condition: s.conditions } : {}),
  }));
  const user = fixture(AWS_TYPES.user, "bot", { name: "bot", arn: UNKNOWN });
  const key = fixture(AWS_TYPES.accessKey, "bot-key", { user: "bot" }, { user: [user.urn] });
  const policy = JSON.stringify({ Version: "2012-10-17", Statement: statements });
  const inline = fixture(
    AWS_TYPES.userPolicy,
    "bot-policy",
    { user: "bot", policy },
    {
      user: [user.urn],
    },
  );
  return (await runStack(awsIamLeastPrivilege, [user, key, inline])).violations;
}

/** Asserts both paths agree: refused (matching `why`) or passed. */
async function both(scopes: Record<string, unknown>[], why: RegExp | undefined) {
  const scoped = judge(scopes);
  const raw = await judgeRaw(scopes);
  if (why === undefined) {
    assert.deepEqual(scoped, [], "ScopedToken");
    assert.deepEqual(raw, [], "raw IAM");
  } else {
    assert.match(scoped.join("\n"), why, "ScopedToken");
    assert.match(raw.join("\n"), why, "raw IAM");
  }
}

describe("aws gate: held-out cases", () => {
  describe("ARNs that name one resource are not read as every resource", () => {
    for (const arn of [
      `arn:aws:logs:eu-west-1:${ACCT}:log-group:/aws/lambda/billing:*`,
      `arn:aws:logs:eu-west-1:${ACCT}:log-group:/app/prod`,
      `arn:aws:autoscaling:eu-west-1:${ACCT}:autoScalingGroup:*:autoScalingGroupName/web`,
    ]) {
      it(arn, async () => {
        assert.equal(reachesEverything(arn), false);
        await both([{ actions: ["logs:PutLogEvents"], resources: [arn] }], undefined);
      });
    }
    it("while a bare wildcard after them still is", () => {
      for (const arn of [
        `arn:aws:logs:eu-west-1:${ACCT}:log-group:*`,
        `arn:aws:logs:eu-west-1:${ACCT}:log-group:/*`,
        `arn:aws:autoscaling:eu-west-1:${ACCT}:autoScalingGroup:*:autoScalingGroupName/*`,
      ]) {
        assert.equal(reachesEverything(arn), true, arn);
      }
    });
  });

  describe("SSM limited by document ARN", () => {
    it("SendCommand / CreateAssociation with only AWS documents that run no code of the caller's: passes", async () => {
      for (const action of ["ssm:SendCommand", "ssm:CreateAssociation"]) {
        await both(
          [{ actions: [action], resources: [INSTANCE, doc("eu-west-1", "AWS-RunPatchBaseline")] }],
          undefined,
        );
      }
    });
    it("with a shell document, a customer document, a document wildcard or no document: a takeover", async () => {
      for (const resources of [
        [INSTANCE, doc("eu-west-1", "AWS-RunShellScript")],
        [
          INSTANCE,
          doc("eu-west-1", "AWS-RunPatchBaseline"),
          doc("eu-west-1", "AWS-RunShellScript"),
        ],
        [INSTANCE, `arn:aws:ssm:eu-west-1:${ACCT}:document/AWS-RunPatchBaseline`],
        [INSTANCE, doc("eu-west-1", "AWS-*")],
        [INSTANCE],
        // A listed document beside anything that could name another one.
        [INSTANCE, doc("eu-west-1", "AWS-RunPatchBaseline"), "*"],
        [doc("eu-west-1", "AWS-RunPatchBaseline"), `arn:aws:ssm:eu-west-1:${ACCT}:*`],
        [doc("eu-west-1", "AWS-RunPatchBaseline"), `arn:aws:ssm:eu-west-1:${ACCT}:document/*`],
      ]) {
        await both([{ actions: ["ssm:SendCommand"], resources }], /runs code of the holder's/);
      }
    });
    it("StartSession to port forwarding passes only with ssm:SessionDocumentAccessCheck", async () => {
      const scope = {
        actions: ["ssm:StartSession"],
        resources: [INSTANCE, doc("eu-west-1", "AWS-StartPortForwardingSession")],
      };
      await both([scope], /runs code of the holder's/);
      const checked = {
        ...scope,
        conditions: { BoolIfExists: { "ssm:SessionDocumentAccessCheck": "true" } },
      };
      await both([checked], undefined);
      const shell = { ...checked, resources: [INSTANCE, doc("eu-west-1", "AWS-StartSSHSession")] };
      await both([shell], /runs code of the holder's/);
    });
  });

  describe("iam:PassedToService pins what a passed role can run", () => {
    it("PassRole pinned to Lambda beside ec2:RunInstances (and no Lambda action): passes", async () => {
      await both([pinned("StringEquals", "lambda.amazonaws.com"), RUN_INSTANCE], undefined);
    });
    it("pinned to EC2, to a wildcard, or not pinned: PassRole with RunInstances escalates", async () => {
      for (const pass of [
        pinned("StringEquals", "ec2.amazonaws.com"),
        pinned("StringLike", "*.amazonaws.com"),
        PASS_FN_ROLE,
      ]) {
        await both([pass, RUN_INSTANCE], /runs as the passed role/);
      }
    });
    it("a launch configuration passes its role to EC2: pinned to EC2 it still escalates", async () => {
      const launch = {
        actions: ["autoscaling:CreateLaunchConfiguration"],
        resources: [
          `arn:aws:autoscaling:eu-west-1:${ACCT}:launchConfiguration:*:launchConfigurationName/web`,
        ],
      };
      await both([pinned("StringEquals", "ec2.amazonaws.com"), launch], /runs as the passed role/);
    });
  });

  it("a Deny removes an Allow only on the ARN it names, case-sensitively as AWS matches ARNs", () => {
    const { statements } = readDocument({
      Statement: [
        {
          Effect: "Allow",
          Action: "iam:CreateAccessKey",
          Resource: `arn:aws:iam::${ACCT}:user/Admin`,
        },
        {
          Effect: "Deny",
          Action: "iam:CreateAccessKey",
          Resource: `arn:aws:iam::${ACCT}:user/admin`,
        },
        {
          Effect: "Deny",
          Action: "IAM:createaccesskey",
          Resource: `arn:aws:iam::${ACCT}:user/Admin`,
        },
      ],
    });
    const [allow, otherUser, sameUser] = statements;
    assert.deepEqual(withoutDenied(allow, [otherUser]).actions, ["iam:CreateAccessKey"]);
    // Action names are case-insensitive: this Deny does take it away.
    assert.deepEqual(withoutDenied(allow, [sameUser]).actions, []);
  });

  it("allowActions cannot lift compute or combination actions org-wide", () => {
    for (const action of ["ec2:RequestSpotInstances", "ec2:ModifyInstanceAttribute"]) {
      assert.match(allowActionProblem(action) ?? "", /is an escalation action/, action);
    }
    assert.equal(allowActionProblem("ec2:DescribeInstances"), undefined);
  });

  it("AWS-managed policies that carry an escalation are refused by ARN", async () => {
    const user = fixture(AWS_TYPES.user, "bot", { name: "bot", arn: UNKNOWN });
    const key = fixture(AWS_TYPES.accessKey, "bot-key", { user: "bot" }, { user: [user.urn] });
    const attach = fixture(AWS_TYPES.userPolicyAttachment, "lambda-full", {
      user: "bot",
      policyArn: "arn:aws:iam::aws:policy/AWSLambda_FullAccess",
    });
    const out = await runStack(awsIamLeastPrivilege, [user, key, attach]);
    assert.match(
      out.violations.join("\n"),
      /AWSLambda_FullAccess is attached to a token principal/,
    );
  });
});
