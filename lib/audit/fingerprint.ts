/**
 * Fingerprints: HMAC-SHA256(ledger key, credential). The ledger holds these, never a credential:
 * whoever has the key can check whether a token they hold is the one recorded; nobody can turn a
 * fingerprint back into a token, and without the key nobody can even test a guess.
 */
import { createHmac } from "node:crypto";

/** Shortest accepted ledger key, in characters. */
export const MIN_LEDGER_KEY_LENGTH = 32;

/** The command that sets a good ledger key (shown in errors). */
export const SET_LEDGER_KEY =
  'pulumi config set --secret tokenguard:ledgerKey "$(openssl rand -hex 32)"';

/** HMAC-SHA256(key, value) as 64 hex digits. */
export function fingerprintOf(key: string, value: string): string {
  return createHmac("sha256", key).update(value, "utf8").digest("hex");
}

/** 16 hex digits naming a ledger key, so records show which key made their fingerprint. */
export function keyIdOf(key: string): string {
  return fingerprintOf(key, "tokenguard ledger key id").slice(0, 16);
}

/** Why a ledger key is unusable (never echoing it), or undefined. */
export function ledgerKeyProblem(key: string): string | undefined {
  if (key.trim().length < MIN_LEDGER_KEY_LENGTH) {
    return `config tokenguard:ledgerKey is shorter than ${MIN_LEDGER_KEY_LENGTH} characters; set a random one: ${SET_LEDGER_KEY}`;
  }
  return undefined;
}
