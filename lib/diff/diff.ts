/**
 * `tokenguard diff`: what each token gains and loses between the deployed stack and the program.
 * The declared tokens come from running the program offline exactly as `check` does (the same
 * project loading, program host and advisory mode); the deployed ones from a stack export. Every
 * comparison is lib/rules' (token-diff, scope-diff, approvals).
 */
import { captureStack, underCheck } from "../check/check";
import { locator, type SourceLocation } from "../check/violations";
import { DEFAULT_STACK, loadProject, type Project } from "../check/project";
import { reviewWidenings, unapproved, type ReviewedChange } from "../rules/approvals";
import { compareTokens } from "../rules/token-diff";
import { loadPolicy } from "../schema/policy-source";
import { readSettings } from "../settings";
import { exportStack, readExportFile, type Deployed } from "./deployed";
import { recordsOfView } from "./records";
import { tokenFacts } from "./tokens";

export interface DiffOptions {
  /** The project directory (holds Pulumi.yaml). */
  readonly dir: string;
  /**
   * The stack whose config the program reads (Pulumi.<name>.yaml, by the last part of an
   * "org/project/name"), and the one exported, as given, when `against` is absent.
   */
  readonly stack?: string;
  /** A `pulumi stack export` file, or "-" for stdin; absent: run `pulumi stack export`. */
  readonly against?: string;
  /** Lets every widening through (each is still listed, marked approved by the flag). */
  readonly allowWidening?: boolean;
  /** Told what the review does on its own (it runs `pulumi stack export`, the stack is new). */
  readonly onNote?: (message: string) => void;
  /** Overrides of the project (tests: extra config such as tokenguard:now). */
  readonly project?: (project: Project) => Project;
}

export interface DiffResult {
  readonly project: string;
  readonly stack: string;
  readonly projectDir: string;
  readonly against: {
    readonly source: string;
    readonly stack?: string;
    /** The stack does not exist: every token is new. */
    readonly missing: boolean;
  };
  /** The policy file approvals were read from. */
  readonly policy: string;
  /** Tokens that changed, in the order the program declares them, removed ones last. */
  readonly changes: readonly ReviewedChange[];
  /** Tokens on both sides with nothing to review. */
  readonly unchanged: number;
  /** Widenings nothing approved: the review fails (exit 1) when there is one. */
  readonly unapproved: number;
  /** Where the program declares each changed token (its `new` call), by URN. */
  readonly locations: ReadonlyMap<string, SourceLocation>;
}

/** Changes in the order the program declares them (file, line), then the rest, removed ones last. */
function inProgramOrder(
  changes: readonly ReviewedChange[],
  locations: ReadonlyMap<string, SourceLocation>,
): ReviewedChange[] {
  const rank = (c: ReviewedChange) => (c.change === "removed" ? 2 : locations.has(c.urn) ? 0 : 1);
  return [...changes].sort((a, b) => {
    const la = locations.get(a.urn);
    const lb = locations.get(b.urn);
    return (
      rank(a) - rank(b) ||
      (la && lb ? la.file.localeCompare(lb.file) || la.line - lb.line || la.column - lb.column : 0)
    );
  });
}

async function deployedSide(options: DiffOptions, project: Project): Promise<Deployed> {
  if (options.against !== undefined) return readExportFile(options.against, project.name);
  const stack = options.stack ?? project.stack;
  options.onNote?.(
    `reading the deployed tokens with \`pulumi stack export --stack ${stack}\` (pass --against FILE to use an export instead)`,
  );
  const deployed = await exportStack(stack, project.root, project.name);
  if (deployed.missing) {
    options.onNote?.(`stack "${stack}" does not exist: every declared token is new`);
  }
  return deployed;
}

/** Runs the review. Throws ProjectError, ProgramError, DiffInputError, PolicyFileError, ApprovalError (all exit 2). */
export async function runDiff(options: DiffOptions): Promise<DiffResult> {
  const loaded = loadProject(options.dir, (options.stack ?? DEFAULT_STACK).split("/").pop()!);
  const declared = options.project ? options.project(loaded) : loaded;
  const settings = readSettings((key) => declared.config[`tokenguard:${key}`]);
  const policy = loadPolicy({
    ...(settings.policyFile ? { configured: settings.policyFile } : {}),
    searchFrom: declared.programDir,
    baseDir: declared.programDir,
  });
  const deployed = await deployedSide(options, declared);
  const view = await captureStack(underCheck(declared));
  const after = tokenFacts(recordsOfView(view));
  const before = tokenFacts(deployed.records);
  const reviewed = reviewWidenings(
    compareTokens(before, after),
    policy,
    options.allowWidening === true,
  );
  const locate = locator(view, declared.root);
  const locations = new Map<string, SourceLocation>();
  for (const c of reviewed) {
    const at = c.change === "removed" ? undefined : locate(c.urn);
    if (at) locations.set(c.urn, at);
  }
  const changes = inProgramOrder(reviewed, locations);
  const changedKeys = new Set(changes.map((c) => c.key));
  const beforeKeys = new Set(before.map((t) => t.key));
  return {
    project: declared.name,
    stack: declared.stack,
    projectDir: declared.root,
    against: {
      source: deployed.source,
      ...(deployed.stack ? { stack: deployed.stack } : {}),
      missing: deployed.missing,
    },
    policy: policy.source,
    changes,
    unchanged: after.filter((t) => beforeKeys.has(t.key) && !changedKeys.has(t.key)).length,
    unapproved: unapproved(changes),
    locations,
  };
}
