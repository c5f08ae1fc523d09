import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";

/** tokenguard's own package directory, found by walking up from this file (works from lib/ and dist/lib/). */
export function packageRoot(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (existsSync(file) && JSON.parse(readFileSync(file, "utf8")).name === "tokenguard")
      return dir;
  }
  throw new Error("cannot find tokenguard's package.json above " + __dirname);
}
