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
