/**
 * Which resources a ScopedToken owns, and which look like they hold a token. Pure: the policy pack
 * asks these questions of URNs and names, the raw-resource rules act on the answers.
 */

/** The ScopedToken component's Pulumi type token. */
export const SCOPED_TOKEN_TYPE = "tokenguard:index:ScopedToken";

/**
 * The type chain of a URN, outermost first: `urn:pulumi:s::p::A$B$C::n` -> `["A", "B", "C"]`.
 * A child's URN carries the types of all its ancestors (the stack root is never among them).
 */
export function urnTypeChain(urn: string): string[] {
  const parts = urn.split("::");
  return parts.length >= 4 ? parts[2].split("$") : [];
}

/** True when a ScopedToken is among the resource's ancestors: the component generated it. */
export function ownedByScopedToken(urn: string): boolean {
  return urnTypeChain(urn).slice(0, -1).includes(SCOPED_TOKEN_TYPE);
}

/** Words in a resource name that say it holds a token (the default for `nameWords`). */
export const TOKEN_NAME_WORDS = [
  "token",
  "tokens",
  "secret",
  "secrets",
  "key",
  "keys",
  "apikey",
  "credential",
  "credentials",
  "creds",
  "bearer",
  "session",
  "signing",
  "hmac",
  "jwt",
] as const;

/**
 * The words of a resource name: split at anything but letters and digits, and at camelCase humps.
 * `ordersApiToken` and `orders-api-token` both give `["orders", "api", "token"]`.
 */
export function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** Whether a resource's name says it holds a token: one of its words is in `words`. */
export function looksLikeToken(name: string, words: readonly string[] = TOKEN_NAME_WORDS): boolean {
  const wanted = new Set(words.map((w) => w.toLowerCase()));
  return nameWords(name).some((w) => wanted.has(w));
}

const labelOf = (v: unknown): string | undefined =>
  typeof v === "string" && v !== "" ? v : undefined;

/**
 * Who answers for a raw token and what it is for, from its tags or metadata: `owner`, `Owner` or
 * `tokenguard-owner` (and the same for purpose).
 */
export function labelledOwnership(inputs: Readonly<Record<string, unknown>>): {
  owner?: string;
  purpose?: string;
} {
  const asRecord = (v: unknown) =>
    typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  const tags = { ...asRecord(inputs.tags), ...asRecord(inputs.metadata) };
  const owner = labelOf(tags.owner) ?? labelOf(tags.Owner) ?? labelOf(tags["tokenguard-owner"]);
  const purpose =
    labelOf(tags.purpose) ?? labelOf(tags.Purpose) ?? labelOf(tags["tokenguard-purpose"]);
  return { ...(owner ? { owner } : {}), ...(purpose ? { purpose } : {}) };
}
