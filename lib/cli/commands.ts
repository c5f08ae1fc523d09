/** Every subcommand, registered on the program. Each lives in its own module. */
import type { Command } from "commander";
import { registerAudit } from "./audit";

export function registerCommands(program: Command): void {
  registerAudit(program);
}
