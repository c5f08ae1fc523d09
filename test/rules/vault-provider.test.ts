/**
 * vault-provider-child-token as a pure function. The cases follow how the real provider decides
 * (terraform-provider-vault internal/provider/meta.go at the commit pulumi-vault 7.8.0 bridges:
 * GetResourceDataBool — a set input wins, else TERRAFORM_VAULT_SKIP_CHILD_TOKEN read by Go's
 * strconv.ParseBool, else false; createChildToken — ttl = explicit max ttl = max_lease_ttl_seconds,
 * else TERRAFORM_VAULT_MAX_TTL, else 1200) and how @pulumi/vault 7.8.0 hands inputs over (an
 * explicit Provider JSON-encodes booleans and numbers; stack config is text).
 */
import { strict as assert } from "node:assert";
import {
  childTokenSeconds,
  judgeVaultChildToken,
  parseBoolText,
  skipsChildToken,
} from "../../lib/rules/vault-provider";

const judge = (
  provider: Record<string, unknown>,
  opts: { orphan?: unknown; name?: string; env?: Record<string, string> } = {},
) =>
  judgeVaultChildToken({
    orphan: opts.orphan ?? false,
    provider,
    ...(opts.name !== undefined ? { providerName: opts.name } : {}),
    env: opts.env ?? {},
  });

describe("rules/vault-provider: vault-provider-child-token", () => {
  it("flags a non-orphan token under a default provider left as it comes, naming both fixes", () => {
    const [f, ...rest] = judge({});
    assert.equal(rest.length, 0);
    assert.equal(f.rule, "vault-provider-child-token");
    assert.equal(
      f.message,
      "the default Vault provider creates this token under a child token of its own, which Vault revokes 1200 s (maxLeaseTtlSeconds) after the run starts, and this token with it, long before its ttl: set stack config vault:skipChildToken to true, or declare the ScopedToken with vault: { orphan: true }",
    );
  });

  it("names an explicit provider and the input to set on it", () => {
    const [f] = judge({ maxLeaseTtlSeconds: "900" }, { name: "ci-vault" });
    assert.match(f.message, /^the Vault provider "ci-vault" creates this token/);
    assert.match(f.message, /revokes 900 s \(maxLeaseTtlSeconds\)/);
    assert.match(
      f.message,
      /set skipChildToken: true on that provider, or .*vault: \{ orphan: true \}/,
    );
  });

  it("passes an orphan token, whatever the provider does", () => {
    assert.deepEqual(judge({}, { orphan: true }), []);
    assert.deepEqual(judge({ skipChildToken: "false" }, { orphan: true }), []);
  });

  it("passes a provider that skips its child token: boolean, JSON text or Go's other spellings", () => {
    for (const v of [true, "true", "True", "TRUE", "t", "1"]) {
      assert.deepEqual(judge({ skipChildToken: v }), [], JSON.stringify(v));
    }
  });

  it("flags a provider that keeps it: false, text that is not a boolean", () => {
    for (const v of [false, "false", "0", "yes", "on", " true"]) {
      assert.equal(judge({ skipChildToken: v }).length, 1, JSON.stringify(v));
    }
  });

  it("reads TERRAFORM_VAULT_SKIP_CHILD_TOKEN only when the input is unset", () => {
    assert.deepEqual(judge({}, { env: { TERRAFORM_VAULT_SKIP_CHILD_TOKEN: "true" } }), []);
    assert.deepEqual(
      judge({ skipChildToken: "" }, { env: { TERRAFORM_VAULT_SKIP_CHILD_TOKEN: "1" } }),
      [],
    );
    // A set input wins over the environment, both ways.
    assert.equal(
      judge({ skipChildToken: "false" }, { env: { TERRAFORM_VAULT_SKIP_CHILD_TOKEN: "true" } })
        .length,
      1,
    );
    assert.deepEqual(
      judge({ skipChildToken: true }, { env: { TERRAFORM_VAULT_SKIP_CHILD_TOKEN: "false" } }),
      [],
    );
    // The provider ignores a value ParseBool refuses, and keeps its child token.
    assert.equal(judge({}, { env: { TERRAFORM_VAULT_SKIP_CHILD_TOKEN: "yes" } }).length, 1);
  });

  it("child token lifetime: the input, else TERRAFORM_VAULT_MAX_TTL, else 1200 s", () => {
    assert.equal(childTokenSeconds({ maxLeaseTtlSeconds: 45 }, {}), 45);
    assert.equal(
      childTokenSeconds({ maxLeaseTtlSeconds: "45" }, { TERRAFORM_VAULT_MAX_TTL: "7" }),
      45,
    );
    assert.equal(childTokenSeconds({ maxLeaseTtlSeconds: 0 }, { TERRAFORM_VAULT_MAX_TTL: "7" }), 7);
    assert.equal(childTokenSeconds({}, { TERRAFORM_VAULT_MAX_TTL: "soon" }), 1200);
    assert.equal(childTokenSeconds({}, {}), 1200);
  });

  it("reads booleans as Go's strconv.ParseBool does", () => {
    assert.equal(parseBoolText("F"), false);
    assert.equal(parseBoolText("tRuE"), undefined);
    assert.equal(skipsChildToken({ skipChildToken: 1 }, {}), false, "a number is not a boolean");
  });
});
