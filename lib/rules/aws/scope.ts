/**
 * One IAM grant (a ScopedToken scope, or an Allow statement), action by action, against the
 * escalation model (./escalation) and the policy file. Resource-level facts only; escalations that
 * need two grants together are judged over the whole token by ./combinations.
 */
import type { BackendPolicy } from "../../schema/policy-file";
import { RESOURCE_REFERENCE } from "../../schema/scopes";
import type { Problem } from "../allowance";
import { actionMatches, isReadOnlyAction } from "../aws-actions";
import { iamGlob } from "../globs";
import { isOwnPrincipal, namesOneResource, parseArn, reachesEverything } from "./arns";
import { credentialAction, grantAction, takeoverAction, type EscalationAction } from "./escalation";
import {
  isHarmlessOnStar,
  isSafeOnSelf,
  SSM_SAFE_COMMAND_DOCUMENTS,
  SSM_SAFE_SESSION_DOCUMENTS,
} from "./safe-forms";

/** An IAM Condition block: operator → key → value(s). */
export type Conditions = Readonly<Record<string, Record<string, unknown>>>;

/** What a statement grants: exact or glob actions on ARNs (references stand in as RESOURCE_REFERENCE). */
export interface Grant {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  readonly conditions?: Conditions;
}

/** The values a Condition gives `key` under any of `operators` (strings; booleans as text). */
export function conditionValues(
  conditions: Conditions | undefined,
  operators: readonly string[],
  key: string,
): string[] | undefined {
  const found = operators.flatMap((op) => {
    const block = conditions?.[op];
    const entry =
      block && Object.entries(block).find(([k]) => k.toLowerCase() === key.toLowerCase());
    return entry ? [entry[1]] : [];
  });
  if (found.length === 0) return undefined;
  return found.flatMap((v) => (Array.isArray(v) ? v : [v])).map((v) => String(v));
}

const q = JSON.stringify;
const known = (resources: readonly string[]) => resources.filter((r) => r !== RESOURCE_REFERENCE);
const exact = (resources: readonly string[]) => known(resources).every(namesOneResource);
const escalation = (e: EscalationAction, actions: string[], resources: readonly string[]) => ({
  backend: "aws" as const,
  method: e.method,
  actions,
  resources: [...resources],
});

/** AWS refuses to change AWS-managed policies: a policy-version action on them alone is harmless. */
const awsManagedPolicy = (r: string) => /^arn:[^:]+:iam::aws:policy\//.test(r);

function grantProblems(
  e: EscalationAction,
  action: string,
  resources: readonly string[],
): Problem[] {
  const targets = /PolicyVersion$/i.test(action)
    ? resources.filter((r) => !awsManagedPolicy(r))
    : resources;
  if (targets.length === 0) return [];
  const message = `action ${q(action)} lets the holder grant itself more than it was given (privilege escalation: ${e.method})`;
  return [exact(targets) ? { message, escalation: escalation(e, [action], targets) } : { message }];
}

function credentialProblems(
  e: EscalationAction,
  action: string,
  resources: readonly string[],
  ownArns: readonly string[],
): Problem[] {
  return known(resources).flatMap((r): Problem[] => {
    if (isOwnPrincipal(r, ownArns)) {
      if (isSafeOnSelf(action)) return [];
      const message = `action ${q(action)} on the token's own user makes a long-lived credential tokenguard never rotates (and a third access key stops rotation: AWS allows two)`;
      return [{ message, escalation: escalation(e, [action], [r]) }];
    }
    if (!namesOneResource(r)) {
      return [
        {
          message: `action ${q(action)} on ${q(r)} reaches every user: it mints credentials for principals the token is not (privilege escalation: ${e.method}); name only the token's own user, arn:aws:iam::<account>:user/\${aws:username}`,
        },
      ];
    }
    const message = `action ${q(action)} on ${r} mints a credential for another principal, who may hold more than this token (privilege escalation: ${e.method})`;
    return [{ message, escalation: escalation(e, [action], [r]) }];
  });
}

/** The name of an AWS-owned SSM document ARN (`arn:aws:ssm:<region>::document/AWS-…`), else undefined. */
const awsDocument = (r: string) =>
  /^arn:[^:]+:ssm:[^:]*::document\/(AWS-[A-Za-z0-9_.-]+)$/.exec(r)?.[1];
const isDocument = (r: string) => /^arn:[^:]+:ssm:[^:]*:[^:]*:document\//.test(r);

/**
 * Whether a resource that is not a listed document could still name another one: `"*"`, a wildcard
 * service or resource type (`arn:aws:ssm:*:*:*`, `arn:aws:*:…:document/*`), a document glob.
 */
function mayNameOtherDocument(r: string): boolean {
  const arn = parseArn(r);
  if (!arn) return /[*?]/.test(r);
  const could = (glob: string, text: string) => iamGlob(glob, { caseSensitive: true }).test(text);
  return (
    could(arn.service, "ssm") &&
    (could(arn.resource, "document/AWS-RunShellScript") || could(arn.resource, "document/x"))
  );
}

/**
 * SSM actions limited by document ARN to documents that run nothing of the holder's choosing
 * (a session also needs `ssm:SessionDocumentAccessCheck`, or the default shell stays open).
 */
function safeSsmDocuments(action: string, grant: Grant): boolean {
  const session = /^ssm:StartSession$/i.test(action);
  if (!session && !/^ssm:(SendCommand|CreateAssociation)$/i.test(action)) return false;
  const safe: readonly string[] = session ? SSM_SAFE_SESSION_DOCUMENTS : SSM_SAFE_COMMAND_DOCUMENTS;
  const resources = known(grant.resources);
  const listed = (r: string) => isDocument(r) && safe.includes(awsDocument(r) ?? "");
  if (!resources.some(listed)) return false;
  if (!resources.every((r) => listed(r) || !mayNameOtherDocument(r))) return false;
  if (!session) return true;
  const check = conditionValues(
    grant.conditions,
    ["Bool", "BoolIfExists"],
    "ssm:SessionDocumentAccessCheck",
  );
  return check !== undefined && check.every((v) => v.toLowerCase() === "true");
}

function takeoverProblems(e: EscalationAction, action: string, grant: Grant): Problem[] {
  if (safeSsmDocuments(action, grant)) return [];
  const resources = grant.resources;
  const where = known(resources);
  const on = where.length ? where.join(", ") : "a resource given by reference";
  const message = `action ${q(action)} on ${on} runs code of the holder's choosing inside compute that already has a role, so the token gains that role's rights (privilege escalation: ${e.method})`;
  return [
    exact(resources) ? { message, escalation: escalation(e, [action], resources) } : { message },
  ];
}

/** PassRole and AssumeRole are fine on named roles (combinations and chains are judged elsewhere). */
function roleReachProblems(action: string, resources: readonly string[]): Problem[] {
  const open = known(resources).filter((r) => !namesOneResource(r));
  return open.length
    ? [{ message: `action ${q(action)} on ${q(open[0])} reaches every role; name the role ARNs` }]
    : [];
}

function breadthProblems(
  action: string,
  resources: readonly string[],
  limits: BackendPolicy,
): Problem[] {
  const everything = resources.filter(reachesEverything);
  if (everything.length === 0) return [];
  if (isHarmlessOnStar(action) || actionMatches(action, limits.allowActions)) return [];
  const first = everything[0];
  if (isReadOnlyAction(action)) {
    const where = first === "*" ? 'on resources "*"' : `on ${q(first)}`;
    return [
      {
        message: `action ${q(action)} ${where} reads everything; name the ARNs (an action that only works on "*" needs backends.<backend>.allowActions)`,
      },
    ];
  }
  const where =
    first === "*" ? 'resources include "*"' : `${q(first)} reaches every resource of its kind`;
  return [{ message: `action ${q(action)} writes, and ${where}; name the ARNs it may change` }];
}

/** Why one action of a grant is refused (empty when it is fine). */
export function actionProblems(
  action: string,
  grant: Grant,
  limits: BackendPolicy,
  ownArns: readonly string[] = [],
): Problem[] {
  const resources = grant.resources;
  if (action === "*") return [{ message: 'action "*" grants everything; name the actions' }];
  if (/[*?]/.test(action)) {
    return [{ message: `action ${q(action)} is a wildcard; name the exact actions` }];
  }
  const granting = grantAction(action);
  if (granting) return grantProblems(granting, action, resources);
  const credential = credentialAction(action);
  if (credential) return credentialProblems(credential, action, resources, ownArns);
  if (/^(iam:PassRole|sts:AssumeRole)$/i.test(action)) return roleReachProblems(action, resources);
  const takeover = takeoverAction(action);
  if (takeover) return takeoverProblems(takeover, action, grant);
  if (actionMatches(action, limits.forbiddenActions)) {
    return [{ message: `action ${q(action)} is forbidden by the policy file; drop it` }];
  }
  return breadthProblems(action, resources, limits);
}

/** Why a grant is refused, action by action (empty when it is fine). */
export function grantProblemsOf(
  grant: Grant,
  limits: BackendPolicy,
  ownArns: readonly string[] = [],
): Problem[] {
  return grant.actions.flatMap((a) => actionProblems(a, grant, limits, ownArns));
}
