import { createHash } from "node:crypto";
import * as pulumi from "@pulumi/pulumi";
import { awsPackage } from "./packages";
import { keySlot } from "../rotation/schedule";
import { renderIamPolicy } from "../schema/iam-policy";
import type { AwsScopeInput } from "./aws-scopes";
import { judgeResolved, resolvedAwsScopes } from "./aws-common";
import type { AwsIamBackendArgs } from "../scoped-token-args";
import type { BackendContext, IssueGeneration } from "./types";

/** An IAM-safe name, shortened with a stable hash suffix when too long. */
export function iamSafeName(raw: string, max = 64): string {
  const clean = raw.replace(/[^\w+=,.@-]+/g, "-");
  if (clean.length <= max) return clean;
  const suffix = createHash("sha256").update(raw).digest("hex").slice(0, 8);
  return `${clean.slice(0, max - 9)}-${suffix}`;
}

/**
 * One IAM user, one inline policy with exactly the declared scopes, and access keys in two slots
 * (`<name>-key0`, `<name>-key1`): generation n lives in slot n mod 2, and a slot moving to a newer
 * generation is replaced delete-before-replace — so the user never holds more than two keys.
 */
export function awsIamBackend(
  ctx: BackendContext,
  args: AwsIamBackendArgs | undefined,
  scopes: readonly AwsScopeInput[],
): { issue: IssueGeneration; userArn: pulumi.Output<string> } {
  const aws = awsPackage();
  const project = pulumi.getProject();
  const user = new aws.iam.User(
    `${ctx.name}-user`,
    {
      name: args?.userName ?? iamSafeName(`tg-${pulumi.getStack()}-${ctx.name}`),
      path: args?.path ?? `/tokenguard/${project.replace(/[^\x21-\x7e]|\//g, "-")}/`,
      permissionsBoundary: args?.permissionsBoundary,
      forceDestroy: true,
      tags: awsTags(ctx),
    },
    ctx.childOpts,
  );
  const policy = new aws.iam.UserPolicy(
    `${ctx.name}-policy`,
    {
      user: user.name,
      name: "tokenguard-scopes",
      policy: resolvedAwsScopes(ctx.name, scopes, {}, judgeResolved(ctx)).apply((s) =>
        JSON.stringify(renderIamPolicy(s)),
      ),
    },
    ctx.childOpts,
  );
  const issue: IssueGeneration = (generation) => {
    const key = new aws.iam.AccessKey(
      `${ctx.name}-key${keySlot(generation.n)}`,
      { user: user.name },
      {
        ...ctx.childOpts,
        dependsOn: [policy],
        replacementTrigger: generation.n,
        deleteBeforeReplace: true,
        additionalSecretOutputs: ["secret", "sesSmtpPasswordV4", "encryptedSecret"],
      },
    );
    return { value: pulumi.secret(key.secret), tokenId: key.id };
  };
  return { issue, userArn: user.arn };
}

/** Tags every AWS child carries: who owns it, what for, and that tokenguard manages it. */
export function awsTags(ctx: BackendContext): Record<string, string> {
  return {
    "managed-by": "tokenguard",
    "tokenguard-token": ctx.name,
    ...(ctx.spec.owner ? { owner: ctx.spec.owner } : {}),
    ...(ctx.spec.purpose ? { purpose: ctx.spec.purpose.slice(0, 256) } : {}),
  };
}
