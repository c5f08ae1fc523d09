/**
 * Runs a stack program in a fresh child process (lib/check/host) and collects what it
 * registered. A fresh process isolates the module cache, the SDK's registrations and config, as a
 * real `pulumi preview` run does.
 */
import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { killGroup, spawnGroup } from "./process-group";
import type { Project } from "./project";
import type { HostJob, HostMessage, RawRegistration } from "./protocol";

/** The program could not run to the end: its own error message, never a stack-trace wall. */
export class ProgramError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProgramError";
  }
}

/** The program was still running when its time was up (it was killed, with all it started). */
export class ProgramTimeoutError extends ProgramError {
  constructor(readonly timeoutMs: number) {
    super(
      `the program did not finish within ${timeoutMs / 1000} s: it may keep its event loop busy (a timer, an open connection, a loop) or wait forever`,
    );
    this.name = "ProgramTimeoutError";
  }
}

/**
 * Node flags of the program's process, before the project's own `nodeargs` (which win). A program
 * declaring thousands of resources allocates most of its heap as promises that stay pending until
 * it ends; a larger young generation copies them less often (at 10,000 tokens the program's phase
 * took 16.4–16.8 s instead of 18.0–19.2 s; bench/BENCHMARKS.md).
 */
export const HOST_NODE_FLAGS = ["--max-semi-space-size=64"];

/** How long a program may run by default: 10 minutes. */
export const DEFAULT_PROGRAM_TIMEOUT_MS = 600_000;

export interface ProgramRun {
  /** How many resources the program registered (each went to `onRegistered`). */
  readonly registered: number;
  /** registerOutputs of components and the stack, by mock URN. */
  readonly outputs: ReadonlyMap<string, Record<string, unknown>>;
  /** What the program logged through pulumi.log (info and warnings). */
  readonly logs: readonly { readonly level: "info" | "warn" | "error"; readonly message: string }[];
}

export interface RunOptions {
  /**
   * Each registration as it arrives, in the order the program made them, with the count so far;
   * the run keeps none of them (a caller builds what it needs as they come).
   */
  readonly onRegistered: (registration: RawRegistration, count: number) => void;
  /** @default "organization" (what a file backend uses) */
  readonly organization?: string;
  /** @default DEFAULT_PROGRAM_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** Stops the program (e.g. the pack already failed, so its verdict cannot matter). */
  readonly signal?: AbortSignal;
}

/**
 * The host script (lib/check/host/main). Compiled, it sits in host/ beside this file. From
 * TypeScript sources (tests, ts-node) the host folder is transpiled once into the temp directory:
 * loading it through ts-node would register a second ts-node beside the program's own, and the
 * program's source positions would lose their maps.
 */
function hostScript(): string {
  const ext = path.extname(__filename);
  const dir = path.join(__dirname, "host");
  if (ext !== ".ts") return path.join(dir, "main.js");
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(".ts"))
    .sort();
  const texts = files.map((f) => readFileSync(path.join(dir, f), "utf8"));
  const hash = createHash("sha256").update(texts.join("\0")).digest("hex").slice(0, 16);
  const out = path.join(os.tmpdir(), `tokenguard-program-host-${hash}`);
  if (!existsSync(path.join(out, "main.js"))) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a dev dependency, needed only from sources
    const ts = require("typescript") as typeof import("typescript");
    const tmp = `${out}.${process.pid}`;
    mkdirSync(tmp, { recursive: true });
    files.forEach((f, i) => {
      const js = ts.transpileModule(texts[i], {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 },
        fileName: path.join(dir, f),
      }).outputText;
      writeFileSync(path.join(tmp, f.replace(/\.ts$/, ".js")), js);
    });
    try {
      renameSync(tmp, out); // atomic: a concurrent run sees a whole folder or none
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // another run published it first
    }
  }
  return path.join(out, "main.js");
}

/** The environment the Node language host gives a program: config, project, stack, preview. */
function programEnv(project: Project, organization: string): NodeJS.ProcessEnv {
  return {
    PULUMI_CONFIG: JSON.stringify(project.config),
    PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(project.secretKeys),
    PULUMI_NODEJS_ORGANIZATION: organization,
    PULUMI_NODEJS_PROJECT: project.name,
    PULUMI_NODEJS_STACK: project.stack,
    PULUMI_NODEJS_DRY_RUN: "true",
    PULUMI_NODEJS_ROOT_DIRECTORY: project.root,
    ...(project.typescript ? { PULUMI_NODEJS_TYPESCRIPT: "true" } : {}),
    ...(project.tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: project.tsconfig } : {}),
  };
}

/** What the host sends, collected; `outcome` is set by the first "done" or "failed". */
class Collected {
  registered = 0;
  readonly outputs = new Map<string, Record<string, unknown>>();
  readonly logs: { level: "info" | "warn" | "error"; message: string }[] = [];
  outcome?: { ok: true } | { ok: false; error: ProgramError };

  constructor(private readonly onRegistered: RunOptions["onRegistered"]) {}

  take(m: HostMessage): void {
    switch (m.kind) {
      case "registered":
        this.onRegistered(m.registration, ++this.registered);
        break;
      case "outputs":
        this.outputs.set(m.mockUrn, m.outputs);
        break;
      case "log":
        this.logs.push({ level: m.level, message: m.message });
        break;
      case "done":
        this.outcome ??= { ok: true };
        break;
      case "failed":
        this.outcome ??= { ok: false, error: new ProgramError(m.message) };
        break;
    }
  }
}

/** The job the host runs: where the program is and how to load it. */
function jobOf(project: Project, organization: string): HostJob {
  return {
    programDir: project.programDir,
    entry: project.entry,
    rootDir: project.root,
    organization,
    project: project.name,
    stack: project.stack,
    typescript: project.typescript,
    ...(project.tsconfig ? { tsconfig: project.tsconfig } : {}),
  };
}

/**
 * Runs the project's program under the mocks (preview) and returns everything it registered. The
 * program runs until its event loop is empty, as under the language host; it runs in a process group
 * of its own, killed whole when the program ends, times out or is stopped (see spawnGroup), so
 * nothing it started outlives it.
 */
export function runProgram(project: Project, options: RunOptions): Promise<ProgramRun> {
  const organization = options.organization ?? "organization";
  const timeoutMs = options.timeoutMs ?? DEFAULT_PROGRAM_TIMEOUT_MS;
  const child = spawnGroup(
    process.execPath,
    [...HOST_NODE_FLAGS, ...project.nodeargs, hostScript()],
    {
      cwd: project.programDir,
      env: { ...process.env, ...programEnv(project, organization) },
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    },
  );
  // The program's own console output is kept, never echoed: shown only if the host dies unexplained.
  let stderr = "";
  child.stdout!.resume();
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-8192);
  });
  child.send(jobOf(project, organization));
  const got = new Collected(options.onRegistered);
  return new Promise<ProgramRun>((resolve, reject) => {
    const stop = (error: ProgramError) => {
      got.outcome ??= { ok: false, error };
      killGroup(child);
    };
    const timer = setTimeout(() => stop(new ProgramTimeoutError(timeoutMs)), timeoutMs);
    const abort = () => stop(new ProgramError("stopped: the check was abandoned"));
    child.on("message", (m: HostMessage) => got.take(m));
    if (options.signal?.aborted) abort();
    options.signal?.addEventListener("abort", abort, { once: true });
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(new ProgramError(`cannot start node for the program: ${e.message}`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", abort);
      const { outcome, registered, outputs, logs } = got;
      if (outcome?.ok) return resolve({ registered, outputs, logs });
      if (outcome) return reject(outcome.error);
      const tail = stderr.trim().split("\n").slice(-10).join("\n");
      reject(
        new ProgramError(
          `the program ended (${signal ?? `exit code ${code}`}) before it finished; it may wait on a value that is unknown at preview${tail ? `:\n${tail}` : ""}`,
        ),
      );
    });
  });
}
