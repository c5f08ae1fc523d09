/**
 * `tokenguard diff [dir]`: what each token gains and loses between the deployed stack and the
 * program. exit 0 = no widening nothing approved, 1 = a widening needs approval, 2 = error.
 */
import type { Command } from "commander";
import pc from "picocolors";
import { failedSarif } from "../check/format";
import { DEFAULT_STACK, ProjectError } from "../check/project";
import { ProgramError } from "../check/run-program";
import { DiffInputError } from "../diff/deployed";
import { runDiff, type DiffResult } from "../diff/diff";
import { formatText } from "../diff/format";
import { failedJson, toJson } from "../diff/json";
import { formatMarkdown } from "../diff/markdown";
import { toSarif } from "../diff/sarif";
import { ApprovalError } from "../rules/approvals";
import { PolicyFileError } from "../schema/policy-file";
import { SettingsError } from "../settings";
import { CliError, EXIT, packageVersion, printJson } from "./common";

const DIFF_FORMATS = ["text", "json", "markdown", "sarif"] as const;
type DiffFormat = (typeof DIFF_FORMATS)[number];

interface DiffFlags {
  readonly stack: string;
  readonly against?: string;
  readonly format: DiffFormat;
  readonly allowWidening?: boolean;
}

function parseDiffFormat(value: string): DiffFormat {
  if (!(DIFF_FORMATS as readonly string[]).includes(value)) {
    throw new CliError(`--format must be one of ${DIFF_FORMATS.join(", ")} (got "${value}")`);
  }
  return value as DiffFormat;
}

const KNOWN = [
  ProjectError,
  ProgramError,
  DiffInputError,
  PolicyFileError,
  ApprovalError,
  SettingsError,
];

function print(result: DiffResult, format: DiffFormat): void {
  if (format === "json") printJson(toJson(result));
  else if (format === "sarif") printJson(toSarif(result, packageVersion()));
  else if (format === "markdown") process.stdout.write(formatMarkdown(result));
  else process.stdout.write(formatText(result, pc.createColors(process.stdout.isTTY === true)));
}

export function registerDiff(program: Command): void {
  program
    .command("diff")
    .description(
      "what each token gains and loses between the deployed stack and the program (run offline, as check runs it); exit 0 no unapproved widening, 1 a widening needs approval, 2 error",
    )
    .argument("[dir]", "the Pulumi project directory (holds Pulumi.yaml)", ".")
    .option(
      "--stack <name>",
      "the stack: its config (Pulumi.<name>.yaml; my-org/prod reads Pulumi.prod.yaml) and, without --against, the stack exported",
      DEFAULT_STACK,
    )
    .option(
      "--against <file>",
      'the deployed tokens: a `pulumi stack export` file, or "-" for stdin (default: run pulumi stack export for --stack)',
    )
    .option(
      "--format <format>",
      "text, json, markdown or sarif",
      parseDiffFormat,
      "text" as DiffFormat,
    )
    .option("--allow-widening", "let every widening through (each is still listed)")
    .action(async (dir: string, flags: DiffFlags) => {
      let result: DiffResult;
      try {
        result = await runDiff({
          dir,
          stack: flags.stack,
          ...(flags.against !== undefined ? { against: flags.against } : {}),
          allowWidening: flags.allowWidening === true,
          onNote: (message) => process.stderr.write(`tokenguard: ${message}\n`),
        });
      } catch (e) {
        if (!KNOWN.some((k) => e instanceof k)) throw e;
        const message = `${e instanceof ProgramError ? "the program failed:\n" : ""}${(e as Error).message}`;
        // A machine-readable run always writes a complete document; the exit code says 2.
        if (flags.format === "json") printJson(failedJson(message));
        if (flags.format === "sarif") printJson(failedSarif(message, packageVersion()));
        throw new CliError(message, EXIT.error);
      }
      print(result, flags.format);
      process.exitCode = result.unapproved > 0 ? EXIT.findings : EXIT.ok;
    });
}
