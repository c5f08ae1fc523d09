import * as pulumi from "@pulumi/pulumi";
import { awsPackage } from "./packages";
import { renderIamPolicy } from "../schema/iam-policy";
import { awsTags } from "./aws-iam";
import { judgeResolved, resolvedAwsScopes } from "./aws-common";
import type { AwsScopeInput } from "./aws-scopes";
import type { AwsSecretBackendArgs } from "../scoped-token-args";
import { issueRandomToken } from "./random";
import type { BackendContext, IssueGeneration } from "./types";

/**
 * One Secrets Manager secret; per generation an opaque random token (the random backend's logic)
 * written as a new secret version — the newest version is AWSCURRENT, the one before AWSPREVIOUS.
 * Consumers get a managed IAM policy with exactly the declared scopes ("self" = this secret).
 */
export function awsSecretBackend(
  ctx: BackendContext,
  args: AwsSecretBackendArgs | undefined,
  scopes: readonly AwsScopeInput[],
): {
  issue: IssueGeneration;
  secretArn: pulumi.Output<string>;
  accessPolicyArn: pulumi.Output<string>;
} {
  const aws = awsPackage();
  const secret = new aws.secretsmanager.Secret(
    `${ctx.name}-secret`,
    {
      name:
        args?.secretName ?? `tokenguard/${pulumi.getProject()}/${pulumi.getStack()}/${ctx.name}`,
      description:
        `tokenguard ScopedToken "${ctx.name}"${ctx.spec.purpose ? `: ${ctx.spec.purpose}` : ""}`.slice(
          0,
          2048,
        ),
      kmsKeyId: args?.kmsKeyId,
      recoveryWindowInDays: args?.recoveryWindowInDays ?? 30,
      tags: awsTags(ctx),
    },
    ctx.childOpts,
  );
  const access = new aws.iam.Policy(
    `${ctx.name}-access`,
    {
      description: `Read access to tokenguard ScopedToken "${ctx.name}"`,
      policy: resolvedAwsScopes(ctx.name, scopes, { self: secret.arn }, judgeResolved(ctx)).apply(
        (s) => JSON.stringify(renderIamPolicy(s)),
      ),
      tags: awsTags(ctx),
    },
    ctx.childOpts,
  );
  // Versions are written oldest first, so AWSCURRENT always lands on the newest generation.
  let lastVersion: InstanceType<typeof aws.secretsmanager.SecretVersion> | undefined;
  const issue: IssueGeneration = (generation) => {
    const token = issueRandomToken(`${ctx.name}-g${generation.n}`, args, ctx.childOpts);
    const version = new aws.secretsmanager.SecretVersion(
      `${ctx.name}-g${generation.n}-version`,
      { secretId: secret.id, secretString: token.value },
      {
        ...ctx.childOpts,
        dependsOn: lastVersion ? [lastVersion] : [],
        additionalSecretOutputs: ["secretString"],
      },
    );
    lastVersion = version;
    // Delivered only once stored, so no consumer holds a token Secrets Manager does not know.
    const stored = version.versionId.apply(() => undefined);
    const delivered = args?.exposeValue
      ? pulumi.secret(pulumi.all([stored, token.value]).apply(([, v]) => v))
      : pulumi.secret(stored as pulumi.Output<unknown> as pulumi.Output<string>);
    return { value: delivered, credential: token.value, hash: token.hash, tokenId: secret.arn };
  };
  return { issue, secretArn: secret.arn, accessPolicyArn: access.arn };
}
