import * as pulumi from "@pulumi/pulumi";
import { RESOURCE_REFERENCE, THIS_SECRET, parseAwsScope, type AwsScope } from "../schema/scopes";
import { judgeResolvedScopes } from "../rules/token-scopes";
import type { AwsScopeInput } from "./aws-scopes";
import type { BackendContext } from "./types";

/**
 * The declared aws scopes with every resource known: Outputs resolved, "self" replaced. At preview
 * a resource given as a reference was judged as a reference; this is where it becomes known, and
 * where `judge` (the token's least-privilege rules and allowlist, on the scopes that held
 * references, "self" kept as "self") fails the deployment, naming the scope, if it is refused. A
 * resource that resolves to "*" or to something that is not an ARN fails it too.
 */
export function resolvedAwsScopes(
  name: string,
  scopes: readonly AwsScopeInput[],
  substitutions: { self?: pulumi.Input<string> },
  judge: (resolved: AwsScope[], referenced: readonly boolean[]) => string[] = () => [],
): pulumi.Output<AwsScope[]> {
  return pulumi
    .all(
      scopes.map((scope) =>
        pulumi.all(
          scope.resources.map((r) =>
            r === THIS_SECRET && substitutions.self ? substitutions.self : r,
          ),
        ),
      ),
    )
    .apply((resolved) => {
      const referenced = scopes.map((s) => s.resources.some((r) => typeof r !== "string"));
      const checked = scopes.map((scope, i) => {
        const parsed = parseAwsScope({ ...scope, resources: resolved[i] });
        if (!parsed.ok)
          throw new pulumi.RunError(`ScopedToken "${name}": scopes[${i}]: ${parsed.error}`);
        if (referenced[i] && resolved[i].includes("*")) {
          throw new pulumi.RunError(
            `ScopedToken "${name}": scopes[${i}]: a referenced resource resolved to "*"; name the ARN`,
          );
        }
        return parsed.value;
      });
      const asDeclared = checked.map((scope, i) => ({
        ...scope,
        resources: scope.resources.map((r, j) =>
          scopes[i].resources[j] === THIS_SECRET ? THIS_SECRET : r,
        ),
      }));
      const problems = referenced.some(Boolean) ? judge(asDeclared, referenced) : [];
      if (problems.length) {
        throw new pulumi.RunError(
          `ScopedToken "${name}" is refused now that its referenced resources are known:\n  ${problems.join("\n  ")}`,
        );
      }
      return checked;
    });
}

/**
 * The scope as the policy pack sees it at preview: references stand in as {@link RESOURCE_REFERENCE}.
 * Every other key is kept as given, so the scope grammar can refuse one it does not know (an
 * `effect: "Deny"` dropped here would be granted as an Allow).
 */
export function declaredAwsScope(scope: AwsScopeInput): Record<string, unknown> {
  const resources = Array.isArray(scope.resources)
    ? scope.resources.map((r) => (typeof r === "string" ? r : RESOURCE_REFERENCE))
    : scope.resources;
  return { ...scope, resources };
}

/** The judge {@link resolvedAwsScopes} runs at `pulumi up` for a token's backend context. */
export function judgeResolved(
  ctx: BackendContext,
): (resolved: AwsScope[], referenced: readonly boolean[]) => string[] {
  return (resolved, referenced) =>
    judgeResolvedScopes(ctx.spec.name, ctx.spec.backend, resolved, referenced, ctx.policy);
}
