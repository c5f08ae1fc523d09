/** Every subcommand, registered on the program. Each lives in its own module. */
import type { Command } from "commander";

export function registerCommands(program: Command): void {
  void program; // subcommands register here: check, scan, audit, report
}
