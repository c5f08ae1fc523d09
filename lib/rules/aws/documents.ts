/**
 * Raw IAM policy documents, read the way IAM reads them: statements with an Effect of "Allow" or
 * "Deny" (anything else, or none, is refused, as IAM refuses it), actions, resources, and whether a
 * Not* element or a Condition changes their meaning. A Deny that certainly removes an allowed action
 * (no Condition, no Not*, on every resource the Allow names) takes it out before judging.
 */
import { actionMatches } from "../aws-actions";
import { arnCovers } from "./arns";
import { asList } from "./stack";

export interface Statement {
  readonly index: number;
  readonly effect: "Allow" | "Deny";
  readonly actions: readonly string[];
  /** NotAction: the statement applies to every action but `actions`. */
  readonly notAction: boolean;
  /** Resources; `["*"]` for NotResource, which reaches (nearly) everything. */
  readonly resources: readonly string[];
  readonly notResource: boolean;
  readonly conditional: boolean;
  /** The Condition block, when it is one (tokenguard diff compares conditions). */
  readonly conditions?: Readonly<Record<string, Record<string, unknown>>>;
}

export interface ReadDocument {
  readonly statements: readonly Statement[];
  /** Why (part of) the document cannot be judged: each line names the statement. */
  readonly problems: readonly string[];
}

const strings = (value: unknown) => asList(value).filter((v): v is string => typeof v === "string");

function parsed(document: unknown): { doc?: unknown; problem?: string } {
  if (typeof document !== "string") return { doc: document };
  try {
    return { doc: JSON.parse(document) };
  } catch (e) {
    return {
      problem: `the document is not JSON (${(e as Error).message}), so tokenguard cannot tell what it grants`,
    };
  }
}

function statementOf(raw: unknown, index: number): Statement | string {
  const where = `Statement[${index}]`;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    return `${where} is not an object`;
  const s = raw as Record<string, unknown>;
  if (s.Effect === undefined) {
    return `${where} has no Effect: IAM refuses it, and tokenguard cannot tell whether it allows or denies; write "Effect": "Allow" or "Deny"`;
  }
  if (s.Effect !== "Allow" && s.Effect !== "Deny") {
    return `${where}: Effect ${JSON.stringify(s.Effect)} is neither "Allow" nor "Deny" (IAM is case-sensitive here)`;
  }
  return {
    index,
    effect: s.Effect,
    actions: strings(s.NotAction ?? s.Action),
    notAction: s.NotAction !== undefined,
    resources: s.NotResource !== undefined ? ["*"] : strings(s.Resource),
    notResource: s.NotResource !== undefined,
    conditional: s.Condition !== undefined,
    ...(typeof s.Condition === "object" && s.Condition !== null && !Array.isArray(s.Condition)
      ? { conditions: s.Condition as Record<string, Record<string, unknown>> }
      : {}),
  };
}

/** The statements of a document (a JSON string or object), or why it cannot be read. */
export function readDocument(document: unknown): ReadDocument {
  const { doc, problem } = parsed(document);
  if (problem) return { statements: [], problems: [problem] };
  if (typeof doc !== "object" || doc === null || !("Statement" in doc)) {
    return {
      statements: [],
      problems: [
        'the document has no "Statement"; write { "Version": "2012-10-17", "Statement": [...] }',
      ],
    };
  }
  const statements: Statement[] = [];
  const problems: string[] = [];
  asList((doc as { Statement: unknown }).Statement).forEach((raw, i) => {
    const s = statementOf(raw, i);
    if (typeof s === "string") problems.push(s);
    else statements.push(s);
  });
  return { statements, problems };
}

/** Whether a Deny certainly removes `action` on all of `resources`. */
function denies(deny: Statement, action: string, resources: readonly string[]): boolean {
  if (deny.effect !== "Deny" || deny.notAction || deny.notResource || deny.conditional)
    return false;
  if (!actionMatches(action, deny.actions)) return false;
  return resources.every((r) => deny.resources.some((p) => arnCovers(p, r)));
}

/** An Allow with the actions that `denyStatements` certainly remove taken out. */
export function withoutDenied(allow: Statement, denyStatements: readonly Statement[]): Statement {
  if (allow.notAction) return allow;
  const actions = allow.actions.filter(
    (a) => !denyStatements.some((d) => denies(d, a, allow.resources)),
  );
  return { ...allow, actions };
}
