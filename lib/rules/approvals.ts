/**
 * Which widenings a review lets through: each one an approval in the policy file covers (the
 * token's `approvedWidening`, up to its bound, with its reason), or every one with
 * `--allow-widening`. Pure over the review and the policy.
 */
import type { Policy } from "../schema/policy-file";
import { parseAwsScope, parseLabelScope, parseVaultScope, type Parsed } from "../schema/scopes";
import type { WideningApproval } from "../schema/widening-approval";
import { uncovered, type Grammar, type Grants } from "./scope-diff";
import type { TokenChange, Widening } from "./token-diff";

/** Why a widening may pass. */
export interface Approval {
  /** `policy`: an approvedWidening entry (its index); `flag`: --allow-widening. */
  readonly by: "policy" | "flag";
  readonly reason: string;
  readonly entry?: number;
}

export interface ReviewedWidening extends Widening {
  readonly approval?: Approval;
}

export interface ReviewedChange extends TokenChange {
  readonly widenings: readonly ReviewedWidening[];
}

/** An approval that cannot be read for its token; the message names the field and the fix. */
export class ApprovalError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = "ApprovalError";
  }
}

const GRAMMAR_EXAMPLE: Record<Grammar, string> = {
  vault: '"secret/data/ci/*:read"',
  label: '"orders:read"',
  aws: '{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::bucket/*"] }',
  name: "the name it gains, as a string",
};

function fromParsed<T>(parsed: Parsed<T>, field: string, grammar: Grammar): T {
  if (parsed.ok) return parsed.value;
  throw new ApprovalError(
    field,
    `${parsed.error} (a ${grammar} scope, like ${GRAMMAR_EXAMPLE[grammar]})`,
  );
}

/** An approval's scope as grants of the token's grammar. */
export function approvalGrants(
  scope: NonNullable<WideningApproval["scope"]>,
  grammar: Grammar,
  field: string,
): Grants {
  const wrong = () =>
    new ApprovalError(
      field,
      `this token's scopes are ${grammar} scopes: write ${GRAMMAR_EXAMPLE[grammar]}`,
    );
  if (grammar === "aws") {
    if (typeof scope === "string") throw wrong();
    return { grammar, allow: [fromParsed(parseAwsScope(scope, true), field, grammar)], deny: [] };
  }
  if (typeof scope !== "string") throw wrong();
  if (grammar === "vault")
    return { grammar, allow: [fromParsed(parseVaultScope(scope), field, grammar)] };
  if (grammar === "label")
    return { grammar, allow: [fromParsed(parseLabelScope(scope), field, grammar)] };
  return { grammar, allow: [scope] };
}

/** Whether approval `a` (at `field`) covers widening `w`. */
function covers(a: WideningApproval, w: Widening, field: string): boolean {
  switch (w.kind) {
    case "access":
      return (
        a.scope !== undefined &&
        w.gain !== undefined &&
        uncovered(approvalGrants(a.scope, w.gain.grants.grammar, `${field}.scope`), w.gain.grants)
          .length === 0
      );
    case "ttl":
      return a.ttl !== undefined && (w.change?.afterSeconds ?? Infinity) <= a.ttl;
    case "rotation":
      return a.rotation !== undefined && (w.change?.afterSeconds ?? Infinity) <= a.rotation;
    case "owner":
      return a.ownerRemoved === true;
  }
}

/**
 * Each widening with the approval that lets it through, if any: the first entry of the token's
 * `approvedWidening` covering it, else `--allow-widening` (`allowAll`). Throws {@link ApprovalError}
 * for an approval whose scope is not of its token's grammar.
 */
export function reviewWidenings(
  changes: readonly TokenChange[],
  policy: Policy,
  allowAll: boolean,
): ReviewedChange[] {
  return changes.map((change) => {
    const entries = policy.tokens[change.name]?.approvedWidening ?? [];
    const field = (i: number) => `${policy.source}: tokens.${change.name}.approvedWidening[${i}]`;
    // Every scope approval of a changed token must read in its grammar, used or not.
    entries.forEach((a, i) => {
      if (a.scope !== undefined && change.grammar)
        approvalGrants(a.scope, change.grammar, `${field(i)}.scope`);
    });
    const widenings = change.widenings.map((w): ReviewedWidening => {
      const i = entries.findIndex((a, j) => covers(a, w, field(j)));
      if (i >= 0) return { ...w, approval: { by: "policy", reason: entries[i].reason, entry: i } };
      return allowAll ? { ...w, approval: { by: "flag", reason: "--allow-widening" } } : w;
    });
    return { ...change, widenings };
  });
}

/** Widenings nothing approved: the review fails when there is one. */
export function unapproved(changes: readonly ReviewedChange[]): number {
  return changes.reduce((n, c) => n + c.widenings.filter((w) => !w.approval).length, 0);
}
