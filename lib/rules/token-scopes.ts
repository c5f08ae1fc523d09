/**
 * `token-least-privilege` on a token's declared scopes: each scope against its grammar's rules and
 * the escalation model, AWS escalations that need two scopes together, the per-token allowlist,
 * and the per-token escalation allowances of the policy file.
 */
import type { BackendPolicy, Policy, TokenPolicy } from "../schema/policy-file";
import {
  RESOURCE_REFERENCE,
  scopeText,
  type Backend,
  type AwsScope,
  type LabelScope,
  type VaultScope,
} from "../schema/scopes";
import type { ParsedScope, TokenSpec } from "../schema/token";
import { unallowed, type Problem } from "./allowance";
import { actionMatches } from "./aws-actions";
import { arnCovers } from "./aws/arns";
import { combinationProblems } from "./aws/combinations";
import { grantProblemsOf } from "./aws/scope";
import type { Finding } from "./catalog";
import { iamGlob, vaultPathCovers } from "./globs";
import { vaultGrantProblems } from "./vault/scope";

type LeastPrivilege = Finding<"token-least-privilege">;

function labelScopeProblems(scope: LabelScope): Problem[] {
  const problems: Problem[] = [];
  if (scope.resource === "*")
    problems.push({ message: 'resource "*" grants every resource; name the resource' });
  if (scope.verb === "*") problems.push({ message: 'verb "*" grants every action; name the verb' });
  return problems;
}

/** The problems of one scope on its own (no allowances applied). */
export function scopeProblems(scope: ParsedScope, limits: BackendPolicy): Problem[] {
  if ("path" in scope) return vaultGrantProblems(scope, limits);
  if ("verb" in scope) return labelScopeProblems(scope);
  return grantProblemsOf(scope, limits);
}

/** Whether the per-token allowlist covers a scope. */
export function allowedBy(
  scope: ParsedScope,
  allowlist: NonNullable<TokenPolicy["allowedScopes"]>,
): boolean {
  if ("path" in scope) {
    return allowlist.some((entry) => {
      if (typeof entry !== "string") return false;
      const colon = entry.lastIndexOf(":");
      const caps = entry
        .slice(colon + 1)
        .split(",")
        .map((c) => c.trim());
      return (
        vaultPathCovers(entry.slice(0, colon), scope.path) &&
        scope.capabilities.every((c) => caps.includes(c))
      );
    });
  }
  if ("verb" in scope) {
    const text = `${scope.resource}:${scope.verb}`;
    return allowlist.some((entry) => typeof entry === "string" && iamGlob(entry).test(text));
  }
  return allowlist.some(
    (entry) =>
      typeof entry !== "string" &&
      scope.actions.every((a) => actionMatches(a, entry.actions)) &&
      // A resource given as a reference is not known until it exists: judged again at `pulumi up`.
      scope.resources.every(
        (r) => r === RESOURCE_REFERENCE || entry.resources.some((p) => arnCovers(p, r)),
      ),
  );
}

/**
 * `token-least-privilege` findings for a token's scopes (`texts` are their canonical strings).
 * Used at preview on the declared scopes and at `pulumi up` on scopes whose references resolved.
 */
export function judgeScopes(
  name: string,
  scopes: readonly ParsedScope[],
  texts: readonly string[],
  policy: Policy,
  limits: BackendPolicy,
): LeastPrivilege[] {
  const tokenPolicy: TokenPolicy | undefined = policy.tokens[name];
  const entries = tokenPolicy?.allowEscalation;
  const findings: LeastPrivilege[] = [];
  const add = (i: number, message: string) =>
    findings.push({ rule: "token-least-privilege", field: `scopes[${i}]`, message });
  scopes.forEach((scope, i) => {
    const reasons = unallowed(name, scopeProblems(scope, limits), entries);
    for (const reason of reasons) add(i, `scopes[${i}]: ${reason}`);
    if (
      reasons.length === 0 &&
      tokenPolicy?.allowedScopes !== undefined &&
      !allowedBy(scope, tokenPolicy.allowedScopes)
    ) {
      add(
        i,
        `scopes[${i}]: ${JSON.stringify(texts[i])} is outside the scopes allowed for token "${name}" (${policy.source}); use one of its allowedScopes or extend that list`,
      );
    }
  });
  const aws = scopes.filter((s): s is AwsScope => "actions" in s);
  if (aws.length === scopes.length && aws.length > 0) {
    for (const { index, problem } of combinationProblems(aws, (i) => `scopes[${i}]`)) {
      for (const reason of unallowed(name, [problem], entries))
        add(index, `scopes[${index}]: ${reason}`);
    }
  }
  return findings;
}

/** The vault scope problems as plain messages (raw-resource rules judge documents with them). */
export function vaultScopeProblems(scope: VaultScope, limits: BackendPolicy): string[] {
  return vaultGrantProblems(scope, limits).map((p) => p.message);
}

/** Judges the spec's scopes: the least-privilege part of {@link judgeToken}. */
export function judgeSpecScopes(spec: TokenSpec, policy: Policy): LeastPrivilege[] {
  return judgeScopes(
    spec.name,
    spec.scopes,
    spec.scopeTexts,
    policy,
    policy.backends[spec.backend],
  );
}

/**
 * At `pulumi up`: the messages of findings on scopes whose references have resolved (`referenced`),
 * judged as preview could not — wildcards, other principals, allowances and the allowlist.
 */
export function judgeResolvedScopes(
  name: string,
  backend: Backend,
  resolved: readonly AwsScope[],
  referenced: readonly boolean[],
  policy: Policy,
): string[] {
  return judgeScopes(name, resolved, resolved.map(scopeText), policy, policy.backends[backend])
    .filter((f) => referenced[Number(/^scopes\[(\d+)\]/.exec(f.field)?.[1])])
    .map((f) => f.message);
}
