/**
 * A plain view of a stack's AWS resources, and the relations the raw-resource rules ask about:
 * which resource refers to which, and which principals hold a token. Pure: the policy pack turns the
 * analyzer's resources into {@link StackNode}s.
 */
import type { Finding } from "../catalog";
import { ownedByScopedToken } from "../ownership";

/** One resource of the stack, with the props a rule needs (an unknown prop is left out). */
export interface StackNode {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly props: Readonly<Record<string, unknown>>;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
  /** The name of the ScopedToken among the resource's ancestors, if any. */
  readonly owner?: string;
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

export const asList = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The names other resources may use to refer to a node: its name, arn and id, when known. */
function handles(node: StackNode): Set<unknown> {
  return new Set(
    [node.props.name, node.props.arn, node.props.id].filter((v) => typeof v === "string"),
  );
}

/** Whether `from.<prop>` refers to `to`: by a recorded dependency, or by a known name/ARN. */
export function refersTo(from: StackNode, prop: string, to: StackNode): boolean {
  if (from.propertyDependencies[prop]?.includes(to.urn)) return true;
  const names = handles(to);
  return asList(from.props[prop]).some((v) => names.has(v));
}

export const ofType = (nodes: readonly StackNode[], type: string) =>
  nodes.filter((n) => n.type === type);

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
  for (const g of groupsOfUsers(nodes, (m, prop) =>
    isTokenUser(principals, externalUsers, m, prop),
  )) {
    principals.add(g);
  }
  return { nodes: principals, externalUsers };
}

function isTokenUser(
  principals: ReadonlySet<StackNode>,
  externalUsers: ReadonlySet<string>,
  from: StackNode,
  prop: string,
): boolean {
  return (
    [...principals].some((p) => p.type === AWS_TYPES.user && refersTo(from, prop, p)) ||
    asList(from.props[prop]).some((v) => typeof v === "string" && externalUsers.has(v))
  );
}

/** The groups that memberships put selected users into (`member(membership, prop)` selects). */
export function groupsOfUsers(
  nodes: readonly StackNode[],
  member: (membership: StackNode, prop: string) => boolean,
): StackNode[] {
  const groups = ofType(nodes, AWS_TYPES.group);
  const out = new Set<StackNode>();
  for (const m of ofType(nodes, AWS_TYPES.groupMembership)) {
    if (member(m, "users"))
      groups.filter((g) => refersTo(m, "group", g)).forEach((g) => out.add(g));
  }
  for (const m of ofType(nodes, AWS_TYPES.userGroupMembership)) {
    if (member(m, "user"))
      groups.filter((g) => refersTo(m, "groups", g)).forEach((g) => out.add(g));
  }
  return [...out];
}

/** The name allowances are looked up by: the owning ScopedToken's, else the resource's own. */
export const allowanceName = (node: StackNode) => node.owner ?? node.name;
