/**
 * An exclusive lock between processes, for the file sink: `<ledger>.lock` holds
 * `pid host since nonce`. It is written to a private temp file first and then hard-linked into
 * place, which fails if the lock exists — so a lock file is never seen half-written.
 *
 * A lock is stale when its process is gone (same host) or it is older than `staleMs` (any host).
 * Breaking renames it aside under a unique name and checks it is the lock that was judged stale,
 * so two processes breaking the same stale lock cannot both win.
 *
 * Hand-written rather than a lock library: this code runs inside the ledger's dynamic provider,
 * where every npm dependency must resolve at deploy and destroy time; this uses node:fs only.
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import * as os from "node:os";
import { errnoText, ledgerError } from "./types";

export interface LockOptions {
  /** Give up waiting after this long. @default 60000 */
  readonly timeoutMs?: number;
  /** A lock from another host older than this is stale. @default 600000 */
  readonly staleMs?: number;
}

interface Holder {
  readonly pid: number;
  readonly host: string;
  readonly since: number;
}

function parseHolder(text: string): Holder | undefined {
  const m = /^(\d+) (\S+) (\d+) [0-9a-f]+\n$/.exec(text);
  return m ? { pid: Number(m[1]), host: m[2], since: Number(m[3]) } : undefined;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function isStale(holder: Holder | undefined, staleMs: number): boolean {
  if (!holder) return true; // never half-written (see above): unreadable means corrupt
  if (holder.host === os.hostname() && !processAlive(holder.pid)) return true;
  return Date.now() - holder.since > staleMs;
}

function readOrUndefined(file: string): string | undefined {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/** Removes the stale lock whose text was `seen`; if another process took the lock meanwhile, puts it back. */
function breakLock(lockPath: string, seen: string): void {
  const aside = `${lockPath}.stale-${randomBytes(6).toString("hex")}`;
  try {
    renameSync(lockPath, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return; // someone else broke it
    throw e;
  }
  if (readOrUndefined(aside) !== seen) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // The place was taken again in between; the holders' stillHeld() checks catch that.
    }
  }
  unlinkSync(aside);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A held lock: `stillHeld()` before writing, `release()` after. */
export interface HeldLock {
  stillHeld(): boolean;
  release(): void;
}

/** Waits for and takes the lock at `lockPath`. */
export async function acquireLock(lockPath: string, opts: LockOptions = {}): Promise<HeldLock> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const staleMs = opts.staleMs ?? 600_000;
  const mine = `${process.pid} ${os.hostname()} ${Date.now()} ${randomBytes(8).toString("hex")}\n`;
  const tmp = `${lockPath}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    const fd = openSync(tmp, "wx", 0o644);
    try {
      writeSync(fd, mine);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw ledgerError(`cannot lock the ledger: creating ${tmp}: ${errnoText(e)}`);
  }
  try {
    const deadline = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        linkSync(tmp, lockPath);
        return {
          stillHeld: () => readOrUndefined(lockPath) === mine,
          release: () => {
            if (readOrUndefined(lockPath) === mine) unlinkSync(lockPath);
          },
        };
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
          throw ledgerError(`cannot lock the ledger: creating ${lockPath}: ${errnoText(e)}`);
        }
      }
      const seen = readOrUndefined(lockPath);
      if (seen === undefined) continue;
      const holder = parseHolder(seen);
      if (isStale(holder, staleMs)) {
        breakLock(lockPath, seen);
        continue;
      }
      if (Date.now() > deadline) {
        const who = holder ? `process ${holder.pid} on ${holder.host}` : "another process";
        throw ledgerError(
          `the ledger is locked by ${who} for more than ${Math.round(timeoutMs / 1000)}s (${lockPath}); if no tokenguard or pulumi process is running there, delete that file`,
        );
      }
      await sleep(Math.min(50, 2 ** Math.min(attempt, 6)) * (0.5 + Math.random()));
    }
  } finally {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
  }
}
