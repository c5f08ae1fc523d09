/**
 * Policy-file fields that loosen the defaults, held to what they may loosen: `allowActions` names
 * exact actions that are not escalations; `tokens.<name>.allowEscalation` lets one token hold one
 * named escalation, with a reason. Neither can re-allow a wildcard, sudo/root, or "every resource".
 */
import { z } from "zod";
import { isEscalationAction } from "../rules/aws/escalation";
import { parseVaultScope } from "./scopes";

const EXACT_ACTION = /^[a-z0-9-]+:[A-Za-z0-9]+$/;

/** Why an `allowActions` entry is refused (undefined when it is fine). */
export function allowActionProblem(action: string): string | undefined {
  if (!EXACT_ACTION.test(action)) {
    return `${JSON.stringify(action)} is not an exact IAM action ("service:Action"): allowActions never re-allows a wildcard`;
  }
  if (isEscalationAction(action)) {
    return `${JSON.stringify(action)} is an escalation action: allow it for one token with tokens.<name>.allowEscalation (its exact resources and a reason), never for all`;
  }
  return undefined;
}

export const allowActionsSchema = z.array(z.string().min(1)).superRefine((actions, ctx) => {
  actions.forEach((action, i) => {
    const problem = allowActionProblem(action);
    if (problem) ctx.addIssue({ code: "custom", path: [i], message: problem });
  });
});

const NEVER_CAPS = ["sudo", "root", "*", "deny"];

function vaultEntryProblems(scope: string): string[] {
  const parsed = parseVaultScope(scope);
  if (!parsed.ok) return [parsed.error];
  const { path, capabilities } = parsed.value;
  const problems: string[] = [];
  if (/^[*+]/.test(path.split("/")[0]) || path.startsWith("*")) {
    problems.push(`path ${JSON.stringify(path)} opens every mount: name the one escalation path`);
  }
  if (path.split("/").some((s) => s === ".." || s === ".")) {
    problems.push(`path ${JSON.stringify(path)} has a "." or ".." segment`);
  }
  for (const cap of capabilities.filter((c) => NEVER_CAPS.includes(c))) {
    problems.push(`capability ${JSON.stringify(cap)} is never allowed, not even for one token`);
  }
  return problems;
}

function awsEntryProblems(actions: readonly string[], resources: readonly string[]): string[] {
  const problems: string[] = [];
  actions.forEach((a, i) => {
    if (!EXACT_ACTION.test(a))
      problems.push(`actions[${i}] ${JSON.stringify(a)} is not an exact IAM action`);
  });
  resources.forEach((r, i) => {
    if (r === "*" || /[*?]/.test(r) || !r.startsWith("arn:")) {
      problems.push(
        `resources[${i}] ${JSON.stringify(r)} is not one exact ARN: an escalation is allowed on named resources only`,
      );
    }
  });
  return problems;
}

/** One `allowEscalation` entry: a Vault `scope`, or AWS `actions` on `resources`; always a reason. */
export const escalationAllowanceSchema = z
  .strictObject({
    /** Vault: the exact scope, `"<path>:<cap>[,<cap>]"`, as declared. */
    scope: z.string().min(1).optional(),
    /** AWS: the exact actions the escalation needs. */
    actions: z.array(z.string().min(1)).min(1).optional(),
    /** AWS: the exact ARNs (principals, roles, functions) at stake. */
    resources: z.array(z.string().min(1)).min(1).optional(),
    /** Why this token must hold it: reviewed with the policy file. */
    reason: z
      .string({ message: "reason is required: say why this token must hold the escalation" })
      .trim()
      .min(10, "reason must say why, in a sentence (10 characters or more)"),
  })
  .superRefine((entry, ctx) => {
    const issue = (message: string, path: (string | number)[] = []) =>
      ctx.addIssue({ code: "custom", path, message });
    const aws = entry.actions !== undefined || entry.resources !== undefined;
    if (entry.scope !== undefined && aws) {
      issue("give either scope (vault) or actions and resources (aws), not both");
    } else if (entry.scope !== undefined) {
      for (const p of vaultEntryProblems(entry.scope)) issue(p, ["scope"]);
    } else if (entry.actions === undefined || entry.resources === undefined) {
      issue('name the escalation: scope: "<path>:<caps>" (vault), or actions and resources (aws)');
    } else {
      for (const p of awsEntryProblems(entry.actions, entry.resources)) issue(p);
    }
  });

export type { EscalationAllowance } from "./allowance-entry";
