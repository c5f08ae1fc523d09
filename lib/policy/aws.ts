/**
 * Raw AWS resources, judged over the whole stack (ownership and attachments are relations between
 * resources): access keys and token secrets must rotate, token principals must hold least privilege.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { ownedByScopedToken } from "../rules/ownership";
import { allowActionProblem } from "../schema/allowance";
import {
  AWS_TYPES,
  DEFAULT_FORBIDDEN_MANAGED_POLICIES,
  judgeAccessKeys,
  judgeTokenPrincipalPolicies,
  judgeTokenSecrets,
  type NodeFinding,
  type StackNode,
} from "../rules/raw-aws";
import {
  configWithDefaults,
  metadata,
  POLICY_SOURCE_PROPERTIES,
  policyFor,
  type PolicySourceConfig,
} from "./config";
import { stackNode, Unknowns } from "./facts";

/** The props each AWS type contributes to the stack view; documents must be known to be judged. */
const PROPS: Record<string, { props: string[]; mustKnow?: string[] }> = {
  [AWS_TYPES.accessKey]: { props: ["user"] },
  [AWS_TYPES.user]: { props: ["name", "arn", "id", "path"] },
  [AWS_TYPES.role]: { props: ["name", "arn", "id", "path", "assumeRolePolicy"] },
  [AWS_TYPES.group]: { props: ["name", "arn", "id"] },
  [AWS_TYPES.userPolicy]: { props: ["user", "policy"], mustKnow: ["policy"] },
  [AWS_TYPES.rolePolicy]: { props: ["role", "policy"], mustKnow: ["policy"] },
  [AWS_TYPES.groupPolicy]: { props: ["group", "policy"], mustKnow: ["policy"] },
  [AWS_TYPES.policy]: { props: ["name", "arn", "id", "policy"], mustKnow: ["policy"] },
  [AWS_TYPES.userPolicyAttachment]: { props: ["user", "policyArn"] },
  [AWS_TYPES.rolePolicyAttachment]: { props: ["role", "policyArn"] },
  [AWS_TYPES.groupPolicyAttachment]: { props: ["group", "policyArn"] },
  [AWS_TYPES.policyAttachment]: { props: ["users", "roles", "groups", "policyArn"] },
  [AWS_TYPES.groupMembership]: { props: ["group", "users"] },
  [AWS_TYPES.userGroupMembership]: { props: ["user", "groups"] },
  [AWS_TYPES.secret]: { props: ["name", "namePrefix", "arn", "id"] },
  [AWS_TYPES.secretRotation]: { props: ["secretId", "rotationRules"] },
};

/**
 * The AWS resources of the stack as plain nodes. A document unknown at preview is noted in
 * `unknowns`, except on a ScopedToken's children: the component judged the same scopes already.
 */
export function awsNodes(resources: readonly PolicyResource[], unknowns: Unknowns): StackNode[] {
  return resources
    .filter((r) => r.type in PROPS)
    .map((r) => {
      const { props, mustKnow } = PROPS[r.type];
      return stackNode(r, props, unknowns, ownedByScopedToken(r.urn) ? [] : mustKnow);
    });
}

function reportOn(
  findings: readonly NodeFinding<string>[],
  report: (m: string, urn: string) => void,
) {
  for (const f of findings) report(f.message, f.urn);
}

const policySource = { properties: POLICY_SOURCE_PROPERTIES };

export const awsAccessKeyRotation: StackValidationPolicy = {
  ...metadata("aws-access-key-rotation"),
  configSchema: policySource,
  validateStack: (args, report) => {
    const policy = policyFor(configWithDefaults(policySource, args.getConfig()));
    const nodes = awsNodes(args.resources, new Unknowns());
    reportOn(judgeAccessKeys(nodes, policy.backends["aws-iam"], policy.source), report);
  },
};

const iamSchema = {
  properties: {
    ...POLICY_SOURCE_PROPERTIES,
    allowActions: {
      type: "array" as const,
      items: { type: "string" as const },
      default: [],
      description:
        'Exact, non-escalation IAM actions this organisation allows token principals on every resource ("*"), on top of the policy file\'s backends.aws-iam.allowActions. Wildcards and escalation actions are refused: allow an escalation for one token in the policy file (tokens.<name>.allowEscalation).',
    },
    forbiddenManagedPolicies: {
      type: "array" as const,
      items: { type: "string" as const },
      default: [...DEFAULT_FORBIDDEN_MANAGED_POLICIES],
      description: "Managed policy ARNs never attached to a token principal.",
    },
  },
};

/** Pack config `allowActions` is held to the policy file's rule: exact, non-escalation actions. */
function checkAllowActions(actions: readonly string[]): void {
  const problems = actions.flatMap((a, i) => {
    const problem = allowActionProblem(a);
    return problem ? [`aws-iam-least-privilege.allowActions[${i}]: ${problem}`] : [];
  });
  if (problems.length) throw new Error(`invalid policy pack config:\n  ${problems.join("\n  ")}`);
}

export const awsIamLeastPrivilege: StackValidationPolicy = {
  ...metadata("aws-iam-least-privilege"),
  configSchema: iamSchema,
  validateStack: (args, report) => {
    const config = configWithDefaults<
      PolicySourceConfig & { allowActions: string[]; forbiddenManagedPolicies: string[] }
    >(iamSchema, args.getConfig());
    checkAllowActions(config.allowActions);
    const unknowns = new Unknowns();
    reportOn(
      judgeTokenPrincipalPolicies(awsNodes(args.resources, unknowns), policyFor(config), config),
      report,
    );
    unknowns.rethrow(); // documents unknown at preview: advisory, judged at update
  },
};

/** Every secret is a credential, whatever its name: no name words to configure. */
export const awsSecretRotation: StackValidationPolicy = {
  ...metadata("aws-secret-rotation"),
  configSchema: policySource,
  validateStack: (args, report) => {
    const policy = policyFor(configWithDefaults(policySource, args.getConfig()));
    const nodes = awsNodes(args.resources, new Unknowns());
    reportOn(judgeTokenSecrets(nodes, policy.backends["aws-secret"], policy.source), report);
  },
};

export const awsPolicies = [awsAccessKeyRotation, awsIamLeastPrivilege, awsSecretRotation];
