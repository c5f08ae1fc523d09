/** Backend dispatch: each backend's children, chosen by `backend`. */
import type * as pulumi from "@pulumi/pulumi";
import type { ScopedTokenArgs } from "../scoped-token-args";
import type { Backend } from "../schema/scopes";
import { awsIamBackend } from "./aws-iam";
import { awsSecretBackend } from "./aws-secret";
import { randomBackend } from "./random";
import type { BackendContext, IssueGeneration } from "./types";
import { vaultBackend } from "./vault";

/** ARNs of the backend's shared children, where it has them. */
export interface BackendArns {
  userArn?: pulumi.Output<string>;
  secretArn?: pulumi.Output<string>;
  accessPolicyArn?: pulumi.Output<string>;
}

/** Creates the backend's shared children and returns how to issue each generation. */
export function startBackend(
  ctx: BackendContext,
  args: ScopedTokenArgs,
): { issue: IssueGeneration } & BackendArns {
  switch (args.backend) {
    case "vault":
      return { issue: vaultBackend(ctx, args.vault) };
    case "random":
      return { issue: randomBackend(ctx, args.random) };
    case "aws-iam":
      return awsIamBackend(ctx, args.aws, args.scopes);
    case "aws-secret":
      return awsSecretBackend(ctx, args.aws, args.scopes);
  }
}

export type { Backend };
