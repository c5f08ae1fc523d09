/**
 * ScopedToken's own check of vault-provider-child-token: a vault token that the default provider
 * would create under its short-lived child token is refused before anything is registered (a
 * warning under tokenguard:enforcement=advisory); the fixes pass; an explicit provider is left to
 * the policy pack, which sees its inputs.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import * as vault from "@pulumi/vault";
import { ScopedToken, type ScopedTokenArgs } from "../../lib";
import { children, promiseOf, registrations, reset } from "../helpers/mocks";

const args = (over: Partial<ScopedTokenArgs> = {}): ScopedTokenArgs =>
  ({
    backend: "vault",
    scopes: ["secret/data/ci/*:read"],
    ttl: "31d",
    rotation: { every: "30d", overlap: "1d", anchor: "2026-01-01T00:00:00Z" },
    owner: "team-platform",
    purpose: "CI deploy pipeline",
    ...over,
  }) as ScopedTokenArgs;

const NOW = { now: "2026-01-10T00:00:00Z" };

async function issued(token: ScopedToken): Promise<string[]> {
  await promiseOf(pulumi.all([token.tokenId, token.value]));
  return children()
    .map((r) => r.type)
    .filter((t) => t.startsWith("vault:") || t.startsWith("random:")); // the credential's resources
}

describe("ScopedToken: the Vault provider's child token (vault-provider-child-token)", () => {
  const saved = process.env.TERRAFORM_VAULT_SKIP_CHILD_TOKEN;
  beforeEach(() => delete process.env.TERRAFORM_VAULT_SKIP_CHILD_TOKEN);
  after(() => {
    if (saved === undefined) delete process.env.TERRAFORM_VAULT_SKIP_CHILD_TOKEN;
    else process.env.TERRAFORM_VAULT_SKIP_CHILD_TOKEN = saved;
  });

  it("refuses a non-orphan token under the default provider as it comes, registering nothing", () => {
    reset(NOW, {});
    assert.throws(
      () => new ScopedToken("ci", args()),
      (e: Error) =>
        e.message.replace(
          /\n {2}\(declared at test\/backends\/vault-child-token\.test\.ts:\d+:\d+\)$/,
          "",
        ) ===
          'ScopedToken "ci" is refused:\n  the default Vault provider creates this token under a child token of its own, which Vault revokes 1200 s (maxLeaseTtlSeconds) after the run starts, and this token with it, long before its ttl: set stack config vault:skipChildToken to true, or declare the ScopedToken with vault: { orphan: true } [vault-provider-child-token]' &&
        e.message.includes("(declared at test/backends/vault-child-token.test.ts:"),
    );
    assert.deepEqual(registrations, []);
  });

  it("names the child token's lifetime from stack config vault:maxLeaseTtlSeconds", () => {
    reset(NOW, { "vault:maxLeaseTtlSeconds": "300", "vault:skipChildToken": "false" });
    assert.throws(() => new ScopedToken("ci", args()), /revokes 300 s \(maxLeaseTtlSeconds\)/);
  });

  it("issues the token with stack config vault:skipChildToken true, or with vault: { orphan: true }", async () => {
    reset(NOW, { "vault:skipChildToken": "true" });
    assert.deepEqual(await issued(new ScopedToken("ci", args())), [
      "vault:index/policy:Policy",
      "vault:index/token:Token",
    ]);
    reset(NOW, {});
    const orphan = new ScopedToken(
      "ci",
      args({ vault: { orphan: true } } as Partial<ScopedTokenArgs>),
    );
    assert.equal((await issued(orphan)).length, 2);
  });

  it("follows TERRAFORM_VAULT_SKIP_CHILD_TOKEN when the config is unset, as the provider does", async () => {
    reset(NOW, {});
    process.env.TERRAFORM_VAULT_SKIP_CHILD_TOKEN = "true";
    assert.equal((await issued(new ScopedToken("ci", args()))).length, 2);
  });

  it("warns instead under tokenguard:enforcement=advisory", async () => {
    reset({ ...NOW, enforcement: "advisory" }, {});
    const warned: string[] = [];
    const warn = pulumi.log.warn;
    pulumi.log.warn = (message: string) => {
      warned.push(message);
      return Promise.resolve();
    };
    try {
      assert.equal((await issued(new ScopedToken("ci", args()))).length, 2);
    } finally {
      pulumi.log.warn = warn;
    }
    assert.ok(
      warned.some((m) => m.startsWith("vault-provider-child-token: the default Vault provider")),
    );
  });

  it("leaves an explicit provider (on the token or passed down by a parent) to the policy pack", async () => {
    reset(NOW, {});
    const provider = new vault.Provider("ci-vault", { address: "http://127.0.0.1:1" });
    assert.equal((await issued(new ScopedToken("a", args(), { providers: [provider] }))).length, 2);
    reset(NOW, {});
    assert.equal((await issued(new ScopedToken("b", args(), { provider }))).length, 2);
    reset(NOW, {});
    const parent = new pulumi.ComponentResource(
      "acme:ci:Pipeline",
      "p",
      {},
      { providers: { vault: provider } },
    );
    assert.equal((await issued(new ScopedToken("c", args(), { parent }))).length, 2);
  });

  it("does not concern other backends", async () => {
    reset(NOW, {});
    const token = new ScopedToken(
      "r",
      args({ backend: "random", scopes: ["orders:read"] } as Partial<ScopedTokenArgs>),
    );
    assert.equal((await issued(token)).length, 1);
  });
});
