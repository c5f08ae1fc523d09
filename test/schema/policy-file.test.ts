import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DEFAULT_POLICY, parsePolicyText, PolicyFileError } from "../../lib/schema/policy-file";
import { findProjectPolicyFile } from "../../lib/schema/policy-source";

describe("schema/policy-file", () => {
  it("has strict built-in defaults", () => {
    assert.equal(DEFAULT_POLICY.backends.vault.maxTtl, 768 * 3600);
    assert.equal(DEFAULT_POLICY.backends.vault.maxRotation, 30 * 86400);
    assert.equal(DEFAULT_POLICY.backends["aws-iam"].maxTtl, 90 * 86400);
    assert.deepEqual(DEFAULT_POLICY.backends.vault.forbiddenPaths, ["sys/*"]);
    for (const b of Object.values(DEFAULT_POLICY.backends)) assert.equal(b.requireRotation, true);
  });

  it("names every bad field and the file", () => {
    const text = [
      "version: 2",
      "backends:",
      "  vault:",
      "    maxTtl: forever",
      "    maxRotaton: 30d",
      "  ldap: {}",
      "tokens:",
      "  ci:",
      "    allowedScopes: [7]",
    ].join("\n");
    assert.throws(
      () => parsePolicyText(text, "tokenguard.policy.yaml"),
      (e: unknown) => {
        assert.ok(e instanceof PolicyFileError);
        const m = e.message;
        assert.match(m, /^tokenguard.policy.yaml is not a valid tokenguard policy file:/);
        assert.match(m, /version: version must be 1/);
        assert.match(m, /backends.vault.maxTtl: "forever" is not a duration/);
        assert.match(m, /backends.vault.maxRotaton: unknown field; did you mean maxRotation\?/);
        assert.match(m, /backends.ldap: unknown field\n/);
        assert.match(m, /tokens.ci.allowedScopes\[0\]/);
        return true;
      },
    );
  });

  it("holds allowEscalation entries to one exact escalation with a reason, naming each bad field", () => {
    const text = [
      "tokens:",
      "  ci:",
      "    allowEscalation:",
      '      - scope: "auth/token/create:update"',
      '      - scope: "sys/*:sudo"',
      "        reason: needs everything, it says",
      '      - scope: "*:update"',
      "        reason: every mount at once, please",
      '      - actions: ["iam:*"]',
      '        resources: ["arn:aws:iam::111122223333:role/*"]',
      "        reason: all of IAM on all roles",
      '      - scope: "auth/token/create:update"',
      '        actions: ["iam:PassRole"]',
      '        resources: ["arn:aws:iam::111122223333:role/app"]',
      "        reason: two things in one entry",
      "      - reason: names no escalation at all",
      '      - scope: "auth/token/create:update"',
      "        reason: short",
      '      - scope: "auth/token/create:update"',
      "        reason: an unknown key follows",
      "        until: 2027-01-01",
    ].join("\n");
    assert.throws(
      () => parsePolicyText(text, "p.yaml"),
      (e: unknown) => {
        assert.ok(e instanceof PolicyFileError);
        const m = e.message;
        assert.match(m, /tokens\.ci\.allowEscalation\[0\]\.reason: reason is required/);
        assert.match(m, /allowEscalation\[1\]\.scope: capability "sudo" is never allowed/);
        assert.match(m, /allowEscalation\[2\]\.scope: path "\*" opens every mount/);
        assert.match(m, /allowEscalation\[3\]: actions\[0\] "iam:\*" is not an exact IAM action/);
        assert.match(
          m,
          /allowEscalation\[3\]: resources\[0\] "arn:aws:iam::111122223333:role\/\*" is not one exact ARN/,
        );
        assert.match(
          m,
          /allowEscalation\[4\]: give either scope \(vault\) or actions and resources \(aws\), not both/,
        );
        assert.match(m, /allowEscalation\[5\]: name the escalation/);
        assert.match(m, /allowEscalation\[6\]\.reason: reason must say why/);
        assert.match(m, /allowEscalation\[7\]\.until: unknown field/);
        return true;
      },
    );
  });

  it("refuses allowActions entries that are wildcards or escalations, naming each", () => {
    const text =
      'backends:\n  aws-iam:\n    allowActions: ["ec2:DescribeInstances", "s3:*", "iam:PassRole"]\n';
    assert.throws(
      () => parsePolicyText(text, "p.yaml"),
      (e: unknown) => {
        const m = (e as Error).message;
        assert.match(m, /backends\.aws-iam\.allowActions\[1\]: "s3:\*" is not an exact IAM action/);
        assert.match(
          m,
          /backends\.aws-iam\.allowActions\[2\]: "iam:PassRole" is an escalation action/,
        );
        assert.doesNotMatch(m, /allowActions\[0\]/);
        return true;
      },
    );
  });

  it("reports YAML syntax errors with the line", () => {
    assert.throws(
      () => parsePolicyText("backends:\n  vault:\n    maxTtl: [1h\n", "p.yaml"),
      /p.yaml is not a valid tokenguard policy file:\n {2}YAML does not parse \(line \d+\)/,
    );
  });

  describe("findProjectPolicyFile", () => {
    const root = mkdtempSync(path.join(os.tmpdir(), "tg-find-"));
    const project = path.join(root, "project");
    const program = path.join(project, "src", "stack");
    mkdirSync(program, { recursive: true });
    writeFileSync(path.join(project, "Pulumi.yaml"), "name: p\n");

    it("finds nothing when no policy file is in the project", () => {
      writeFileSync(path.join(root, "tokenguard.policy.yaml"), "version: 1\n");
      // Above the project root: not the project's file.
      assert.equal(findProjectPolicyFile(program), undefined);
    });

    it("finds the file beside Pulumi.yaml from the program's directory or the project root", () => {
      writeFileSync(path.join(project, "tokenguard.policy.yaml"), "version: 1\n");
      assert.equal(findProjectPolicyFile(program), path.join(project, "tokenguard.policy.yaml"));
      assert.equal(findProjectPolicyFile(project), path.join(project, "tokenguard.policy.yaml"));
    });

    it("prefers a file beside the program", () => {
      writeFileSync(path.join(program, "tokenguard.policy.yaml"), "version: 1\n");
      assert.equal(findProjectPolicyFile(program), path.join(program, "tokenguard.policy.yaml"));
    });
  });
});
