import { strict as assert } from "node:assert";
import { SCOPED_TOKEN_TYPE } from "../../lib/rules/ownership";
import {
  vaultNoRootPolicies,
  vaultTokenMustExpire,
  vaultTokenOrphan,
  VAULT_TYPES,
} from "../../lib/policy/vault";
import { runResource, UNKNOWN, urnFor } from "./harness";

/** A raw vault.Token every rule accepts: bounded, non-renewable, least-privilege, with a parent. */
function token(overrides: Record<string, unknown> = {}) {
  return {
    type: VAULT_TYPES.token,
    name: "legacy-ci",
    props: {
      policies: ["ci-read"],
      ttl: "24h",
      explicitMaxTtl: "24h",
      renewable: false,
      noParent: false,
      ...overrides,
    },
  };
}

const SCOPED = urnFor({ type: SCOPED_TOKEN_TYPE, name: "ci" });

describe("policy pack: raw Vault resources", () => {
  describe("vault-token-must-expire", () => {
    it("passes a bounded, non-renewable token", async () => {
      assert.deepEqual((await runResource(vaultTokenMustExpire, token())).violations, []);
    });
    it("passes explicitMaxTtl exactly at the vault ceiling (768h), and flags one second more", async () => {
      const at = token({ explicitMaxTtl: "768h", ttl: "768h" });
      assert.deepEqual((await runResource(vaultTokenMustExpire, at)).violations, []);
      const over = await runResource(vaultTokenMustExpire, token({ explicitMaxTtl: "2764801" }));
      assert.deepEqual(over.violations, [
        "explicitMaxTtl 32d1s exceeds the vault ceiling of 32d (built-in defaults); set explicitMaxTtl <= 32d",
      ]);
    });
    it("flags a token with neither ttl nor explicitMaxTtl", async () => {
      const out = await runResource(
        vaultTokenMustExpire,
        token({ ttl: undefined, explicitMaxTtl: undefined }),
      );
      assert.deepEqual(out.violations, [
        "neither ttl nor explicitMaxTtl is set: the token lives as long as the mount allows; set explicitMaxTtl <= 32d and renewable: false",
      ]);
    });
    it("flags a periodic token without an explicit max", async () => {
      const out = await runResource(
        vaultTokenMustExpire,
        token({ period: "24h", explicitMaxTtl: undefined }),
      );
      assert.match(
        out.violations[0],
        /^period 1d makes a periodic token that can be renewed forever; set explicitMaxTtl <= 32d$/,
      );
      const bounded = token({ period: "24h", explicitMaxTtl: "72h", renewable: true });
      assert.deepEqual((await runResource(vaultTokenMustExpire, bounded)).violations, []);
    });
    it("flags a renewable token (renewable unset means true) without an explicit max", async () => {
      const out = await runResource(
        vaultTokenMustExpire,
        token({ renewable: undefined, explicitMaxTtl: undefined }),
      );
      assert.match(
        out.violations[0],
        /the token is renewable \(renewable is unset, which Vault takes as true\) and has no explicitMaxTtl/,
      );
    });
    it("flags an unparseable duration", async () => {
      const out = await runResource(vaultTokenMustExpire, token({ ttl: "forever" }));
      assert.match(out.violations[0], /^ttl "forever" is not a duration/);
    });
    it("judges token roles too, with their own field names", async () => {
      const role = {
        type: VAULT_TYPES.tokenRole,
        name: "ci-role",
        props: { roleName: "ci", tokenPeriod: 86400 },
      };
      const out = await runResource(vaultTokenMustExpire, role);
      assert.match(
        out.violations[0],
        /^tokenPeriod 1d makes a periodic token that can be renewed forever; set tokenExplicitMaxTtl <= 32d$/,
      );
      const bounded = { ...role, props: { roleName: "ci", tokenExplicitMaxTtl: 3600 } };
      assert.deepEqual((await runResource(vaultTokenMustExpire, bounded)).violations, []);
    });
    it("uses the vault ceiling of the configured policy file", async () => {
      const config = { policy: { backends: { vault: { maxTtl: "12h" } } } };
      const out = await runResource(vaultTokenMustExpire, token(), config);
      assert.match(
        out.violations[0],
        /explicitMaxTtl 1d exceeds the vault ceiling of 12h \(policy pack config `policy`\)/,
      );
    });
    it("says it cannot know when the ttl is unknown at preview", async () => {
      const out = await runResource(vaultTokenMustExpire, token({ explicitMaxTtl: UNKNOWN }));
      assert.match(out.unknown ?? "", /can't be known during preview/);
    });
  });

  describe("vault-no-root-policies", () => {
    it("passes a token with least-privilege policies, even when one name is unknown at preview", async () => {
      assert.deepEqual((await runResource(vaultNoRootPolicies, token())).violations, []);
      const out = await runResource(vaultNoRootPolicies, token({ policies: [UNKNOWN, "ci-read"] }));
      assert.deepEqual(out, { violations: [] });
    });
    it("flags the root policy on a token and on a token role", async () => {
      const out = await runResource(vaultNoRootPolicies, token({ policies: ["ci-read", "root"] }));
      assert.deepEqual(out.violations, [
        'policies[1] is "root", which grants everything and never expires; attach a least-privilege policy instead',
      ]);
      const role = {
        type: VAULT_TYPES.tokenRole,
        name: "r",
        props: { roleName: "r", allowedPolicies: ["root"] },
      };
      assert.match(
        (await runResource(vaultNoRootPolicies, role)).violations[0],
        /^allowedPolicies\[0\] is "root"/,
      );
    });
    it("reads names as Vault does: trimmed as Go trims (U+0085 too) and lower-cased", async () => {
      for (const name of ["Root", " root\n", "root\u0085", "\u0085ROOT"]) {
        const out = await runResource(vaultNoRootPolicies, token({ policies: [name] }));
        assert.equal(out.violations.length, 1, JSON.stringify(name));
      }
      const fine = await runResource(
        vaultNoRootPolicies,
        token({ policies: ["rooted", "ci-root"] }),
      );
      assert.deepEqual(fine.violations, []);
    });
    it("flags a role's allowedPoliciesGlobs entry that matches root; passes narrower globs", async () => {
      const role = (allowedPoliciesGlobs: string[]) => ({
        type: VAULT_TYPES.tokenRole,
        name: "r",
        props: { roleName: "r", allowedPoliciesGlobs },
      });
      for (const glob of ["*", "r*", "*t", "ro*t"]) {
        const out = await runResource(vaultNoRootPolicies, role(["ci-*", glob]));
        assert.deepEqual(
          out.violations,
          [
            `allowedPoliciesGlobs[1] ${JSON.stringify(glob)} matches "root", which grants everything and never expires; name the policies a child token may ask for`,
          ],
          glob,
        );
      }
      const narrow = await runResource(vaultNoRootPolicies, role(["ci-*", "deploy-*-read"]));
      assert.deepEqual(narrow.violations, []);
    });
    const doc = (policy: string) => ({
      type: VAULT_TYPES.policy,
      name: "admin",
      props: { name: "admin", policy },
    });
    it("passes a least-privilege document, and a deny block on sys/", async () => {
      const text =
        'path "secret/data/ci/*" { capabilities = ["read"] }\npath "sys/*" { capabilities = ["deny"] }';
      assert.deepEqual((await runResource(vaultNoRootPolicies, doc(text))).violations, []);
    });
    it('flags sudo, path "*" and sys/* in a document, naming the path and line', async () => {
      const text =
        'path "*" {\n  capabilities = ["read"]\n}\npath "auth/token/create" { capabilities = ["update", "sudo"] }\npath "sys/policy/x" { capabilities = ["read"] }';
      assert.deepEqual((await runResource(vaultNoRootPolicies, doc(text))).violations, [
        'policy, path "*" (line 1): path "*" grants everything; name the paths',
        'policy, path "auth/token/create" (line 4): "sudo" opens root-protected paths; tokenguard never grants it',
        'policy, path "auth/token/create" (line 4): path "auth/token/create" with update reaches auth/token/create, so the token could create child tokens (with sudo, of any policy; without, of its own policies, outliving each rotation) (privilege escalation: vault token-create); if "admin" must hold it, allow it for this token only in the policy file: tokens.admin.allowEscalation: [{ scope: "auth/token/create:update", reason: "<why>" }]',
        'policy, path "sys/policy/x" (line 5): path "sys/policy/x" reaches "sys/*", which no token may reach; narrow the path',
      ]);
    });
    it("flags the JSON form too", async () => {
      const text = JSON.stringify({ path: { "secret/*": { capabilities: ["sudo", "read"] } } });
      assert.equal((await runResource(vaultNoRootPolicies, doc(text))).violations.length, 1);
    });
    it("refuses a document it cannot parse (fail closed)", async () => {
      const out = await runResource(vaultNoRootPolicies, doc('path "x" { capabilities = '));
      assert.match(
        out.violations[0],
        /^policy does not parse \(line 1: .*\), so tokenguard cannot tell what it grants; fix the document$/,
      );
    });
  });

  describe("vault-token-orphan (advisory)", () => {
    it("flags an orphan token outside ScopedToken", async () => {
      const out = await runResource(vaultTokenOrphan, token({ noParent: true }));
      assert.match(out.violations[0], /^noParent: true makes an orphan token/);
      assert.equal(vaultTokenOrphan.enforcementLevel, "advisory");
    });
    it("passes a token with a parent, and a ScopedToken's orphan generations", async () => {
      assert.deepEqual((await runResource(vaultTokenOrphan, token())).violations, []);
      const child = { ...token({ noParent: true }), name: "ci-g3", parent: SCOPED };
      assert.deepEqual((await runResource(vaultTokenOrphan, child)).violations, []);
    });
  });
});
