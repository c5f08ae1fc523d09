/**
 * The `verified` record: a credential passed its canary probe. Appended by the verification's
 * dynamic provider (lib/verify/provider.ts) after the ledger entry opened the credential, so the
 * ledger reads issued → verified → retired. Idempotent: a rerun after a lost answer that finds the
 * same probe already recorded as the credential's latest record appends nothing.
 */
import { actorFromEnv } from "./actor";
import { RECORD_VERSION, type LedgerRecord, type RecordBody } from "./record";
import { ledgerError, openSink, type SinkSpec } from "./sinks";
import { factsOf, type CredentialFacts, type Decision } from "./state";

export type ProbeRecord = NonNullable<LedgerRecord["probe"]>;

/** What to append for a passed probe of `facts`' credential, given every record so far. */
export function decideVerified(
  records: readonly LedgerRecord[],
  facts: CredentialFacts,
  probe: ProbeRecord,
  actor: LedgerRecord["actor"],
  time: string,
): Decision {
  const mine = records.filter((r) => r.entry === facts.entry).at(-1);
  if (
    mine?.event === "verified" &&
    mine.probe?.kind === probe.kind &&
    mine.probe.target === probe.target
  ) {
    return { existing: mine };
  }
  const body = { v: RECORD_VERSION, time, event: "verified", actor, ...factsOf(facts), probe };
  return { append: body as RecordBody };
}

/** Appends the `verified` record; throws a LedgerError naming the ledger when it cannot. */
export async function recordVerified(
  sink: SinkSpec,
  facts: CredentialFacts,
  probe: ProbeRecord,
): Promise<LedgerRecord> {
  const ledger = openSink(sink);
  const actor = actorFromEnv();
  try {
    const { record } = await ledger.append((records) =>
      decideVerified(records, facts, probe, actor, new Date().toISOString()),
    );
    return record;
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw ledgerError(
      `tokenguard ledger: could not record the verification of token "${facts.token}" generation ${facts.generation} in ${ledger.location}: ${reason}. The token's value is withheld until the ledger records it (fail-closed); fix the ledger and run the update again.`,
    );
  }
}
