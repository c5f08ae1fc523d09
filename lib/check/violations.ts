/**
 * The analyzer's violations as `tokenguard check` reports them: each with its resource's type and
 * the `new` call that declared it, in the order `pulumi preview` prints them.
 */
import { fileURLToPath } from "node:url";
import * as path from "node:path";
import type { EnforcementLevel, Severity, Violation } from "./analyzer-client";
import type { EngineResource, StackView } from "./engine-view";

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

/** The nearest source position (the resource's own, else an ancestor's) inside the project. */
export function locator(view: StackView, projectDir: string) {
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

/** The analyzer's violations as check reports them: type, location, preview's order. */
export function checkViolations(
  raw: readonly Violation[],
  view: StackView,
  root: string,
): CheckViolation[] {
  const typeOf = new Map(view.resources.map((r) => [r.urn, r.type]));
  const locate = locator(view, root);
  return raw
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
}

/** Whether the verdict fails the check: any mandatory (or remediate, which the engine treats so) violation. */
export function hasMandatory(result: { readonly violations: readonly CheckViolation[] }): boolean {
  return result.violations.some((v) => v.level === "mandatory" || v.level === "remediate");
}
