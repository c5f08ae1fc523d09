/**
 * The team sink: one S3 object per record, `<prefix><seq, 12 digits>.json`, in a bucket with
 * Object Lock, so the ordered listing is the chain and no record can be overwritten or deleted
 * while its retention lasts.
 *
 * Writers never fork the chain: each record is put with `If-None-Match: *`, so of two writers
 * racing for the same seq exactly one succeeds and the other re-reads and tries the next seq.
 * After a put, the writer also checks that its version is the key's current one, in case a store
 * let a racing write through. Objects never change, so record bodies are cached per process.
 */
import type { S3Client } from "@aws-sdk/client-s3";
import { sealChecked, verifyChain, type StoredRecord } from "../chain";
import {
  invalidRecordError,
  isLedgerError,
  ledgerError,
  type LedgerSink,
  type S3SinkSpec,
} from "./types";

const SEQ_DIGITS = 12;
const MAX_ATTEMPTS = 10;
const FETCH_CONCURRENCY = 8;

/** Object key of record `seq`. */
export function s3KeyOf(prefix: string, seq: number): string {
  return `${prefix}${String(seq).padStart(SEQ_DIGITS, "0")}.json`;
}

/** Record bodies by bucket/key/etag, kept for the life of the process (objects are immutable). */
function bodyCache(): Map<string, string> {
  const g = globalThis as { __tokenguardLedgerBodies?: Map<string, string> };
  g.__tokenguardLedgerBodies ??= new Map();
  return g.__tokenguardLedgerBodies;
}

function statusOf(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
}

function describeError(e: unknown): string {
  const err = e as { name?: string; message?: string };
  return `${err?.name ?? "Error"}: ${err?.message ?? String(e)}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type S3Module = typeof import("@aws-sdk/client-s3");

/** One sink's connection: the SDK module, its client, and whether Object Lock was checked. */
interface Conn {
  readonly spec: S3SinkSpec;
  readonly url: string;
  sdk(): Promise<{ s3: S3Module; client: S3Client }>;
  lockChecked: boolean;
}

function connect(spec: S3SinkSpec): Conn {
  let client: S3Client | undefined;
  return {
    spec,
    url: `s3://${spec.bucket}/${spec.prefix}`,
    lockChecked: false,
    async sdk() {
      const s3 = await import("@aws-sdk/client-s3");
      client ??= new s3.S3Client({
        region:
          spec.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1",
        ...(spec.endpoint ? { endpoint: spec.endpoint, forcePathStyle: true } : {}),
        maxAttempts: 3,
      });
      return { s3, client };
    },
  };
}

/** The record objects under the prefix, in key (= seq) order. */
async function listRecordKeys(conn: Conn): Promise<{ key: string; etag: string; seq: number }[]> {
  const { s3, client } = await conn.sdk();
  const { bucket, prefix } = conn.spec;
  const pattern = /^(\d{12})\.json$/;
  const listed: { key: string; etag: string; seq: number }[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new s3.ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }),
    );
    for (const o of page.Contents ?? []) {
      const m = o.Key && pattern.exec(o.Key.slice(prefix.length));
      if (m && o.Key) listed.push({ key: o.Key, etag: o.ETag ?? "", seq: Number(m[1]) });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return listed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** Every stored record: listed, then fetched (a few at a time; cached bodies are not refetched). */
async function readRecords(conn: Conn): Promise<StoredRecord[]> {
  const { s3, client } = await conn.sdk();
  const { spec } = conn;
  const listed = await listRecordKeys(conn);
  const cache = bodyCache();
  const texts: string[] = new Array(listed.length);
  let next = 0;
  const worker = async () => {
    while (next < listed.length) {
      const i = next++;
      const { key, etag } = listed[i];
      const cacheKey = `${spec.endpoint ?? ""}/${spec.bucket}/${key}@${etag}`;
      let body = cache.get(cacheKey);
      if (body === undefined) {
        const got = await client.send(new s3.GetObjectCommand({ Bucket: spec.bucket, Key: key }));
        body = (await got.Body?.transformToString("utf8")) ?? "";
        cache.set(cacheKey, body);
      }
      texts[i] = body;
    }
  };
  await Promise.all(Array.from({ length: FETCH_CONCURRENCY }, worker));
  return listed.map((o, i) => ({
    text: texts[i],
    where: `s3://${spec.bucket}/${o.key}`,
    seqFromLocation: o.seq,
  }));
}

/** Refuses a bucket without Object Lock, or without any retention for new records. */
async function checkObjectLock(conn: Conn): Promise<void> {
  if (conn.lockChecked) return;
  const { s3, client } = await conn.sdk();
  const { bucket, retention } = conn.spec;
  let config;
  try {
    config = await client.send(new s3.GetObjectLockConfigurationCommand({ Bucket: bucket }));
  } catch (e) {
    throw ledgerError(
      `the ledger bucket ${bucket} has no Object Lock configuration (${describeError(e)}); create the bucket with Object Lock enabled so records cannot be overwritten or deleted`,
    );
  }
  const lock = config.ObjectLockConfiguration;
  if (lock?.ObjectLockEnabled !== "Enabled") {
    throw ledgerError(
      `the ledger bucket ${bucket} does not have Object Lock enabled; create it with Object Lock so records cannot be overwritten or deleted`,
    );
  }
  if (!retention && !lock.Rule?.DefaultRetention) {
    throw ledgerError(
      `the ledger bucket ${bucket} has no default retention, so records would not be locked; set tokenguard:ledgerRetention (e.g. "compliance:400d") or a default retention rule on the bucket`,
    );
  }
  conn.lockChecked = true;
}

/**
 * Puts one record's object if its key is free and confirms it is the key's current version.
 * Returns false when another writer took the seq (read again and retry).
 */
async function putRecord(conn: Conn, seq: number, body: string, attempt: number): Promise<boolean> {
  const { s3, client } = await conn.sdk();
  const { spec } = conn;
  const key = s3KeyOf(spec.prefix, seq);
  let versionId: string | undefined;
  try {
    const put = await client.send(
      new s3.PutObjectCommand({
        Bucket: spec.bucket,
        Key: key,
        Body: body,
        ContentType: "application/json",
        IfNoneMatch: "*",
        ChecksumAlgorithm: "SHA256",
        ...(spec.retention
          ? {
              ObjectLockMode: spec.retention.mode,
              ObjectLockRetainUntilDate: new Date(Date.now() + spec.retention.seconds * 1000),
            }
          : {}),
      }),
    );
    versionId = put.VersionId;
  } catch (e) {
    const status = statusOf(e);
    if (status !== 412 && status !== 409) {
      throw ledgerError(
        `cannot write the ledger record s3://${spec.bucket}/${key}: ${describeError(e)}`,
      );
    }
    await sleep(20 + Math.random() * 80 * (attempt + 1)); // another writer took this seq
    return false;
  }
  let head;
  try {
    head = await client.send(new s3.HeadObjectCommand({ Bucket: spec.bucket, Key: key }));
  } catch (e) {
    // A rerun finds the record (if it landed) and appends nothing twice.
    throw ledgerError(
      `wrote s3://${spec.bucket}/${key} but could not confirm it: ${describeError(e)}`,
    );
  }
  if (versionId && head.VersionId && head.VersionId !== versionId) return false;
  bodyCache().set(`${spec.endpoint ?? ""}/${spec.bucket}/${key}@${head.ETag ?? ""}`, body);
  return true;
}

/** Reads the chain (refusing a broken one) and asks `decide` what to append. */
async function nextAppend(conn: Conn, decide: Parameters<LedgerSink["append"]>[0]) {
  let stored: StoredRecord[];
  try {
    stored = await readRecords(conn);
  } catch (e) {
    throw ledgerError(`cannot read the ledger ${conn.url}: ${describeError(e)}`);
  }
  const verdict = verifyChain(stored);
  if (!verdict.intact) {
    const bad = verdict.firstBad;
    throw ledgerError(
      `the ledger ${conn.url} fails verification at ${bad?.where}: ${bad?.reason}. Nothing is appended to a broken chain; run "tokenguard audit verify ${conn.url}", then point tokenguard:ledger at a new prefix (docs/ledger.md: "Recovering from a bad tail")`,
    );
  }
  const decision = decide(verdict.records);
  if ("existing" in decision) return { existing: decision.existing };
  const sealed = sealChecked(decision.append, verdict.head);
  if ("problem" in sealed) throw invalidRecordError(conn.url, sealed.problem);
  return sealed;
}

export function s3Sink(spec: S3SinkSpec): LedgerSink {
  const conn = connect(spec);
  return {
    location: conn.url,
    read: async () => {
      try {
        return await readRecords(conn);
      } catch (e) {
        throw ledgerError(`cannot read the ledger ${conn.url}: ${describeError(e)}`);
      }
    },

    async append(decide) {
      try {
        await checkObjectLock(conn);
      } catch (e) {
        if (isLedgerError(e)) throw e;
        throw ledgerError(`cannot reach the ledger ${conn.url}: ${describeError(e)}`);
      }
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const next = await nextAppend(conn, decide);
        if ("existing" in next) return { record: next.existing, appended: false };
        if (await putRecord(conn, next.record.seq, next.text, attempt)) {
          return { record: next.record, appended: true };
        }
      }
      throw ledgerError(
        `gave up appending to ${conn.url} after ${MAX_ATTEMPTS} attempts: other writers kept taking the next seq; run again`,
      );
    },
  };
}
