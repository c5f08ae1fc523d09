/**
 * vault-provider-child-token in the component: what ScopedToken can judge itself before it
 * registers anything. It sees the default Vault provider — its inputs are the stack config
 * `vault:*`, and the environment the provider falls back to is the program's — but not an explicit
 * provider's inputs (a ProviderResource does not expose them); the policy pack judges those.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Finding, ProviderRule } from "../rules/catalog";
import { judgeVaultChildToken } from "../rules/vault-provider";
import type { VaultBackendArgs } from "../scoped-token-args";

/** The package of a provider resource (ProviderResource keeps it; its typings do not show it). */
function packageOf(provider: pulumi.ProviderResource): string | undefined {
  return (provider as unknown as { getPackage?: () => string }).getPackage?.();
}

/**
 * Whether the token's children get an explicit Vault provider: `provider`/`providers` on the
 * ScopedToken, or one its parent passes down — the order the SDK resolves them in.
 */
export function explicitVaultProvider(opts: pulumi.ComponentResourceOptions): boolean {
  const providers = opts.providers ?? [];
  const given = [
    opts.provider,
    ...(Array.isArray(providers) ? providers : Object.values(providers)),
  ].filter((p): p is pulumi.ProviderResource => p !== undefined);
  return (
    given.some((p) => packageOf(p) === "vault") ||
    (!Array.isArray(providers) && "vault" in providers) ||
    opts.parent?.getProvider("vault:index/token:Token") !== undefined
  );
}

/** The finding for a vault ScopedToken's own tokens under the default provider, if any. */
export function childTokenFindings(
  args: { readonly backend: string; readonly vault?: VaultBackendArgs } | undefined,
  opts: pulumi.ComponentResourceOptions,
): Finding<ProviderRule>[] {
  // Arguments of the wrong shape are the argument schema's to refuse.
  if (typeof args !== "object" || args === null || args.backend !== "vault") return [];
  if (explicitVaultProvider(opts)) return [];
  const config = new pulumi.Config("vault");
  return judgeVaultChildToken({
    orphan: (args.vault as { orphan?: unknown } | undefined)?.orphan ?? false,
    provider: {
      skipChildToken: config.get("skipChildToken"),
      maxLeaseTtlSeconds: config.get("maxLeaseTtlSeconds"),
    },
    env: process.env,
  });
}
