/**
 * `tokenguard check`: the policy verdict of `pulumi preview --policy-pack`, offline. Runs the stack
 * program under Pulumi's mocks (preview), rebuilds what the engine would hand the pack (engine URNs,
 * the root Stack, default providers), and sends it through the pack's REAL analyzer over gRPC:
 * Configure, Analyze for each resource, AnalyzeStack at the end. No rule logic lives here: every
 * verdict is the pack's.
 */
import * as path from "node:path";
import {
  AnalyzerClient,
  type AnalyzerInfo,
  type PolicyInfo,
  type Violation,
} from "./analyzer-client";
import { StreamedAnalysis } from "./analysis";
import { EngineViewBuilder, type EngineResource, type StackView } from "./engine-view";
import { readPackConfigFile, reconcilePackConfig } from "./pack-config";
import { loadProject, DEFAULT_STACK, type Project } from "./project";
import { runProgram } from "./run-program";
import { checkViolations, type CheckViolation } from "./violations";

export {
  compareViolations,
  hasMandatory,
  violationText,
  type CheckViolation,
  type SourceLocation,
} from "./violations";

export interface CheckOptions {
  /** The project directory (holds Pulumi.yaml). */
  readonly dir: string;
  /** @default "dev" */
  readonly stack?: string;
  /** The policy pack directory. */
  readonly policyPack: string;
  /** A JSON policy pack config file, as for `pulumi preview --policy-pack-config`. */
  readonly configFile?: string;
  /** Progress: the program's registrations so far, then the analysis. */
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Overrides of the project (tests: extra config such as tokenguard:now). */
  readonly project?: (project: Project) => Project;
  /**
   * How long the program may run before it is killed (a ProgramTimeoutError).
   * @default DEFAULT_PROGRAM_TIMEOUT_MS (10 minutes)
   */
  readonly timeoutMs?: number;
}

export type ProgressEvent =
  | { readonly phase: "program"; readonly registered: number }
  | { readonly phase: "analyze"; readonly done: number; readonly total: number };

export interface CheckResult {
  readonly project: string;
  readonly stack: string;
  readonly projectDir: string;
  readonly pack: {
    readonly name: string;
    readonly version: string;
    readonly dir: string;
    readonly policies: readonly PolicyInfo[];
  };
  /**
   * Resources the program registered and the pack analyzed, the root Stack included, the engine's
   * default providers not (the count `pulumi preview` shows).
   */
  readonly resources: number;
  /** Sorted as `pulumi preview` sorts them: level, severity, policy, URN. */
  readonly violations: readonly CheckViolation[];
  /** What the program logged (warnings and info), as preview shows under Diagnostics. */
  readonly diagnostics: readonly { readonly level: string; readonly message: string }[];
  /** Everything that was analyzed, for callers that want to look deeper (tests, parity). */
  readonly view: StackView;
}

export interface CaptureOptions {
  /** The program's registrations so far (a progress line). */
  readonly onRegistered?: (count: number) => void;
  /** Each resource of the engine's view as soon as it is known (default providers included). */
  readonly onResource?: (resource: EngineResource) => void;
  readonly signal?: AbortSignal;
  readonly timeoutMs?: number;
}

/** Runs the project's program under the mocks and returns the engine's view of it (no pack). */
export async function captureStack(
  project: Project,
  options: CaptureOptions = {},
): Promise<StackView & { diagnostics: CheckResult["diagnostics"] }> {
  const builder = new EngineViewBuilder({
    project: project.name,
    stack: project.stack,
    config: project.config,
    secretKeys: project.secretKeys,
  });
  const run = await runProgram(project, {
    onRegistered: (registration, count) => {
      for (const resource of builder.add(registration)) options.onResource?.(resource);
      options.onRegistered?.(count);
    },
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  return {
    ...builder.view(run.outputs),
    diagnostics: run.logs.filter((l) => l.level !== "error"),
  };
}

/**
 * The project as the program sees it under check: `tokenguard:enforcement` advisory, so a
 * ScopedToken the component would refuse still registers its summary, and the pack reports it with
 * every other violation (each at its `new` call) instead of the first refusal ending the run.
 */
export function underCheck(project: Project): Project {
  return { ...project, config: { ...project.config, "tokenguard:enforcement": "advisory" } };
}

/**
 * The program's own warnings, without the component's findings: under check the component only
 * warns (advisory), and the pack's verdict lists the same findings as violations.
 */
function ownDiagnostics(
  diagnostics: CheckResult["diagnostics"],
  policies: readonly PolicyInfo[],
): CheckResult["diagnostics"] {
  const prefixes = policies.map((p) => `${p.name}: `);
  return diagnostics.filter((d) => !prefixes.some((prefix) => d.message.startsWith(prefix)));
}

/** Starts the pack as the engine does and configures it (its schema defaults, then `given`). */
async function startPack(
  packDir: string,
  project: Project,
  config: Readonly<Record<string, string>>,
  given: ReturnType<typeof readPackConfigFile>,
  configFile: string | undefined,
): Promise<{ pack: AnalyzerClient; info: AnalyzerInfo }> {
  const pack = await AnalyzerClient.start(packDir, {
    project: project.name,
    stack: project.stack,
    config: { ...config },
    projectDir: project.root,
  });
  try {
    const info = await pack.info();
    const where = configFile ? `--config ${configFile}` : "policy pack config";
    await pack.configureExactly(
      reconcilePackConfig(info.policies, info.initialConfig, given, where),
    );
    return { pack, info };
  } catch (e) {
    await pack.stop();
    throw e;
  }
}

/** AnalyzeStack, as the engine sends it at the end: every resource with its outputs. */
async function analyzeStack(pack: AnalyzerClient, view: StackView): Promise<Violation[]> {
  const known = new Set(view.resources.map((r) => r.urn));
  const violations = await pack.analyzeStack(
    view.resources.map((r) => ({ ...r, props: r.outputs })),
  );
  return violations.map((v) => ({ ...v, urn: known.has(v.urn) ? v.urn : view.stackUrn }));
}

/** Runs the check. Throws ProjectError, ProgramError, PackConfigError or a pack failure (all exit 2). */
export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const loaded = loadProject(options.dir, options.stack ?? DEFAULT_STACK);
  const declared = options.project ? options.project(loaded) : loaded;
  const project = underCheck(declared);
  const given = options.configFile ? readPackConfigFile(options.configFile) : {};
  const packDir = path.resolve(options.policyPack);

  // The pack starts while the program runs, and analyzes each resource as it registers: both
  // take seconds. A pack that fails (to start, or on a resource) stops the program at once; its
  // error is the one reported.
  const stopProgram = new AbortController();
  const analysis = new StreamedAnalysis(
    (done, total) => options.onProgress?.({ phase: "analyze", done, total }),
    () => stopProgram.abort(),
  );
  const packReady = startPack(packDir, project, declared.config, given, options.configFile);
  packReady.then(
    ({ pack }) => analysis.start(pack),
    () => stopProgram.abort(),
  );
  let view;
  try {
    view = await captureStack(project, {
      onRegistered: (registered) => options.onProgress?.({ phase: "program", registered }),
      onResource: (r) => analysis.add(r),
      signal: stopProgram.signal,
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
  } catch (e) {
    const { pack } = await packReady.catch((packError: unknown) => {
      throw stopProgram.signal.aborted ? packError : e;
    });
    try {
      if (stopProgram.signal.aborted) await analysis.close(); // throws the pack's failure
    } finally {
      await pack.stop();
    }
    throw e;
  }

  const { pack, info } = await packReady;
  try {
    const raw = [...(await analysis.close()), ...(await analyzeStack(pack, view))];
    return {
      project: project.name,
      stack: project.stack,
      projectDir: project.root,
      pack: { name: info.name, version: info.version, dir: packDir, policies: info.policies },
      resources: view.resources.filter((r) => !r.synthesized).length,
      violations: checkViolations(raw, view, project.root),
      diagnostics: ownDiagnostics(view.diagnostics, info.policies),
      view,
    };
  } finally {
    await pack.stop();
  }
}
