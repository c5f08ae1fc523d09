import { createHash } from "node:crypto";

/** SHA-256 hex of a token: what a verifying service stores instead of the token. */
export function tokenHash(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}
