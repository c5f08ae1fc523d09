/** Every subcommand, registered on the program. Each lives in its own module. */
import type { Command } from "commander";
import { registerAudit } from "./audit";
import { registerCheck } from "./check";
import { registerDiff } from "./diff";
import { registerReport } from "./report";
import { registerScan } from "./scan";
import { registerUsage } from "./usage";

export function registerCommands(program: Command): void {
  registerCheck(program);
  registerDiff(program);
  registerAudit(program);
  registerScan(program);
  registerReport(program);
  registerUsage(program);
}
