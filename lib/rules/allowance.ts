/**
 * Escalations found in a grant, and the per-token allowances that let one through deliberately.
 * An allowance names one token (in the policy file, `tokens.<name>.allowEscalation`), the exact
 * escalation (a Vault path and capabilities, or IAM actions on exact ARNs) and a reason. Wildcards,
 * sudo/root and anything that reaches every resource are never allowable: those problems carry no
 * {@link Escalation}, so no allowance can match them.
 */
import { RESOURCE_REFERENCE } from "../schema/scopes";
import type { EscalationAllowance } from "../schema/allowance-entry";

export type Escalation =
  | {
      readonly backend: "vault";
      /** The endpoint reached (see VAULT_ESCALATIONS). */
      readonly endpoint: string;
      readonly path: string;
      readonly capabilities: readonly string[];
    }
  | {
      readonly backend: "aws";
      /** The escalation method, as Pacu or the source names it. */
      readonly method: string;
      readonly actions: readonly string[];
      /** The exact principals, roles or functions at stake ({@link RESOURCE_REFERENCE} when unknown). */
      readonly resources: readonly string[];
    };

/** Why a grant is refused; `escalation` is set when a per-token allowance may let it through. */
export interface Problem {
  readonly message: string;
  readonly escalation?: Escalation;
}

const lower = (s: string) => s.toLowerCase();

/** Whether one allowance entry covers the escalation. */
function covers(entry: EscalationAllowance, escalation: Escalation): boolean {
  if (escalation.backend === "vault") {
    if (entry.scope === undefined) return false;
    const colon = entry.scope.lastIndexOf(":");
    const caps = entry.scope
      .slice(colon + 1)
      .split(",")
      .map((c) => c.trim());
    return (
      entry.scope.slice(0, colon).trim() === escalation.path &&
      escalation.capabilities.every((c) => caps.includes(c))
    );
  }
  if (entry.actions === undefined || entry.resources === undefined) return false;
  const actions = entry.actions.map(lower);
  const resources = entry.resources;
  return (
    escalation.actions.every((a) => actions.includes(lower(a))) &&
    // A reference is not known at preview; the resolved ARN is judged again at `pulumi up`.
    escalation.resources.every((r) => r === RESOURCE_REFERENCE || resources.includes(r))
  );
}

/** Whether any of a token's allowances lets this escalation through. */
export function allowed(
  escalation: Escalation | undefined,
  entries: readonly EscalationAllowance[] | undefined,
): boolean {
  return escalation !== undefined && (entries ?? []).some((e) => covers(e, escalation));
}

/** The fix a message ends with: how to allow this escalation for this one token, on purpose. */
export function allowHint(token: string, escalation: Escalation): string {
  const entry =
    escalation.backend === "vault"
      ? `{ scope: ${JSON.stringify(`${escalation.path}:${escalation.capabilities.join(",")}`)}, reason: "<why>" }`
      : `{ actions: ${JSON.stringify(escalation.actions)}, resources: ${JSON.stringify(
          escalation.resources.filter((r) => r !== RESOURCE_REFERENCE),
        )}, reason: "<why>" }`;
  const key = /^[\w-]+$/.test(token) ? token : JSON.stringify(token);
  return `if "${token}" must hold it, allow it for this token only in the policy file: tokens.${key}.allowEscalation: [${entry}]`;
}

/** Problems that remain after a token's allowances, as message lines with the fix appended. */
export function unallowed(
  token: string,
  problems: readonly Problem[],
  entries: readonly EscalationAllowance[] | undefined,
): string[] {
  return problems
    .filter((p) => !allowed(p.escalation, entries))
    .map((p) => (p.escalation ? `${p.message}; ${allowHint(token, p.escalation)}` : p.message));
}
