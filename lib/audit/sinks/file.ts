/**
 * The local sink: an append-only JSONL file, one canonical record per line.
 *
 * Appends hold `<file>.lock` while they read the chain's end and write, so two processes never
 * interleave or fork the chain. Every append is fsynced (and the directory, when the file is
 * new). A failed write is cut back off, so a full disk leaves no half record behind.
 */
import {
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  statSync,
  writeSync,
} from "node:fs";
import * as path from "node:path";
import { sealChecked, splitLedgerText, verifyLedgerText, type StoredRecord } from "../chain";
import { acquireLock, type HeldLock, type LockOptions } from "./lock";
import {
  errnoText,
  invalidRecordError,
  ledgerError,
  type AppendResult,
  type FileSinkSpec,
  type LedgerSink,
} from "./types";

/** fsyncs a directory, so a newly created entry in it survives a crash. */
function fsyncDir(dir: string): void {
  const fd = openSync(dir, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Creates `dir` and any missing parents, fsyncing each parent whose entries changed. */
function ensureDir(dir: string): void {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) {
      throw Object.assign(new Error(`${dir} is not a directory`), { code: "ENOTDIR" });
    }
    return;
  }
  ensureDir(path.dirname(dir));
  mkdirSync(dir);
  fsyncDir(path.dirname(dir));
}

function readAll(fd: number): string {
  const size = fstatSync(fd).size;
  const buf = Buffer.alloc(size);
  let off = 0;
  while (off < size) {
    const n = readSync(fd, buf, off, size - off, off);
    if (n === 0) break;
    off += n;
  }
  return buf.subarray(0, off).toString("utf8");
}

function writeAll(fd: number, data: Buffer): void {
  let off = 0;
  while (off < data.length) off += writeSync(fd, data, off, data.length - off);
}

/** Writes one line at the end, durably; on failure cuts the file back to `size`. */
function writeLine(file: string, fd: number, line: string, size: number): void {
  try {
    writeAll(fd, Buffer.from(`${line}\n`, "utf8"));
    fsyncSync(fd);
  } catch (e) {
    try {
      ftruncateSync(fd, size);
      fsyncSync(fd);
    } catch {
      // the original error says what went wrong
    }
    throw ledgerError(`cannot write to the ledger ${file}: ${errnoText(e)}`);
  }
}

/** With the lock held and the ledger open: verify the chain, decide, check the record, write. */
function appendOpen(
  file: string,
  fd: number,
  lock: HeldLock,
  decide: Parameters<LedgerSink["append"]>[0],
): AppendResult {
  const text = readAll(fd);
  const verdict = verifyLedgerText(text);
  if (!verdict.intact) {
    const bad = verdict.firstBad;
    throw ledgerError(
      `the ledger ${file} fails verification at ${bad?.where}${bad?.seq !== undefined ? ` (seq ${bad.seq})` : ""}: ${bad?.reason}. Nothing is appended to a broken chain; run "tokenguard audit verify ${file}", then restore the file, cut the bad tail off (docs/ledger.md: "Recovering from a bad tail") or point tokenguard:ledger at a new one`,
    );
  }
  const decision = decide(verdict.records);
  if ("existing" in decision) return { record: decision.existing, appended: false };
  const sealed = sealChecked(decision.append, verdict.head);
  if ("problem" in sealed) throw invalidRecordError(file, sealed.problem);
  if (!lock.stillHeld()) {
    throw ledgerError(`lost the ledger lock ${file}.lock before writing; run again`);
  }
  writeLine(file, fd, sealed.text, Buffer.byteLength(text, "utf8"));
  return { record: sealed.record, appended: true };
}

export function fileSink(spec: FileSinkSpec, lockOptions?: LockOptions): LedgerSink {
  const file = path.resolve(spec.path);
  return {
    location: file,

    async read(): Promise<StoredRecord[]> {
      return splitLedgerText(readFileSync(file, "utf8"));
    },

    async append(decide) {
      try {
        ensureDir(path.dirname(file));
      } catch (e) {
        throw ledgerError(`cannot create the ledger's directory for ${file}: ${errnoText(e)}`);
      }
      const lock = await acquireLock(`${file}.lock`, lockOptions);
      try {
        const isNew = !existsSync(file);
        let fd: number;
        try {
          fd = openSync(file, "a+", 0o644);
        } catch (e) {
          throw ledgerError(`cannot open the ledger ${file} for appending: ${errnoText(e)}`);
        }
        try {
          if (isNew) fsyncDir(path.dirname(file));
          return appendOpen(file, fd, lock, decide);
        } finally {
          closeSync(fd);
        }
      } finally {
        lock.release();
      }
    },
  };
}
