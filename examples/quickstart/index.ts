// The quickstart stack (the root Pulumi.yaml runs this file): one opaque API token for an orders
// service. The service stores `ordersTokenHash` and compares hashes; clients get the token itself
// through the secret output `ordersToken` (or a StackReference, see examples/consumer).
import { ScopedToken } from "tokenguard";

const orders = new ScopedToken("orders-api", {
  backend: "random",
  scopes: ["orders:read", "orders:list"],
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  owner: "team-orders",
  purpose: "read-only access for the storefront to the orders API",
});

/** The token itself: a secret output. */
export const ordersToken = orders.value;
/** What the orders service stores to verify presented tokens. */
export const ordersTokenHash = orders.hash;
export const ordersTokenId = orders.tokenId;
export const ordersTokenGeneration = orders.generation;
export const ordersTokenRotatesAt = orders.rotatesAt;
/** The previous generation while its overlap window is open (secret). */
export const ordersTokenPrevious = orders.previous;
