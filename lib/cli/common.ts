import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
/** Shared CLI plumbing: exit codes, errors, output formats. */

/** Exit codes shared by every command (design.md). */
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

/** tokenguard's own package.json, found by walking up from this file (works from lib/ and dist/lib/). */
export function packageRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (existsSync(file) && JSON.parse(readFileSync(file, "utf8")).name === "tokenguard")
      return dir;
  }
  throw new CliError("cannot find tokenguard's package.json");
}

/** tokenguard's own version, from its package.json. */
export function packageVersion(): string {
  return (
    JSON.parse(readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as {
      version: string;
    }
  ).version;
}
