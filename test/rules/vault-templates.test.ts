/**
 * Identity templates in Vault policy paths. Vault fills `{{…}}` in before it reads the path
 * (hashicorp/vault vault/policy.go parsePaths, then vault/acl.go matches the result), and the
 * value — an entity's name or metadata — may hold `/`, `*` or `+`. Run against Vault 1.21.1: a
 * policy of `{{identity.entity.metadata.p}}` with p=auth/token/create-orphan minted orphan tokens,
 * `auth/token/cr{{…}}` with the value "eate" reached auth/token/create, a template in the mount
 * with m=sys reached sys/mounts, and a trailing template with the value "*" became a prefix glob.
 * So a template is judged as any run of characters, "/" included; a template after a literal
 * mount (the per-entity KV pattern) stays inside that mount and is judged there.
 */
import { strict as assert } from "node:assert";
import { vaultPathCovers, vaultPathStem, vaultPathsOverlap } from "../../lib/rules/globs";
import { judgeVaultPolicyDocument } from "../../lib/rules/raw-vault";
import { globsOverlap } from "../../lib/rules/vault/glob";
import { vaultGrantProblems } from "../../lib/rules/vault/scope";
import { resolvePolicy } from "../../lib/schema/policy-file";

const DEFAULTS = resolvePolicy({}, "p.yaml");
const LOOSE = resolvePolicy({ backends: { vault: { forbiddenPaths: [] } } }, "p.yaml");

const problems = (path: string, caps: string[], policy = DEFAULTS) =>
  vaultGrantProblems({ path, capabilities: caps }, policy.backends.vault).map((p) => p.message);

describe("rules: identity templates in Vault paths", () => {
  it("reads a template as any run, '/' included, inside a segment or as a whole one", () => {
    assert.ok(globsOverlap("{{identity.entity.metadata.p}}", "auth/token/create-orphan"));
    assert.ok(
      globsOverlap("auth/token/cr{{identity.entity.metadata.suffix}}", "auth/token/create"),
    );
    assert.ok(globsOverlap("auth/{{identity.entity.name}}/create", "auth/token/create"));
    assert.ok(globsOverlap("secret/data/{{identity.entity.metadata.s}}", "secret/data/a/b/c"));
    // A "+" next to a template may become a whole segment once it is filled in ("+" + "/x").
    assert.ok(globsOverlap("auth/token/+{{identity.entity.name}}", "auth/token/roles/ops"));
    // Still anchored by the literal text around it.
    assert.ok(!globsOverlap("secret/data/{{identity.entity.id}}/*", "auth/token/create"));
    assert.ok(!globsOverlap("kv/{{identity.entity.id}}", "sys/policy/x"));
  });

  it("refuses templated paths that reach an escalation endpoint (A5, A6: the Vault runs above)", () => {
    assert.match(
      problems("{{identity.entity.metadata.p}}", ["update"]).join("\n"),
      /grants everything/,
    );
    assert.match(
      problems("auth/token/cr{{identity.entity.metadata.suffix}}", ["update"], LOOSE).join("\n"),
      /privilege escalation: .*vault token-create/,
    );
    assert.match(
      problems("identity/{{identity.entity.metadata.kind}}/name/ops", ["update"], LOOSE).join("\n"),
      /privilege escalation: .*vault identity-/,
    );
  });

  it("counts a template in the mount as a wildcard mount, and keeps sys/* forbidden (A7)", () => {
    assert.match(
      problems("{{identity.entity.metadata.m}}/mounts/x", ["create", "update"]).join("\n"),
      /grants everything/,
    );
    assert.match(
      problems("s{{identity.entity.metadata.m}}/mounts/x", ["read"], LOOSE).join("\n"),
      /has a wildcard in its mount \("s\{\{identity\.entity\.metadata\.m\}\}"\)/,
    );
    assert.match(
      problems("sys/{{identity.entity.metadata.p}}", ["read"]).join("\n"),
      /reaches "sys\/\*", which no token may reach/,
    );
    assert.equal(vaultPathStem("{{identity.entity.metadata.m}}/mounts/x"), "");
    assert.equal(vaultPathStem("secret/data/{{identity.entity.id}}/*"), "secret/data/");
    assert.ok(vaultPathsOverlap("{{identity.entity.metadata.m}}/mounts/x", "sys/*"));
    assert.ok(vaultPathsOverlap("sys/{{identity.entity.id}}", "sys/mounts/x"));
    assert.ok(!vaultPathsOverlap("secret/{{identity.entity.id}}", "sys/mounts/x"));
  });

  it("accepts the per-entity KV pattern: its mount is literal, and no endpoint is inside it", () => {
    for (const path of [
      "secret/data/{{identity.entity.id}}/*",
      "secret/metadata/{{identity.entity.id}}/*",
      // A8: a trailing template may become a prefix glob, but only within secret/data/.
      "secret/data/{{identity.entity.metadata.s}}",
    ]) {
      assert.deepEqual(problems(path, ["create", "read", "update", "delete", "list"]), [], path);
    }
  });

  it("covers a templated path only by itself or by a glob over everything its template could be", () => {
    assert.ok(vaultPathCovers("secret/data/*", "secret/data/{{identity.entity.id}}/app"));
    assert.ok(
      vaultPathCovers(
        "secret/data/{{identity.entity.id}}/*",
        "secret/data/{{identity.entity.id}}/*",
      ),
    );
    // One segment is not enough: the value may hold "/".
    assert.ok(!vaultPathCovers("secret/data/+/app", "secret/data/{{identity.entity.id}}/app"));
    // A template in the covering path is not a wildcard for another entity's paths.
    assert.ok(!vaultPathCovers("secret/data/{{identity.entity.id}}/*", "secret/data/bob/app"));
  });

  it("refuses a raw document whose templated block reaches an escalation endpoint", () => {
    const document =
      'path "auth/token/cr{{identity.entity.metadata.suffix}}" {\n  capabilities = ["update"]\n}';
    const findings = judgeVaultPolicyDocument(document, LOOSE, "legacy");
    assert.match(findings.map((f) => f.message).join("\n"), /privilege escalation/);
  });
});
