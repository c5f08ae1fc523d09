/**
 * Checksums vendors build into their tokens, so a scanner can tell a real token from a look-alike
 * without asking the vendor:
 * - GitHub (ghp_, gho_, ghu_, ghs_, ghr_) and npm (npm_): 30 random base62 characters, then the
 *   CRC32 of those 30 characters in base62, left-padded to 6 (GitHub's "Behind GitHub's new
 *   authentication token formats", 2021; npm's "new access token format", 2021).
 * - PyPI: the token is "pypi-" + a base64url macaroon whose first caveat names the issuing index
 *   (pypi.org or test.pypi.org), so the body decodes to a macaroon header naming it.
 */
import { crc32 } from "node:zlib";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

function base62(n: number): string {
  let out = "";
  do {
    out = BASE62[n % 62] + out;
    n = Math.floor(n / 62);
  } while (n > 0);
  return out;
}

/** The 6-character checksum of a GitHub/npm token's 30-character random part. */
export function githubChecksum(random: string): string {
  return base62(crc32(random)).padStart(6, "0");
}

/** True when prefix + 30 + 6 ends in the CRC32 checksum of its random part. */
export function validGithubChecksum(token: string): boolean {
  const body = token.slice(token.indexOf("_") + 1);
  return body.length === 36 && githubChecksum(body.slice(0, 30)) === body.slice(30);
}

/** True when a "pypi-…" token's body decodes to a macaroon issued by PyPI or TestPyPI. */
export function validPypiMacaroon(token: string): boolean {
  const body = token.replace(/^pypi-/, "");
  const head = Buffer.from(body.slice(0, 64), "base64url");
  // Macaroon v2: version 2, then field 1 (location) with its length and the index's host.
  if (head[0] !== 2 || head[1] !== 1) return false;
  const location = head.subarray(3, 3 + head[2]).toString("latin1");
  return location === "pypi.org" || location === "test.pypi.org";
}
