/** IAM policy documents rendered from parsed aws scopes: one Allow statement per scope, exact. */
import type { AwsScope } from "./scopes";

export interface IamStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, unknown>>;
}

export interface IamPolicyDocument {
  Version: "2012-10-17";
  Statement: IamStatement[];
}

/** One statement per scope, actions and resources in declared order, duplicates dropped. */
export function renderIamPolicy(scopes: readonly AwsScope[]): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: scopes.map((scope, i) => ({
      Sid: `TokenguardScope${i}`,
      Effect: "Allow",
      Action: [...new Set(scope.actions)],
      Resource: [...new Set(scope.resources)],
      ...(scope.conditions ? { Condition: scope.conditions } : {}),
    })),
  };
}
