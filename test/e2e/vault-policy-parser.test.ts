/**
 * The Vault policy parser cases (test/schema/vault-policy-cases.ts) against a real Vault server:
 * every document Vault accepts or refuses as the case says, so tokenguard's parser is measured
 * against Vault itself, not against our reading of its source. Where tokenguard is deliberately
 * stricter (`ours: "refuse"`), Vault's own verdict is still checked.
 */
import { strict as assert } from "node:assert";
import { parseVaultPolicy } from "../../lib/schema/vault-hcl";
import { POLICY_CASES } from "../schema/vault-policy-cases";
import { startDevVault, type DevVault } from "./harness";

describe("e2e: the Vault policy parser cases, judged by a real Vault server", function () {
  this.timeout(120_000);
  let vault: DevVault;
  before(async () => {
    vault = await startDevVault();
  });
  after(async () => {
    if (vault) await vault.stop();
  });

  POLICY_CASES.forEach((c, i) => {
    it(`Vault ${c.vault === "accept" ? "accepts" : "refuses"} ${c.name}`, async () => {
      const r = await vault.api("PUT", `sys/policies/acl/case-${i}`, { body: { policy: c.doc } });
      const verdict = r.status === 204 || r.status === 200 ? "accept" : "refuse";
      assert.equal(verdict, c.vault, JSON.stringify(r.body));
      if (verdict === "refuse") assert.equal(r.status, 400, JSON.stringify(r.body));
      let ours: "accept" | "refuse" = "accept";
      try {
        parseVaultPolicy(c.doc);
      } catch {
        ours = "refuse";
      }
      assert.equal(ours, c.ours ?? c.vault);
    });
  });
});
