/**
 * The child process `tokenguard check` runs a stack program in: Pulumi's mock runtime in preview
 * mode, set up the way the Node language host (`@pulumi/pulumi/cmd/run`) sets up a real run:
 * cwd = the program directory, @pulumi/pulumi resolved FROM THE PROGRAM (so the mocks act on the
 * SDK instance the program uses), TypeScript through the ts-node the SDK picks with the program's
 * tsconfig, the same entry point resolution, and the program inside `runInPulumiStack` so the root
 * `pulumi:pulumi:Stack` and its outputs exist as under the engine.
 *
 * Every RegisterResource / ReadResource / RegisterResourceOutputs call is captured from the mock
 * monitor and sent to the parent over IPC; nothing is printed. Mocks answer as the engine does for
 * creates at preview: inputs become state, ids and everything else stay unknown.
 *
 * Only Node built-ins are imported here: everything Pulumi comes from the program's own install.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import type { AliasSpec, HostJob, HostMessage, RawRegistration, SourcePosition } from "./protocol";

/* eslint-disable @typescript-eslint/no-require-imports -- the SDK is loaded from the program's directory */

interface Struct {
  toJavaScript(): Record<string, unknown>;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getRemote?(): boolean;
  getObject(): Struct | undefined;
  getProtect(): boolean | undefined;
  getDependenciesList(): string[];
  getProvider(): string;
  getPropertydependenciesMap(): {
    forEach(fn: (v: { getUrnsList(): string[] }, k: string) => void): void;
  };
  getDeletebeforereplace(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getVersion(): string;
  getPlugindownloadurl(): string;
  getIgnorechangesList(): string[];
  getAdditionalsecretoutputsList(): string[];
  getAliasurnsList(): string[];
  getAliasesList?(): {
    getUrn(): string;
    getSpec():
      | {
          getName(): string;
          getType(): string;
          getStack(): string;
          getProject(): string;
          getParenturn(): string;
          getNoparent(): boolean;
        }
      | undefined;
  }[];
  getCustomtimeouts():
    { getCreate(): string; getUpdate(): string; getDelete(): string } | undefined;
  getSourceposition?(): { getUri(): string; getLine(): number; getColumn(): number } | undefined;
}
interface ReadRequest {
  getId(): string;
  getType(): string;
  getName(): string;
  getParent(): string;
  getProperties(): Struct | undefined;
  getDependenciesList(): string[];
  getProvider(): string;
  getVersion(): string;
  getPlugindownloadurl?(): string;
  getAdditionalsecretoutputsList(): string[];
  getSourceposition?(): { getUri(): string; getLine(): number; getColumn(): number } | undefined;
}
interface OutputsRequest {
  getUrn(): string;
  getOutputs(): Struct | undefined;
}
type Callback<T> = (err: unknown, res?: T) => void;
interface Monitor {
  registerResource(req: RegisterRequest, cb: Callback<{ getUrn(): string }>): void;
  readResource(req: ReadRequest, cb: Callback<{ getUrn(): string }>): void;
  registerResourceOutputs(req: OutputsRequest, cb: Callback<unknown>): void;
}

function send(message: HostMessage): Promise<void> {
  return new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

function position(req: Pick<RegisterRequest, "getSourceposition">): SourcePosition | undefined {
  const p = req.getSourceposition?.();
  return p && p.getUri()
    ? { uri: p.getUri(), line: p.getLine(), column: p.getColumn() }
    : undefined;
}

function aliasesOf(req: RegisterRequest): AliasSpec[] {
  const out: AliasSpec[] = req.getAliasurnsList().map((urn) => ({ urn }));
  for (const alias of req.getAliasesList?.() ?? []) {
    const spec = alias.getSpec();
    if (alias.getUrn()) out.push({ urn: alias.getUrn() });
    else if (spec) {
      out.push({
        ...(spec.getName() ? { name: spec.getName() } : {}),
        ...(spec.getType() ? { type: spec.getType() } : {}),
        ...(spec.getStack() ? { stack: spec.getStack() } : {}),
        ...(spec.getProject() ? { project: spec.getProject() } : {}),
        ...(spec.getParenturn() ? { parentUrn: spec.getParenturn() } : {}),
        ...(spec.getNoparent() ? { noParent: true } : {}),
      });
    }
  }
  return out;
}

function fromRegister(req: RegisterRequest, mockUrn: string): RawRegistration {
  const propertyDependencies: Record<string, string[]> = {};
  req.getPropertydependenciesMap().forEach((v, k) => (propertyDependencies[k] = v.getUrnsList()));
  const timeouts = req.getCustomtimeouts();
  const sourcePosition = position(req);
  return {
    op: "register",
    mockUrn,
    type: req.getType(),
    name: req.getName(),
    parent: req.getParent(),
    custom: req.getCustom(),
    remote: req.getRemote?.() ?? false,
    inputs: req.getObject()?.toJavaScript() ?? {},
    provider: req.getProvider(),
    version: req.getVersion(),
    pluginDownloadURL: req.getPlugindownloadurl(),
    dependencies: req.getDependenciesList(),
    propertyDependencies,
    protect: req.getProtect() ?? false,
    ignoreChanges: req.getIgnorechangesList(),
    ...(req.getDeletebeforereplacedefined()
      ? { deleteBeforeReplace: req.getDeletebeforereplace() }
      : {}),
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    aliases: aliasesOf(req),
    customTimeouts: {
      create: timeouts?.getCreate() ?? "",
      update: timeouts?.getUpdate() ?? "",
      delete: timeouts?.getDelete() ?? "",
    },
    ...(sourcePosition ? { sourcePosition } : {}),
  };
}

function fromRead(req: ReadRequest, mockUrn: string): RawRegistration {
  const sourcePosition = position(req);
  return {
    op: "read",
    mockUrn,
    type: req.getType(),
    name: req.getName(),
    parent: req.getParent(),
    custom: true,
    remote: false,
    inputs: { ...(req.getProperties()?.toJavaScript() ?? {}) },
    provider: req.getProvider(),
    version: req.getVersion(),
    pluginDownloadURL: req.getPlugindownloadurl?.() ?? "",
    dependencies: req.getDependenciesList(),
    propertyDependencies: {},
    protect: false,
    ignoreChanges: [],
    additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
    aliases: [],
    customTimeouts: { create: "", update: "", delete: "" },
    ...(sourcePosition ? { sourcePosition } : {}),
  };
}

/**
 * Wraps the mock monitor so each call is reported once it succeeds. Registrations are numbered in
 * the order the SDK made them (the order the engine would see them) and sent in that order.
 */
function captureMonitor(monitor: Monitor): { pending: () => number; started: () => number } {
  let next = 0;
  let flushed = 0;
  const done = new Map<number, RawRegistration | null>();
  let inFlight = 0;
  const settle = (seq: number, registration: RawRegistration | null) => {
    done.set(seq, registration);
    for (; done.has(flushed); flushed++) {
      const r = done.get(flushed);
      done.delete(flushed);
      if (r) void send({ kind: "registered", registration: r });
    }
  };
  const wrap = <Req>(
    original: (req: Req, cb: Callback<{ getUrn(): string }>) => void,
    toRaw: (req: Req, urn: string) => RawRegistration,
  ) => {
    return (req: Req, cb: Callback<{ getUrn(): string }>) => {
      const seq = next++;
      inFlight++;
      original(req, (err, res) => {
        inFlight--;
        settle(seq, !err && res ? toRaw(req, res.getUrn()) : null);
        cb(err, res);
      });
    };
  };
  monitor.registerResource = wrap(monitor.registerResource.bind(monitor), fromRegister);
  monitor.readResource = wrap(monitor.readResource.bind(monitor), fromRead);
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, cb) => {
    const outputs = req.getOutputs()?.toJavaScript() ?? {};
    registerOutputs(req, (err, res) => {
      if (!err) void send({ kind: "outputs", mockUrn: req.getUrn(), outputs });
      cb(err, res);
    });
  };
  return { pending: () => inFlight, started: () => next };
}

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
function resolveProgram(job: HostJob, warn: (m: string) => void): { program: string; pkg: object } {
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
function registerTypeScript(sdkDir: string, job: HostJob): void {
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
 * ts-node formats every stack through source maps, and the SDK captures one for each promise it
 * makes (debuggablePromise) — shown only in PULUMI_DEBUG_PROMISE_LEAKS reports. Under the mocks,
 * formatting those stacks was most of a program's run time. Without that setting nobody reads
 * them, so they are not formatted at all; resource positions and the program's errors are mapped
 * as before.
 */
function skipPromiseStacks(): void {
  const mapped = Error.prepareStackTrace;
  if (!mapped || process.env.PULUMI_DEBUG_PROMISE_LEAKS) return;
  Error.prepareStackTrace = function (error, frames) {
    if (frames[0]?.getFunctionName() === "debuggablePromise") {
      return "(not captured: set PULUMI_DEBUG_PROMISE_LEAKS)";
    }
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

async function run(job: HostJob): Promise<void> {
  process.chdir(job.programDir);
  let sdkDir: string;
  try {
    sdkDir = path.dirname(
      require.resolve("@pulumi/pulumi/package.json", { paths: [job.programDir] }),
    );
  } catch {
    throw new Error(
      `cannot find @pulumi/pulumi from ${job.programDir}: install the program's dependencies (npm install)`,
    );
  }
  const runtime = require(path.join(sdkDir, "runtime")) as {
    setMocks(
      mocks: object,
      project: string,
      stack: string,
      preview: boolean,
      org: string,
    ): Promise<void>;
    getMonitor(): Monitor;
  };
  const settings = require(path.join(sdkDir, "runtime", "settings")) as {
    waitForRPCs(): Promise<void>;
  };
  const stack = require(path.join(sdkDir, "runtime", "stack")) as {
    runInPulumiStack(init: () => Promise<unknown>): Promise<unknown>;
  };
  const log = require(path.join(sdkDir, "log")) as Record<string, unknown>;

  const errors: string[] = [];
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

  await runtime.setMocks(
    {
      newResource(args: { inputs: Record<string, unknown>; id?: string }) {
        // As the engine previews a create: inputs become state, the id and the rest are unknown.
        return { id: args.id || undefined, state: args.inputs };
      },
      call(args: { inputs: Record<string, unknown> }) {
        return args.inputs;
      },
    },
    job.project,
    job.stack,
    true,
    job.organization,
  );
  const monitor = captureMonitor(runtime.getMonitor());

  const uncaught = (err: unknown) => errors.push(programMessage(err, sdkDir));
  process.on("uncaughtException", uncaught);
  process.on("unhandledRejection", uncaught);

  const { program, pkg } = resolveProgram(job, (m) => void logTo("warn")(m));
  const isModule = (pkg as { type?: string }).type === "module";
  if (job.typescript) {
    if (isModule) {
      throw new Error(
        'ES module TypeScript programs ("type": "module") are not supported by tokenguard check yet; compile to JavaScript first',
      );
    }
    registerTypeScript(sdkDir, job);
    skipPromiseStacks();
  }
  const dynamicImport = new Function("u", "return import(u)") as (u: string) => Promise<unknown>;
  const drained = eventLoopDrained(monitor.started, settings.waitForRPCs);
  try {
    await stack.runInPulumiStack(async () => {
      let exported: unknown;
      if (isModule) {
        const { pathToFileURL } = await import("node:url");
        const mod = (await dynamicImport(pathToFileURL(program).href)) as Record<string, unknown>;
        exported = "default" in mod ? mod.default : mod;
      } else {
        const target =
          existsSync(program) && statSync(program).isDirectory() ? `${program}/` : program;
        exported = require(target);
      }
      return exported instanceof Function ? exported() : exported;
    });
    await drained;
  } catch (e) {
    errors.unshift(programMessage(e, sdkDir));
  }
  if (errors.length) {
    await send({ kind: "failed", message: [...new Set(errors)].join("\n") });
  } else {
    await send({ kind: "done" });
  }
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
