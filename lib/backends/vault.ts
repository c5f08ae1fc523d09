import * as pulumi from "@pulumi/pulumi";
import { vaultPackage } from "./packages";
import type { VaultScope } from "../schema/scopes";
import { renderVaultPolicy } from "../schema/vault-hcl";
import { vaultPolicyNameFor } from "../rules/vault/policy-names";
import type { VaultBackendArgs } from "../scoped-token-args";
import type { BackendContext, IssueGeneration } from "./types";

/** The default policy name: unique per token by construction (see vaultPolicyNameFor). */
export function defaultVaultPolicyName(name: string): string {
  return vaultPolicyNameFor(pulumi.getProject(), pulumi.getStack(), name);
}

/**
 * One `vault.Policy` with exactly the declared capabilities, then one non-renewable `vault.Token`
 * per generation bound to only that policy, with ttl = explicit max ttl.
 */
export function vaultBackend(
  ctx: BackendContext,
  args: VaultBackendArgs | undefined,
): IssueGeneration {
  const vault = vaultPackage();
  const scopes = ctx.spec.scopes as VaultScope[];
  const ttl = `${ctx.lifetime.ttl}s`;
  const policy = new vault.Policy(
    `${ctx.name}-policy`,
    {
      name: args?.policyName ?? defaultVaultPolicyName(ctx.name),
      policy: renderVaultPolicy(
        scopes,
        `tokenguard ScopedToken "${ctx.name}": generated, do not edit`,
      ),
      namespace: args?.namespace,
    },
    ctx.childOpts,
  );
  return (generation) => {
    const token = new vault.Token(
      `${ctx.name}-g${generation.n}`,
      {
        policies: [policy.name],
        noDefaultPolicy: true,
        renewable: false,
        ttl,
        explicitMaxTtl: ttl,
        noParent: args?.orphan ?? false,
        // Vault rewrites characters outside [A-Za-z0-9-] and display_name forces a new token:
        // an unsanitised name would replace the token on every `pulumi up`.
        displayName: `tokenguard-${ctx.name}-g${generation.n}`.replace(/[^A-Za-z0-9-]/g, "-"),
        namespace: args?.namespace,
        metadata: {
          "tokenguard-token": ctx.name,
          "tokenguard-generation": String(generation.n),
          ...(ctx.spec.owner ? { "tokenguard-owner": ctx.spec.owner } : {}),
          ...(ctx.spec.purpose ? { "tokenguard-purpose": ctx.spec.purpose } : {}),
        },
      },
      { ...ctx.childOpts, additionalSecretOutputs: ["clientToken", "wrappedToken"] },
    );
    // vault.Token's resource id is the token's accessor: safe to show, usable to revoke/look up.
    return { value: pulumi.secret(token.clientToken), tokenId: token.id };
  };
}
