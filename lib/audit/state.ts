/**
 * What a ledger entry's create, update and delete append, decided from the ledger itself. Pure.
 *
 * Each credential (one generation of one token, identified by its entry id) is open from its
 * `issued`/`rotated-in` record until its `retired`/`revoked` record. Every decision is idempotent:
 * opening an open credential, closing a closed one or amending to the facts already recorded
 * appends nothing — so a rerun after a failed write converges without duplicates.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical";
import { phaseOf, RECORD_VERSION, type Actor, type LedgerRecord, type RecordBody } from "./record";

/** The facts a record states about one credential (everything but when, who and where). */
export interface CredentialFacts {
  readonly project: string;
  readonly stack: string;
  readonly tokenUrn: string;
  readonly token: string;
  readonly entry: string;
  readonly generation: number;
  readonly backend: string;
  readonly scopes: readonly string[];
  readonly ttl: string;
  readonly expiresAt: string;
  readonly owner?: string;
  readonly purpose?: string;
  readonly fingerprint: string;
  readonly keyId: string;
}

/** What the entry's lifecycle step wants the ledger to say. */
export type Intent = "open" | "amend" | "close";

export type Decision =
  | { readonly append: RecordBody }
  /** Nothing to append: `existing` already says it. */
  | { readonly existing: LedgerRecord };

/** The id of a credential's entry: stable across retries of the same create. */
export function entryIdOf(tokenUrn: string, generation: number, fingerprint: string): string {
  return createHash("sha256")
    .update(`${tokenUrn}\n${generation}\n${fingerprint}`, "utf8")
    .digest("hex")
    .slice(0, 16);
}

const FACT_KEYS = [
  "project",
  "stack",
  "tokenUrn",
  "token",
  "entry",
  "generation",
  "backend",
  "scopes",
  "ttl",
  "expiresAt",
  "owner",
  "purpose",
  "fingerprint",
  "keyId",
] as const satisfies readonly (keyof CredentialFacts)[];

/** The recorded facts of a record or input bag, and nothing else. */
export function factsOf(source: CredentialFacts | LedgerRecord): CredentialFacts {
  const out: Record<string, unknown> = {};
  for (const k of FACT_KEYS) if (source[k] !== undefined) out[k] = source[k];
  return out as unknown as CredentialFacts;
}

/** True when two fact bags record the same thing. */
export function sameFacts(a: CredentialFacts, b: CredentialFacts): boolean {
  return canonicalJson(factsOf(a)) === canonicalJson(factsOf(b));
}

/** The latest record of every credential, by entry id. */
function latestByEntry(records: readonly LedgerRecord[]): Map<string, LedgerRecord> {
  const latest = new Map<string, LedgerRecord>();
  for (const r of records) latest.set(r.entry, r);
  return latest;
}

/** Generations of the token `tokenUrn` that are open, other than `entry`. */
function openGenerations(
  latest: Map<string, LedgerRecord>,
  tokenUrn: string,
  entry: string,
): number[] {
  const out: number[] = [];
  for (const r of latest.values()) {
    if (r.tokenUrn === tokenUrn && r.entry !== entry && phaseOf(r.event) !== "close")
      out.push(r.generation);
  }
  return out;
}

/** Decides what `intent` appends for `facts`, given every record so far. */
export function decide(
  records: readonly LedgerRecord[],
  intent: Intent,
  facts: CredentialFacts,
  actor: Actor,
  time: string,
): Decision {
  const latest = latestByEntry(records);
  const mine = latest.get(facts.entry);
  const isOpen = mine !== undefined && phaseOf(mine.event) !== "close";
  const others = openGenerations(latest, facts.tokenUrn, facts.entry);
  const body = (event: RecordBody["event"]): Decision => ({
    append: { v: RECORD_VERSION, time, event, actor, ...factsOf(facts) } as RecordBody,
  });

  switch (intent) {
    case "open":
      if (isOpen) return { existing: mine };
      return body(others.some((g) => g < facts.generation) ? "rotated-in" : "issued");
    case "amend":
      if (!isOpen) return decide(records, "open", facts, actor, time);
      return sameFacts(mine, facts) ? { existing: mine } : body("amended");
    case "close":
      if (mine !== undefined && !isOpen) return { existing: mine };
      return body(others.some((g) => g > facts.generation) ? "retired" : "revoked");
  }
}
