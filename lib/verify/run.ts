/**
 * Runs a probe under its plan: tries until one passes or the attempts are spent, pausing as the
 * plan says between tries. The last answer is the one reported.
 */
import type { ProbePlan } from "../rotation/backoff";
import type { TryResult } from "./probes";

export interface ProbeOutcome extends TryResult {
  readonly attempts: number;
  /** Milliseconds from the first try to the last answer. */
  readonly ms: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Tries `once` per the plan; `sleep` and `clock` are injectable for tests. */
export async function runProbe(
  once: (timeoutMs: number) => Promise<TryResult>,
  plan: ProbePlan,
  sleep: (ms: number) => Promise<void> = pause,
  clock: () => number = Date.now,
): Promise<ProbeOutcome> {
  const started = clock();
  let last: TryResult = { ok: false, answer: "not tried" };
  for (let attempt = 1; attempt <= plan.attempts; attempt++) {
    last = await once(plan.timeoutMs);
    if (last.ok || attempt === plan.attempts) {
      return { ...last, attempts: attempt, ms: clock() - started };
    }
    await sleep(plan.delaysMs[attempt - 1] ?? 0);
  }
  return { ...last, attempts: plan.attempts, ms: clock() - started };
}
