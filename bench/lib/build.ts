/**
 * The compiled library, as users run it (the npm package ships dist/lib): built fresh from the
 * working tree into dist/ (what `npm run build` makes), so a benchmark never measures a stale
 * build — the programs import it, and the policy pack loads it as the package `tokenguard`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const OUT = path.join(ROOT, "bench", "out");
export const DIST = path.join(ROOT, "dist");

let built = false;

/** Compiles lib/ (tsconfig.build.json) into dist/ once per process; returns dist/lib. */
export function compiledLib(): string {
  const lib = path.join(DIST, "lib");
  if (built) return lib;
  const r = spawnSync(
    process.execPath,
    [
      path.join(ROOT, "node_modules", "typescript", "bin", "tsc"),
      "-p",
      path.join(ROOT, "tsconfig.build.json"),
      "--outDir",
      DIST,
    ],
    { encoding: "utf8", cwd: ROOT },
  );
  if (r.status !== 0 || !existsSync(path.join(lib, "cli", "main.js"))) {
    throw new Error(`building lib/ into ${DIST} failed:\n${(r.stdout + r.stderr).slice(-3000)}`);
  }
  built = true;
  return lib;
}
