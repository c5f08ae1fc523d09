/**
 * aws-iam-least-privilege over a stack's raw IAM resources, as Bishop Fox's iam-vulnerable tests
 * tools (tool-testing fn1-fn4, fp1-fp3; path STS-AssumeRole): grants split across policies, Deny
 * statements that certainly take an Allow away, statements with no Effect, NotAction, and roles of
 * the same program the token can assume, whose documents count as its own.
 */
import { strict as assert } from "node:assert";
import { AWS_TYPES } from "../../lib/rules/raw-aws";
import { awsIamLeastPrivilege } from "../../lib/policy/aws";
import { runStack, urnFor, type StackFixture } from "./harness";

const doc = (...statements: object[]) =>
  JSON.stringify({ Version: "2012-10-17", Statement: statements });
const res = (
  type: string,
  name: string,
  props: Record<string, unknown>,
  extra: Partial<StackFixture> = {},
) => {
  const r = { type, name, props, ...extra };
  return { ...r, urn: urnFor(r) };
};

/** A user holding an access key, with the given inline policies (and managed ones by name). */
function keyed(...policies: string[]) {
  const user = res(AWS_TYPES.user, "bot", {
    name: "bot",
    arn: "arn:aws:iam::111122223333:user/bot",
  });
  const key = res(AWS_TYPES.accessKey, "bot-key", { user: "bot" });
  const inline = policies.map((p, i) =>
    res(AWS_TYPES.userPolicy, `bot-policy-${i}`, { user: "bot", policy: p }),
  );
  return [user, key, ...inline];
}

const violations = async (resources: readonly StackFixture[]) =>
  (await runStack(awsIamLeastPrivilege, resources)).violations;

describe("policy pack: aws-iam-least-privilege and the escalation model over the stack", () => {
  it("finds PassRole and RunInstances split across two policies (iam-vulnerable fn1)", async () => {
    const out = await violations(
      keyed(
        doc({
          Effect: "Allow",
          Action: "iam:PassRole",
          Resource: "arn:aws:iam::111122223333:role/ops",
        }),
        doc({
          Effect: "Allow",
          Action: "ec2:RunInstances",
          Resource: "arn:aws:ec2:eu-west-1:111122223333:instance/i-1",
        }),
      ),
    );
    assert.equal(out.length, 1, out.join("\n"));
    assert.match(
      out[0],
      /bot-policy-0: inline policy attached to a token principal \(user\): iam:PassRole \(inline policy, Statement\[0\]\) with ec2:RunInstances/,
    );
  });

  it("takes out an Allow a Deny certainly removes (fp1, fp2, fp3), and keeps one a conditional Deny may not", async () => {
    const allowIam = { Effect: "Allow", Action: "iam:*", Resource: "*" };
    const denyIam = { Effect: "Deny", Action: "iam:*", Resource: "*" };
    assert.deepEqual(await violations(keyed(doc(allowIam, denyIam))), []);
    assert.deepEqual(await violations(keyed(doc(allowIam), doc(denyIam))), []);
    assert.deepEqual(await violations(keyed(doc(denyIam))), []);
    const conditional = {
      ...denyIam,
      Condition: { Bool: { "aws:MultiFactorAuthPresent": "false" } },
    };
    assert.equal((await violations(keyed(doc(allowIam, conditional)))).length, 1);
  });

  it("refuses a statement with no Effect, or an Effect IAM does not know", async () => {
    const out = await violations(
      keyed(
        doc(
          { Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
          { Effect: "allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" },
        ),
      ),
    );
    assert.equal(out.length, 2, out.join("\n"));
    assert.match(out[0], /Statement\[0\] has no Effect: IAM refuses it/);
    assert.match(out[1], /Statement\[1\]: Effect "allow" is neither "Allow" nor "Deny"/);
  });

  it("refuses NotAction with Allow (fn4) and an escalation allowed only by a Condition (fn3)", async () => {
    const out = await violations(
      keyed(
        doc(
          { Effect: "Allow", NotAction: "iam:*", Resource: "*" },
          {
            Effect: "Allow",
            Action: "iam:CreatePolicyVersion",
            Resource: "*",
            Condition: { DateGreaterThan: { "aws:TokenIssueTime": "2020-01-01T00:00:00Z" } },
          },
        ),
      ),
    );
    assert.match(out.join("\n"), /NotAction with Allow grants every action/);
    assert.match(out.join("\n"), /"iam:CreatePolicyVersion" lets the holder grant itself more/);
  });

  describe("roles of the program the token can assume count as its own (iam-vulnerable STS-AssumeRole)", () => {
    const role = (name: string, trust: string[] = []) =>
      res(AWS_TYPES.role, name, {
        name,
        assumeRolePolicy: doc({
          Effect: "Allow",
          Action: "sts:AssumeRole",
          Principal: { AWS: trust.length ? trust : "arn:aws:iam::111122223333:root" },
        }),
      });
    const admin = (r: { name: string; urn: string }) =>
      res(
        AWS_TYPES.rolePolicyAttachment,
        `${r.name}-admin`,
        { role: r.name, policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
        { propertyDependencies: { role: [r.urn] } },
      );
    const assume = (arn: string) =>
      doc({ Effect: "Allow", Action: "sts:AssumeRole", Resource: arn });

    it("through sts:AssumeRole the token holds, hop by hop, reported on the grant", async () => {
      const first = role("first");
      const second = role("second");
      const firstAssumes = res(AWS_TYPES.rolePolicy, "first-hop", {
        role: "first",
        policy: assume("arn:aws:iam::111122223333:role/second"),
      });
      const out = await violations([
        ...keyed(assume("arn:aws:iam::111122223333:role/first")),
        first,
        second,
        firstAssumes,
        admin(second),
      ]);
      assert.equal(out.length, 1, out.join("\n"));
      assert.match(
        out[0],
        /bot-policy-0: via sts:AssumeRole on role "first" .*via sts:AssumeRole on role "second" .*AdministratorAccess is attached to role "second"/,
      );
    });

    it("through a trust policy that names the token's user, reported on the trust policy", async () => {
      const trusting = role("trusting", ["arn:aws:iam::111122223333:user/bot"]);
      const out = await violations([
        ...keyed(doc({ Effect: "Allow", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" })),
        trusting,
        admin(trusting),
      ]);
      assert.equal(out.length, 1, out.join("\n"));
      assert.match(
        out[0],
        /Role::trusting: via role "trusting", whose trust policy names this principal \(declared in this program.*\): arn:aws:iam::aws:policy\/AdministratorAccess is attached to role "trusting"/,
      );
    });

    it("not through a role the token cannot reach, and not forever round a cycle", async () => {
      const a = role("a", ["arn:aws:iam::111122223333:role/b"]);
      const b = role("b", ["arn:aws:iam::111122223333:role/a"]);
      const unreachable = role("elsewhere");
      const aHop = res(AWS_TYPES.rolePolicy, "a-hop", {
        role: "a",
        policy: assume("arn:aws:iam::111122223333:role/b"),
      });
      const out = await violations([
        ...keyed(assume("arn:aws:iam::111122223333:role/a")),
        a,
        b,
        aHop,
        unreachable,
        admin(unreachable),
      ]);
      assert.deepEqual(out, []);
    });
  });
});
