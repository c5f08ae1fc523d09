/**
 * vault-provider-child-token in the pack: a ScopedToken's vault.Token, judged with the provider the
 * engine says creates it (Analyze's `provider`: an explicit vault.Provider's inputs, or the default
 * provider's, which are the stack config `vault:*`). A thin adapter over lib/rules/vault-provider.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ownedByScopedToken } from "../rules/ownership";
import { judgeVaultChildToken } from "../rules/vault-provider";
import { metadata } from "./config";
import { forTypes, reportAll } from "./facts";

const VAULT_TOKEN = "vault:index/token:Token";

/** The engine names a package's default provider `default` or `default_<version>[_<url>]`. */
const isDefaultProvider = (name: string) => name === "default" || name.startsWith("default_");

export const vaultProviderChildToken: ResourceValidationPolicy = {
  ...metadata("vault-provider-child-token"),
  validateResource: forTypes([VAULT_TOKEN], (args, report) => {
    // Raw tokens are judged by vault-token-must-expire; this rule is about ScopedToken's promise.
    if (!ownedByScopedToken(args.urn) || !args.provider) return;
    const p = args.provider.props;
    // An unknown value throws: the SDK reports "can't be known during preview" (advisory).
    const findings = judgeVaultChildToken({
      orphan: args.props.noParent,
      provider: { skipChildToken: p.skipChildToken, maxLeaseTtlSeconds: p.maxLeaseTtlSeconds },
      ...(isDefaultProvider(args.provider.name) ? {} : { providerName: args.provider.name }),
      env: process.env,
    });
    reportAll(findings, report);
  }),
};

/** Policies on the providers a ScopedToken's resources are created with. */
export const providerPolicies = [vaultProviderChildToken];
