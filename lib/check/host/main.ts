/**
 * The child process `tokenguard check` runs a stack program in: Pulumi's mock runtime in preview
 * mode, set up the way the Node language host (`@pulumi/pulumi/cmd/run`) sets up a real run:
 * cwd = the program directory, @pulumi/pulumi resolved FROM THE PROGRAM (so the mocks act on the
 * SDK instance the program uses), TypeScript through the ts-node the SDK picks with the program's
 * tsconfig, the same entry point resolution, and the program inside `runInPulumiStack` so the root
 * `pulumi:pulumi:Stack` and its outputs exist as under the engine.
 *
 * Every RegisterResource / ReadResource / RegisterResourceOutputs call is captured from the mock
 * monitor (./monitor) and sent to the parent over IPC; nothing is printed. Mocks answer as the
 * engine does for creates at preview: inputs become state, ids and everything else stay unknown.
 *
 * This folder imports only Node built-ins and its own files: everything Pulumi comes from the
 * program's own install, and from sources it is transpiled on its own (lib/check/run-program).
 */
import { existsSync, statSync } from "node:fs";
import * as path from "node:path";
import type { HostJob } from "../protocol";
import { captureMonitor, send, type Monitor } from "./monitor";
import { programMessage, registerTypeScript, resolveProgram, skipUnreadStacks } from "./program";

/* eslint-disable @typescript-eslint/no-require-imports -- the SDK is loaded from the program's directory */

/**
 * Resolves once the program has nothing left to do, as the Node language host decides it: the
 * event loop is empty (`beforeExit`, where cmd/run signals the engine that the program is done), so
 * resources registered after a timer or awaited I/O that nothing awaits are captured too. A
 * `beforeExit` handler of the program (or of a library) may register more: the wait repeats until
 * a pass registers nothing new. If the loop empties while the stack body is still pending, the
 * program waits on something that never comes; the process then just exits, as it does under the
 * language host, and the parent reports that it ended before it finished.
 */
function eventLoopDrained(started: () => number, waitForRPCs: () => Promise<void>): Promise<void> {
  return (async () => {
    for (let seen = -1; seen !== started();) {
      seen = started();
      // One more turn of the loop, so `beforeExit` is emitted again after the last pass's work.
      setImmediate(() => undefined);
      await new Promise<void>((resolve) => process.once("beforeExit", () => resolve()));
      await waitForRPCs();
    }
  })();
}

/** The program's own @pulumi/pulumi: the mocks must act on the SDK instance the program uses. */
function loadSdk(programDir: string) {
  let sdkDir: string;
  try {
    sdkDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [programDir] }));
  } catch {
    throw new Error(
      `cannot find @pulumi/pulumi from ${programDir}: install the program's dependencies (npm install)`,
    );
  }
  const load = <T>(...parts: string[]) => require(path.join(sdkDir, ...parts)) as T;
  return {
    sdkDir,
    runtime: load<{
      setMocks(
        mocks: object,
        project: string,
        stack: string,
        preview: boolean,
        org: string,
      ): Promise<void>;
      getMonitor(): Monitor;
    }>("runtime"),
    settings: load<{ waitForRPCs(): Promise<void> }>("runtime", "settings"),
    stack: load<{ runInPulumiStack(init: () => Promise<unknown>): Promise<unknown> }>(
      "runtime",
      "stack",
    ),
    log: load<Record<string, unknown>>("log"),
  };
}

/** Routes the SDK's log to the parent; errors are also kept, since they fail the run. */
function captureLog(log: Record<string, unknown>, errors: string[]) {
  const logTo =
    (level: "info" | "warn" | "error") =>
    (message: string): Promise<void> => {
      if (level === "error") errors.push(String(message));
      void send({ kind: "log", level, message: String(message) });
      return Promise.resolve();
    };
  log.info = logTo("info");
  log.warn = logTo("warn");
  log.error = logTo("error");
  log.debug = () => Promise.resolve();
  return logTo("warn");
}

/** As the engine previews a create: inputs become state, the id and the rest stay unknown. */
const PREVIEW_MOCKS = {
  newResource(args: { inputs: Record<string, unknown>; id?: string }) {
    return { id: args.id || undefined, state: args.inputs };
  },
  call(args: { inputs: Record<string, unknown> }) {
    return args.inputs;
  },
};

/** Loads the program: `import()` for ES modules, `require` otherwise; calls an exported function. */
async function loadProgram(program: string, isModule: boolean): Promise<unknown> {
  let exported: unknown;
  if (isModule) {
    const { pathToFileURL } = await import("node:url");
    const dynamicImport = new Function("u", "return import(u)") as (u: string) => Promise<unknown>;
    const mod = (await dynamicImport(pathToFileURL(program).href)) as Record<string, unknown>;
    exported = "default" in mod ? mod.default : mod;
  } else {
    exported = require(
      existsSync(program) && statSync(program).isDirectory() ? `${program}/` : program,
    );
  }
  return exported instanceof Function ? exported() : exported;
}

async function run(job: HostJob): Promise<void> {
  process.chdir(job.programDir);
  const sdk = loadSdk(job.programDir);
  const errors: string[] = [];
  const warn = captureLog(sdk.log, errors);
  await sdk.runtime.setMocks(PREVIEW_MOCKS, job.project, job.stack, true, job.organization);
  const monitor = captureMonitor(sdk.runtime.getMonitor());
  const uncaught = (err: unknown) => errors.push(programMessage(err, sdk.sdkDir));
  process.on("uncaughtException", uncaught);
  process.on("unhandledRejection", uncaught);

  const { program, pkg } = resolveProgram(job, (m) => void warn(m));
  const isModule = (pkg as { type?: string }).type === "module";
  if (job.typescript) {
    if (isModule) {
      throw new Error(
        'ES module TypeScript programs ("type": "module") are not supported by tokenguard check yet; compile to JavaScript first',
      );
    }
    registerTypeScript(sdk.sdkDir, job);
    skipUnreadStacks();
  }
  const drained = eventLoopDrained(monitor.started, sdk.settings.waitForRPCs);
  try {
    await sdk.stack.runInPulumiStack(() => loadProgram(program, isModule));
    await drained;
  } catch (e) {
    errors.unshift(programMessage(e, sdk.sdkDir));
  }
  await send(
    errors.length ? { kind: "failed", message: [...new Set(errors)].join("\n") } : { kind: "done" },
  );
}

if (require.main === module) {
  process.once("message", (job: HostJob) => {
    // From here on, only the program's own work keeps this process alive (see eventLoopDrained).
    process.channel?.unref();
    run(job).then(
      () => process.exit(0),
      async (e: unknown) => {
        await send({ kind: "failed", message: programMessage(e) });
        process.exit(0);
      },
    );
  });
}
