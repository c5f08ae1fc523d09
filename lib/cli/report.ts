/** `tokenguard report`: the credential inventory of a stack, with what needs attention. */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import type { Command } from "commander";
import pc from "picocolors";
import { dueReport, formatDue } from "../report/due";
import { buildInventory } from "../report/inventory";
import { formatTable } from "../report/format";
import { nowSeconds } from "../rotation/clock";
import { parseStackExport, StackExportError } from "../scan/state";
import { parseDuration } from "../schema/duration";
import { POLICY_FILE_NAME, PolicyFileError, type Policy } from "../schema/policy-file";
import { loadPolicy } from "../schema/policy-source";
import { CliError, EXIT, printJson } from "./common";
import { readInput } from "./scan";

interface ReportFlags {
  stackExport?: string;
  stack?: string;
  policy?: string;
  now?: string;
  format?: "table" | "json";
  due?: number;
}

/**
 * The policy: --policy FILE, else the project's tokenguard.policy.yaml (found from the working
 * directory up to the project root, as the component and the pack find it), else built-in defaults.
 */
export function reportPolicy(file: string | undefined): Policy {
  try {
    return loadPolicy({
      ...(file ? { file } : {}),
      searchFrom: process.cwd(),
      baseDir: process.cwd(),
    });
  } catch (e) {
    if (e instanceof PolicyFileError) throw new CliError(e.message);
    throw e;
  }
}

/**
 * `pulumi stack export` of the current (or named) stack of the project in `cwd` (default: the
 * working directory); never with --show-secrets.
 */
export async function exportCurrentStack(stack: string | undefined, cwd?: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(
      "pulumi",
      ["stack", "export", ...(stack ? ["--stack", stack] : [])],
      { maxBuffer: 512 * 1024 * 1024, ...(cwd ? { cwd } : {}) },
    );
    return stdout;
  } catch (e) {
    const err = e as { code?: string | number; stderr?: string };
    if (err.code === "ENOENT") {
      throw new CliError(
        "the pulumi CLI is not on PATH: pass --stack-export FILE (from `pulumi stack export`) or - for stdin",
      );
    }
    throw new CliError(`pulumi stack export failed: ${(err.stderr ?? String(e)).trim()}`);
  }
}

function parseDue(value: string): number {
  try {
    return parseDuration(value);
  } catch (e) {
    throw new CliError(`--due ${(e as Error).message}`);
  }
}

function parseReportFormat(value: string): "table" | "json" {
  if (value !== "table" && value !== "json") {
    throw new CliError(`--format must be table or json (got "${value}")`);
  }
  return value;
}

export function registerReport(program: Command): void {
  program
    .command("report")
    .description(
      "inventory every ScopedToken and raw token in a stack, flagging expired, overdue, over-scoped, ownerless and unmanaged ones; exit 0 none flagged, 1 flagged, 2 error",
    )
    .option(
      "--stack-export <file>",
      'a `pulumi stack export` file, or "-" for stdin (default: run it)',
    )
    .option("--stack <name>", "the stack to export when no --stack-export is given")
    .option(
      "--policy <file>",
      `the policy file judging scopes and lifetimes (default: the project's ${POLICY_FILE_NAME}, found from here up to Pulumi.yaml, else built-in defaults)`,
    )
    .option("--now <time>", "RFC 3339 instant to judge at (default: the system clock)")
    .option(
      "--due <duration>",
      "list only tokens overdue for rotation or within their alarm window of expiry (their alert.before, else this duration); exit 1 when any is",
      parseDue,
    )
    .option(
      "--format <format>",
      "table or json (default: table on a terminal, json otherwise)",
      parseReportFormat,
    )
    .action(runReport);
}

/** The report's action: the inventory, or with --due the tokens that are due. */
async function runReport(flags: ReportFlags): Promise<void> {
  const policy = reportPolicy(flags.policy);
  let now: number;
  try {
    now = nowSeconds(flags.now);
  } catch (e) {
    throw new CliError(`--now: ${(e as Error).message}`);
  }
  const source =
    flags.stackExport === "-" ? "<stdin>" : (flags.stackExport ?? "pulumi stack export");
  const text =
    flags.stackExport !== undefined
      ? readInput(flags.stackExport)
      : await exportCurrentStack(flags.stack);
  let inventory;
  let exp;
  try {
    exp = parseStackExport(text, source);
    inventory = buildInventory(exp, { policy, now });
  } catch (e) {
    if (e instanceof StackExportError) throw new CliError(e.message);
    throw e;
  }
  const format = flags.format ?? (process.stdout.isTTY ? "table" : "json");
  if (flags.due !== undefined) {
    const report = dueReport(inventory, exp, now, flags.due);
    if (format === "json") printJson(report);
    else process.stdout.write(formatDue(report));
    process.exitCode = report.due.length > 0 ? EXIT.findings : EXIT.ok;
    return;
  }
  if (format === "json") printJson(inventory);
  else
    process.stdout.write(
      `${formatTable(inventory, pc.createColors(process.stdout.isTTY === true))}\n`,
    );
  process.exitCode = inventory.summary.flagged > 0 ? EXIT.findings : EXIT.ok;
}
