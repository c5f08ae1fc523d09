/**
 * Verifying a ledger's hash chain. Pure: texts in, verdict out.
 *
 * What a chain alone proves: every record is intact, in its place, and none is missing between
 * the first and the last. What it cannot prove: that records were not cut off the end, or that a
 * writer did not rewrite a whole suffix (the hashes are public). An anchor — the head `seq:hash`
 * kept somewhere else, checked with `expectHead` — closes both gaps up to the anchor.
 */
import { issueLines } from "../schema/errors";
import { canonicalJson } from "./canonical";
import {
  EMPTY_HEAD,
  formatHead,
  recordHash,
  recordSchema,
  sealRecord,
  serializeRecord,
  type ChainHead,
  type LedgerRecord,
  type RecordBody,
} from "./record";

/** One stored record: its text and where it lives ("line 7", an object key). */
export interface StoredRecord {
  readonly text: string;
  readonly where: string;
  /** The seq its location implies (an S3 key), if any. */
  readonly seqFromLocation?: number;
}

/** The first record that breaks the chain. */
export interface ChainBreak {
  /** 0-based position in the ledger. */
  readonly index: number;
  readonly where: string;
  /** The record's own seq, when it could be read. */
  readonly seq?: number;
  readonly reason: string;
}

export interface ChainVerdict {
  readonly intact: boolean;
  /** The verified records: all of them when intact, else those before the break. */
  readonly records: LedgerRecord[];
  /** Head of the verified records. */
  readonly head: ChainHead;
  readonly firstBad?: ChainBreak;
}

const HEAD_FORM = '"<seq>:<64 hex hash>" as printed by "tokenguard audit verify"';

/**
 * Parses `"<seq>:<hash>"` (what `audit verify` prints as the head). Seq 0 is refused: it names no
 * record, so checking against it would prove nothing.
 */
export function parseHead(text: string): ChainHead {
  const m = /^([0-9]+):([0-9a-f]{64})$/.exec(text.trim());
  if (!m) {
    throw new Error(
      `expected head must look like ${HEAD_FORM} (got ${JSON.stringify(text.slice(0, 80))})`,
    );
  }
  const seq = Number(m[1]);
  if (seq < 1 || !Number.isSafeInteger(seq)) {
    throw new Error(
      `expected head ${JSON.stringify(`${m[1]}:…`)}: seq must be 1 or more (the record the head names) and at most ${Number.MAX_SAFE_INTEGER}; pass a head ${HEAD_FORM}`,
    );
  }
  return { seq, hash: m[2] };
}

/** Checks one record against its predecessor; returns why it does not belong, if it does not. */
function problemOf(
  schema: ReturnType<typeof recordSchema>,
  stored: StoredRecord,
  index: number,
  prev: ChainHead,
): { reason: string; record?: LedgerRecord; seq?: number } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stored.text);
  } catch {
    return { reason: "is not JSON (edited, or a write was interrupted)" };
  }
  const seq =
    typeof (parsed as { seq?: unknown })?.seq === "number"
      ? (parsed as { seq: number }).seq
      : undefined;
  const result = schema.safeParse(parsed);
  if (!result.success) {
    return { seq, reason: `is not a ledger record: ${issueLines(result.error).join("; ")}` };
  }
  const record = result.data;
  if (canonicalJson(parsed) !== stored.text) {
    return { seq, reason: "is not in canonical form: its bytes were edited" };
  }
  if (record.seq !== index + 1) {
    return {
      seq,
      reason: `has seq ${record.seq} where seq ${index + 1} belongs: a record was deleted, inserted or moved`,
    };
  }
  if (stored.seqFromLocation !== undefined && stored.seqFromLocation !== record.seq) {
    return { seq, reason: `holds seq ${record.seq}, not the seq its name says` };
  }
  if (record.prevHash !== prev.hash) {
    return {
      seq,
      reason:
        index === 0
          ? "does not start the chain (prevHash is not 64 zeros): records before it are missing"
          : `does not follow record ${prev.seq} (prevHash differs from its hash): record ${prev.seq} was changed, or records between them were removed`,
    };
  }
  if (recordHash(record) !== record.hash) {
    return { seq, reason: "does not match its own hash: the record was edited" };
  }
  return { reason: "", record };
}

/**
 * Seals `body` after `head` and reads the result back exactly as verification will: the record and
 * its line, or why appending it would break the chain. Sinks write only what passes, so an append
 * never turns a valid chain invalid.
 */
export function sealChecked(
  body: RecordBody,
  head: ChainHead,
): { record: LedgerRecord; text: string } | { problem: string } {
  const schema = recordSchema();
  const unsealed = { ...body, seq: head.seq + 1, prevHash: head.hash };
  const shape = schema.omit({ hash: true }).safeParse(unsealed);
  if (!shape.success) return { problem: issueLines(shape.error).join("; ") };
  const record = sealRecord(body, head);
  const text = serializeRecord(record);
  const problem = problemOf(schema, { text, where: "the new record" }, head.seq, head);
  return problem?.record ? { record: problem.record, text } : { problem: problem?.reason ?? "" };
}

/** Verifies records in ledger order; optionally that the chain reaches an anchored head. */
export function verifyChain(stored: readonly StoredRecord[], expectHead?: ChainHead): ChainVerdict {
  const schema = recordSchema();
  const records: LedgerRecord[] = [];
  let head = EMPTY_HEAD;
  for (const [index, item] of stored.entries()) {
    const problem = problemOf(schema, item, index, head);
    if (!problem?.record) {
      return {
        intact: false,
        records,
        head,
        firstBad: { index, where: item.where, seq: problem?.seq, reason: problem?.reason ?? "" },
      };
    }
    records.push(problem.record);
    head = { seq: problem.record.seq, hash: problem.record.hash };
  }
  if (expectHead && expectHead.seq > 0) {
    const anchored = records[expectHead.seq - 1];
    if (!anchored) {
      return {
        intact: false,
        records,
        head,
        firstBad: {
          index: records.length,
          where: `after the last record (seq ${head.seq})`,
          seq: head.seq + 1,
          reason: `is missing: the expected head is ${formatHead(expectHead)}, so records ${head.seq + 1}..${expectHead.seq} were cut off the end`,
        },
      };
    }
    if (anchored.hash !== expectHead.hash) {
      return {
        intact: false,
        records: records.slice(0, expectHead.seq - 1),
        head: records[expectHead.seq - 2]
          ? { seq: expectHead.seq - 1, hash: records[expectHead.seq - 2].hash }
          : EMPTY_HEAD,
        firstBad: {
          index: expectHead.seq - 1,
          where: stored[expectHead.seq - 1].where,
          seq: expectHead.seq,
          reason: `differs from the anchored head ${formatHead(expectHead)}: the chain up to it was rewritten`,
        },
      };
    }
  }
  return { intact: true, records, head };
}

/** Splits a JSONL ledger file into its lines (a final newline ends the last one). */
export function splitLedgerText(text: string): StoredRecord[] {
  if (text === "") return [];
  const lines = text.split("\n");
  if (lines[lines.length - 1] === "") lines.pop();
  return lines.map((line, i) => ({ text: line, where: `line ${i + 1}` }));
}

/**
 * Verifies a JSONL ledger file's text. Every line must be a record and end with a newline: an
 * unterminated last line is an interrupted append, reported like any other bad record.
 */
export function verifyLedgerText(text: string, expectHead?: ChainHead): ChainVerdict {
  const stored = splitLedgerText(text);
  const verdict = verifyChain(stored, expectHead);
  if (!verdict.intact || text === "" || text.endsWith("\n")) return verdict;
  const last = verdict.records[verdict.records.length - 1];
  const before = verdict.records[verdict.records.length - 2];
  return {
    intact: false,
    records: verdict.records.slice(0, -1),
    head: before ? { seq: before.seq, hash: before.hash } : EMPTY_HEAD,
    firstBad: {
      index: stored.length - 1,
      where: stored[stored.length - 1].where,
      seq: last.seq,
      reason: "has no newline after it: an append was interrupted",
    },
  };
}
