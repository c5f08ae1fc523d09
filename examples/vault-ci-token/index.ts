// A Vault token for a CI deploy pipeline: read its own secrets, nothing else. The Vault provider
// is configured the usual way (VAULT_ADDR / VAULT_TOKEN, or `vault:address` config), with
// `vault:skipChildToken: true` (Pulumi.yaml) so the token lives its ttl.
import * as pulumi from "@pulumi/pulumi";
import { ScopedToken } from "tokenguard";

const config = new pulumi.Config();

const ci = new ScopedToken("ci-deploy", {
  backend: "vault",
  scopes: ["secret/data/ci/*:read", "secret/metadata/ci/*:list"],
  ttl: "31d",
  rotation: { every: config.get("rotateEvery") ?? "30d", overlap: config.get("overlap") ?? "1d" },
  owner: "team-platform",
  purpose: "CI deploy pipeline reads its deploy secrets",
});

/** The Vault token (secret). Give it to the pipeline as a masked variable. */
export const ciToken = ci.value;
/** The token's accessor: look it up or revoke it without the token itself. */
export const ciTokenAccessor = ci.tokenId;
export const ciTokenGeneration = ci.generation;
export const ciTokenExpiresAt = ci.expiresAt;
export const ciTokenRotatesAt = ci.rotatesAt;
export const ciTokenPrevious = ci.previous;
