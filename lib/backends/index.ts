/** Backend dispatch: each backend's option checks and children, chosen by `backend`. */
import type * as pulumi from "@pulumi/pulumi";
import type { Backend } from "../schema/scopes";
import { awsIamArgProblems, awsIamBackend, type AwsIamBackendArgs } from "./aws-iam";
import { awsSecretArgProblems, awsSecretBackend, type AwsSecretBackendArgs } from "./aws-secret";
import type { AwsScopeInput } from "./aws-scopes";
import { randomArgProblems, randomBackend, type RandomBackendArgs } from "./random";
import type { BackendContext, IssueGeneration } from "./types";
import { vaultArgProblems, vaultBackend, type VaultBackendArgs } from "./vault";

/** The backend-specific part of ScopedToken's args. */
export type BackendOptions =
  | { backend: "vault"; vault?: VaultBackendArgs }
  | { backend: "random"; random?: RandomBackendArgs }
  | { backend: "aws-iam"; aws?: AwsIamBackendArgs; scopes: readonly AwsScopeInput[] }
  | { backend: "aws-secret"; aws?: AwsSecretBackendArgs; scopes: readonly AwsScopeInput[] };

/** ARNs of the backend's shared children, where it has them. */
export interface BackendArns {
  userArn?: pulumi.Output<string>;
  secretArn?: pulumi.Output<string>;
  accessPolicyArn?: pulumi.Output<string>;
}

/** Problems with the backend's own options, `field: message` each. */
export function backendArgProblems(options: BackendOptions): string[] {
  switch (options.backend) {
    case "vault":
      return vaultArgProblems(options.vault);
    case "random":
      return randomArgProblems(options.random);
    case "aws-iam":
      return awsIamArgProblems(options.aws);
    case "aws-secret":
      return awsSecretArgProblems(options.aws);
  }
}

/** Creates the backend's shared children and returns how to issue each generation. */
export function startBackend(
  ctx: BackendContext,
  options: BackendOptions,
): { issue: IssueGeneration } & BackendArns {
  switch (options.backend) {
    case "vault":
      return { issue: vaultBackend(ctx, options.vault) };
    case "random":
      return { issue: randomBackend(ctx, options.random) };
    case "aws-iam":
      return awsIamBackend(ctx, options.aws, options.scopes);
    case "aws-secret":
      return awsSecretBackend(ctx, options.aws, options.scopes);
  }
}

export type { Backend };
