/** Helpers for the scan tests; the CLI runners live in test/helpers/cli. */
export { ROOT, runCli, spawnCli, tempDir, type CliRun } from "../helpers/cli";

/**
 * The pieces of a planted value that would reveal it: the value itself and, for multi-line
 * values (PEM), each body line of 16+ characters.
 */
export function revealing(value: string): string[] {
  const parts = value
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length >= 16 && !l.startsWith("-----"));
  return [value, ...parts];
}
