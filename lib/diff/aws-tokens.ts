/**
 * The raw AWS token resources the policy pack judges, as review facts: each token principal (a user
 * holding an access key, its groups) with what its inline and in-stack managed policies allow, an
 * attachment of a managed policy from outside the stack (by ARN), each access key (the user it
 * opens, while active), and each Secrets Manager secret holding a token (how often it rotates).
 */
import { formatDuration } from "../schema/duration";
import type { AwsScope } from "../schema/scopes";
import { readDocument } from "../rules/aws/documents";
import { INLINE, PRINCIPAL_PROPS } from "../rules/aws/holdings";
import { AWS_TYPES, refersTo, tokenPrincipals, type StackNode } from "../rules/aws/stack";
import { looksLikeToken, ownedByScopedToken } from "../rules/ownership";
import { rotationSeconds } from "../rules/raw-aws";
import type { Grants } from "../rules/scope-diff";
import type { TokenFacts } from "../rules/token-diff";
import { parseUrn } from "../scan/state";
import { baseFacts, readable, type ResourceRecord } from "./records";

/** A record as the pack's stack view: readable inputs, and the handles others refer to it by. */
function nodeOf(r: ResourceRecord): StackNode {
  const props: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r.inputs)) if (readable(v).ok) props[k] = v;
  for (const k of ["name", "arn", "id"]) {
    const v = r.outputs[k] ?? (k === "id" ? r.id : undefined);
    if (typeof v === "string" && readable(v).ok) props[k] ??= v;
  }
  return {
    urn: r.urn,
    type: r.type,
    name: parseUrn(r.urn).name,
    props,
    dependencies: r.dependencies,
    propertyDependencies: r.propertyDependencies,
  };
}

interface Holding {
  readonly allow: AwsScope[];
  readonly deny: AwsScope[];
  unknown?: string;
}

/** Adds a policy document's statements to a principal's holding (or why it cannot be read). */
function hold(holding: Holding, record: ResourceRecord | undefined, what: string): void {
  const doc = readable(record?.inputs.policy);
  if (!doc.ok || doc.value === undefined) {
    holding.unknown ??= `${what}: ${doc.ok ? "no document" : doc.why}`;
    return;
  }
  // The policy pack's own reading (lib/rules/aws/documents): NotAction reaches every action.
  const read = readDocument(doc.value);
  if (read.problems.length) {
    holding.unknown ??= `${what}: ${read.problems.join("; ")}`;
    return;
  }
  for (const st of read.statements) {
    const scope: AwsScope = {
      actions: st.notAction ? ["*"] : [...st.actions],
      resources: [...st.resources],
      ...(st.conditions ? { conditions: { ...st.conditions } } : {}),
    };
    (st.effect === "Allow" ? holding.allow : holding.deny).push(scope);
  }
}

/** Principals' holdings, and attachments of managed policies from outside the stack. */
function holdings(nodes: readonly StackNode[], byUrn: ReadonlyMap<string, ResourceRecord>) {
  const principals = [...tokenPrincipals(nodes).nodes].filter((p) => !ownedByScopedToken(p.urn));
  const held = new Map(principals.map((p) => [p, { allow: [], deny: [] } as Holding]));
  const external: { node: StackNode; arn: string }[] = [];
  const managed = nodes.filter((n) => n.type === AWS_TYPES.policy);
  for (const node of nodes) {
    const props = PRINCIPAL_PROPS[node.type];
    if (!props) continue;
    const holders = principals.filter((p) => props.some((prop) => refersTo(node, prop, p)));
    if (!holders.length) continue;
    const policies = INLINE.has(node.type)
      ? [node]
      : managed.filter((m) => refersTo(node, "policyArn", m));
    for (const p of holders) {
      for (const doc of policies) hold(held.get(p)!, byUrn.get(doc.urn), `policy "${doc.name}"`);
    }
    const arn = node.props.policyArn;
    if (!INLINE.has(node.type) && !policies.length && typeof arn === "string") {
      external.push({ node, arn });
    }
  }
  return { held, external };
}

function principalFacts(p: StackNode, h: Holding, r: ResourceRecord): TokenFacts {
  const grants: Grants = { grammar: "aws", allow: h.allow, deny: h.deny };
  return {
    ...baseFacts(r, "aws-iam"),
    ...(h.unknown ? {} : { grants }),
    unknown: h.unknown ? [{ field: "scopes", why: h.unknown }] : [],
  };
}

function accessKeyFacts(r: ResourceRecord): TokenFacts {
  const user = readable(r.inputs.user);
  if (!user.ok)
    return { ...baseFacts(r, "aws-iam"), unknown: [{ field: "scopes", why: `user: ${user.why}` }] };
  const active = r.inputs.status !== "Inactive";
  const allow = active && typeof user.value === "string" ? [user.value] : [];
  return { ...baseFacts(r, "aws-iam"), grants: { grammar: "name", allow }, unknown: [] };
}

function secretFacts(
  secret: StackNode,
  nodes: readonly StackNode[],
  r: ResourceRecord,
): TokenFacts {
  const rotation = nodes.find(
    (n) =>
      n.type === AWS_TYPES.secretRotation &&
      (refersTo(n, "secretId", secret) || n.dependencies.includes(secret.urn)),
  );
  const seconds = rotation && rotationSeconds(rotation.props.rotationRules);
  return {
    ...baseFacts(r, "aws-secret"),
    ...(seconds !== undefined ? { every: { text: formatDuration(seconds), seconds } } : {}),
    unknown:
      rotation && seconds === undefined
        ? [
            {
              field: "rotation.every",
              why: "rotationRules cannot be read (unknown, or a cron schedule)",
            },
          ]
        : [],
  };
}

const namesToken = (n: StackNode) =>
  [n.name, n.props.name, n.props.namePrefix].some(
    (x) => typeof x === "string" && looksLikeToken(x),
  );

/** The raw AWS token resources among the records, in record order. */
export function awsTokenFacts(records: readonly ResourceRecord[]): TokenFacts[] {
  const aws = new Set<string>(Object.values(AWS_TYPES));
  const mine = records.filter((r) => aws.has(r.type));
  const byUrn = new Map(mine.map((r) => [r.urn, r]));
  const nodes = mine.map(nodeOf);
  const { held, external } = holdings(nodes, byUrn);
  const out = new Map<string, TokenFacts>();
  for (const [p, h] of held) out.set(p.urn, principalFacts(p, h, byUrn.get(p.urn)!));
  for (const { node, arn } of external) {
    const facts = baseFacts(byUrn.get(node.urn)!, "aws-iam");
    out.set(node.urn, { ...facts, grants: { grammar: "name", allow: [arn] }, unknown: [] });
  }
  for (const n of nodes) {
    if (ownedByScopedToken(n.urn)) continue;
    const r = byUrn.get(n.urn)!;
    if (n.type === AWS_TYPES.accessKey) out.set(n.urn, accessKeyFacts(r));
    if (n.type === AWS_TYPES.secret && namesToken(n)) out.set(n.urn, secretFacts(n, nodes, r));
  }
  return mine.flatMap((r) => out.get(r.urn) ?? []);
}
