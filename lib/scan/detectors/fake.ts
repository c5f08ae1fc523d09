/**
 * Fake credentials for the rules' cases: random bodies of the vendor's shape (and valid checksum
 * where the vendor defines one), from a seeded PRNG — so cases are reproducible and this
 * repository holds no credential-shaped literal that other scanners or push protection would
 * flag. None of them was ever issued by a vendor.
 */
import { githubChecksum } from "./checksums";

export const ALPHA = {
  alnum: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
  lower: "abcdefghijklmnopqrstuvwxyz",
  upper: "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
  digits: "0123456789",
  hex: "0123456789abcdef",
  b32: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567",
  b64: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
  b64url: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_",
} as const;

export interface Fake {
  /** `n` characters of `alphabet`. */
  pick(alphabet: string, n: number): string;
  alnum(n: number): string;
  /** Alphanumerics with upper, lower and digits all present. */
  mixed(n: number): string;
  hex(n: number): string;
  digits(n: number): string;
  b64(n: number): string;
  b64url(n: number): string;
  /** Base64 of `bytes` random bytes (with padding). */
  base64Bytes(bytes: number): string;
  uuid(): string;
  /** prefix + 30 base62 + the 6-character CRC32 checksum (GitHub's and npm's token format). */
  checksummed(prefix: string): string;
  /** A JSON object, base64url-encoded without padding (JWT segments, 1Password/Sentry tokens). */
  b64json(value: unknown, base64url?: boolean): string;
  int(n: number): number;
}

/** A seeded fake-value source (mulberry32). */
export function fake(seed = 1): Fake {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (alphabet: string, n: number) => {
    let out = "";
    for (let i = 0; i < n; i++) out += alphabet[Math.floor(next() * alphabet.length)];
    return out;
  };
  const mixed = (n: number): string => {
    for (;;) {
      const s = pick(ALPHA.alnum, n);
      if (/[a-z]/.test(s) && /[A-Z]/.test(s) && /[0-9]/.test(s)) return s;
    }
  };
  const bytes = (n: number) =>
    Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256)));
  return {
    pick,
    alnum: (n) => pick(ALPHA.alnum, n),
    mixed,
    hex: (n) => pick(ALPHA.hex, n),
    digits: (n) => pick(ALPHA.digits, n),
    b64: (n) => pick(ALPHA.b64, n),
    b64url: (n) => pick(ALPHA.b64url, n),
    base64Bytes: (n) => bytes(n).toString("base64"),
    uuid: () =>
      `${pick(ALPHA.hex, 8)}-${pick(ALPHA.hex, 4)}-4${pick(ALPHA.hex, 3)}-a${pick(ALPHA.hex, 3)}-${pick(ALPHA.hex, 12)}`,
    checksummed: (prefix) => {
      const random = mixed(30);
      return `${prefix}${random}${githubChecksum(random)}`;
    },
    b64json: (value, url = true) =>
      Buffer.from(JSON.stringify(value))
        .toString(url ? "base64url" : "base64")
        .replace(/=+$/, ""),
    int: (n) => Math.floor(next() * n),
  };
}
