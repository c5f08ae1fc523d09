/**
 * Escalations made of two grants held together, judged over everything one token holds: iam:PassRole
 * with an action that starts or re-points compute (the compute then runs as the passed role), and
 * the CodeStar pair that makes the holder a project owner. Splitting them across statements or
 * policies changes nothing (Bishop Fox iam-vulnerable, tool-testing fn1).
 */
import { RESOURCE_REFERENCE } from "../../schema/scopes";
import type { Problem } from "../allowance";
import { actionMatches } from "../aws-actions";
import { namesOneResource } from "./arns";
import { COMBINATIONS, computeAction, type EscalationAction } from "./escalation";
import { PASSED_TO } from "./safe-forms";
import { conditionValues, type Grant } from "./scope";

/** A problem found on a token's grants, placed on the grant at `index`. */
export interface PlacedProblem {
  readonly index: number;
  readonly problem: Problem;
}

/** Which actions of the grants match `pattern`-style exact actions (IAM globs in grants count too). */
function holders(grants: readonly Grant[], test: (action: string) => boolean) {
  return grants.flatMap((g, index) =>
    g.actions.filter(test).map((action) => ({ index, action, g })),
  );
}

/**
 * Whether a PassRole grant can pass its roles to the service of `action`: always, unless an
 * `iam:PassedToService` condition names only other services (exact names; a wildcard counts as any).
 */
function passesTo(pass: Grant, action: string): boolean {
  const named = conditionValues(
    pass.conditions,
    ["StringEquals", "StringLike"],
    "iam:PassedToService",
  );
  if (named === undefined || named.some((v) => /[*?]/.test(v))) return true;
  const service = action.split(":")[0].toLowerCase();
  const targets = PASSED_TO[service] ?? [service];
  return named.some((v) => targets.some((t) => v.toLowerCase() === `${t}.amazonaws.com`));
}

function passRoleProblems(grants: readonly Grant[], label: (i: number) => string): PlacedProblem[] {
  const passes = holders(grants, (a) => /^iam:PassRole$/i.test(a));
  if (passes.length === 0) return [];
  const computes = holders(grants, (a) => computeAction(a) !== undefined).filter((c) =>
    passes.some((p) => passesTo(p.g, c.action)),
  );
  if (computes.length === 0) return [];
  const methods = [
    ...new Set(computes.map((c) => (computeAction(c.action) as EscalationAction).method)),
  ];
  const roles = [...new Set(passes.flatMap((p) => p.g.resources))];
  const actions = ["iam:PassRole", ...new Set(computes.map((c) => c.action))];
  const message = `iam:PassRole (${label(passes[0].index)}) with ${actions.slice(1).join(", ")} (${label(computes[0].index)}) lets the holder start compute that runs as the passed role, and so gain that role's rights (privilege escalation: ${methods.join(", ")})`;
  const exactRoles = roles.every((r) => r === RESOURCE_REFERENCE || namesOneResource(r));
  const problem: Problem = exactRoles
    ? { message, escalation: { backend: "aws", method: methods[0], actions, resources: roles } }
    : { message };
  return [{ index: passes[0].index, problem }];
}

function pairProblems(grants: readonly Grant[], label: (i: number) => string): PlacedProblem[] {
  return COMBINATIONS.flatMap((combo) => {
    const found = combo.actions.map((a) => holders(grants, (x) => actionMatches(x, [a]))[0]);
    if (found.some((f) => f === undefined)) return [];
    const where = found.map((f) => `${f.action} (${label(f.index)})`).join(" with ");
    const resources = [...new Set(found.flatMap((f) => f.g.resources))];
    const message = `${where} lets the holder escalate (privilege escalation: ${combo.method})`;
    const exactAll = resources.every((r) => r === RESOURCE_REFERENCE || namesOneResource(r));
    const escalation = {
      backend: "aws" as const,
      method: combo.method,
      actions: [...combo.actions],
      resources,
    };
    return [{ index: found[0].index, problem: exactAll ? { message, escalation } : { message } }];
  });
}

/** Escalations that need two of the token's grants together (empty when there are none). */
export function combinationProblems(
  grants: readonly Grant[],
  label: (index: number) => string,
): PlacedProblem[] {
  return [...passRoleProblems(grants, label), ...pairProblems(grants, label)];
}
