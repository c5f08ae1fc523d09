/**
 * The AWS escalation model, as data: which IAM actions let a token gain rights it was not given,
 * and how. Sources: Rhino Security Labs' "AWS IAM Privilege Escalation – Methods and Mitigation"
 * (parts 1 and 2), the methods Pacu's iam__privesc_scan module implements, the paths Bishop Fox's
 * iam-vulnerable adds, and AWS's own documentation (passing roles, permissions boundaries,
 * credential self-service). Every entry names the method it blocks and its source.
 */

export const RHINO_1 =
  "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/";
export const RHINO_2 =
  "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation-part-2/";
export const RHINO_CODESTAR =
  "https://rhinosecuritylabs.com/aws/escalating-aws-iam-privileges-undocumented-codestar-api/";
export const PACU =
  "https://github.com/RhinoSecurityLabs/pacu/blob/master/pacu/modules/iam__privesc_scan/main.py";
export const AWS_PASSROLE =
  "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html";
export const BISHOP_FOX = "https://github.com/BishopFox/iam-vulnerable";
export const AWS_SELF_SERVICE =
  "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_examples_aws_my-sec-creds-self-manage.html";
export const AWS_BOUNDARIES =
  "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html";

/** An action and the escalation method it enables. */
export interface EscalationAction {
  readonly action: string;
  /** The method's name as Pacu (or the source) calls it. */
  readonly method: string;
  readonly source: string;
}

const entry = (action: string, method: string, source = PACU): EscalationAction => ({
  action,
  method,
  source,
});

/** Actions that change what a principal may do: escalation on any resource, the token's own included. */
export const GRANT_ACTIONS: readonly EscalationAction[] = [
  entry("iam:CreatePolicyVersion", "CreateNewPolicyVersion"),
  entry("iam:SetDefaultPolicyVersion", "SetExistingDefaultPolicyVersion"),
  entry("iam:AttachUserPolicy", "AttachUserPolicy"),
  entry("iam:AttachGroupPolicy", "AttachGroupPolicy"),
  entry("iam:AttachRolePolicy", "AttachRolePolicy"),
  entry("iam:PutUserPolicy", "PutUserPolicy"),
  entry("iam:PutGroupPolicy", "PutGroupPolicy"),
  entry("iam:PutRolePolicy", "PutRolePolicy"),
  entry("iam:AddUserToGroup", "AddUserToGroup"),
  entry("iam:UpdateAssumeRolePolicy", "UpdateRolePolicyToAssumeIt"),
  entry("iam:PutUserPermissionsBoundary", "permissions boundary change", AWS_BOUNDARIES),
  entry("iam:DeleteUserPermissionsBoundary", "permissions boundary change", AWS_BOUNDARIES),
  entry("iam:PutRolePermissionsBoundary", "permissions boundary change", AWS_BOUNDARIES),
  entry("iam:DeleteRolePermissionsBoundary", "permissions boundary change", AWS_BOUNDARIES),
];

/** Actions that mint a credential for the principal named by the resource. */
export const CREDENTIAL_ACTIONS: readonly EscalationAction[] = [
  entry("iam:CreateAccessKey", "CreateAccessKey"),
  entry("iam:CreateLoginProfile", "CreateLoginProfile"),
  entry("iam:UpdateLoginProfile", "UpdateLoginProfile"),
  entry("iam:UpdateAccessKey", "another user's access key", AWS_SELF_SERVICE),
  entry("iam:CreateServiceSpecificCredential", "another user's credentials", AWS_SELF_SERVICE),
  entry("iam:ResetServiceSpecificCredential", "another user's credentials", AWS_SELF_SERVICE),
  entry("iam:UploadSSHPublicKey", "another user's SSH keys", AWS_SELF_SERVICE),
  entry("iam:UploadSigningCertificate", "another user's signing certificates", AWS_SELF_SERVICE),
];

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

/** Actions that start or re-point compute which then runs as a role the holder passes (iam:PassRole). */
export const PASS_ROLE_COMPUTE: readonly EscalationAction[] = [
  entry("ec2:RunInstances", "CreateEC2WithExistingIP"),
  entry("ec2:AssociateIamInstanceProfile", "CreateEC2WithExistingIP"),
  entry("ec2:ReplaceIamInstanceProfileAssociation", "CreateEC2WithExistingIP", AWS_PASSROLE),
  entry("lambda:CreateFunction", "PassExistingRoleToNewLambdaThenInvoke"),
  entry("lambda:UpdateFunctionConfiguration", "PassExistingRoleToNewLambdaThenInvoke", RHINO_2),
  entry("glue:CreateDevEndpoint", "PassExistingRoleToNewGlueDevEndpoint"),
  entry("glue:CreateJob", "PassRole to a Glue job", AWS_PASSROLE),
  entry("glue:UpdateJob", "PassRole to a Glue job", AWS_PASSROLE),
  entry("cloudformation:CreateStack", "PassExistingRoleToNewCloudFormation"),
  entry("cloudformation:UpdateStack", "PassExistingRoleToNewCloudFormation", AWS_PASSROLE),
  entry("cloudformation:CreateChangeSet", "PassExistingRoleToNewCloudFormation", AWS_PASSROLE),
  entry("cloudformation:CreateStackSet", "PassExistingRoleToNewCloudFormation", AWS_PASSROLE),
  entry("datapipeline:CreatePipeline", "PassExistingRoleToNewDataPipeline"),
  entry("datapipeline:PutPipelineDefinition", "PassExistingRoleToNewDataPipeline"),
  entry("codestar:CreateProject", "PassExistingRoleToNewCodeStarProject"),
  entry("sagemaker:CreateNotebookInstance", "SageMaker-CreateNotebookPassRole", RHINO_2),
  entry("sagemaker:CreateTrainingJob", "SageMaker-CreateTrainingJobPassRole", BISHOP_FOX),
  entry("sagemaker:CreateProcessingJob", "SageMaker-CreateProcessingJobPassRole", BISHOP_FOX),
  entry("ecs:RegisterTaskDefinition", "PassRole to an ECS task", AWS_PASSROLE),
  entry("ecs:RunTask", "PassRole to an ECS task", AWS_PASSROLE),
  entry("ecs:StartTask", "PassRole to an ECS task", AWS_PASSROLE),
  entry("codebuild:CreateProject", "CodeBuild-CreateProjectPassRole", BISHOP_FOX),
  entry("codebuild:UpdateProject", "CodeBuild-CreateProjectPassRole", AWS_PASSROLE),
  entry("states:CreateStateMachine", "PassRole to a state machine", AWS_PASSROLE),
  entry("autoscaling:CreateLaunchConfiguration", "CreateEC2WithExistingIP", AWS_PASSROLE),
  entry("ec2:CreateLaunchTemplate", "CreateEC2WithExistingIP", AWS_PASSROLE),
  entry("ec2:CreateLaunchTemplateVersion", "CreateEC2WithExistingIP", AWS_PASSROLE),
];

/** Actions that run code of the holder's choosing inside compute that already has a role. */
export const TAKEOVER_ACTIONS: readonly EscalationAction[] = [
  entry("lambda:UpdateFunctionCode", "EditExistingLambdaFunctionWithRole"),
  entry(
    "lambda:UpdateFunctionConfiguration",
    "Lambda layers / UpdateFunctionConfiguration",
    RHINO_2,
  ),
  entry("glue:UpdateDevEndpoint", "UpdateExistingGlueDevEndpoint"),
  entry(
    "sagemaker:CreatePresignedNotebookInstanceUrl",
    "SageMakerCreatePresignedNotebookURL",
    RHINO_2,
  ),
  entry("codestar:CreateProjectFromTemplate", "CodeStarCreateProjectFromTemplate", RHINO_CODESTAR),
  entry("cloudformation:UpdateStack", "CloudFormation-UpdateStack", BISHOP_FOX),
  entry("datapipeline:PutPipelineDefinition", "PassExistingRoleToNewDataPipeline", PACU),
  entry("ssm:SendCommand", "SSM-SendCommand", BISHOP_FOX),
  entry("ssm:StartSession", "SSM-StartSession", BISHOP_FOX),
  entry("ec2-instance-connect:SendSSHPublicKey", "EC2InstanceConnect-SendSSHPublicKey", BISHOP_FOX),
];

/** Actions that escalate only together, no PassRole needed: all of `actions` in one grant. */
export const COMBINATIONS: readonly {
  actions: readonly string[];
  method: string;
  source: string;
}[] = [
  {
    actions: ["codestar:CreateProject", "codestar:AssociateTeamMember"],
    method: "CodeStarCreateProjectThenAssociateTeamMember",
    source: PACU,
  },
];

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
const find = (list: readonly EscalationAction[], action: string) =>
  list.find((e) => lower(e.action) === lower(action));

export const grantAction = (action: string) => find(GRANT_ACTIONS, action);
export const credentialAction = (action: string) => find(CREDENTIAL_ACTIONS, action);
export const computeAction = (action: string) => find(PASS_ROLE_COMPUTE, action);
export const takeoverAction = (action: string) => find(TAKEOVER_ACTIONS, action);
export const isHarmlessOnStar = (action: string) =>
  ONLY_STAR_HARMLESS.some((a) => lower(a) === lower(action));
export const isSafeOnSelf = (action: string) =>
  SAFE_ON_SELF.some((a) => lower(a) === lower(action));

/** Whether an action is in the escalation set, whatever its resource (allowActions may not list it). */
export function isEscalationAction(action: string): boolean {
  return (
    grantAction(action) !== undefined ||
    credentialAction(action) !== undefined ||
    takeoverAction(action) !== undefined ||
    ["iam:passrole", "sts:assumerole"].includes(lower(action))
  );
}
