/**
 * vault-provider-child-token in the pack: a ScopedToken's vault.Token judged with the provider
 * Analyze names — the default provider (inputs from stack config, as text) or an explicit one (its
 * inputs as @pulumi/vault 7.8.0 sends them: booleans and numbers JSON-encoded).
 */
import { strict as assert } from "node:assert";
import { SCOPED_TOKEN_TYPE } from "../../lib/rules/ownership";
import { vaultProviderChildToken } from "../../lib/policy/vault-provider";
import { runResource, UNKNOWN, urnFor } from "./harness";

const SCOPED = urnFor({ type: SCOPED_TOKEN_TYPE, name: "ci-deploy" });

function provider(name: string, props: Record<string, unknown>) {
  return {
    type: "pulumi:providers:vault",
    name,
    urn: urnFor({ type: "pulumi:providers:vault", name }),
    props,
  };
}

/** The generation-0 token of ScopedToken "ci-deploy", created by `prov`. */
function scopedToken(prov: ReturnType<typeof provider> | undefined, noParent: unknown = false) {
  return {
    type: "vault:index/token:Token",
    name: "ci-deploy-g0",
    parent: SCOPED,
    props: {
      policies: ["p"],
      ttl: "2678400s",
      explicitMaxTtl: "2678400s",
      renewable: false,
      noParent,
    },
    ...(prov ? { provider: prov } : {}),
  };
}

const DEFAULT = provider("default_7_8_0", { version: "7.8.0" });

describe("policy pack: vault-provider-child-token", () => {
  it("flags a ScopedToken's token under the default provider, naming stack config and vault.orphan", async () => {
    const out = await runResource(vaultProviderChildToken, scopedToken(DEFAULT));
    assert.deepEqual(out.violations, [
      "the default Vault provider creates this token under a child token of its own, which Vault revokes 1200 s (maxLeaseTtlSeconds) after the run starts, and this token with it, long before its ttl: set stack config vault:skipChildToken to true, or declare the ScopedToken with vault: { orphan: true }",
    ]);
  });

  it("passes it when stack config vault:skipChildToken is true (the default provider's input)", async () => {
    const prov = provider("default_7_8_0", { version: "7.8.0", skipChildToken: "true" });
    assert.deepEqual(
      (await runResource(vaultProviderChildToken, scopedToken(prov))).violations,
      [],
    );
  });

  it("judges an explicit provider by its own inputs, and names it", async () => {
    const keeps = provider("ci-vault", { maxLeaseTtlSeconds: "60", skipChildToken: "false" });
    const [message] = (await runResource(vaultProviderChildToken, scopedToken(keeps))).violations;
    assert.match(message, /^the Vault provider "ci-vault" creates this token .* revokes 60 s /);
    assert.match(message, /set skipChildToken: true on that provider/);
    const skips = provider("ci-vault", { maxLeaseTtlSeconds: "1200", skipChildToken: "true" });
    assert.deepEqual(
      (await runResource(vaultProviderChildToken, scopedToken(skips))).violations,
      [],
    );
  });

  it("passes orphan tokens (vault.orphan), and leaves raw tokens to the raw-token rules", async () => {
    assert.deepEqual(
      (await runResource(vaultProviderChildToken, scopedToken(DEFAULT, true))).violations,
      [],
    );
    const raw = { ...scopedToken(DEFAULT), parent: undefined, name: "legacy" };
    assert.deepEqual((await runResource(vaultProviderChildToken, raw)).violations, []);
  });

  it("a setting unknown at preview is reported as such (advisory), not guessed", async () => {
    const prov = provider("ci-vault", { skipChildToken: UNKNOWN });
    const out = await runResource(vaultProviderChildToken, scopedToken(prov));
    assert.deepEqual(out.violations, []);
    assert.ok(out.unknown, "the SDK's can't-be-known advisory");
    const orphanUnknown = await runResource(vaultProviderChildToken, scopedToken(DEFAULT, UNKNOWN));
    assert.ok(orphanUnknown.unknown);
  });

  it("applies to vault tokens only", async () => {
    const other = { ...scopedToken(DEFAULT), type: "vault:index/policy:Policy" };
    const out = await runResource(vaultProviderChildToken, other);
    assert.ok(out.notApplicable);
  });
});
