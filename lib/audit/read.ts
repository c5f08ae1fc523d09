/** Reading a whole ledger for verify and show: a JSONL file or an s3:// prefix. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { splitLedgerText, verifyChain, verifyLedgerText, type ChainVerdict } from "./chain";
import type { ChainHead } from "./record";
import { errnoText, ledgerError } from "./sinks/types";
import { openSink, parseSinkSpec } from "./sinks";

export interface ReadOptions {
  /** S3-compatible endpoint for s3:// ledgers. */
  readonly endpoint?: string;
  readonly region?: string;
  /** The chain must reach this head (an anchor kept elsewhere). */
  readonly expectHead?: ChainHead;
}

export interface VerifiedLedger extends ChainVerdict {
  /** The ledger's location as given. */
  readonly ledger: string;
  /** Records stored (verified or not). */
  readonly stored: number;
}

/**
 * Reads and verifies a ledger. Throws {@link LedgerError} only when it cannot be read at all; a
 * ledger that reads but does not verify comes back with `intact: false`.
 */
export async function readVerifiedLedger(
  location: string,
  opts: ReadOptions = {},
): Promise<VerifiedLedger> {
  const spec = parseSinkSpec(location, {
    endpoint: opts.endpoint,
    region: opts.region,
    names: { location: "<ledger>", endpoint: "--endpoint", retention: "--retention" },
  });
  if (spec.kind === "file") {
    let text: string;
    try {
      text = readFileSync(path.resolve(spec.path), "utf8");
    } catch (e) {
      throw ledgerError(`cannot read the ledger ${spec.path}: ${errnoText(e)}`);
    }
    const stored = splitLedgerText(text).length;
    return { ledger: location, stored, ...verifyLedgerText(text, opts.expectHead) };
  }
  const stored = await openSink(spec).read();
  return { ledger: location, stored: stored.length, ...verifyChain(stored, opts.expectHead) };
}
