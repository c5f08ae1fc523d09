#!/usr/bin/env node
/**
 * The `tokenguard` command. Thin: parse arguments (commander), call the library, print.
 * Exit codes: 0 clean, 1 findings/violations/tampering, 2 error.
 */
import { Command, CommanderError } from "commander";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { escapeControls } from "../escape";
import { EXIT, CliError, packageRoot } from "./common";
import { registerCommands } from "./commands";

export async function main(argv: readonly string[]): Promise<number> {
  const program = new Command("tokenguard")
    .description("API tokens as infrastructure: check, scan, audit and report")
    .version(
      JSON.parse(readFileSync(path.join(packageRoot(), "package.json"), "utf8")).version as string,
    )
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  registerCommands(program);
  try {
    await program.parseAsync(argv as string[], { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit 0 through here; usage errors are errors (2).
      return e.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    const message = e instanceof Error ? e.message : String(e);
    // Messages may quote input (paths, values): its control characters are printed escaped.
    process.stderr.write(`tokenguard: ${message.split("\n").map(escapeControls).join("\n")}\n`);
    return e instanceof CliError ? e.exitCode : EXIT.error;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`tokenguard: ${String(e)}\n`);
      process.exitCode = EXIT.error;
    },
  );
}
