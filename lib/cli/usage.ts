/**
 * `tokenguard usage [dir]`: which declared scopes each token actually used, and the narrower
 * declaration. exit 0 = no judged token has scopes unused for longer than --since, 1 = some do,
 * 2 = error.
 */
import { existsSync, statSync } from "node:fs";
import type { Command } from "commander";
import pc from "picocolors";
import { MissingPeerError } from "../peer";
import { nowSeconds } from "../rotation/clock";
import { parseStackExport, StackExportError } from "../scan/state";
import { IamUsageError, iamClient, serviceLastAccessed } from "../usage/aws-iam";
import { formatMarkdown, formatText } from "../usage/format";
import { runUsage } from "../usage/run";
import { VaultHashError, type VaultConnection } from "../usage/vault-hash";
import { AuditLogError, type Progress } from "../usage/vault-stream";
import { WindowError } from "../usage/window";
import { CliError, EXIT, printJson } from "./common";
import { exportCurrentStack } from "./report";
import { readInput } from "./scan";

interface UsageFlags {
  stack?: string;
  stackExport?: string;
  vaultAudit?: string[];
  aws?: boolean;
  since: string;
  now?: string;
  format: string;
}

const FORMATS = ["text", "json", "markdown"] as const;

/** A one-line progress indicator on stderr, only when stderr is a terminal. */
function progressLine(): { update: Progress; clear: () => void } {
  if (!process.stderr.isTTY) return { update: () => undefined, clear: () => undefined };
  let last = 0;
  const mb = (n: number) => `${(n / 1e6).toFixed(0)} MB`;
  return {
    update: (file, read, total) => {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const pct = total ? Math.min(100, Math.floor((read / total) * 100)) : 0;
      process.stderr.write(
        `\r\x1b[K${pc.dim(`reading ${file}: ${pct}% (${mb(read)} of ${mb(total)})`)}`,
      );
    },
    clear: () => process.stderr.write("\r\x1b[K"),
  };
}

/** VAULT_ADDR and VAULT_TOKEN (and VAULT_NAMESPACE), as the vault CLI reads them. */
function vaultFromEnv(): VaultConnection | undefined {
  const address = process.env.VAULT_ADDR;
  const token = process.env.VAULT_TOKEN;
  if (!address || !token) return undefined;
  const namespace = process.env.VAULT_NAMESPACE;
  return { address, token, ...(namespace ? { namespace } : {}) };
}

async function stackText(
  dir: string,
  flags: UsageFlags,
): Promise<{ text: string; source: string }> {
  if (flags.stackExport !== undefined) {
    return {
      text: readInput(flags.stackExport),
      source: flags.stackExport === "-" ? "<stdin>" : flags.stackExport,
    };
  }
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new CliError(`${dir} is not a directory: name the Pulumi project directory`);
  }
  return { text: await exportCurrentStack(flags.stack, dir), source: "pulumi stack export" };
}

const KNOWN_ERRORS = [
  StackExportError,
  AuditLogError,
  VaultHashError,
  IamUsageError,
  WindowError,
  MissingPeerError,
];

async function action(dir: string, flags: UsageFlags): Promise<void> {
  if (!(FORMATS as readonly string[]).includes(flags.format)) {
    throw new CliError(`--format must be one of ${FORMATS.join(", ")} (got "${flags.format}")`);
  }
  let now: number;
  try {
    now = nowSeconds(flags.now);
  } catch (e) {
    throw new CliError(`--now: ${(e as Error).message}`);
  }
  const { text, source } = await stackText(dir, flags);
  const progress = progressLine();
  let report;
  try {
    const exp = parseStackExport(text, source);
    const iam = flags.aws ? iamClient() : undefined;
    const vault = vaultFromEnv();
    report = await runUsage({
      exp,
      now,
      since: flags.since,
      ...(flags.vaultAudit ? { vaultAudit: flags.vaultAudit } : {}),
      ...(vault ? { vault } : {}),
      ...(iam ? { awsLastAccessed: (arn: string) => serviceLastAccessed(arn, {}, iam) } : {}),
      progress: progress.update,
    });
  } catch (e) {
    if (KNOWN_ERRORS.some((k) => e instanceof k)) throw new CliError((e as Error).message);
    throw e;
  } finally {
    progress.clear();
  }
  if (flags.format === "json") printJson(report);
  else if (flags.format === "markdown") process.stdout.write(formatMarkdown(report));
  else process.stdout.write(formatText(report, pc.createColors(process.stdout.isTTY === true)));
  process.exitCode = report.summary.withUnused > 0 ? EXIT.findings : EXIT.ok;
}

export function registerUsage(program: Command): void {
  program
    .command("usage")
    .description(
      "which declared scopes each token actually used (Vault audit logs, IAM last-accessed data), what was denied, and the narrower declaration; exit 0 nothing unused, 1 scopes unused for longer than --since, 2 error",
    )
    .argument("[dir]", "the Pulumi project directory whose stack to export", ".")
    .option("--stack <name>", "the stack to export (default: the project's current stack)")
    .option(
      "--stack-export <file>",
      'a `pulumi stack export` file, or "-" for stdin, instead of running it',
    )
    .option(
      "--vault-audit <file...>",
      "Vault audit-device log files (JSON lines; .gz too). HMAC'd accessors are hashed through VAULT_ADDR/VAULT_TOKEN",
    )
    .option(
      "--aws",
      "ask IAM for last-accessed data of each aws-iam token's user (needs @aws-sdk/client-iam)",
    )
    .option("--since <when>", "the window: a duration back from now, or an RFC 3339 instant", "90d")
    .option("--now <time>", "RFC 3339 instant to judge at (default: the system clock)")
    .option("--format <format>", "text, json or markdown (a review comment)", "text")
    .action(action);
}
