/**
 * `aws-iam-least-privilege` over the stack: everything a token principal holds (users with access
 * keys, their groups, principals a ScopedToken owns) passes the same escalation model a ScopedToken's
 * scopes pass — statement by statement, two statements together (PassRole + compute), and through
 * roles of the same program it can assume, whose documents count as its own.
 */
import type { BackendPolicy, Policy } from "../../schema/policy-file";
import { unallowed, type Problem } from "../allowance";
import { assumableRoles } from "./chain";
import { combinationProblems } from "./combinations";
import { withoutDenied } from "./documents";
import { holdingsOf, ownOf, type Held, type Holdings, type Principal } from "./holdings";
import { grantProblemsOf } from "./scope";
import {
  AWS_TYPES,
  allowanceName,
  groupsOfUsers,
  refersTo,
  tokenPrincipals,
  type NodeFinding,
  type StackNode,
} from "./stack";

type LeastPrivilege = NodeFinding<"aws-iam-least-privilege">;

/**
 * AWS-managed policies that hand a token (nearly) everything, or an escalation of the model
 * (./escalation) on every resource: `lambda:*` with PassRole, `ssm:*`, `codebuild:*`, `ec2:*`,
 * `cloudformation:*`, `sagemaker:*` and `glue:*` with PassRole. tokenguard cannot read an AWS-managed
 * document at preview, so these are named.
 */
export const DEFAULT_FORBIDDEN_MANAGED_POLICIES = [
  "arn:aws:iam::aws:policy/AdministratorAccess",
  "arn:aws:iam::aws:policy/PowerUserAccess",
  "arn:aws:iam::aws:policy/IAMFullAccess",
  "arn:aws:iam::aws:policy/AWSLambda_FullAccess",
  "arn:aws:iam::aws:policy/AWSLambdaFullAccess",
  "arn:aws:iam::aws:policy/AmazonSSMFullAccess",
  "arn:aws:iam::aws:policy/AWSCodeBuildAdminAccess",
  "arn:aws:iam::aws:policy/AmazonEC2FullAccess",
  "arn:aws:iam::aws:policy/AWSCloudFormationFullAccess",
  "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
  "arn:aws:iam::aws:policy/AWSGlueConsoleFullAccess",
] as const;

export interface IamOptions {
  /** Exact actions this organisation allows on "*", on top of the policy file's `allowActions`. */
  readonly allowActions?: readonly string[];
  /** Managed policy ARNs never attached to a token principal. */
  readonly forbiddenManagedPolicies?: readonly string[];
}

/** How one principal is judged: its limits, its allowances, and how messages name it. */
interface Judging {
  readonly limits: BackendPolicy;
  readonly policy: Policy;
  readonly allowanceName: string;
  readonly forbidden: readonly string[];
  readonly own: readonly string[];
  /** Who holds the documents, in messages: `a token principal (user)`, `role "deployer"`. */
  readonly who: string;
  /** How the token reaches `who`, when through a role: `via sts:AssumeRole on role "x" (…): `. */
  readonly via: string;
  /** Where findings about what a reached role holds are reported (the grant that reaches it). */
  readonly reportOn?: { urn: string; field: string };
}

const KIND: Record<string, Principal["kind"]> = {
  [AWS_TYPES.user]: "user",
  [AWS_TYPES.role]: "role",
  [AWS_TYPES.group]: "group",
};

function finding(at: { urn: string; field: string }, message: string): LeastPrivilege {
  return { rule: "aws-iam-least-privilege", urn: at.urn, field: at.field, message };
}

/** Per-statement, combination and forbidden-policy findings on one set of holdings. */
function judgeHoldings(
  holdings: Holdings,
  inherited: readonly Held[],
  j: Judging,
): LeastPrivilege[] {
  const out: LeastPrivilege[] = [];
  const at = (o: Held["origin"]) => j.reportOn ?? o;
  const entries = j.policy.tokens[j.allowanceName]?.allowEscalation;
  const report = (o: Held["origin"], where: string, problems: readonly Problem[]) => {
    for (const m of unallowed(j.allowanceName, problems, entries)) {
      out.push(finding(at(o), `${j.via}${o.document} attached to ${j.who}: ${where}${m}`));
    }
  };
  for (const { origin, message } of holdings.problems) report(origin, "", [{ message }]);
  const denies = [...holdings.held, ...inherited].map((h) => h.statement);
  const isAllow = (h: Held) => h.statement.effect === "Allow";
  for (const { origin, statement } of holdings.held.filter(isAllow)) {
    const where = `Statement[${statement.index}]: `;
    const problems: Problem[] = statement.notAction
      ? [{ message: "NotAction with Allow grants every action but those listed; list the actions" }]
      : grantProblemsOf(withoutDenied(statement, denies), j.limits, j.own);
    report(origin, where, problems);
  }
  const allows = [...holdings.held, ...inherited].filter(isAllow);
  const grants = allows.map((h) => withoutDenied(h.statement, denies));
  const label = (i: number) =>
    `${allows[i].origin.document}, Statement[${allows[i].statement.index}]`;
  for (const { index, problem } of combinationProblems(grants, label)) {
    report(allows[index].origin, "", [problem]);
  }
  for (const { origin, arn } of holdings.managedArns.filter((m) => j.forbidden.includes(m.arn))) {
    const message = `${j.via}${arn} is attached to ${j.who} and grants (nearly) everything or a way to escalate to it; attach a policy naming the exact actions and ARNs`;
    out.push(finding(at(origin), message));
  }
  return out;
}

/** What the principal inherits from the groups it is in (users only). */
function inheritedBy(nodes: readonly StackNode[], principal: Principal): Held[] {
  if (principal.kind !== "user") return [];
  const groups = groupsOfUsers(nodes, (m, prop) =>
    principal.node ? refersTo(m, prop, principal.node) : m.props[prop] === principal.externalUser,
  );
  return groups.flatMap((g) => holdingsOf(nodes, { node: g, kind: "group" }).held);
}

/** A principal and every role of the program it can become, each judged as the principal. */
function judgePrincipal(
  nodes: readonly StackNode[],
  principal: Principal,
  base: Judging,
): LeastPrivilege[] {
  const out: LeastPrivilege[] = [];
  const seen = new Set<StackNode>();
  const visit = (p: Principal, j: Judging) => {
    if (p.node) seen.add(p.node);
    const holdings = holdingsOf(nodes, p);
    const inherited = inheritedBy(nodes, p);
    out.push(...judgeHoldings(holdings, inherited, j));
    for (const reach of assumableRoles(nodes, p, [...holdings.held, ...inherited])) {
      if (seen.has(reach.role)) continue;
      visit(
        { node: reach.role, kind: "role" },
        {
          ...j,
          own: [...j.own, ...ownOf({ node: reach.role, kind: "role" })],
          who: `role "${reach.role.name}"`,
          via: `${j.via}via ${reach.how} (declared in this program, so what it holds counts as this token's): `,
          reportOn: j.reportOn ?? { urn: reach.origin.urn, field: reach.origin.field },
        },
      );
    }
  };
  visit(principal, base);
  return out;
}

/**
 * `aws-iam-least-privilege` on every token principal of the stack. Findings are reported on the
 * policy (inline) or the attachment holding the grant; for a role reached by AssumeRole, on the
 * grant or trust policy that reaches it. A document unknown at preview is skipped.
 */
export function judgeTokenPrincipalPolicies(
  nodes: readonly StackNode[],
  policy: Policy,
  options: IamOptions = {},
): LeastPrivilege[] {
  const limits = policy.backends["aws-iam"];
  const { nodes: principals, externalUsers } = tokenPrincipals(nodes);
  const base = {
    limits: { ...limits, allowActions: [...limits.allowActions, ...(options.allowActions ?? [])] },
    policy,
    forbidden: options.forbiddenManagedPolicies ?? DEFAULT_FORBIDDEN_MANAGED_POLICIES,
  };
  const all: Principal[] = [
    ...[...principals].map((node) => ({ node, kind: KIND[node.type] })),
    ...[...externalUsers].map((externalUser) => ({ externalUser, kind: "user" as const })),
  ];
  const findings = all.flatMap((p) => {
    const name = p.node ? allowanceName(p.node) : (p.externalUser as string);
    const who = `a token principal (${p.kind})`;
    return judgePrincipal(nodes, p, { ...base, allowanceName: name, own: ownOf(p), who, via: "" });
  });
  // Once each, in the stack's order of the resources they are reported on.
  const seen = new Set<string>();
  const order = new Map(nodes.map((n, i) => [n.urn, i]));
  return findings
    .filter((f) => {
      const key = `${f.urn}\n${f.message}`;
      return seen.has(key) ? false : (seen.add(key), true);
    })
    .sort((a, b) => (order.get(a.urn) ?? 0) - (order.get(b.urn) ?? 0));
}
