/**
 * What an IAM principal of the stack holds: the statements of its inline policies and of the
 * managed policies attached to it (known documents only), each with where it came from, and the
 * AWS-managed policies attached by ARN.
 */
import { readDocument, type Statement } from "./documents";
import { AWS_TYPES, asList, ofType, refersTo, type StackNode } from "./stack";

/** A principal: a node of the stack, or a user outside it that an access key in the stack names. */
export interface Principal {
  readonly node?: StackNode;
  readonly externalUser?: string;
  readonly kind: "user" | "role" | "group";
}

/** Where a statement comes from: the resource a finding about it is reported on. */
export interface Origin {
  readonly urn: string;
  readonly field: string;
  /** How messages name the document: `inline policy`, `policy "deploy"`. */
  readonly document: string;
}

export interface Held {
  readonly origin: Origin;
  readonly statement: Statement;
}

export interface Holdings {
  readonly held: readonly Held[];
  /** Unreadable documents and malformed statements, on their origin. */
  readonly problems: readonly { origin: Origin; message: string }[];
  /** Policy ARNs attached (known ones), on their attachment. */
  readonly managedArns: readonly { origin: Origin; arn: string }[];
}

/** Which props of a policy or attachment name the principal holding it. */
export const PRINCIPAL_PROPS: Readonly<Record<string, readonly string[]>> = {
  [AWS_TYPES.userPolicy]: ["user"],
  [AWS_TYPES.rolePolicy]: ["role"],
  [AWS_TYPES.groupPolicy]: ["group"],
  [AWS_TYPES.userPolicyAttachment]: ["user"],
  [AWS_TYPES.rolePolicyAttachment]: ["role"],
  [AWS_TYPES.groupPolicyAttachment]: ["group"],
  [AWS_TYPES.policyAttachment]: ["users", "roles", "groups"],
};

/** The inline policy types: their document is their own `policy` input. */
export const INLINE: ReadonlySet<string> = new Set<string>([
  AWS_TYPES.userPolicy,
  AWS_TYPES.rolePolicy,
  AWS_TYPES.groupPolicy,
]);

/** Whether a policy or attachment node attaches to the principal. */
function attaches(node: StackNode, principal: Principal): boolean {
  const props = PRINCIPAL_PROPS[node.type] ?? [];
  return props.some((prop) => {
    if (!prop.startsWith(principal.kind)) return false;
    if (principal.node) return refersTo(node, prop, principal.node);
    return asList(node.props[prop]).some((v) => v === principal.externalUser);
  });
}

function read(
  document: unknown,
  origin: Origin,
  out: { held: Held[]; problems: Holdings["problems"][number][] },
) {
  const { statements, problems } = readDocument(document);
  for (const statement of statements) out.held.push({ origin, statement });
  for (const message of problems) out.problems.push({ origin, message });
}

/** Everything the principal holds directly (not through its groups). */
export function holdingsOf(nodes: readonly StackNode[], principal: Principal): Holdings {
  const out = { held: [] as Held[], problems: [] as Holdings["problems"][number][] };
  const managedArns: { origin: Origin; arn: string }[] = [];
  const policies = ofType(nodes, AWS_TYPES.policy);
  for (const node of nodes.filter((n) => attaches(n, principal))) {
    if (INLINE.has(node.type)) {
      if (node.props.policy !== undefined) {
        read(node.props.policy, { urn: node.urn, field: "policy", document: "inline policy" }, out);
      }
      continue;
    }
    for (const policy of policies.filter((p) => refersTo(node, "policyArn", p))) {
      if (policy.props.policy === undefined) continue;
      const origin = { urn: node.urn, field: "policyArn", document: `policy "${policy.name}"` };
      read(policy.props.policy, origin, out);
    }
    const arn = node.props.policyArn;
    if (typeof arn === "string") {
      managedArns.push({ origin: { urn: node.urn, field: "policyArn", document: arn }, arn });
    }
  }
  return { held: out.held, problems: out.problems, managedArns };
}

/** The principal's own ARN(s) or resource parts, for "the token's own user". */
export function ownOf(principal: Principal): string[] {
  if (principal.externalUser) return [`user/${principal.externalUser}`];
  const props = principal.node?.props ?? {};
  const own: string[] = [];
  if (typeof props.arn === "string") own.push(props.arn);
  if (typeof props.name === "string") {
    const path = typeof props.path === "string" ? props.path : "/";
    own.push(`${principal.kind}${path}${props.name}`);
  }
  return own;
}
