/** The tamper-evident token ledger: records, hash chain, fingerprints, sinks, verify, show. */
export {
  LEDGER_EVENTS,
  GENESIS_HASH,
  recordSchema,
  recordHash,
  sealRecord,
  serializeRecord,
  formatHead,
} from "./record";
export type { LedgerEvent, LedgerRecord, RecordBody, ChainHead, Actor } from "./record";
export { verifyChain, verifyLedgerText, parseHead } from "./chain";
export type { ChainVerdict, ChainBreak, StoredRecord } from "./chain";
export { fingerprintOf, keyIdOf } from "./fingerprint";
export { actorFromEnv } from "./actor";
export { decide, entryIdOf } from "./state";
export type { CredentialFacts, Intent } from "./state";
export { openSink, parseSinkSpec, isLedgerError } from "./sinks";
export type { LedgerError, LedgerSink, SinkSpec } from "./sinks";
export { readVerifiedLedger } from "./read";
export type { VerifiedLedger } from "./read";
export { timelines, renderTimelines } from "./show";
export type { ShowFilter, TokenTimeline } from "./show";
export { LedgerEntry, ledgerEntry, ledgerSettings, LEDGER_ENTRY_TYPE } from "./ledger-entry";
export type { LedgerEntryArgs, LedgerSettings, LedgerTokenFacts } from "./ledger-entry";
