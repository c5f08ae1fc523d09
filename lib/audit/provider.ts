/**
 * The ledger entry's dynamic provider: create opens a credential in the ledger, update amends it,
 * delete closes it. Each step appends at most one record and throws if the ledger cannot be
 * written, which fails the deployment step (fail-closed).
 *
 * Pulumi serializes this object into the state and runs it in the engine's dynamic-provider host,
 * also on `pulumi destroy` when the program does not run. So everything a step needs travels in
 * the entry's inputs (never the credential: only its fingerprint), and this module imports
 * nothing from @pulumi/pulumi at run time.
 */
import type * as pulumi from "@pulumi/pulumi";
import { actorFromEnv } from "./actor";
import { canonicalJson } from "./canonical";
import type { LedgerEvent } from "./record";
import { ledgerError, openSink, type SinkSpec } from "./sinks";
import { decide, entryIdOf, factsOf, sameFacts, type CredentialFacts, type Intent } from "./state";

/** A ledger entry's inputs: where to record, and the facts about one credential. */
export interface LedgerEntryInputs extends Omit<CredentialFacts, "entry"> {
  readonly sink: SinkSpec;
}

/** A ledger entry's state: its inputs plus the record that last spoke for it. */
export interface LedgerEntryOutputs extends LedgerEntryInputs {
  readonly entry: string;
  readonly seq: number;
  readonly hash: string;
  readonly event: LedgerEvent;
}

const WHAT: Record<Intent, string> = {
  open: "the issue",
  amend: "a change",
  close: "the retirement or revocation",
};

/** Appends what `intent` calls for (if anything) and returns the record that now speaks for it. */
async function record(
  sink: SinkSpec,
  intent: Intent,
  facts: CredentialFacts,
): Promise<Pick<LedgerEntryOutputs, "seq" | "hash" | "event">> {
  const ledger = openSink(sink);
  const actor = actorFromEnv();
  try {
    const { record } = await ledger.append((records) =>
      decide(records, intent, facts, actor, new Date().toISOString()),
    );
    return { seq: record.seq, hash: record.hash, event: record.event };
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    const consequence =
      intent === "close"
        ? "The entry stays in the stack until its record is written"
        : "The token's value is withheld until the ledger records it (fail-closed)";
    throw ledgerError(
      `tokenguard ledger: could not record ${WHAT[intent]} of token "${facts.token}" generation ${facts.generation} in ${ledger.location}: ${reason}. ${consequence}; fix the ledger and run the update again.`,
    );
  }
}

const factsFrom = (bag: LedgerEntryInputs, entry: string): CredentialFacts =>
  factsOf({ ...bag, entry });

export const ledgerProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: LedgerEntryInputs) {
    const entry = entryIdOf(inputs.tokenUrn, inputs.generation, inputs.fingerprint);
    const result = await record(inputs.sink, "open", factsFrom(inputs, entry));
    return { id: entry, outs: { ...inputs, entry, ...result } };
  },

  async diff(id: string, olds: LedgerEntryOutputs, news: LedgerEntryInputs) {
    const replaces: string[] = [];
    if (olds.tokenUrn !== news.tokenUrn) replaces.push("tokenUrn");
    if (olds.generation !== news.generation) replaces.push("generation");
    // A new fingerprint under the same key is a new credential; under a new key, the same one.
    if (olds.fingerprint !== news.fingerprint && olds.keyId === news.keyId) {
      replaces.push("fingerprint");
    }
    const changes =
      replaces.length > 0 ||
      !sameFacts(factsFrom(olds, id), factsFrom(news, id)) ||
      canonicalJson(olds.sink) !== canonicalJson(news.sink);
    return { changes, replaces, deleteBeforeReplace: false };
  },

  async update(id: string, olds: LedgerEntryOutputs, news: LedgerEntryInputs) {
    const facts = factsFrom(news, id);
    const sinkChanged = canonicalJson(olds.sink) !== canonicalJson(news.sink);
    if (!sinkChanged && sameFacts(factsFrom(olds, id), facts)) {
      return { outs: { ...news, entry: id, seq: olds.seq, hash: olds.hash, event: olds.event } };
    }
    // "amend" opens the credential where the ledger does not know it yet (a new sink).
    const result = await record(news.sink, "amend", facts);
    return { outs: { ...news, entry: id, ...result } };
  },

  async delete(id: string, props: LedgerEntryOutputs) {
    await record(props.sink, "close", factsFrom(props, id));
  },
};
