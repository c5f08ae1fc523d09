/**
 * `tokenguard check`: the policy verdict of `pulumi preview --policy-pack`, offline. Runs the stack
 * program under Pulumi's mocks (preview), rebuilds what the engine would hand the pack (engine URNs,
 * the root Stack, default providers), and sends it through the pack's REAL analyzer over gRPC:
 * Configure, Analyze for each resource, AnalyzeStack at the end. No rule logic lives here: every
 * verdict is the pack's.
 */
import { fileURLToPath } from "node:url";
import * as path from "node:path";
import {
  AnalyzerClient,
  type EnforcementLevel,
  type PolicyInfo,
  type Severity,
  type Violation,
} from "./analyzer-client";
import { engineView, type EngineResource, type StackView } from "./engine-view";
import { readPackConfigFile, reconcilePackConfig } from "./pack-config";
import { loadProject, DEFAULT_STACK, type Project } from "./project";
import { runProgram } from "./run-program";

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
}

export type ProgressEvent =
  | { readonly phase: "program"; readonly registered: number }
  | { readonly phase: "analyze"; readonly done: number; readonly total: number };

export interface SourceLocation {
  /** Absolute path of the file holding the `new` call. */
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface CheckViolation {
  readonly policy: string;
  readonly level: EnforcementLevel;
  readonly severity: Severity;
  readonly urn: string;
  readonly type: string;
  /** The violation message, without the policy description the analyzer puts first. */
  readonly message: string;
  readonly description: string;
  /** Where the program declared the resource (the nearest `new` inside the project). */
  readonly location?: SourceLocation;
}

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

const LEVEL_RANK: Record<string, number> = { remediate: 0, mandatory: 1, advisory: 2, disabled: 3 };
const SEVERITY_RANK: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3, "": 4 };

/** preview's order: enforcement level, severity, policy name, URN. */
export function compareViolations(a: CheckViolation, b: CheckViolation): number {
  return (
    (LEVEL_RANK[a.level] ?? 99) - (LEVEL_RANK[b.level] ?? 99) ||
    (SEVERITY_RANK[a.severity] ?? 99) - (SEVERITY_RANK[b.severity] ?? 99) ||
    a.policy.localeCompare(b.policy) ||
    a.urn.localeCompare(b.urn)
  );
}

/** The violation text after the policy description the SDK puts on the first line. */
export function violationText(v: Pick<Violation, "message" | "description">): string {
  if (v.description && v.message.startsWith(`${v.description}\n`)) {
    return v.message.slice(v.description.length + 1);
  }
  return v.message;
}

async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < items.length; i = next++) out[i] = await fn(items[i]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The nearest source position (the resource's own, else an ancestor's) inside the project. */
function locator(view: StackView, projectDir: string) {
  const byUrn = new Map(view.resources.map((r) => [r.urn, r]));
  const inProject = (r: EngineResource): SourceLocation | undefined => {
    if (!r.sourcePosition?.uri.startsWith("file:")) return undefined;
    const file = fileURLToPath(r.sourcePosition.uri);
    const rel = path.relative(projectDir, file);
    if (
      rel.startsWith("..") ||
      path.isAbsolute(rel) ||
      rel.split(path.sep).includes("node_modules")
    )
      return undefined;
    return { file, line: r.sourcePosition.line, column: r.sourcePosition.column };
  };
  return (urn: string): SourceLocation | undefined => {
    for (let r = byUrn.get(urn); r; r = r.parent ? byUrn.get(r.parent) : undefined) {
      const at = inProject(r);
      if (at) return at;
    }
    return undefined;
  };
}

/** Runs the project's program under the mocks and returns the engine's view of it (no pack). */
export async function captureStack(
  project: Project,
  onRegistered?: (count: number) => void,
  signal?: AbortSignal,
): Promise<StackView & { diagnostics: CheckResult["diagnostics"] }> {
  const run = await runProgram(project, {
    ...(onRegistered ? { onRegistered } : {}),
    ...(signal ? { signal } : {}),
  });
  return {
    ...engineView({
      project: project.name,
      stack: project.stack,
      registrations: run.registrations,
      outputs: run.outputs,
      config: project.config,
      secretKeys: project.secretKeys,
    }),
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

/** Runs the check. Throws ProjectError, ProgramError, PackConfigError or a pack failure (all exit 2). */
export async function runCheck(options: CheckOptions): Promise<CheckResult> {
  const loaded = loadProject(options.dir, options.stack ?? DEFAULT_STACK);
  const declared = options.project ? options.project(loaded) : loaded;
  const project = underCheck(declared);
  const given = options.configFile ? readPackConfigFile(options.configFile) : {};
  const packDir = path.resolve(options.policyPack);

  // The pack starts while the program runs: both take seconds.
  const packReady = (async () => {
    const pack = await AnalyzerClient.start(packDir, {
      project: project.name,
      stack: project.stack,
      config: { ...declared.config },
      projectDir: project.root,
    });
    try {
      const info = await pack.info();
      const config = reconcilePackConfig(
        info.policies,
        info.initialConfig,
        given,
        options.configFile ? `--config ${options.configFile}` : "policy pack config",
      );
      await pack.configureExactly(config);
      return { pack, info };
    } catch (e) {
      await pack.stop();
      throw e;
    }
  })();
  // A pack that fails stops the program at once; its error is the one reported.
  const stopProgram = new AbortController();
  packReady.catch(() => stopProgram.abort());

  let view;
  try {
    view = await captureStack(
      project,
      (registered) => options.onProgress?.({ phase: "program", registered }),
      stopProgram.signal,
    );
  } catch (e) {
    // The pack's error when that is what stopped the program, else the program's own.
    if (stopProgram.signal.aborted) await packReady;
    await packReady.then(
      ({ pack }) => pack.stop(),
      () => undefined,
    );
    throw e;
  }

  const { pack, info } = await packReady;
  try {
    const analyzed = view.resources.filter((r) => r.analyze);
    let done = 0;
    const perResource = await mapLimit(analyzed, 8, async (r) => {
      const vs = await pack.analyze(r);
      options.onProgress?.({ phase: "analyze", done: ++done, total: analyzed.length });
      // The engine reports a resource's violations on that resource.
      return vs.map((v) => ({ ...v, urn: r.urn }));
    });
    const known = new Set(view.resources.map((r) => r.urn));
    const stackWide = (
      await pack.analyzeStack(view.resources.map((r) => ({ ...r, props: r.outputs })))
    ).map((v) => ({ ...v, urn: known.has(v.urn) ? v.urn : view.stackUrn }));

    const typeOf = new Map(view.resources.map((r) => [r.urn, r.type]));
    const locate = locator(view, project.root);
    const violations = [...perResource.flat(), ...stackWide]
      .map((v): CheckViolation => {
        const location = locate(v.urn);
        return {
          policy: v.policy,
          level: v.level,
          severity: v.severity,
          urn: v.urn,
          type: typeOf.get(v.urn) ?? "",
          message: violationText(v),
          description: v.description,
          ...(location ? { location } : {}),
        };
      })
      .sort(compareViolations);
    return {
      project: project.name,
      stack: project.stack,
      projectDir: project.root,
      pack: { name: info.name, version: info.version, dir: packDir, policies: info.policies },
      resources: view.resources.filter((r) => !r.synthesized).length,
      violations,
      diagnostics: ownDiagnostics(view.diagnostics, info.policies),
      view,
    };
  } finally {
    await pack.stop();
  }
}

/** Whether the verdict fails the check: any mandatory (or remediate, which the engine treats so) violation. */
export function hasMandatory(result: Pick<CheckResult, "violations">): boolean {
  return result.violations.some((v) => v.level === "mandatory" || v.level === "remediate");
}
