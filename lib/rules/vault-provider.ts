/**
 * `vault-provider-child-token`. The Vault provider (terraform-provider-vault, which pulumi-vault
 * bridges) looks up the token it is given and then, unless `skipChildToken` is set, creates a child
 * token of its own — non-renewable, ttl = explicit max ttl = `maxLeaseTtlSeconds` (default 1200 s,
 * env TERRAFORM_VAULT_MAX_TTL) — and makes every later call with it. A token it creates without
 * `no_parent` is that child's child, and Vault revokes it when the child token expires: a "31d"
 * ScopedToken dies about 20 minutes after the `pulumi up` that issued it, and the previous
 * generation is long dead when its overlap should begin. Orphan tokens (`vault.orphan`) and a
 * provider with `skipChildToken: true` are not affected.
 *
 * Pure: the provider's inputs and the environment the provider would read are passed in.
 */
import type { Finding, ProviderRule } from "./catalog";

/** The provider's child-token lifetime when neither the input nor the environment sets one. */
export const DEFAULT_MAX_LEASE_TTL_SECONDS = 1200;

/** The provider inputs that decide the child token, as the engine carries them. */
export interface VaultProviderInputs {
  /** A boolean, or its text ("true"): stack config and explicit providers both carry text. */
  readonly skipChildToken?: unknown;
  /** Seconds, as a number or its text. */
  readonly maxLeaseTtlSeconds?: unknown;
}

/** The environment variables the provider falls back to for inputs that are not set. */
export interface VaultProviderEnv {
  readonly TERRAFORM_VAULT_SKIP_CHILD_TOKEN?: string;
  readonly TERRAFORM_VAULT_MAX_TTL?: string;
}

const TRUE_TEXT = ["1", "t", "T", "TRUE", "true", "True"];
const FALSE_TEXT = ["0", "f", "F", "FALSE", "false", "False"];

/** A boolean written as text, read as the provider (Go's strconv.ParseBool) reads it. */
export function parseBoolText(text: string): boolean | undefined {
  if (TRUE_TEXT.includes(text)) return true;
  if (FALSE_TEXT.includes(text)) return false;
  return undefined;
}

const unset = (v: unknown) => v === undefined || v === null || v === "";

/** Whether the provider uses the given token itself: the input when set, else the environment. */
export function skipsChildToken(inputs: VaultProviderInputs, env: VaultProviderEnv): boolean {
  const v = inputs.skipChildToken;
  if (!unset(v)) return v === true || (typeof v === "string" && parseBoolText(v) === true);
  return parseBoolText(env.TERRAFORM_VAULT_SKIP_CHILD_TOKEN ?? "") === true;
}

/** How long the provider's child token lives, in seconds (input, else environment, else 1200). */
export function childTokenSeconds(inputs: VaultProviderInputs, env: VaultProviderEnv): number {
  const whole = (v: unknown) => {
    const n = typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v;
    return typeof n === "number" && Number.isInteger(n) && n > 0 ? n : undefined;
  };
  return (
    whole(inputs.maxLeaseTtlSeconds) ??
    whole(env.TERRAFORM_VAULT_MAX_TTL) ??
    DEFAULT_MAX_LEASE_TTL_SECONDS
  );
}

export interface ChildTokenFacts {
  /** The token's `noParent` (a ScopedToken's `vault.orphan`). */
  readonly orphan: unknown;
  /** The inputs of the provider that creates the token. */
  readonly provider: VaultProviderInputs;
  /** An explicit provider's resource name; undefined for the default provider. */
  readonly providerName?: string;
  readonly env: VaultProviderEnv;
}

/**
 * The verdict on a ScopedToken's Vault token and the provider that creates it: a finding unless the
 * token is an orphan or the provider skips its child token. The message names the provider, the
 * child token's lifetime and both fixes.
 */
export function judgeVaultChildToken(facts: ChildTokenFacts): Finding<ProviderRule>[] {
  if (facts.orphan === true || skipsChildToken(facts.provider, facts.env)) return [];
  const seconds = childTokenSeconds(facts.provider, facts.env);
  const [who, fix] =
    facts.providerName === undefined
      ? ["the default Vault provider", "set stack config vault:skipChildToken to true"]
      : [`the Vault provider "${facts.providerName}"`, "set skipChildToken: true on that provider"];
  return [
    {
      rule: "vault-provider-child-token",
      field: "vault.orphan",
      message: `${who} creates this token under a child token of its own, which Vault revokes ${seconds} s (maxLeaseTtlSeconds) after the run starts, and this token with it, long before its ttl: ${fix}, or declare the ScopedToken with vault: { orphan: true }`,
    },
  ];
}
