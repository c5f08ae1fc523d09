/**
 * The escalation catalogue the tests run through the component, the pack (over gRPC) and `check`:
 * one case per AWS privilege-escalation method of Rhino Security Labs (parts 1 and 2) as Pacu's
 * iam__privesc_scan implements them, plus the paths Bishop Fox's iam-vulnerable adds, and one case
 * per Vault escalation endpoint. Each case is written in our own values (account 111122223333,
 * our names) and cites the method it follows. Every scope names its resources exactly, so what is
 * refused is the escalation itself, not a wildcard.
 */
import type { AwsScope } from "../../lib/schema/scopes";

const ACCT = "111122223333";
const role = (name: string) => `arn:aws:iam::${ACCT}:role/${name}`;
const user = (name: string) => `arn:aws:iam::${ACCT}:user/${name}`;
const fn = (name: string) => `arn:aws:lambda:eu-west-1:${ACCT}:function:${name}`;

const PACU = "Pacu iam__privesc_scan (github.com/RhinoSecurityLabs/pacu)";
const RHINO_1 = "rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/";
const RHINO_2 = "rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation-part-2/";
const BISHOP = "github.com/BishopFox/iam-vulnerable";

export interface AwsCase {
  /** The method's name in its source. */
  readonly method: string;
  readonly source: string;
  /** What the token holds: each scope one statement. */
  readonly scopes: readonly AwsScope[];
  /** What the refusal must say. */
  readonly refusal: RegExp;
}

const grant = (method: string, action: string, resource: string, n: number): AwsCase => ({
  method,
  source: `${PACU}; ${RHINO_1} method ${n}`,
  scopes: [{ actions: [action], resources: [resource] }],
  refusal: new RegExp(
    `"${action}" lets the holder grant itself more.*privilege escalation: ${method}`,
  ),
});

/** iam:PassRole on one named role, and the compute actions, on a named resource of their service. */
const passRole = (method: string, actions: string[], source: string): AwsCase => {
  const service = actions[0].split(":")[0];
  return {
    method,
    source,
    scopes: [
      { actions: ["iam:PassRole"], resources: [role("data-admin")] },
      { actions, resources: [`arn:aws:${service}:eu-west-1:${ACCT}:ci/${service}-job`] },
    ],
    refusal: new RegExp(
      `iam:PassRole \\(scopes\\[0\\]\\) with .*${actions[0]}.* runs as the passed role`,
    ),
  };
};

const PATHFINDING = "pathfinding.cloud (github.com/DataDog/pathfinding.cloud)";
const CLOUDSPLAINING = "github.com/salesforce/cloudsplaining PRIVILEGE_ESCALATION_METHODS";
const HTC = "hackingthe.cloud/aws/exploitation/iam_privilege_escalation/";
const PMAPPER = "github.com/nccgroup/PMapper";
const PROWLER = "github.com/prowler-cloud/prowler iam_policy_allows_privilege_escalation";
const STRATUS = "stratus-red-team.cloud aws.persistence.rolesanywhere-create-trust-anchor";
const arn = (service: string, resource: string) =>
  `arn:aws:${service}:eu-west-1:${ACCT}:${resource}`;

/** One action on one named resource, refused as a takeover of compute that has a role. */
const takeover = (method: string, action: string, resource: string, source: string): AwsCase => ({
  method,
  source,
  scopes: [{ actions: [action], resources: [resource] }],
  refusal: new RegExp(`"${action}" on .* runs code of the holder's choosing`),
});

/** One action on one named resource, refused as a grant the holder makes to itself. */
const selfGrant = (method: string, action: string, resource: string, source: string): AwsCase => ({
  method,
  source,
  scopes: [{ actions: [action], resources: [resource] }],
  refusal: new RegExp(`"${action}" lets the holder grant itself more`),
});

/** Actions that escalate together, each its own scope on one named resource. */
const together = (
  method: string,
  actions: string[],
  resource: string,
  source: string,
): AwsCase => ({
  method,
  source,
  scopes: actions.map((a) => ({ actions: [a], resources: [resource] })),
  refusal: new RegExp(
    `${actions[0]} \\(scopes\\[0\\]\\) with .*lets the holder escalate \\(privilege escalation: ${method}\\)`,
  ),
});

/**
 * Paths from catalogues the model was not first built from: pathfinding.cloud, Cloudsplaining,
 * PMapper and hackingthe.cloud. Our own values, as above.
 */
const HELD_OUT_CASES: readonly AwsCase[] = [
  passRole(
    "PassExistingRoleToNewAppRunnerService",
    ["apprunner:CreateService"],
    `${PATHFINDING} apprunner-001`,
  ),
  takeover(
    "UpdateExistingAppRunnerService",
    "apprunner:UpdateService",
    arn("apprunner", "service/web/0a1b2c3d"),
    `${PATHFINDING} apprunner-002`,
  ),
  passRole(
    "PassExistingRoleToNewBedrockCodeInterpreter",
    ["bedrock-agentcore:CreateCodeInterpreter"],
    `${PATHFINDING} bedrock-001; ${CLOUDSPLAINING}`,
  ),
  together(
    "AccessExistingBedrockCodeInterpreterSession",
    ["bedrock-agentcore:StartCodeInterpreterSession", "bedrock-agentcore:InvokeCodeInterpreter"],
    arn("bedrock-agentcore", "code-interpreter-custom/etl-0a1b"),
    `${PATHFINDING} bedrock-002`,
  ),
  passRole(
    "PassRoleToUpdateCloudFormationStackSet",
    ["cloudformation:UpdateStackSet"],
    `${PATHFINDING} cloudformation-004`,
  ),
  together(
    "ExecuteCloudFormationChangeSet",
    ["cloudformation:CreateChangeSet", "cloudformation:ExecuteChangeSet"],
    arn("cloudformation", "stack/network/0a1b2c3d"),
    `${PATHFINDING} cloudformation-005; ${PMAPPER}`,
  ),
  takeover(
    "StartBuildWithBuildspecOverride",
    "codebuild:StartBuild",
    arn("codebuild", "project/deploy"),
    `${PATHFINDING} codebuild-002; ${PMAPPER}`,
  ),
  takeover(
    "StartBuildBatchWithBuildspecOverride",
    "codebuild:StartBuildBatch",
    arn("codebuild", "project/deploy"),
    `${PATHFINDING} codebuild-003`,
  ),
  takeover(
    "UpdateExistingCodeBuildProject",
    "codebuild:UpdateProject",
    arn("codebuild", "project/deploy"),
    PMAPPER,
  ),
  together(
    "ModifyEC2InstanceUserDataThenRestart",
    ["ec2:ModifyInstanceAttribute", "ec2:StopInstances", "ec2:StartInstances"],
    arn("ec2", "instance/i-0abc1234def567890"),
    `${PATHFINDING} ec2-002`,
  ),
  passRole(
    "PassExistingRoleToNewEC2SpotInstance",
    ["ec2:RequestSpotInstances"],
    `${PATHFINDING} ec2-003`,
  ),
  together(
    "ModifyExistingEC2LaunchTemplate",
    ["ec2:CreateLaunchTemplateVersion", "ec2:ModifyLaunchTemplate"],
    arn("ec2", "launch-template/lt-0abc1234def567890"),
    `${PATHFINDING} ec2-004`,
  ),
  takeover(
    "ECSExecuteCommandOnRunningTask",
    "ecs:ExecuteCommand",
    arn("ecs", "task/prod/0a1b2c3d4e5f"),
    CLOUDSPLAINING,
  ),
  together(
    "UpdateSageMakerNotebookLifecycleConfig",
    [
      "sagemaker:CreateNotebookInstanceLifecycleConfig",
      "sagemaker:StopNotebookInstance",
      "sagemaker:UpdateNotebookInstance",
      "sagemaker:StartNotebookInstance",
    ],
    arn("sagemaker", "notebook-instance/research"),
    `${PATHFINDING} sagemaker-005`,
  ),
  selfGrant("DeleteUserPolicy (drops a Deny)", "iam:DeleteUserPolicy", user("report-bot"), HTC),
  selfGrant("DetachUserPolicy (drops a Deny)", "iam:DetachUserPolicy", user("report-bot"), HTC),
  selfGrant("DeleteRolePolicy (drops a Deny)", "iam:DeleteRolePolicy", role("report-runner"), HTC),
  selfGrant("DetachRolePolicy (drops a Deny)", "iam:DetachRolePolicy", role("report-runner"), HTC),
  selfGrant(
    "resource policy grants its writer access",
    "s3:PutBucketPolicy",
    "arn:aws:s3:::acme-reports",
    `${CLOUDSPLAINING} (permissions management)`,
  ),
  selfGrant(
    "resource policy grants its writer access",
    "kms:CreateGrant",
    arn("kms", "key/0a1b2c3d-1111-2222-3333-444455556666"),
    `${CLOUDSPLAINING} (permissions management)`,
  ),
  takeover("BatchSubmitJob", "batch:SubmitJob", arn("batch", "job-definition/etl:3"), PROWLER),
  passRole(
    "PassRole to Image Builder instances",
    ["imagebuilder:CreateInfrastructureConfiguration"],
    PROWLER,
  ),
  passRole("PassRole to an EventBridge schedule", ["scheduler:CreateSchedule"], PROWLER),
  selfGrant(
    "permission set policy change",
    "sso:PutInlinePolicyToPermissionSet",
    `arn:aws:sso:::permissionSet/ssoins-0a1b2c3d4e5f6a7b/ps-0a1b2c3d4e5f6a7b`,
    PROWLER,
  ),
  selfGrant(
    "Roles Anywhere trust anchor",
    "rolesanywhere:CreateTrustAnchor",
    arn("rolesanywhere", "trust-anchor/0a1b2c3d-1111-2222-3333-444455556666"),
    STRATUS,
  ),
  together(
    "CodeDeploy revision of the holder's",
    ["codedeploy:CreateDeployment", "codedeploy:RegisterApplicationRevision"],
    arn("codedeploy", "application:web"),
    PROWLER,
  ),
];

export const AWS_CASES: readonly AwsCase[] = [
  grant(
    "CreateNewPolicyVersion",
    "iam:CreatePolicyVersion",
    `arn:aws:iam::${ACCT}:policy/ci-deploy`,
    1,
  ),
  grant(
    "SetExistingDefaultPolicyVersion",
    "iam:SetDefaultPolicyVersion",
    `arn:aws:iam::${ACCT}:policy/ci-deploy`,
    2,
  ),
  passRole("CreateEC2WithExistingIP", ["ec2:RunInstances"], `${PACU}; ${RHINO_1} method 3`),
  {
    method: "CreateAccessKey",
    source: `${PACU}; ${RHINO_1} method 4`,
    scopes: [{ actions: ["iam:CreateAccessKey"], resources: [user("admin")] }],
    refusal:
      /"iam:CreateAccessKey" on arn:aws:iam::111122223333:user\/admin mints a credential for another principal/,
  },
  {
    method: "CreateLoginProfile",
    source: `${PACU}; ${RHINO_1} method 5`,
    scopes: [{ actions: ["iam:CreateLoginProfile"], resources: [user("finance-lead")] }],
    refusal: /"iam:CreateLoginProfile" on .*user\/finance-lead mints a credential/,
  },
  {
    method: "UpdateLoginProfile",
    source: `${PACU}; ${RHINO_1} method 6`,
    scopes: [{ actions: ["iam:UpdateLoginProfile"], resources: [user("finance-lead")] }],
    refusal: /"iam:UpdateLoginProfile" on .*user\/finance-lead mints a credential/,
  },
  grant("AttachUserPolicy", "iam:AttachUserPolicy", user("report-bot"), 7),
  grant("AttachGroupPolicy", "iam:AttachGroupPolicy", `arn:aws:iam::${ACCT}:group/reporting`, 8),
  grant("AttachRolePolicy", "iam:AttachRolePolicy", role("report-runner"), 9),
  grant("PutUserPolicy", "iam:PutUserPolicy", user("report-bot"), 10),
  grant("PutGroupPolicy", "iam:PutGroupPolicy", `arn:aws:iam::${ACCT}:group/reporting`, 11),
  grant("PutRolePolicy", "iam:PutRolePolicy", role("report-runner"), 12),
  grant("AddUserToGroup", "iam:AddUserToGroup", `arn:aws:iam::${ACCT}:group/admins`, 13),
  grant("UpdateRolePolicyToAssumeIt", "iam:UpdateAssumeRolePolicy", role("break-glass"), 14),
  passRole(
    "PassExistingRoleToNewLambdaThenInvoke",
    ["lambda:CreateFunction", "lambda:InvokeFunction"],
    `${PACU}; ${RHINO_1} method 15`,
  ),
  passRole(
    "PassExistingRoleToNewLambdaThenInvokeCrossAccount",
    ["lambda:CreateFunction", "lambda:AddPermission"],
    PACU,
  ),
  passRole(
    "PassExistingRoleToNewLambdaThenTriggerWithNewDynamo",
    [
      "lambda:CreateFunction",
      "lambda:CreateEventSourceMapping",
      "dynamodb:CreateTable",
      "dynamodb:PutItem",
    ],
    `${PACU}; ${RHINO_1} method 16`,
  ),
  passRole(
    "PassExistingRoleToNewLambdaThenTriggerWithExistingDynamo",
    ["lambda:CreateFunction", "lambda:CreateEventSourceMapping"],
    `${PACU}; ${RHINO_1} method 16`,
  ),
  passRole(
    "PassExistingRoleToNewGlueDevEndpoint",
    ["glue:CreateDevEndpoint", "glue:GetDevEndpoint"],
    `${PACU}; ${RHINO_1} method 18`,
  ),
  {
    method: "UpdateExistingGlueDevEndpoint",
    source: `${PACU}; ${RHINO_1} method 19`,
    scopes: [
      {
        actions: ["glue:UpdateDevEndpoint"],
        resources: [`arn:aws:glue:eu-west-1:${ACCT}:devEndpoint/etl-dev`],
      },
    ],
    refusal:
      /"glue:UpdateDevEndpoint" on .*devEndpoint\/etl-dev runs code of the holder's choosing/,
  },
  passRole(
    "PassExistingRoleToNewCloudFormation",
    ["cloudformation:CreateStack"],
    `${PACU}; ${RHINO_1} method 20`,
  ),
  passRole(
    "PassExistingRoleToNewDataPipeline",
    ["datapipeline:CreatePipeline", "datapipeline:PutPipelineDefinition"],
    `${PACU}; ${RHINO_1} method 21`,
  ),
  {
    method: "EditExistingLambdaFunctionWithRole",
    source: `${PACU}; ${RHINO_1} method 17`,
    scopes: [{ actions: ["lambda:UpdateFunctionCode"], resources: [fn("billing-export")] }],
    refusal:
      /"lambda:UpdateFunctionCode" on .*function:billing-export runs code of the holder's choosing/,
  },
  passRole(
    "PassExistingRoleToNewCodeStarProject",
    ["codestar:CreateProject"],
    `${PACU}; ${RHINO_2}`,
  ),
  {
    method: "CodeStarCreateProjectFromTemplate",
    source: `${PACU}; rhinosecuritylabs.com/aws/escalating-aws-iam-privileges-undocumented-codestar-api/`,
    scopes: [
      {
        actions: ["codestar:CreateProjectFromTemplate"],
        resources: [`arn:aws:codestar:eu-west-1:${ACCT}:project/tools`],
      },
    ],
    refusal: /"codestar:CreateProjectFromTemplate" on .* runs code of the holder's choosing/,
  },
  {
    method: "CodeStarCreateProjectThenAssociateTeamMember",
    source: `${PACU}; ${RHINO_2}`,
    scopes: [
      {
        actions: ["codestar:CreateProject"],
        resources: [`arn:aws:codestar:eu-west-1:${ACCT}:project/tools`],
      },
      {
        actions: ["codestar:AssociateTeamMember"],
        resources: [`arn:aws:codestar:eu-west-1:${ACCT}:project/tools`],
      },
    ],
    refusal:
      /codestar:CreateProject \(scopes\[0\]\) with codestar:AssociateTeamMember \(scopes\[1\]\) lets the holder escalate/,
  },
  {
    method: "lambda:UpdateFunctionConfiguration (layers)",
    source: RHINO_2,
    scopes: [
      { actions: ["lambda:UpdateFunctionConfiguration"], resources: [fn("billing-export")] },
    ],
    refusal: /"lambda:UpdateFunctionConfiguration" on .* runs code of the holder's choosing/,
  },
  passRole(
    "PassRole + sagemaker:CreateNotebookInstance",
    ["sagemaker:CreateNotebookInstance", "sagemaker:CreatePresignedNotebookInstanceUrl"],
    `${RHINO_2} method 2; ${BISHOP} SageMaker-CreateNotebookPassRole`,
  ),
  {
    method: "sagemaker:CreatePresignedNotebookInstanceUrl",
    source: `${RHINO_2} method 3; ${BISHOP} SageMakerCreatePresignedNotebookURL`,
    scopes: [
      {
        actions: ["sagemaker:CreatePresignedNotebookInstanceUrl"],
        resources: [`arn:aws:sagemaker:eu-west-1:${ACCT}:notebook-instance/analytics`],
      },
    ],
    refusal:
      /"sagemaker:CreatePresignedNotebookInstanceUrl" on .* runs code of the holder's choosing/,
  },
  passRole("CodeBuild-CreateProjectPassRole", ["codebuild:CreateProject"], BISHOP),
  passRole("SageMaker-CreateTrainingJobPassRole", ["sagemaker:CreateTrainingJob"], BISHOP),
  passRole("SageMaker-CreateProcessingJobPassRole", ["sagemaker:CreateProcessingJob"], BISHOP),
  {
    method: "EC2InstanceConnect-SendSSHPublicKey",
    source: BISHOP,
    scopes: [
      {
        actions: ["ec2-instance-connect:SendSSHPublicKey"],
        resources: [`arn:aws:ec2:eu-west-1:${ACCT}:instance/i-0abc1234def567890`],
      },
    ],
    refusal: /"ec2-instance-connect:SendSSHPublicKey" on .* runs code of the holder's choosing/,
  },
  {
    method: "CloudFormation-UpdateStack",
    source: BISHOP,
    scopes: [
      {
        actions: ["cloudformation:UpdateStack"],
        resources: [`arn:aws:cloudformation:eu-west-1:${ACCT}:stack/network/0a1b2c3d`],
      },
    ],
    refusal: /"cloudformation:UpdateStack" on .* runs code of the holder's choosing/,
  },
  {
    method: "SSM-SendCommand",
    source: BISHOP,
    scopes: [
      {
        actions: ["ssm:SendCommand"],
        resources: [`arn:aws:ec2:eu-west-1:${ACCT}:instance/i-0abc1234def567890`],
      },
    ],
    refusal: /"ssm:SendCommand" on .* runs code of the holder's choosing/,
  },
  {
    method: "SSM-StartSession",
    source: BISHOP,
    scopes: [
      {
        actions: ["ssm:StartSession"],
        resources: [`arn:aws:ec2:eu-west-1:${ACCT}:instance/i-0abc1234def567890`],
      },
    ],
    refusal: /"ssm:StartSession" on .* runs code of the holder's choosing/,
  },
  ...HELD_OUT_CASES,
];

export interface VaultCase {
  readonly endpoint: string;
  readonly scope: string;
  readonly source: string;
  readonly refusal: RegExp;
}

const API = "developer.hashicorp.com/vault/api-docs";
const vault = (endpoint: string, scope: string, source: string): VaultCase => ({
  endpoint,
  scope,
  source: `${API}/${source}`,
  refusal: new RegExp(`privilege escalation: (vault [\\w-]+, )*vault ${endpoint}[,) ]`),
});

export const VAULT_CASES: readonly VaultCase[] = [
  vault("token-create", "auth/token/create:update", "auth/token"),
  vault("token-create-orphan", "auth/token/create-orphan:update", "auth/token"),
  vault("token-create-with-role", "auth/token/create/ci-runner:update", "auth/token"),
  vault("token-roles", "auth/token/roles/ci-runner:create,update", "auth/token"),
  vault("identity-entity", "identity/entity/id/*:update", "secret/identity/entity"),
  vault("identity-entity", "identity/entity/name/svc-deploy:update", "secret/identity/entity"),
  vault(
    "identity-entity-alias",
    "identity/entity-alias:create,update",
    "secret/identity/entity-alias",
  ),
  vault("identity-group", "identity/group/name/platform-admins:update", "secret/identity/group"),
  vault("identity-group-alias", "identity/group-alias:create", "secret/identity/group-alias"),
  vault("auth-users", "auth/userpass/users/*:create,update", "auth/userpass"),
  vault("auth-users", "auth/userpass/users/ops-lead/password:update", "auth/userpass"),
  vault("auth-users", "auth/ldap/users/jdoe:update", "auth/ldap"),
  vault("auth-groups", "auth/ldap/groups/sre:update", "auth/ldap"),
  vault("auth-groups", "auth/okta/groups/engineering:update", "auth/okta"),
  vault("auth-roles", "auth/approle/role/*:create,update", "auth/approle"),
  vault("auth-roles", "auth/approle/role/deployer/secret-id:update", "auth/approle"),
  vault("auth-roles", "auth/jwt/role/gitlab-ci:update", "auth/jwt"),
  vault("auth-roles", "auth/kubernetes/role/payments:create", "auth/kubernetes"),
  vault("auth-roles", "auth/aws/role/ec2-app:update", "auth/aws"),
  vault("auth-certs", "auth/cert/certs/web-clients:update", "auth/cert"),
  vault("auth-maps", "auth/github/map/teams/ops:update", "auth/github"),
  vault("auth-config", "auth/ldap/config:update", "auth/ldap"),
  vault("auth-config", "auth/jwt/config:update", "auth/jwt"),
  // The tune alias under sys/mounts needs no sudo, unlike sys/auth/token/tune (Vault 1.21.1, run).
  vault("auth-tune", "sys/mounts/auth/token/tune:update", "system/mounts"),
  vault("auth-tune", "sys/mounts/auth/ci/approle/tune:patch", "system/mounts"),
  vault("acl-policies", "sys/policy/ci-deploy:update", "system/policy"),
  vault("acl-policies", "sys/policies/acl/ci-deploy:create,update", "system/policies"),
];

/** Globs that cover an escalation endpoint without naming it. */
export const VAULT_GLOB_CASES: readonly { scope: string; refusal: RegExp }[] = [
  { scope: "auth/*:create,update", refusal: /reaches 10 escalation endpoints/ },
  {
    scope: "auth/token/*:update",
    refusal:
      /vault token-create[,)].*privilege escalation|privilege escalation: .*vault token-create-orphan/,
  },
  { scope: "auth/token/create*:update", refusal: /privilege escalation: vault token-create, / },
  { scope: "auth/+/users/*:update", refusal: /privilege escalation: vault auth-users[,)]/ },
  {
    scope: "auth/userpass/*:create",
    refusal: /escalation endpoints.*privilege escalation: vault auth-users/,
  },
  { scope: "identity/*:update", refusal: /privilege escalation: vault identity-[a-z-]+, / },
  { scope: "identity/+/name/ops:update", refusal: /vault identity-group[,) ]/ },
  { scope: "a*:create,update", refusal: /has a wildcard in its mount/ },
  { scope: "+/token/create:update", refusal: /grants everything/ },
  { scope: "secret/../auth/token/create:update", refusal: /has a "\.\." segment/ },
];
