/**
 * The token summary: what a ScopedToken reports to the engine as its inputs (the args it gives
 * `super()`), so it reaches state and the policy pack. One contract, read by the pack (to judge the
 * token), `report` and `diff` (from a stack export), written only by the component.
 *
 * It is the declaration (plain values, never a credential, references in aws scopes marked), the
 * schedule the component computed (generation, rotatesAt, expiresAt), and the argument problems the
 * declaration cannot show (unknown fields, bad backend options), so a pack that judges the summary
 * alone reaches the component's verdict.
 */
import { z } from "zod";
import { zodIssues, type Issue } from "./errors";
import { DECLARATION_FIELDS, type TokenDeclaration } from "./token";

/** A problem with an argument outside the declaration (`vault.policyName`, an unknown field). */
export interface ArgumentProblem {
  readonly field: string;
  readonly message: string;
}

export interface TokenSummary extends TokenDeclaration {
  /** The current generation, when the lifetime is valid. */
  readonly generation?: number;
  /** RFC 3339: when the next generation is due. */
  readonly rotatesAt?: string;
  /** RFC 3339: when the current generation's credential expires. */
  readonly expiresAt?: string;
  /** Argument problems the declaration cannot show; the pack reports them. */
  readonly argumentProblems?: readonly ArgumentProblem[];
}

/** The schedule part of a summary (absent when the declaration has no usable lifetime). */
export interface SummarySchedule {
  readonly generation: number;
  readonly rotatesAt: string;
  readonly expiresAt: string;
}

/** The summary a component reports: its declaration, its schedule, its argument problems. */
export function toSummary(
  declaration: TokenDeclaration,
  schedule: SummarySchedule | undefined,
  argumentIssues: readonly Issue[],
): TokenSummary {
  return {
    ...declaration,
    ...(schedule ?? {}),
    ...(argumentIssues.length
      ? { argumentProblems: argumentIssues.map(({ field, message }) => ({ field, message })) }
      : {}),
  };
}

const envelope = z.object({
  name: z.string({ message: "the summary names no token" }).min(1),
  generation: z.number().int().nonnegative().optional(),
  rotatesAt: z.string().optional(),
  expiresAt: z.string().optional(),
  argumentProblems: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});

/** A summary that cannot be read (not an object, no name, a malformed schedule). */
export class SummaryError extends Error {
  constructor(readonly issues: readonly Issue[]) {
    super(`the ScopedToken summary cannot be read: ${issues.map((i) => i.message).join("; ")}`);
    this.name = "SummaryError";
  }
}

/**
 * Reads a summary from a resource's inputs (analyzer props, a stack export). The declaration fields
 * are passed through as given — `parseTokenSpec` judges them — and anything else is dropped, so
 * a summary never carries more than this contract. `fallbackName` is the resource's name.
 */
export function parseSummary(inputs: unknown, fallbackName?: string): TokenSummary {
  const given = (typeof inputs === "object" && inputs !== null ? inputs : {}) as Record<
    string,
    unknown
  >;
  const withName = given.name === undefined ? { ...given, name: fallbackName } : given;
  const parsed = envelope.safeParse(withName);
  if (!parsed.success) throw new SummaryError(zodIssues(parsed.error));
  const declaration: Record<string, unknown> = {};
  for (const field of DECLARATION_FIELDS) {
    if (withName[field] !== undefined) declaration[field] = withName[field];
  }
  return { ...(declaration as unknown as TokenDeclaration), ...parsed.data };
}
