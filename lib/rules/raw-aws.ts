/**
 * Raw AWS resources, judged over a plain view of the stack: which principals hold tokens (users with
 * access keys, principals a ScopedToken owns), what their IAM policies grant, and whether access keys
 * and token secrets rotate. Pure: the policy pack turns the analyzer's resources into {@link StackNode}s.
 */
import { formatDuration } from "../schema/duration";
import type { BackendPolicy } from "../schema/policy-file";
import type { Finding } from "./catalog";
import { looksLikeToken, ownedByScopedToken } from "./ownership";
import { awsScopeProblems } from "./token-rules";

/** One resource of the stack, with the props a rule needs (an unknown prop is left out). */
export interface StackNode {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly props: Readonly<Record<string, unknown>>;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

/** A finding on one resource of the stack. */
export interface NodeFinding<R extends string> extends Finding<R> {
  readonly urn: string;
}

export const AWS_TYPES = {
  accessKey: "aws:iam/accessKey:AccessKey",
  user: "aws:iam/user:User",
  role: "aws:iam/role:Role",
  group: "aws:iam/group:Group",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  policy: "aws:iam/policy:Policy",
  userPolicyAttachment: "aws:iam/userPolicyAttachment:UserPolicyAttachment",
  rolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  groupPolicyAttachment: "aws:iam/groupPolicyAttachment:GroupPolicyAttachment",
  policyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  groupMembership: "aws:iam/groupMembership:GroupMembership",
  userGroupMembership: "aws:iam/userGroupMembership:UserGroupMembership",
  secret: "aws:secretsmanager/secret:Secret",
  secretRotation: "aws:secretsmanager/secretRotation:SecretRotation",
} as const;

/** AWS-managed policies that hand a token (nearly) everything. */
export const DEFAULT_FORBIDDEN_MANAGED_POLICIES = [
  "arn:aws:iam::aws:policy/AdministratorAccess",
  "arn:aws:iam::aws:policy/PowerUserAccess",
  "arn:aws:iam::aws:policy/IAMFullAccess",
] as const;

// ----------------------------------------------------------------------------- references

const asList = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The names other resources may use to refer to a node: its name, arn and id, when known. */
function handles(node: StackNode): Set<unknown> {
  return new Set(
    [node.props.name, node.props.arn, node.props.id].filter((v) => typeof v === "string"),
  );
}

/** Whether `from.<prop>` refers to `to`: by a recorded dependency, or by a known name/ARN. */
function refersTo(from: StackNode, prop: string, to: StackNode): boolean {
  if (from.propertyDependencies[prop]?.includes(to.urn)) return true;
  const names = handles(to);
  return asList(from.props[prop]).some((v) => names.has(v));
}

const ofType = (nodes: readonly StackNode[], type: string) => nodes.filter((n) => n.type === type);

// ----------------------------------------------------------------------------- token principals

/** Principals that hold a token: users with access keys, their groups, and principals a ScopedToken owns. */
export interface TokenPrincipals {
  readonly nodes: ReadonlySet<StackNode>;
  /** Names of users outside the stack that access keys in the stack belong to. */
  readonly externalUsers: ReadonlySet<string>;
}

export function tokenPrincipals(nodes: readonly StackNode[]): TokenPrincipals {
  const users = ofType(nodes, AWS_TYPES.user);
  const groups = ofType(nodes, AWS_TYPES.group);
  const principals = new Set<StackNode>(
    [...users, ...ofType(nodes, AWS_TYPES.role), ...groups].filter((n) =>
      ownedByScopedToken(n.urn),
    ),
  );
  const externalUsers = new Set<string>();
  for (const key of ofType(nodes, AWS_TYPES.accessKey)) {
    const user = users.find((u) => refersTo(key, "user", u));
    if (user) principals.add(user);
    else if (typeof key.props.user === "string") externalUsers.add(key.props.user);
  }
  const isTokenUser = (from: StackNode, prop: string) =>
    [...principals].some((p) => p.type === AWS_TYPES.user && refersTo(from, prop, p)) ||
    asList(from.props[prop]).some((v) => typeof v === "string" && externalUsers.has(v));
  for (const m of ofType(nodes, AWS_TYPES.groupMembership)) {
    if (!isTokenUser(m, "users")) continue;
    groups.filter((g) => refersTo(m, "group", g)).forEach((g) => principals.add(g));
  }
  for (const m of ofType(nodes, AWS_TYPES.userGroupMembership)) {
    if (!isTokenUser(m, "user")) continue;
    groups.filter((g) => refersTo(m, "groups", g)).forEach((g) => principals.add(g));
  }
  return { nodes: principals, externalUsers };
}

// ----------------------------------------------------------------------------- IAM documents

type LeastPrivilege = "aws-iam-least-privilege";

/**
 * Why an IAM policy document grants a token too much (empty when it is fine): each Allow statement
 * passes the same check a ScopedToken's AWS scopes pass. `allowActions` extends the policy file's.
 */
export function iamDocumentProblems(
  document: unknown,
  limits: BackendPolicy,
  allowActions: readonly string[] = [],
): string[] {
  let doc = document;
  if (typeof doc === "string") {
    try {
      doc = JSON.parse(doc);
    } catch (e) {
      return [
        `the document is not JSON (${(e as Error).message}), so tokenguard cannot tell what it grants`,
      ];
    }
  }
  if (typeof doc !== "object" || doc === null || !("Statement" in doc)) {
    return [
      'the document has no "Statement"; write { "Version": "2012-10-17", "Statement": [...] }',
    ];
  }
  const statements = asList((doc as { Statement: unknown }).Statement);
  const effective = { ...limits, allowActions: [...limits.allowActions, ...allowActions] };
  return statements.flatMap((raw, i) => {
    const where = `Statement[${i}]`;
    if (typeof raw !== "object" || raw === null) return [`${where} is not an object`];
    const s = raw as Record<string, unknown>;
    if (s.Effect !== "Allow") return [];
    if (s.NotAction !== undefined) {
      return [
        `${where}: NotAction with Allow grants every action but those listed; list the actions`,
      ];
    }
    const actions = asList(s.Action).filter((a): a is string => typeof a === "string");
    // NotResource with Allow reaches (nearly) every resource: judge it as "*".
    const resources =
      s.NotResource !== undefined
        ? ["*"]
        : asList(s.Resource).filter((r): r is string => typeof r === "string");
    return awsScopeProblems({ actions, resources }, effective).map((p) => `${where}: ${p}`);
  });
}

export interface IamOptions {
  /** Escalation actions this organisation allows, on top of the policy file's `allowActions`. */
  readonly allowActions?: readonly string[];
  /** Managed policy ARNs never attached to a token principal. */
  readonly forbiddenManagedPolicies?: readonly string[];
}

const PRINCIPAL_PROPS: Record<string, readonly string[]> = {
  [AWS_TYPES.userPolicy]: ["user"],
  [AWS_TYPES.rolePolicy]: ["role"],
  [AWS_TYPES.groupPolicy]: ["group"],
  [AWS_TYPES.userPolicyAttachment]: ["user"],
  [AWS_TYPES.rolePolicyAttachment]: ["role"],
  [AWS_TYPES.groupPolicyAttachment]: ["group"],
  [AWS_TYPES.policyAttachment]: ["users", "roles", "groups"],
};

const INLINE = new Set<string>([AWS_TYPES.userPolicy, AWS_TYPES.rolePolicy, AWS_TYPES.groupPolicy]);

/**
 * `aws-iam-least-privilege`: every inline policy and attached policy of a token principal. Findings
 * are reported on the policy (inline) or on the attachment; an unknown document is skipped.
 */
export function judgeTokenPrincipalPolicies(
  nodes: readonly StackNode[],
  limits: BackendPolicy,
  options: IamOptions = {},
): NodeFinding<LeastPrivilege>[] {
  const { nodes: principals, externalUsers } = tokenPrincipals(nodes);
  const forbiddenArns = options.forbiddenManagedPolicies ?? DEFAULT_FORBIDDEN_MANAGED_POLICIES;
  const findings: NodeFinding<LeastPrivilege>[] = [];
  const add = (urn: string, field: string, message: string) =>
    findings.push({ rule: "aws-iam-least-privilege", urn, field, message });
  for (const node of nodes) {
    const props = PRINCIPAL_PROPS[node.type];
    if (!props) continue;
    const holder = props.find(
      (prop) =>
        [...principals].some((p) => refersTo(node, prop, p)) ||
        (prop.startsWith("user") &&
          asList(node.props[prop]).some((v) => typeof v === "string" && externalUsers.has(v))),
    );
    if (holder === undefined) continue;
    const whose = `attached to a token principal (${holder})`;
    if (INLINE.has(node.type)) {
      if (node.props.policy === undefined) continue;
      for (const p of iamDocumentProblems(node.props.policy, limits, options.allowActions)) {
        add(node.urn, "policy", `inline policy ${whose}: ${p}`);
      }
      continue;
    }
    const managed = ofType(nodes, AWS_TYPES.policy).filter((p) => refersTo(node, "policyArn", p));
    for (const policy of managed) {
      if (policy.props.policy === undefined) continue;
      for (const p of iamDocumentProblems(policy.props.policy, limits, options.allowActions)) {
        add(node.urn, "policyArn", `policy "${policy.name}" ${whose}: ${p}`);
      }
    }
    const arn = node.props.policyArn;
    if (typeof arn === "string" && forbiddenArns.includes(arn)) {
      add(
        node.urn,
        "policyArn",
        `${arn} is ${whose} and grants (nearly) everything; attach a policy naming the exact actions and ARNs`,
      );
    }
  }
  return findings;
}

// ----------------------------------------------------------------------------- rotation

/** `aws-access-key-rotation`: every access key in the stack that no ScopedToken owns. */
export function judgeAccessKeys(
  nodes: readonly StackNode[],
  limits: BackendPolicy,
  source: string,
): NodeFinding<"aws-access-key-rotation">[] {
  const ceiling = formatDuration(limits.maxRotation);
  return ofType(nodes, AWS_TYPES.accessKey)
    .filter((key) => !ownedByScopedToken(key.urn))
    .map((key) => ({
      rule: "aws-access-key-rotation" as const,
      urn: key.urn,
      field: "user",
      message: `access key "${key.name}" is not owned by a ScopedToken: nothing rotates it and it never expires, while aws-iam keys must rotate at least every ${ceiling} (${source}); declare it with ScopedToken (backend: "aws-iam")`,
    }));
}

/** Rotation interval in seconds from SecretRotation `rotationRules`, when it can be read. */
export function rotationSeconds(rules: unknown): number | undefined {
  if (typeof rules !== "object" || rules === null) return undefined;
  const { automaticallyAfterDays, scheduleExpression } = rules as Record<string, unknown>;
  if (typeof automaticallyAfterDays === "number") return automaticallyAfterDays * 86400;
  const rate =
    typeof scheduleExpression === "string"
      ? /^rate\(\s*(\d+)\s+(hour|hours|day|days)\s*\)$/.exec(scheduleExpression.trim())
      : null;
  if (!rate) return undefined; // cron(...) schedules are not judged
  return Number(rate[1]) * (rate[2].startsWith("hour") ? 3600 : 86400);
}

/**
 * `aws-secret-rotation`: a secret whose name says it holds a token must be owned by a ScopedToken or
 * rotated by a SecretRotation within the aws-secret ceiling (`source` names the policy).
 */
export function judgeTokenSecrets(
  nodes: readonly StackNode[],
  limits: BackendPolicy,
  source: string,
  words?: readonly string[],
): NodeFinding<"aws-secret-rotation">[] {
  const rotations = ofType(nodes, AWS_TYPES.secretRotation);
  const ceiling = formatDuration(limits.maxRotation);
  const findings: NodeFinding<"aws-secret-rotation">[] = [];
  for (const secret of ofType(nodes, AWS_TYPES.secret)) {
    if (ownedByScopedToken(secret.urn)) continue;
    const named = [secret.name, secret.props.name, secret.props.namePrefix];
    if (!named.some((n) => typeof n === "string" && looksLikeToken(n, words))) continue;
    const rotation = rotations.find(
      (r) => refersTo(r, "secretId", secret) || r.dependencies.includes(secret.urn),
    );
    const add = (message: string) =>
      findings.push({ rule: "aws-secret-rotation", urn: secret.urn, field: "rotation", message });
    if (!rotation) {
      add(
        `secret "${secret.name}" holds a token and nothing rotates it; add an aws.secretsmanager.SecretRotation every ${ceiling} or less, or declare it with ScopedToken (backend: "aws-secret")`,
      );
      continue;
    }
    const every = rotationSeconds(rotation.props.rotationRules);
    if (every !== undefined && every > limits.maxRotation) {
      add(
        `secret "${secret.name}" rotates every ${formatDuration(every)}, slower than the aws-secret ceiling of ${ceiling} (${source}); rotate at least every ${ceiling}`,
      );
    }
  }
  return findings;
}
