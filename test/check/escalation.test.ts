/**
 * `tokenguard check` on a program that declares escalations from the catalogue the way a program
 * would (test/check/fixtures/escalation): each is refused at the resource at fault, the narrow
 * scopes and the one escalation the policy file allows pass, and the verdict equals the pack's.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { hasMandatory, runCheck } from "../../lib/check/check";
import { loadProject } from "../../lib/check/project";
import { FIXTURES, PACK_DIR, packVerdictInProcess, verdictLines } from "./helpers";

const DIR = path.join(FIXTURES, "escalation");
const URN = "urn:pulumi:dev::tokenguard-escalation-fixture::";

describe("tokenguard check: escalations in a program", function () {
  this.timeout(300_000);

  it("refuses each escalation on the resource at fault, passes the rest, as the pack does", async () => {
    const result = await runCheck({ dir: DIR, policyPack: PACK_DIR });
    const project = loadProject(DIR);
    const expected = await packVerdictInProcess(result.view, project.root, { ...project.config });
    assert.deepEqual(verdictLines(result.violations), verdictLines(expected));
    assert.equal(hasMandatory(result), true);

    const mandatory = result.violations.filter((v) => v.level === "mandatory");
    const on = (policy: string, urn: string) =>
      mandatory
        .filter((v) => v.policy === policy && v.urn === `${URN}${urn}`)
        .map((v) => v.message)
        .join("\n");
    const token = (name: string) => `tokenguard:index:ScopedToken::${name}`;
    assert.match(on("token-least-privilege", token("orphan-maker")), /vault token-create-orphan/);
    assert.match(
      on("token-least-privilege", token("keymaker")),
      /"iam:CreateAccessKey" on arn:aws:iam::111122223333:user\/admin mints a credential/,
    );
    assert.match(
      on("token-least-privilege", token("lambda-deployer")),
      /iam:PassRole \(scopes\[0\]\) with lambda:CreateFunction \(scopes\[1\]\)/,
    );
    assert.match(
      on("aws-iam-least-privilege", "aws:iam/userPolicy:UserPolicy::ops-bot-policy"),
      /via sts:AssumeRole on role "deployer" \(declared in this program.*\): arn:aws:iam::aws:policy\/AdministratorAccess is attached to role "deployer"/,
    );
    assert.match(
      on("vault-no-root-policies", "vault:index/policy:Policy::user-admin"),
      /vault auth-users/,
    );
    assert.match(
      on("vault-policy-name-unique", "vault:index/policy:Policy::hand-written"),
      /also written by ScopedToken "reader"/,
    );
    assert.match(
      on(
        "vault-policy-name-unique",
        "tokenguard:index:ScopedToken$vault:index/policy:Policy::reader-policy",
      ),
      /also written by vault.Policy "hand-written"/,
    );
    // The allowed escalation and the narrow scopes pass, summary and children alike.
    for (const name of ["ci-minter", "exporter"]) {
      const about = mandatory.filter(
        (v) =>
          v.urn.includes(`::${name}`) ||
          (v.urn.includes(`$`) && v.urn.endsWith(`::${name}-policy`)),
      );
      assert.deepEqual(about, [], `${name}: ${about.map((v) => v.message).join("\n")}`);
    }
  });
});
