/**
 * Roles declared in the same program that a principal can become: through sts:AssumeRole it holds on
 * the role's exact ARN, or because the role's trust policy names the principal itself (in one
 * account, a trust policy naming a principal's ARN is enough). What such a role holds counts as the
 * principal's own (Bishop Fox iam-vulnerable, path STS-AssumeRole).
 */
import { actionMatches } from "../aws-actions";
import { namesOneResource, parseArn } from "./arns";
import type { Held, Origin, Principal } from "./holdings";
import { ownOf } from "./holdings";
import { AWS_TYPES, asList, ofType, type StackNode } from "./stack";

export interface Reach {
  readonly role: StackNode;
  /** What makes the role reachable: the grant of sts:AssumeRole, or the role's trust policy. */
  readonly origin: Origin;
  readonly how: string;
}

/** Whether an ARN (or resource part) is the role. */
function isRole(role: StackNode, arn: string): boolean {
  if (role.props.arn === arn) return true;
  const name = role.props.name;
  if (typeof name !== "string") return false;
  const path = typeof role.props.path === "string" ? role.props.path : "/";
  return parseArn(arn)?.resource === `role${path}${name}`;
}

/** The AWS principals a trust policy lets assume the role (Allow statements with sts:AssumeRole). */
function trusted(role: StackNode): string[] {
  const raw = role.props.assumeRolePolicy;
  const doc = typeof raw === "string" ? safeJson(raw) : raw;
  return asList((doc as { Statement?: unknown } | undefined)?.Statement).flatMap((s) => {
    if (typeof s !== "object" || s === null) return [];
    const { Effect, Action, Principal } = s as Record<string, unknown>;
    const actions = asList(Action).filter((a): a is string => typeof a === "string");
    if (Effect !== "Allow" || !actionMatches("sts:AssumeRole", actions)) return [];
    const aws = (Principal as { AWS?: unknown } | undefined)?.AWS;
    return asList(aws).filter((p): p is string => typeof p === "string");
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function byGrant(roles: readonly StackNode[], held: readonly Held[]): Reach[] {
  return held.flatMap(({ origin, statement: s }) => {
    if (s.effect !== "Allow" || s.notAction || !actionMatches("sts:AssumeRole", s.actions))
      return [];
    return s.resources
      .filter(namesOneResource)
      .flatMap((arn) => roles.filter((r) => isRole(r, arn)))
      .map((role) => ({ role, origin, how: `sts:AssumeRole on role "${role.name}"` }));
  });
}

function byTrust(roles: readonly StackNode[], principal: Principal): Reach[] {
  const own = ownOf(principal);
  if (own.length === 0) return [];
  return roles
    .filter((role) =>
      trusted(role).some((p) => own.includes(p) || own.includes(parseArn(p)?.resource ?? "")),
    )
    .map((role) => ({
      role,
      origin: { urn: role.urn, field: "assumeRolePolicy", document: "trust policy" },
      how: `role "${role.name}", whose trust policy names this principal`,
    }));
}

/** The stack's roles one step away from the principal (it may assume them). */
export function assumableRoles(
  nodes: readonly StackNode[],
  principal: Principal,
  held: readonly Held[],
): Reach[] {
  const roles = ofType(nodes, AWS_TYPES.role).filter((r) => r !== principal.node);
  const seen = new Set<StackNode>();
  return [...byGrant(roles, held), ...byTrust(roles, principal)].filter((reach) => {
    if (seen.has(reach.role)) return false;
    seen.add(reach.role);
    return true;
  });
}
