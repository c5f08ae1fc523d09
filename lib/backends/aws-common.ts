import * as pulumi from "@pulumi/pulumi";
import { RESOURCE_REFERENCE, THIS_SECRET, parseAwsScope, type AwsScope } from "../schema/scopes";
import type { AwsScopeInput } from "./aws-scopes";

/**
 * The declared aws scopes with every resource known: Outputs resolved, "self" replaced. A resource
 * that resolves to "*" or to something that is not an ARN fails the deployment here (at preview the
 * summary judged it as a reference; this is where it becomes known).
 */
export function resolvedAwsScopes(
  name: string,
  scopes: readonly AwsScopeInput[],
  substitutions: { self?: pulumi.Input<string> },
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
    .apply((resolved) =>
      scopes.map((scope, i) => {
        const checked = parseAwsScope({ ...scope, resources: resolved[i] });
        const referenced = scope.resources.some((r) => typeof r !== "string");
        if (!checked.ok)
          throw new pulumi.RunError(`ScopedToken "${name}": scopes[${i}]: ${checked.error}`);
        if (referenced && resolved[i].includes("*")) {
          throw new pulumi.RunError(
            `ScopedToken "${name}": scopes[${i}]: a referenced resource resolved to "*"; name the ARN`,
          );
        }
        return checked.value;
      }),
    );
}

/** The scope as the policy pack sees it at preview: references stand in as {@link RESOURCE_REFERENCE}. */
export function declaredAwsScope(scope: AwsScopeInput): {
  actions: string[];
  resources: string[];
  conditions?: AwsScopeInput["conditions"];
} {
  return {
    actions: [...scope.actions],
    resources: scope.resources.map((r) => (typeof r === "string" ? r : RESOURCE_REFERENCE)),
    ...(scope.conditions ? { conditions: scope.conditions } : {}),
  };
}
