/**
 * Streams Vault audit-log files (plain or .gz) line by line in bounded memory: a line is parsed
 * only when its first accessor or tokenguard metadata name is one being watched, then matched on
 * its real fields and handed to that token's {@link VaultTokenUsage}. Nothing of a line is kept
 * beyond path, operation, time and verdict.
 */
import { createReadStream, promises as fsp } from "node:fs";
import * as readline from "node:readline";
import { createGunzip } from "node:zlib";
import type { SourceSummary } from "./model";
import { formatInstant } from "../rotation/clock";
import { HMAC_PREFIX, lineKeys, lineTime, parseAuditLine, type AuditRequest } from "./vault-audit";
import type { VaultTokenUsage } from "./vault-usage";

/** A file that is not a Vault audit log, or cannot be read. */
export class AuditLogError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AuditLogError";
  }
}

export interface Watched {
  readonly usage: VaultTokenUsage;
  readonly accessors: readonly string[];
  readonly family?: { readonly tokenName: string; readonly policy: string };
}

export interface Progress {
  (file: string, bytesRead: number, totalBytes: number): void;
}

/** The index a line is matched against: accessor (clear or hashed) and family name. */
export class Matcher {
  private readonly byAccessor = new Map<string, Watched>();
  private readonly byName = new Map<string, Watched[]>();

  constructor(watched: readonly Watched[], hashes: ReadonlyMap<string, string>) {
    for (const w of watched) for (const a of w.accessors) this.byAccessor.set(a, w);
    for (const [hash, accessor] of hashes) {
      const w = this.byAccessor.get(accessor);
      if (w) this.byAccessor.set(hash, w);
    }
    for (const w of watched) {
      if (!w.family) continue;
      this.byName.set(w.family.tokenName, [...(this.byName.get(w.family.tokenName) ?? []), w]);
    }
  }

  /** Whether a line may concern a watched token (cheap, before parsing). */
  candidate(keys: { accessor?: string; tokenName?: string }): boolean {
    return (
      (keys.accessor !== undefined && this.byAccessor.has(keys.accessor)) ||
      (keys.tokenName !== undefined && this.byName.has(keys.tokenName))
    );
  }

  /** The watched token that made the request, and how it was recognised. */
  match(req: AuditRequest): { watched: Watched; by: "accessor" | "policy" } | undefined {
    const byAccessor = req.accessor ? this.byAccessor.get(req.accessor) : undefined;
    if (byAccessor) return { watched: byAccessor, by: "accessor" };
    for (const w of req.tokenName ? (this.byName.get(req.tokenName) ?? []) : []) {
      if (w.family && req.policies.includes(w.family.policy)) return { watched: w, by: "policy" };
    }
    return undefined;
  }
}

function openLines(
  file: string,
  onBytes: (n: number) => void,
): { lines: readline.Interface; close: () => void } {
  const raw = createReadStream(file);
  raw.on("data", (chunk) => onBytes(chunk.length));
  const input = file.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  if (input !== raw) raw.on("error", (e) => input.emit("error", e));
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  return {
    lines,
    close: () => {
      lines.close();
      raw.destroy();
    },
  };
}

/** What one file held, line by line: counts, its first and last instants, how it logs accessors. */
class FileTally {
  readonly stats = { lines: 0, requests: 0, matched: 0, unreadable: 0 };
  private first?: number;
  private lastLine = "";
  private clear = false;
  private hmac = false;

  constructor(
    private readonly file: string,
    private readonly matcher: Matcher,
  ) {}

  /** Reads one line, handing a watched token's request to its usage. */
  line(line: string): void {
    if (line.length === 0) return;
    if (++this.stats.lines === 1) {
      if (parseAuditLine(line).kind === "unreadable") {
        throw new AuditLogError(
          `${this.file} is not a Vault audit log: its first line is not a JSON audit entry (enable a device with \`vault audit enable file file_path=...\` and pass the file it writes)`,
        );
      }
      this.first = lineTime(line);
    }
    this.lastLine = line;
    const keys = lineKeys(line);
    if (keys.accessor?.startsWith(HMAC_PREFIX)) this.hmac = true;
    else if (keys.accessor) this.clear = true;
    if (!this.matcher.candidate(keys)) return;
    const parsed = parseAuditLine(line);
    if (parsed.kind === "unreadable") this.stats.unreadable++;
    if (parsed.kind !== "request") return;
    this.stats.requests++;
    const hit = this.matcher.match(parsed.request);
    if (!hit) return;
    this.stats.matched++;
    hit.watched.usage.add(parsed.request, hit.by);
  }

  summary(): SourceSummary {
    const last = lineTime(this.lastLine);
    return {
      kind: "vault-audit",
      file: this.file,
      accessors: this.hmac ? "hmac" : this.clear ? "clear" : "none",
      ...this.stats,
      ...(this.first !== undefined ? { from: formatInstant(this.first) } : {}),
      ...(last !== undefined ? { to: formatInstant(last) } : {}),
    };
  }
}

/** Reads one audit log, feeding the watched tokens' usage; returns what the file held. */
export async function scanAuditFile(
  file: string,
  matcher: Matcher,
  progress?: Progress,
): Promise<SourceSummary> {
  let size: number;
  try {
    size = (await fsp.stat(file)).size;
  } catch (e) {
    throw new AuditLogError(
      `cannot read the audit log ${file}: ${(e as NodeJS.ErrnoException).code ?? e}`,
    );
  }
  let read = 0;
  const { lines, close } = openLines(file, (n) => {
    read += n;
    progress?.(file, read, size);
  });
  const tally = new FileTally(file, matcher);
  try {
    for await (const line of lines) tally.line(line);
  } catch (e) {
    if (e instanceof AuditLogError) throw e;
    throw new AuditLogError(`cannot read the audit log ${file}: ${(e as Error).message}`);
  } finally {
    close();
  }
  return tally.summary();
}

/** Whether a log HMACs accessors, from its first lines that carry one (without reading it all). */
export async function accessorMode(
  file: string,
  maxLines = 10_000,
): Promise<"clear" | "hmac" | "none"> {
  const { lines, close } = openLines(file, () => undefined);
  let seen = 0;
  try {
    for await (const line of lines) {
      const { accessor } = lineKeys(line);
      if (accessor) return accessor.startsWith(HMAC_PREFIX) ? "hmac" : "clear";
      if (++seen >= maxLines) break;
    }
    return "none";
  } catch (e) {
    throw new AuditLogError(`cannot read the audit log ${file}: ${(e as Error).message}`);
  } finally {
    close();
  }
}
