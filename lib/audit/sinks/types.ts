import type { StoredRecord } from "../chain";
import type { LedgerRecord } from "../record";
import type { Decision } from "../state";

/** Where records go: a local append-only JSONL file, or one S3 object per record. */
export type SinkSpec = FileSinkSpec | S3SinkSpec;

export interface FileSinkSpec {
  readonly kind: "file";
  /** As configured; a relative path is resolved against the working directory (the project). */
  readonly path: string;
}

export interface S3SinkSpec {
  readonly kind: "s3";
  readonly bucket: string;
  /** Key prefix, "" or ending in "/". */
  readonly prefix: string;
  /** @default AWS_REGION, else "us-east-1" */
  readonly region?: string;
  /** An S3-compatible endpoint (path-style addressing). */
  readonly endpoint?: string;
  /** Object Lock retention per record. @default the bucket's default retention */
  readonly retention?: { readonly mode: "GOVERNANCE" | "COMPLIANCE"; readonly seconds: number };
}

export interface AppendResult {
  /** The record appended, or the one already saying what was asked. */
  readonly record: LedgerRecord;
  readonly appended: boolean;
}

export interface LedgerSink {
  /** The ledger's location, for messages: a path or s3:// URL. */
  readonly location: string;
  /** Every stored record, in ledger order. */
  read(): Promise<StoredRecord[]>;
  /**
   * With exclusive access to the ledger's end: verifies the chain (refusing a broken one),
   * asks `decide` what to append given every record, and appends it durably.
   */
  append(decide: (records: readonly LedgerRecord[]) => Decision): Promise<AppendResult>;
}

/** The ledger cannot be read, written or trusted. The message says which and what to do. */
export type LedgerError = Error & { readonly name: "LedgerError" };

/**
 * Makes a {@link LedgerError}. A plain Error with a name, not a subclass: Pulumi's closure
 * serializer rewrites `super(message)` in a serialized Error subclass into a call that leaves
 * `message` unset, and the engine would show "error: undefined".
 */
export function ledgerError(message: string): LedgerError {
  const e = new Error(message) as Error & { name: string };
  e.name = "LedgerError";
  return e as LedgerError;
}

export function isLedgerError(e: unknown): e is LedgerError {
  return e instanceof Error && e.name === "LedgerError";
}

/** Refusal to append a record that would not verify: the ledger stays as it was. */
export function invalidRecordError(location: string, problem: string): LedgerError {
  return ledgerError(
    `refusing to append an invalid record to the ledger ${location}: ${problem}; nothing was written, the chain stays valid (this is a bug in what produced the record: report it)`,
  );
}

/** `"EACCES: permission denied"` from a Node error, without stack or paths repeated. */
export function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  if (err?.code) return `${err.code}: ${err.message.replace(/^[A-Z]+: /, "").split(",")[0]}`;
  return e instanceof Error ? e.message : String(e);
}
