/**
 * A token declaration's verdict, from whatever carries it — a ScopedToken's arguments, its summary
 * in the analyzer or in a stack export. Structural problems (wrong shapes, bad grammar, unknown
 * fields, bad backend options) and the policy's judgement come out as one list of findings, each
 * with the rule its field belongs to.
 */
import type { Issue } from "../schema/errors";
import type { Policy } from "../schema/policy-file";
import type { ArgumentProblem } from "../schema/summary";
import { parseTokenSpec, TokenSpecError, type TokenSpec } from "../schema/token";
import { RULES, type Finding, type RuleName, type TokenRule } from "./catalog";
import { judgeCanary } from "./canary";
import { judgeToken } from "./token-rules";

/**
 * Which rule a structural problem belongs to, by the declared field at fault. Every one is
 * mandatory: a declaration that does not parse cannot be issued, so it must never pass quietly
 * (an empty `owner` is malformed, not missing: token-arguments-valid).
 */
const FIELD_RULES: Readonly<Record<string, TokenRule>> = {
  ttl: "token-expiry-required",
  rotation: "token-rotation-required",
  backend: "token-least-privilege",
  scopes: "token-least-privilege",
};

/** The rule of a problem with `field` (`scopes[2]` → least privilege; `vault.x` → arguments). */
export function ruleOfField(field: string): TokenRule {
  return FIELD_RULES[field.split(/[.[]/)[0]] ?? "token-arguments-valid";
}

const asFinding = (problem: Pick<Issue, "field" | "message">): Finding => ({
  rule: ruleOfField(problem.field),
  field: problem.field,
  message: problem.field === "" ? problem.message : `${problem.field}: ${problem.message}`,
});

export interface DeclarationVerdict {
  /** The parsed spec, when the declaration is structurally sound. */
  readonly spec?: TokenSpec;
  /** Every finding: argument problems, then structural problems or the policy's judgement. */
  readonly findings: readonly Finding[];
}

/**
 * Parses `declaration` and judges it against `policy` at `now` (epoch seconds; default the
 * clock). `argumentProblems` are problems with arguments outside the declaration (the component
 * finds them; a summary carries them).
 */
export function judgeDeclaration(
  declaration: unknown,
  policy: Policy,
  argumentProblems: readonly ArgumentProblem[] = [],
  now?: number,
): DeclarationVerdict {
  const fromArgs = argumentProblems.map(asFinding);
  let spec: TokenSpec;
  try {
    spec = parseTokenSpec(declaration);
  } catch (e) {
    if (!(e instanceof TokenSpecError)) throw e;
    return { findings: [...fromArgs, ...e.issues.map(asFinding)] };
  }
  return {
    spec,
    findings: [...fromArgs, ...judgeToken(spec, policy, now), ...judgeCanary(spec)],
  };
}

/** Whether a finding's rule fails the deployment (its catalog level is mandatory). */
export function isMandatory(finding: Finding<RuleName>): boolean {
  return RULES[finding.rule].level === "mandatory";
}
