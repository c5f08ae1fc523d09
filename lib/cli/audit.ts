/**
 * `tokenguard audit verify <ledger>` and `tokenguard audit show <ledger>`.
 * verify: exit 0 = chain intact, 1 = tampered (names the first bad record), 2 = unreadable.
 * show: a timeline per token; exit 1 when the chain does not verify (only the verified part is shown).
 */
import type { Command } from "commander";
import { parseHead, type ChainVerdict } from "../audit/chain";
import { formatHead, type ChainHead } from "../audit/record";
import { readVerifiedLedger, type VerifiedLedger } from "../audit/read";
import { renderTimelines, timelines, type ShowFilter } from "../audit/show";
import { isLedgerError } from "../audit/sinks/types";
import { parseInstant } from "../rotation/clock";
import { escapeControls } from "../escape";
import { parseDuration } from "../schema/duration";
import { CliError, EXIT, parseFormat, printJson } from "./common";

interface LedgerOptions {
  readonly format: string;
  readonly endpoint?: string;
  readonly region?: string;
}

function textOrJson(value: string): "text" | "json" {
  const format = parseFormat(value);
  if (format === "sarif") throw new CliError("--format must be text or json for audit commands");
  return format;
}

async function load(
  ledger: string,
  opts: LedgerOptions,
  expectHead?: ChainHead,
): Promise<VerifiedLedger> {
  try {
    return await readVerifiedLedger(ledger, { ...opts, expectHead });
  } catch (e) {
    if (isLedgerError(e)) throw new CliError(e.message, EXIT.error);
    throw e;
  }
}

function breakText(v: ChainVerdict): string {
  const bad = v.firstBad;
  if (!bad) return "";
  const seq = bad.seq !== undefined ? ` (seq ${bad.seq})` : "";
  return escapeControls(`${bad.where}${seq} ${bad.reason}`);
}

/** A point in time: RFC 3339, or a duration meaning that long ago ("7d"). */
function parseTime(flag: string, text: string | undefined, now: number): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseInstant(text) * 1000;
  } catch {
    try {
      return now - parseDuration(text) * 1000;
    } catch {
      throw new CliError(
        `${flag}: "${text}" is neither an RFC 3339 time ("2026-01-31T12:00:00Z") nor a duration ago ("7d")`,
      );
    }
  }
}

export function registerAudit(program: Command): void {
  const audit = program
    .command("audit")
    .description("the tamper-evident token ledger: verify its hash chain, show its timeline");
  registerVerify(audit);
  registerShow(audit);
}

function registerVerify(audit: Command): void {
  audit
    .command("verify")
    .description(
      "check a ledger's hash chain: exit 0 intact, 1 tampered (names the first bad record), 2 unreadable",
    )
    .argument("<ledger>", "a JSONL ledger file or s3://bucket/prefix")
    .option(
      "--expect-head <seq:hash>",
      "the head printed by an earlier verify, kept elsewhere: also catches records cut off the end",
    )
    .option("--format <format>", "text or json", "text")
    .option("--endpoint <url>", "S3-compatible endpoint, for s3:// ledgers")
    .option("--region <region>", "S3 region, for s3:// ledgers")
    .action(async (ledger: string, opts: LedgerOptions & { expectHead?: string }) => {
      const format = textOrJson(opts.format);
      let expectHead: ChainHead | undefined;
      try {
        expectHead = opts.expectHead === undefined ? undefined : parseHead(opts.expectHead);
      } catch (e) {
        throw new CliError(`--expect-head: ${(e as Error).message}`);
      }
      const v = await load(ledger, opts, expectHead);
      process.exitCode = v.intact ? EXIT.ok : EXIT.findings;
      if (format === "json") {
        printJson({
          ledger,
          intact: v.intact,
          records: v.stored,
          verified: v.records.length,
          head: v.records.length ? formatHead(v.head) : null,
          firstBad: v.firstBad
            ? { where: v.firstBad.where, seq: v.firstBad.seq ?? null, reason: v.firstBad.reason }
            : null,
        });
        return;
      }
      const name = escapeControls(ledger);
      if (v.intact) {
        const head = v.records.length ? `, head ${formatHead(v.head)}` : "";
        process.stdout.write(`${name}: intact, ${v.records.length} records${head}\n`);
      } else {
        const verified = v.records.length
          ? `records 1..${v.head.seq} verify (head ${formatHead(v.head)})`
          : "no record before it verifies";
        process.stdout.write(`${name}: TAMPERED at ${breakText(v)}\n  ${verified}\n`);
      }
    });
}

function registerShow(audit: Command): void {
  audit
    .command("show")
    .description("a readable timeline per token: issued, rotated-in, amended, retired, revoked")
    .argument("<ledger>", "a JSONL ledger file or s3://bucket/prefix")
    .option("--token <name|urn>", "only this token (resource name or URN)")
    .option("--owner <owner>", "only records with this owner")
    .option("--since <time>", 'from this time: RFC 3339, or a duration ago like "7d"')
    .option("--until <time>", "up to this time: RFC 3339, or a duration ago")
    .option("--format <format>", "text or json", "text")
    .option("--endpoint <url>", "S3-compatible endpoint, for s3:// ledgers")
    .option("--region <region>", "S3 region, for s3:// ledgers")
    .action(
      async (
        ledger: string,
        opts: LedgerOptions & { token?: string; owner?: string; since?: string; until?: string },
      ) => {
        const format = textOrJson(opts.format);
        const now = Date.now();
        const filter: ShowFilter = {
          token: opts.token,
          owner: opts.owner,
          since: parseTime("--since", opts.since, now),
          until: parseTime("--until", opts.until, now),
        };
        const v = await load(ledger, opts);
        const tls = timelines(v.records, filter);
        if (format === "json") {
          printJson({
            ledger,
            intact: v.intact,
            ...(v.firstBad ? { firstBad: breakText(v) } : {}),
            tokens: tls,
          });
        } else {
          process.stdout.write(renderTimelines(tls));
        }
        if (!v.intact) {
          process.stderr.write(
            `tokenguard: ${escapeControls(ledger)} does not verify at ${breakText(v)}; only the ${v.records.length} records before it are shown\n`,
          );
        }
        process.exitCode = v.intact ? EXIT.ok : EXIT.findings;
      },
    );
}
