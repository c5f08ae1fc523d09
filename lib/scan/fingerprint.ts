/**
 * Scan fingerprints (scheme "tokenguard/v2"): HMAC-SHA-256 of rule and secret under the
 * repository's secret key, 128 bits. Stable while the key is, useless without it: nobody who
 * reads a SARIF upload can test a guess ("Summer2024!") against a fingerprint. The key is never
 * in any output; its id (an HMAC of a constant under the key) is, so baselines can say which key
 * made them.
 *
 * The first scheme ("tokenguard/v1") used a key published in the source. Its fingerprints are
 * still computed, in memory only, to honour baselines made with it; they are never printed.
 */
import { createHmac, randomBytes } from "node:crypto";

export const FINGERPRINT_SCHEME = "tokenguard/v2";
export const LEGACY_SCHEME = "tokenguard/v1";
const DOMAIN = "tokenguard/scan/v2";
/** The v1 scheme's public key: matching old baselines only. */
const LEGACY_PUBLIC_KEY = "tokenguard/scan/fingerprint/v1";

export interface Fingerprinter {
  /** 16 hex digits naming the key (reveals nothing about it). */
  readonly keyId: string;
  /** The fingerprint of `secret` found by `rule`. */
  of(rule: string, secret: string): string;
}

const hmac = (key: string, text: string) => createHmac("sha256", key).update(text).digest("hex");

/** Fingerprints under `key`. */
export function fingerprinter(key: string): Fingerprinter {
  return {
    keyId: hmac(key, "tokenguard fingerprint key id").slice(0, 16),
    of: (rule, secret) => hmac(key, `${DOMAIN}\0${rule}\0${secret}`).slice(0, 32),
  };
}

let processDefault: Fingerprinter | undefined;

/**
 * For calls that bring no key: TOKENGUARD_FINGERPRINT_KEY if set, else a random key for this
 * process (its fingerprints compare only with each other). The CLI always brings a key.
 */
export function defaultFingerprinter(): Fingerprinter {
  const env = process.env.TOKENGUARD_FINGERPRINT_KEY;
  if (env) return fingerprinter(env);
  processDefault ??= fingerprinter(randomBytes(32).toString("hex"));
  return processDefault;
}

/** The fingerprint of `secret` found by `rule`, under `key` (default: {@link defaultFingerprinter}). */
export function fingerprint(rule: string, secret: string, key?: string): string {
  return (key === undefined ? defaultFingerprinter() : fingerprinter(key)).of(rule, secret);
}

/** What v1 fingerprinting made of `secret`: under its public key, and under the key it honoured. */
function legacyFingerprints(rule: string, secret: string): string[] {
  const keys = [LEGACY_PUBLIC_KEY, process.env.TOKENGUARD_FINGERPRINT_KEY].filter(
    (k): k is string => !!k,
  );
  return keys.map((k) => hmac(k, `${rule}\0${secret}`).slice(0, 32));
}

const legacy = new WeakMap<object, readonly string[]>();

/** Remembers, in memory only, the v1 fingerprints of the secret behind `finding`. */
export function rememberLegacy(finding: object, rule: string, secret: string): void {
  legacy.set(finding, legacyFingerprints(rule, secret));
}

/** The v1 fingerprints remembered for `finding` (none for findings made elsewhere). */
export function legacyOf(finding: object): readonly string[] {
  return legacy.get(finding) ?? [];
}
