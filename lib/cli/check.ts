/**
 * `tokenguard check [dir]`: the policy verdict of `pulumi preview --policy-pack`, offline.
 * exit 0 = no mandatory violation, 1 = mandatory violation(s), 2 = the program or the pack failed.
 */
import * as path from "node:path";
import type { Command } from "commander";
import pc from "picocolors";
import { hasMandatory, runCheck, type ProgressEvent } from "../check/check";
import { failedJson, failedSarif, formatText, toJson, toSarif } from "../check/format";
import { PackConfigError } from "../check/pack-config";
import { DEFAULT_STACK, ProjectError } from "../check/project";
import { stopGroupsOnSignals } from "../check/process-group";
import { ProgramError, ProgramTimeoutError } from "../check/run-program";
import { DurationError, parseDuration } from "../schema/duration";
import { CliError, EXIT, packageRoot, packageVersion, parseFormat, printJson } from "./common";

interface CheckFlags {
  readonly stack: string;
  readonly policyPack?: string;
  readonly config?: string;
  readonly format: string;
  readonly timeout: string;
}

/** `--timeout` in milliseconds; a usage error naming the flag when it is not a duration. */
function parseTimeout(value: string): number {
  try {
    return parseDuration(value) * 1000;
  } catch (e) {
    if (e instanceof DurationError) {
      throw new CliError(
        `--timeout: ${JSON.stringify(value)} is not a positive duration; write it like "90s", "15m" or "1h" (default "10m")`,
        EXIT.error,
      );
    }
    throw e;
  }
}

/** The CLI's words for a run that gave no verdict (exit 2). */
function failureMessage(e: unknown, timeout: string): string {
  if (e instanceof ProgramTimeoutError) {
    return `the program did not finish within ${timeout} (--timeout ${timeout}); it and every process it started were stopped. It may keep its event loop busy (a timer, an open connection, a loop) or wait forever; if it is only slow, raise --timeout.`;
  }
  if (e instanceof ProgramError || e instanceof ProjectError || e instanceof PackConfigError) {
    return `${e instanceof ProgramError ? "the program failed:\n" : ""}${e.message}`;
  }
  return `the policy pack failed: ${(e as Error).message}`;
}

/** A one-line progress indicator on stderr, only when stderr is a terminal. */
function progressLine(): { update: (e: ProgressEvent) => void; clear: () => void } {
  if (!process.stderr.isTTY) return { update: () => undefined, clear: () => undefined };
  let last = 0;
  const write = (text: string) => process.stderr.write(`\r\x1b[K${pc.dim(text)}`);
  return {
    update: (e) => {
      const now = Date.now();
      if (now - last < 80) return;
      last = now;
      write(
        e.phase === "program"
          ? `running the program under Pulumi's mocks… ${e.registered} resources registered`
          : `analyzing with the policy pack… ${e.done}/${e.total}`,
      );
    },
    clear: () => process.stderr.write("\r\x1b[K"),
  };
}

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description(
      "the policy verdict of `pulumi preview --policy-pack`, offline: run the stack program under Pulumi's mocks and judge every resource with the real policy pack; exit 0 no mandatory violation, 1 mandatory violations, 2 the program or pack failed",
    )
    .argument("[dir]", "the Pulumi project directory (holds Pulumi.yaml)", ".")
    .option(
      "--stack <name>",
      "the stack whose config (Pulumi.<name>.yaml) the program reads; secure values stay unknown",
      DEFAULT_STACK,
    )
    .option(
      "--policy-pack <dir>",
      "the policy pack (default: the tokenguard pack shipped with this CLI)",
    )
    .option(
      "--config <file>",
      "policy pack config JSON, as for `pulumi preview --policy-pack-config`",
    )
    .option("--format <format>", "text, json or sarif", "text")
    .option(
      "--timeout <duration>",
      'how long the program may run (e.g. "90s", "15m"); then it and every process it started are stopped and check exits 2',
      "10m",
    )
    .action(checkAction);
}

/** Runs check and prints its verdict; the exit code says what the verdict is. */
async function checkAction(dir: string, flags: CheckFlags): Promise<void> {
  const format = parseFormat(flags.format);
  const timeoutMs = parseTimeout(flags.timeout);
  const root = packageRoot();
  const policyPack = flags.policyPack ?? path.join(root, "policy-packs", "tokenguard");
  const progress = progressLine();
  // SIGINT/SIGTERM/SIGHUP: the program and the pack (and all they started) die with check.
  const releaseSignals = stopGroupsOnSignals("check");
  let result;
  try {
    result = await runCheck({
      dir,
      stack: flags.stack,
      policyPack,
      ...(flags.config ? { configFile: flags.config } : {}),
      onProgress: progress.update,
      timeoutMs,
    });
  } catch (e) {
    const message = failureMessage(e, flags.timeout);
    // A machine-readable run always writes a complete document, so CI never uploads an
    // empty file: the failure is in it, and the exit code says 2.
    if (format === "json") printJson(failedJson(message));
    if (format === "sarif") printJson(failedSarif(message, packageVersion()));
    throw new CliError(message, EXIT.error);
  } finally {
    releaseSignals();
    progress.clear();
  }
  if (format === "json") printJson(toJson(result));
  else if (format === "sarif") printJson(toSarif(result, packageVersion()));
  else process.stdout.write(formatText(result, pc.createColors(process.stdout.isTTY === true)));
  process.exitCode = hasMandatory(result) ? EXIT.findings : EXIT.ok;
}
