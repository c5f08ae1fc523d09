/** Shared CLI plumbing: exit codes, errors, output formats. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { packageRoot } from "../package-root";

export { packageRoot };

/** Exit codes shared by every command: 0 clean, 1 findings, 2 error. */
export const EXIT = { ok: 0, findings: 1, error: 2 } as const;

/** An error the CLI reports as one line (no stack trace) with the given exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = EXIT.error,
  ) {
    super(message);
    this.name = "CliError";
  }
}

export const FORMATS = ["text", "json", "sarif"] as const;
export type Format = (typeof FORMATS)[number];

/** Validates a --format value. */
export function parseFormat(value: string): Format {
  if (!(FORMATS as readonly string[]).includes(value)) {
    throw new CliError(`--format must be one of ${FORMATS.join(", ")} (got "${value}")`);
  }
  return value as Format;
}

/** Writes a whole document to stdout (JSON/SARIF), newline-terminated. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** tokenguard's own version, from its package.json. */
export function packageVersion(): string {
  return (
    JSON.parse(readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as {
      version: string;
    }
  ).version;
}
