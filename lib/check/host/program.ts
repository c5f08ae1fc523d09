/**
 * Loading a program as the Node language host (`@pulumi/pulumi/cmd/run`) does: its entry point,
 * TypeScript through the SDK's own choice of ts-node with the program's tsconfig, and its errors
 * without the stack-trace wall. Only Node built-ins are imported (see ./main.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import type { HostJob } from "../protocol";

/* eslint-disable @typescript-eslint/no-require-imports -- TypeScript is loaded from the program's SDK */

/** The nearest directory at or above `dir` with a package.json (the npm package root). */
function packageRoot(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, "package.json"))) return d;
    if (d === path.dirname(d)) return undefined;
  }
}

function readPackage(dir: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) as Record<
      string,
      unknown
    >;
  } catch {
    return {};
  }
}

/** The program to load, as cmd/run resolves it: "." means the package's exports/main. */
export function resolveProgram(
  job: HostJob,
  warn: (m: string) => void,
): { program: string; pkg: object } {
  let program = path.resolve(job.programDir, job.entry);
  const programDir = path.dirname(program + (job.entry === "." ? "/x" : ""));
  const found = packageRoot(programDir);
  if (!found) {
    warn(
      "Could not find a package.json or package.yaml file for the program. Using the Pulumi program directory as the project root.",
    );
  }
  const root = found ?? programDir;
  const pkg = readPackage(root);
  if (job.entry === ".") {
    const exp = (pkg as { exports?: unknown }).exports;
    const candidate =
      typeof exp === "string"
        ? exp
        : exp && typeof exp === "object" && "." in exp
          ? (() => {
              const main = (exp as Record<string, unknown>)["."];
              if (typeof main === "string") return main;
              const m = main as Record<string, string> | undefined;
              return m?.default ?? m?.require ?? m?.import;
            })()
          : (pkg as { main?: string }).main;
    if (typeof candidate === "string") {
      const p = path.join(root, candidate);
      if (existsSync(p)) program = p;
      else {
        warn(
          `Could not find entry point '${candidate}' specified in package.json; using '${program}' instead`,
        );
      }
    }
  }
  return { program, pkg };
}

/** Registers TypeScript the way cmd/run does: the SDK's choice of ts-node, the program's tsconfig. */
export function registerTypeScript(sdkDir: string, job: HostJob): void {
  const tsutils = require(path.join(sdkDir, "tsutils")) as {
    loadTypeScriptCompilerOptions(p: string): Record<string, unknown>;
    typeScriptRequireStrings(): { tsnodeRequire: string; typescriptRequire: string };
  };
  const tsConfigPath = job.tsconfig ?? "tsconfig.json";
  const skipProject = !existsSync(tsConfigPath);
  if (skipProject && job.tsconfig) {
    throw new Error(`tsconfig path was set to ${job.tsconfig} but the file was not found`);
  }
  const compilerOptions = tsutils.loadTypeScriptCompilerOptions(tsConfigPath);
  // Bare names ("typescript", "ts-node") resolve from the SDK, as they do for cmd/run.
  const fromSdk = (name: string) => require.resolve(name, { paths: [sdkDir] });
  const names = tsutils.typeScriptRequireStrings();
  const typescriptRequire = fromSdk(names.typescriptRequire);
  const tsnodeRequire = fromSdk(names.tsnodeRequire);
  const ts = require(typescriptRequire) as { version: string };
  const [major, minor] = ts.version.split(".").map(Number);
  const nodeNext = major > 4 || (major === 4 && minor >= 7);
  // Type-checking is tsc's job; check only needs the program to run (PULUMI_NODEJS_TRANSPILE_ONLY
  // set to "false" restores Pulumi's own default of type-checking).
  const transpileOnly = process.env.PULUMI_NODEJS_TRANSPILE_ONLY !== "false";
  const tsn = require(tsnodeRequire) as { register(opts: object): void };
  tsn.register({
    compiler: typescriptRequire,
    transpileOnly,
    project: tsConfigPath,
    skipProject,
    compilerOptions: {
      target: "ES2020",
      module: nodeNext ? "nodenext" : "commonjs",
      moduleResolution: nodeNext ? "nodenext" : "node",
      sourceMap: "true",
      ...compilerOptions,
    },
  });
}

/**
 * The first frames of a resource's stack that check reads: the SDK's `Resource.callsites` frame,
 * its `stackTrace`, the Resource, Custom/ComponentResource and subclass constructors, then the
 * `new` call — the resource's source position — with room for a subclass of a subclass.
 */
export const RESOURCE_FRAMES = 10;

/**
 * ts-node formats every stack through source maps, and the SDK takes stacks no one reads here:
 *
 * - one for each promise it makes (debuggablePromise), shown only in PULUMI_DEBUG_PROMISE_LEAKS
 *   reports. Without that setting they are not formatted at all.
 * - each resource's whole stack (`Resource.callsites`), sent to the engine as its stack trace.
 *   check reads only its source position, among the first frames: only {@link RESOURCE_FRAMES}
 *   frames are formatted, the rest dropped.
 *
 * Under the mocks, formatting those stacks was most of a program's time (at 10,000 tokens: 3.4 s of
 * the 5.6 s the tokens took to construct). Resource positions and the program's errors are mapped as
 * before.
 */
export function skipUnreadStacks(): void {
  const mapped = Error.prepareStackTrace;
  if (!mapped || process.env.PULUMI_DEBUG_PROMISE_LEAKS) return;
  Error.prepareStackTrace = function (error, frames) {
    const top = frames[0]?.getFunctionName();
    if (top === "debuggablePromise") return "(not captured: set PULUMI_DEBUG_PROMISE_LEAKS)";
    if (top === "callsites") return mapped.call(this, error, frames.slice(0, RESOURCE_FRAMES));
    return mapped.call(this, error, frames);
  };
}

/** The program's message without the stack-trace wall: message lines and the first user frame. */
export function programMessage(err: unknown, sdkDir?: string): string {
  if (!(err instanceof Error) && !(err && typeof err === "object" && "message" in err)) {
    return String(err);
  }
  const e = err as Error & { __pulumiRunError?: boolean; __pulumResourceError?: boolean };
  const message = (e.message || String(e)).trimEnd();
  if (e.__pulumiRunError || e.__pulumResourceError || e.name === "TSError") return message;
  const frames = (e.stack ?? "")
    .split("\n")
    .slice(1)
    .map((l) => l.trim())
    .filter((l) => l.startsWith("at "));
  const user = frames.find(
    (f) =>
      !f.includes("node_modules") &&
      !f.includes("node:internal") &&
      !(sdkDir && f.includes(sdkDir)) &&
      !f.includes(__filename),
  );
  const kind = e.name && e.name !== "Error" ? `${e.name}: ` : "";
  return `${kind}${message}${user ? `\n    ${user}` : ""}`;
}
