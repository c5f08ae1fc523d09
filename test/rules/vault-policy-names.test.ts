/**
 * Vault policy names: one per token by construction, a name outside the stack's only with an
 * explicit adopt flag, and the stack rule that refuses two resources writing one name.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import { ScopedToken, type ScopedTokenArgs } from "../../lib";
import {
  judgeVaultPolicyNameClashes,
  ownedVaultPolicyPrefix,
  vaultPolicyNameFor,
  vaultPolicyNameProblems,
} from "../../lib/rules/vault/policy-names";
import { SCOPED_TOKEN_TYPE } from "../../lib/rules/ownership";
import { vaultPolicyNameUnique } from "../../lib/policy/vault";
import { children, promiseOf, registrations, reset } from "../helpers/mocks";
import { runStack, UNKNOWN, urnFor } from "../policy/harness";

const args = (over: Record<string, unknown> = {}) =>
  ({
    backend: "vault",
    scopes: ["kv/data/app/*:read"],
    ttl: "31d",
    rotation: { every: "30d", overlap: "1d" },
    owner: "team-platform",
    purpose: "policy names",
    ...over,
  }) as ScopedTokenArgs;

describe("rules/vault policy names", () => {
  it("gives ci.deploy, ci-deploy and CI-Deploy three names, keeping names that need no change", () => {
    const names = ["ci.deploy", "ci-deploy", "CI-Deploy", "ci_deploy"].map((n) =>
      vaultPolicyNameFor("payments", "prod", n),
    );
    assert.equal(new Set(names).size, 4);
    assert.equal(names[1], "tokenguard-payments-prod-ci-deploy");
    assert.match(names[0], /^tokenguard-payments-prod-ci-deploy_[0-9a-f]{12}$/);
  });

  it("never gives two distinct token names one policy name (property)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string({ minLength: 1 }), (a, b) => {
        fc.pre(a !== b);
        assert.notEqual(vaultPolicyNameFor("p", "s", a), vaultPolicyNameFor("p", "s", b));
      }),
      { numRuns: 2000 },
    );
  });

  it("lets vault.policyName take a name outside the stack's only with adoptExistingPolicy", () => {
    const prefix = ownedVaultPolicyPrefix("payments", "prod");
    assert.match(
      vaultPolicyNameProblems("admin", undefined, prefix)[0],
      /"admin" is outside this stack's names \(tokenguard-payments-prod-…\)/,
    );
    assert.deepEqual(vaultPolicyNameProblems("admin", true, prefix), []);
    assert.deepEqual(
      vaultPolicyNameProblems("tokenguard-payments-prod-reader", undefined, prefix),
      [],
    );
    assert.match(vaultPolicyNameProblems(undefined, true, prefix)[0], /nothing to adopt/);
  });

  describe("through the component", () => {
    beforeEach(() => reset({ now: "2026-01-10T00:00:00Z" }));

    for (const [vault, why] of [
      [
        { policyName: "default", adoptExistingPolicy: true },
        /vault\.policyName: "default" is a built-in Vault policy/,
      ],
      [
        { policyName: "admin", adoptExistingPolicy: "yes" },
        /vault\.adoptExistingPolicy: must be true or false/,
      ],
      [{ adoptExistingPolicy: true }, /vault\.adoptExistingPolicy: there is nothing to adopt/],
    ] as const) {
      it(`refuses vault: ${JSON.stringify(vault)}`, () => {
        assert.throws(
          () => new ScopedToken("ci", args({ vault })),
          (e: unknown) => e instanceof pulumi.ResourceError && why.test(e.message),
        );
        assert.deepEqual(registrations, []);
      });
    }

    it("refuses policyName admin without the adopt flag, creating nothing", () => {
      assert.throws(
        () => new ScopedToken("ci", args({ vault: { policyName: "admin" } })),
        (e: unknown) =>
          e instanceof pulumi.ResourceError &&
          /vault\.policyName: "admin" is outside/.test(e.message),
      );
      assert.deepEqual(registrations, []);
    });

    it("binds ci.deploy, ci-deploy and CI-Deploy to three policies", async () => {
      for (const name of ["ci.deploy", "ci-deploy", "CI-Deploy"]) {
        const t = new ScopedToken(name, args());
        await promiseOf(t.tokenId);
      }
      const policies = children().filter((r) => r.type === "vault:index/policy:Policy");
      assert.equal(new Set(policies.map((p) => p.inputs.name)).size, 3);
    });
  });

  describe("vault-policy-name-unique (stack)", () => {
    const token = (name: string) => ({
      type: SCOPED_TOKEN_TYPE,
      name,
      props: {},
      urn: urnFor({ type: SCOPED_TOKEN_TYPE, name }),
    });
    const owned = (t: { urn: string }, name: string, policyName: string, namespace?: string) => ({
      type: "vault:index/policy:Policy",
      name,
      parent: t.urn,
      props: { name: policyName, policy: "", ...(namespace ? { namespace } : {}) },
    });
    const raw = (name: string, policyName: string) => ({
      type: "vault:index/policy:Policy",
      name,
      props: { name: policyName, policy: "" },
    });

    it("refuses two tokens, or a token and a raw policy, writing one name (case-insensitive)", async () => {
      const a = token("a");
      const b = token("b");
      const out = await runStack(vaultPolicyNameUnique, [
        a,
        b,
        owned(a, "a-policy", "shared"),
        owned(b, "b-policy", "Shared"),
        raw("hand", "shared"),
      ]);
      assert.equal(out.violations.length, 3, out.violations.join("\n"));
      assert.match(
        out.violations[0],
        /a-policy: Vault policy "shared" of ScopedToken "a" is also written by ScopedToken "b", vault.Policy "hand"/,
      );
    });

    it("passes distinct names, the same name in different namespaces, and names unknown at preview", async () => {
      const a = token("a");
      const b = token("b");
      const out = await runStack(vaultPolicyNameUnique, [
        a,
        b,
        owned(a, "a-policy", "shared", "team-a"),
        owned(b, "b-policy", "shared", "team-b"),
        raw("x", "x"),
        raw("y", UNKNOWN),
        raw("z", UNKNOWN),
      ]);
      assert.deepEqual(out.violations, []);
      assert.deepEqual(
        judgeVaultPolicyNameClashes([
          { urn: "u1", name: "p" },
          { urn: "u2", name: "q" },
        ]),
        [],
      );
    });
  });
});
