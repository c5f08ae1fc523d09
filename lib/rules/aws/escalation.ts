/**
 * The AWS escalation model, as data: which IAM actions let a token gain rights it was not given,
 * and how. Sources: Rhino Security Labs' "AWS IAM Privilege Escalation – Methods and Mitigation"
 * (parts 1 and 2), the methods Pacu's iam__privesc_scan module implements, the paths Bishop Fox's
 * iam-vulnerable adds, the paths of DataDog's pathfinding.cloud, Cloudsplaining's escalation methods,
 * PMapper's edge checks and hackingthe.cloud's catalogue, and AWS's own documentation (passing
 * roles, permissions boundaries, credential self-service). Every entry names the method it blocks
 * and its source.
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
export const PATHFINDING = "https://pathfinding.cloud";
export const CLOUDSPLAINING =
  "https://github.com/salesforce/cloudsplaining/blob/master/cloudsplaining/shared/constants.py";
export const HACKING_THE_CLOUD =
  "https://hackingthe.cloud/aws/exploitation/iam_privilege_escalation/";
export const PMAPPER = "https://github.com/nccgroup/PMapper";
export const PROWLER =
  "https://github.com/prowler-cloud/prowler (iam_policy_allows_privilege_escalation)";
export const STRATUS = "https://stratus-red-team.cloud/attack-techniques/AWS/";
export const AWSPX = "https://github.com/WithSecureLabs/awspx";

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
  // Taking a policy away can lift a Deny it held.
  entry("iam:DeleteUserPolicy", "DeleteUserPolicy (drops a Deny)", HACKING_THE_CLOUD),
  entry("iam:DetachUserPolicy", "DetachUserPolicy (drops a Deny)", HACKING_THE_CLOUD),
  entry("iam:DeleteRolePolicy", "DeleteRolePolicy (drops a Deny)", HACKING_THE_CLOUD),
  entry("iam:DetachRolePolicy", "DetachRolePolicy (drops a Deny)", HACKING_THE_CLOUD),
  entry("iam:DeleteGroupPolicy", "DeleteGroupPolicy (drops a Deny)", HACKING_THE_CLOUD),
  entry("iam:DetachGroupPolicy", "DetachGroupPolicy (drops a Deny)", HACKING_THE_CLOUD),
  entry("iam:RemoveUserFromGroup", "RemoveUserFromGroup (drops a Deny)", HACKING_THE_CLOUD),
  // A resource policy the holder writes can grant the holder anything on that resource.
  entry("s3:PutBucketPolicy", "resource policy grants its writer access", CLOUDSPLAINING),
  entry("s3:PutBucketAcl", "resource policy grants its writer access", CLOUDSPLAINING),
  entry("s3:PutObjectAcl", "resource policy grants its writer access", CLOUDSPLAINING),
  entry("kms:PutKeyPolicy", "resource policy grants its writer access", CLOUDSPLAINING),
  entry("kms:CreateGrant", "resource policy grants its writer access", CLOUDSPLAINING),
  entry(
    "secretsmanager:PutResourcePolicy",
    "resource policy grants its writer access",
    CLOUDSPLAINING,
  ),
  entry("lambda:AddPermission", "resource policy grants its writer access", CLOUDSPLAINING),
  entry("sqs:AddPermission", "resource policy grants its writer access", CLOUDSPLAINING),
  entry("sns:AddPermission", "resource policy grants its writer access", CLOUDSPLAINING),
  entry("ecr:SetRepositoryPolicy", "resource policy grants its writer access", CLOUDSPLAINING),
  // IAM Identity Center permission sets are policies too.
  entry("sso:AttachManagedPolicyToPermissionSet", "permission set policy change", PROWLER),
  entry("sso:PutInlinePolicyToPermissionSet", "permission set policy change", PROWLER),
  // A trust anchor of the holder's own CA: certificates it signs become role sessions.
  entry("rolesanywhere:CreateTrustAnchor", "Roles Anywhere trust anchor", STRATUS),
  entry("rolesanywhere:UpdateTrustAnchor", "Roles Anywhere trust anchor", STRATUS),
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
  entry("ec2:RequestSpotInstances", "PassExistingRoleToNewEC2SpotInstance", PATHFINDING),
  entry("apprunner:CreateService", "PassExistingRoleToNewAppRunnerService", PATHFINDING),
  entry(
    "bedrock-agentcore:CreateCodeInterpreter",
    "PassExistingRoleToNewBedrockCodeInterpreter",
    PATHFINDING,
  ),
  entry("cloudformation:UpdateStackSet", "PassRoleToUpdateCloudFormationStackSet", PATHFINDING),
  entry("elasticmapreduce:RunJobFlow", "PassRole to an EMR cluster", AWS_PASSROLE),
  entry("ssm:StartAutomationExecution", "PassRole to an SSM automation", AWS_PASSROLE),
  entry("glue:CreateSession", "PassRole to a Glue interactive session", AWS_PASSROLE),
  entry("sagemaker:CreateHyperParameterTuningJob", "PassRole to a SageMaker job", AWS_PASSROLE),
  entry("batch:RegisterJobDefinition", "PassRole to a Batch job", AWS_PASSROLE),
  entry("braket:CreateJob", "PassRole to a Braket job", PROWLER),
  entry("cognito-identity:SetIdentityPoolRoles", "PassRole to a Cognito identity pool", PROWLER),
  entry("emr-serverless:StartJobRun", "PassRole to an EMR Serverless job", PROWLER),
  entry("gamelift:CreateFleet", "PassRole to a GameLift fleet", PROWLER),
  entry(
    "imagebuilder:CreateInfrastructureConfiguration",
    "PassRole to Image Builder instances",
    PROWLER,
  ),
  entry("kinesisanalytics:CreateApplication", "PassRole to a Kinesis Analytics app", PROWLER),
  entry("omics:StartRun", "PassRole to a HealthOmics run", PROWLER),
  entry("scheduler:CreateSchedule", "PassRole to an EventBridge schedule", PROWLER),
  entry("bedrock-agentcore:CreateAgentRuntime", "PassRole to an AgentCore runtime", PROWLER),
  entry("bedrock-agentcore:CreateBrowser", "PassRole to an AgentCore browser", PROWLER),
  entry("iam:AddRoleToInstanceProfile", "swap the role of an instance profile", AWSPX),
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
  entry(
    "ec2-instance-connect:SendSerialConsoleSSHPublicKey",
    "EC2InstanceConnect-SendSSHPublicKey (serial console)",
    HACKING_THE_CLOUD,
  ),
  entry("ssm:CreateAssociation", "SSM-SendCommand (State Manager)", PMAPPER),
  entry("codebuild:StartBuild", "StartBuildWithBuildspecOverride", PATHFINDING),
  entry("codebuild:StartBuildBatch", "StartBuildBatchWithBuildspecOverride", PATHFINDING),
  entry("codebuild:UpdateProject", "UpdateExistingCodeBuildProject", PMAPPER),
  entry("apprunner:UpdateService", "UpdateExistingAppRunnerService", PATHFINDING),
  entry("ecs:ExecuteCommand", "ECSExecuteCommandOnRunningTask", CLOUDSPLAINING),
  entry(
    "sagemaker:CreatePresignedDomainUrl",
    "SageMakerCreatePresignedNotebookURL (Studio)",
    RHINO_2,
  ),
  entry("states:UpdateStateMachine", "re-point a state machine that has a role", AWS_PASSROLE),
  entry("batch:SubmitJob", "BatchSubmitJob (command override)", PROWLER),
  entry(
    "bedrock-agentcore:InvokeAgentRuntimeCommand",
    "run a command in an AgentCore runtime",
    PROWLER,
  ),
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
  {
    actions: [
      "bedrock-agentcore:StartCodeInterpreterSession",
      "bedrock-agentcore:InvokeCodeInterpreter",
    ],
    method: "AccessExistingBedrockCodeInterpreterSession",
    source: PATHFINDING,
  },
  {
    actions: ["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"],
    method: "ExecuteCloudFormationChangeSet",
    source: PATHFINDING,
  },
  {
    actions: ["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"],
    method: "ModifyEC2InstanceUserDataThenRestart",
    source: PATHFINDING,
  },
  {
    actions: ["ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"],
    method: "ModifyExistingEC2LaunchTemplate",
    source: PATHFINDING,
  },
  {
    actions: [
      "sagemaker:CreateNotebookInstanceLifecycleConfig",
      "sagemaker:StopNotebookInstance",
      "sagemaker:UpdateNotebookInstance",
      "sagemaker:StartNotebookInstance",
    ],
    method: "UpdateSageMakerNotebookLifecycleConfig",
    source: PATHFINDING,
  },
  {
    actions: ["codedeploy:CreateDeployment", "codedeploy:RegisterApplicationRevision"],
    method: "CodeDeploy revision of the holder's",
    source: PROWLER,
  },
  {
    actions: [
      "bedrock-agentcore:StartBrowserSession",
      "bedrock-agentcore:ConnectBrowserAutomationStream",
    ],
    method: "drive an AgentCore browser that has a role",
    source: PROWLER,
  },
];

const lower = (a: string) => a.toLowerCase();
const find = (list: readonly EscalationAction[], action: string) =>
  list.find((e) => lower(e.action) === lower(action));

export const grantAction = (action: string) => find(GRANT_ACTIONS, action);
export const credentialAction = (action: string) => find(CREDENTIAL_ACTIONS, action);
export const computeAction = (action: string) => find(PASS_ROLE_COMPUTE, action);
export const takeoverAction = (action: string) => find(TAKEOVER_ACTIONS, action);

/**
 * Whether an action is in the escalation set, whatever its resource: allowActions may not list it
 * (nor a compute or combination action, which would let it pass on "*" beside iam:PassRole).
 */
export function isEscalationAction(action: string): boolean {
  return (
    grantAction(action) !== undefined ||
    credentialAction(action) !== undefined ||
    takeoverAction(action) !== undefined ||
    computeAction(action) !== undefined ||
    COMBINATIONS.some((c) => c.actions.some((a) => lower(a) === lower(action))) ||
    ["iam:passrole", "sts:assumerole"].includes(lower(action))
  );
}
