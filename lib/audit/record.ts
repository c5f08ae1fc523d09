/**
 * Ledger records: the schema (zod), their canonical bytes, and the hash chain that links them.
 *
 * A record's `hash` is SHA-256 (hex) over the canonical JSON (RFC 8785) of the record without
 * `hash`; `prevHash` is the previous record's `hash` (64 zeros for the first). One record is one
 * line of canonical JSON, so any change to any byte of a record shows.
 */
import { createHash } from "node:crypto";
import { z } from "zod";
import { canonicalJson } from "./canonical";

/**
 * What happened to a credential (one generation of one token):
 * - `issued`: recorded for the first time, with no older generation of the token open;
 * - `rotated-in`: recorded while an older generation of the same token is still open;
 * - `amended`: the same credential, with changed recorded facts (scopes, ttl, owner, fingerprint key);
 * - `verified`: the credential passed its canary probe (`probe` says which request and the answer);
 * - `retired`: no longer declared, while a newer generation of the same token is open;
 * - `revoked`: no longer declared, with no newer generation open (destroy, removal, replacement).
 */
export const LEDGER_EVENTS = [
  "issued",
  "rotated-in",
  "amended",
  "verified",
  "retired",
  "revoked",
] as const;
export type LedgerEvent = (typeof LEDGER_EVENTS)[number];

/** Whether an event opens, amends or closes a credential's life in the ledger. */
export function phaseOf(event: LedgerEvent): "open" | "amend" | "close" {
  return event === "retired" || event === "revoked"
    ? "close"
    : event === "amended" || event === "verified"
      ? "amend"
      : "open";
}

export const RECORD_VERSION = 1;
/** `prevHash` of the first record. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * The record schema. Built on demand rather than held in a module constant: this module also runs
 * inside the ledger's dynamic provider, whose code Pulumi serializes by value, and a zod schema
 * instance cannot be serialized (the `zod` module itself is required at run time instead).
 */
export function recordSchema() {
  const hex = (n: number, what: string) =>
    z.string().regex(new RegExp(`^[0-9a-f]{${n}}$`), `${what} must be ${n} lowercase hex digits`);
  const text = z.string().min(1);
  return z.strictObject({
    v: z.literal(RECORD_VERSION),
    /** Position in the ledger, from 1, without gaps. */
    seq: z.number().int().positive(),
    /** When the record was written, RFC 3339 UTC. */
    time: z.iso.datetime(),
    event: z.enum(LEDGER_EVENTS),
    project: text,
    stack: text,
    /** URN of the ScopedToken. */
    tokenUrn: text,
    /** The ScopedToken's resource name. */
    token: text,
    /** Identifies one credential across its records: its ledger entry's id. */
    entry: hex(16, "entry"),
    generation: z.number().int().nonnegative(),
    backend: text,
    scopes: z.array(z.string()),
    ttl: text,
    /** RFC 3339: the credential is valid at least until then. */
    expiresAt: z.iso.datetime(),
    owner: text.optional(),
    purpose: text.optional(),
    /** Who ran the deployment: CI identity when there is one, else the local user. */
    actor: z.strictObject({
      /** e.g. "octocat", "alice@build-host". */
      name: text,
      /** Where the name came from: "github-actions", "gitlab-ci", ..., "env", "local". */
      source: text,
      /** Link to the CI run, when the CI exposes one. */
      run: text.optional(),
    }),
    /** `verified` only: the canary probe's request and the service's answer (never the credential). */
    probe: z
      .strictObject({
        /** "vault", "aws-iam" or "http". */
        kind: text,
        /** The request, e.g. "GET secret/data/ci/tokenguard-probe on https://vault:8200". */
        target: text,
        /** The answer that passed, e.g. "authorised (404: …)", "answered as arn:aws:iam::…". */
        answer: text,
        attempts: z.number().int().positive(),
        /** Milliseconds from the first try to the answer. */
        ms: z.number().int().nonnegative(),
      })
      .optional(),
    /** HMAC-SHA256(ledger key, credential), hex. Never the credential. */
    fingerprint: hex(64, "fingerprint"),
    /** Names the ledger key that made `fingerprint` (an HMAC of a constant; reveals nothing). */
    keyId: hex(16, "keyId"),
    prevHash: hex(64, "prevHash"),
    hash: hex(64, "hash"),
  });
}
export type LedgerRecord = z.infer<ReturnType<typeof recordSchema>>;
export type Actor = LedgerRecord["actor"];

/** A record before it is chained: everything but its position and hashes. */
export type RecordBody = Omit<LedgerRecord, "seq" | "prevHash" | "hash">;

/** The end of a chain: the last record's seq and hash (seq 0 and {@link GENESIS_HASH} when empty). */
export interface ChainHead {
  readonly seq: number;
  readonly hash: string;
}

export const EMPTY_HEAD: ChainHead = { seq: 0, hash: GENESIS_HASH };

/** SHA-256 hex over the canonical JSON of the record without its `hash`. */
export function recordHash(record: Omit<LedgerRecord, "hash"> | LedgerRecord): string {
  const rest: Record<string, unknown> = { ...record };
  delete rest.hash;
  return createHash("sha256").update(canonicalJson(rest), "utf8").digest("hex");
}

/** Chains a body after `head`: the next seq, the head's hash as prevHash, its own hash. */
export function sealRecord(body: RecordBody, head: ChainHead): LedgerRecord {
  const unsealed = { ...body, seq: head.seq + 1, prevHash: head.hash };
  return { ...unsealed, hash: recordHash(unsealed) };
}

/** The record's bytes in the ledger: canonical JSON, no trailing newline. */
export function serializeRecord(record: LedgerRecord): string {
  return canonicalJson(record);
}

/** `"<seq>:<hash>"`, the form `audit verify` prints and `--expect-head` takes. */
export function formatHead(head: ChainHead): string {
  return `${head.seq}:${head.hash}`;
}
