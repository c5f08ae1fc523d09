/**
 * The forms the AWS escalation model (./escalation) lets pass: credential actions harmless on the
 * token's own user, actions that only work on "*" and read nothing, SSM documents that run no code
 * of the caller's choosing, and the services a compute action passes its role to (for
 * `iam:PassedToService`).
 */

/**
 * Credential actions a token may hold on its own principal: they give it nothing it does not have
 * and nothing that outlives it. Long-lived programmatic credentials for itself are not among them:
 * tokenguard never rotates those (and a third access key is refused by AWS, stopping rotation).
 */
export const SAFE_ON_SELF = [
  "iam:CreateLoginProfile",
  "iam:UpdateLoginProfile",
  "iam:UpdateAccessKey",
  "iam:UploadSSHPublicKey",
] as const;

/**
 * AWS-owned SSM documents that run no code of the caller's choosing: `ssm:SendCommand` /
 * `ssm:CreateAssociation` limited to these (by their document ARNs) is no takeover.
 */
export const SSM_SAFE_COMMAND_DOCUMENTS = [
  "AWS-RunPatchBaseline",
  "AWS-UpdateSSMAgent",
  "AWS-GatherSoftwareInventory",
] as const;

/**
 * Session documents that open no shell. `ssm:StartSession` limited to these is no takeover only
 * with the condition `ssm:SessionDocumentAccessCheck: "true"`: without it the default document,
 * a shell, stays open to the holder.
 */
export const SSM_SAFE_SESSION_DOCUMENTS = [
  "AWS-StartPortForwardingSession",
  "AWS-StartPortForwardingSessionToRemoteHost",
] as const;

/**
 * The service names (the first label of `<name>.amazonaws.com`) a compute action passes its role
 * to, where they are not the action's own service: an `iam:PassedToService` condition naming none
 * of them keeps the pair from escalating.
 */
export const PASSED_TO: Readonly<Record<string, readonly string[]>> = {
  autoscaling: ["ec2"],
  ecs: ["ecs-tasks", "ecs"],
  batch: ["ecs-tasks", "batch"],
  elasticmapreduce: ["elasticmapreduce", "ec2"],
  datapipeline: ["datapipeline", "elasticmapreduce", "ec2"],
  apprunner: ["apprunner", "build.apprunner", "tasks.apprunner"],
  ssm: ["ssm"],
  imagebuilder: ["imagebuilder", "ec2"],
  iam: ["ec2"],
};

/**
 * Actions that only work on Resource "*" and read nothing of any resource (or only send the
 * caller's own telemetry): allowed on "*". AWS's Service Authorization Reference lists no resource
 * type for each of them. Everything else on "*" stays refused.
 */
export const ONLY_STAR_HARMLESS = [
  "sts:GetCallerIdentity",
  "ecr:GetAuthorizationToken",
  "ecr-public:GetAuthorizationToken",
  "s3:ListAllMyBuckets",
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
  "xray:GetSamplingStatisticSummaries",
  "ec2:DescribeRegions",
  "ec2:DescribeAvailabilityZones",
] as const;

const lower = (a: string) => a.toLowerCase();
export const isHarmlessOnStar = (action: string) =>
  ONLY_STAR_HARMLESS.some((a) => lower(a) === lower(action));
export const isSafeOnSelf = (action: string) =>
  SAFE_ON_SELF.some((a) => lower(a) === lower(action));
