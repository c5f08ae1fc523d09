/**
 * How a canary probe retries: a bounded number of tries with a doubling pause between them. Pure:
 * the plan is data, so its worst case is known before anything runs (and stated in the docs).
 */
import { parseDuration } from "../schema/duration";
import type { ProbeBounds } from "../schema/canary";
import type { Backend } from "../schema/scopes";

export interface ProbePlan {
  readonly attempts: number;
  /** Pauses in milliseconds: `delays[i]` follows failed try i+1 (one fewer than attempts). */
  readonly delaysMs: readonly number[];
  /** Each try's timeout, milliseconds. */
  readonly timeoutMs: number;
}

/** A pause stops doubling here, unless the first pause is already longer. */
export const MAX_PAUSE_SECONDS = 30;

/** Defaults: IAM access keys take seconds to work in every region, so aws-iam tries longer. */
export function defaultAttempts(backend: Backend): number {
  return backend === "aws-iam" ? 8 : 3;
}

/** The plan for `bounds` (already validated by the schema) on `backend`. */
export function probePlan(backend: Backend, bounds: ProbeBounds = {}): ProbePlan {
  const attempts = bounds.attempts ?? defaultAttempts(backend);
  const first = parseDuration(bounds.backoff ?? "1s");
  const cap = Math.max(first, MAX_PAUSE_SECONDS);
  const delaysMs = Array.from(
    { length: attempts - 1 },
    (_, i) => Math.min(first * 2 ** i, cap) * 1000,
  );
  return { attempts, delaysMs, timeoutMs: parseDuration(bounds.timeout ?? "10s") * 1000 };
}

/** The longest a plan can take: every try timing out, every pause waited. */
export function worstCaseMs(plan: ProbePlan): number {
  return plan.attempts * plan.timeoutMs + plan.delaysMs.reduce((a, b) => a + b, 0);
}
