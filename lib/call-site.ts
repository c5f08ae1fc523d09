import * as path from "node:path";

/**
 * Where the user's code called into `dir` (a module folder of ours): "file:line:column" of the first
 * stack frame outside `dir`, Node's internals and node_modules, relative to the working directory;
 * undefined when there is none. Lets an error whose stack is hidden still name the `new` call.
 */
export function callSiteOutside(
  dir: string,
  stack: string = new Error().stack ?? "",
): string | undefined {
  for (const line of stack.split("\n").slice(1)) {
    const m = /(?:\(|at )((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?$/.exec(line.trim());
    if (!m) continue;
    const file = m[1].replace(/^file:\/\//, "");
    const ours = file === dir || file.startsWith(dir + path.sep);
    const vendored = file.split(path.sep).includes("node_modules");
    if (ours || vendored || !path.isAbsolute(file)) continue;
    return `${path.relative(process.cwd(), file) || file}:${m[2]}:${m[3]}`;
  }
  return undefined;
}
