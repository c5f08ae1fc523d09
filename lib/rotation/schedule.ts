/**
 * Stateless rotation schedule. Pure math over the declared spec and a clock: no Pulumi imports,
 * no stored state. Generation n is "current" during [start(n), start(n+1)); it is created at
 * start(n) and stays live until start(n+1) + overlap, so consumers have `overlap` to switch over.
 *
 * All times are whole seconds since the Unix epoch; all durations whole seconds.
 */
import { createHash } from "node:crypto";
import { formatInstant } from "./clock";

/** The schedule's zero point before jitter: 2024-01-01T00:00:00Z. */
export const SCHEDULE_EPOCH = Date.UTC(2024, 0, 1) / 1000;

export interface ScheduleSpec {
  /** Seconds between generations. */
  readonly every: number;
  /** Seconds the previous generation stays live after its successor appears (0 <= overlap <= every/2). */
  readonly overlap: number;
  /** Seconds a generation's credential is valid for, counted from its start. */
  readonly ttl: number;
  /** Start of generation 0 (seconds since the epoch); usually {@link jitteredAnchor}. */
  readonly anchor: number;
}

export interface Generation {
  readonly n: number;
  /** When this generation becomes current (and is issued). */
  readonly start: number;
  /** When its successor becomes current: the next rotation. */
  readonly rotatesAt: number;
  /** When it stops being live (successor's start + overlap). */
  readonly retiresAt: number;
  /** Earliest moment its credential can expire: start + ttl (an issued credential lives at least this long). */
  readonly expiresAt: number;
}

export interface LiveSet {
  /** The newest live generation: the one consumers should use. */
  readonly current: Generation;
  /** The older generation while its overlap window is open, else undefined. */
  readonly previous?: Generation;
}

/** Why a schedule cannot be built; the message says by how much it is off. */
export class ScheduleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ScheduleError";
  }
}

/**
 * Checks the invariants that make rotation safe and returns a list of problems (empty when fine):
 * every > 0, 0 <= overlap <= every / 2, ttl >= every + overlap.
 */
export function scheduleProblems(s: Pick<ScheduleSpec, "every" | "overlap" | "ttl">): string[] {
  const problems: string[] = [];
  if (!(s.every > 0)) problems.push(`rotation.every must be positive (got ${s.every}s)`);
  if (s.overlap < 0) problems.push(`rotation.overlap must not be negative (got ${s.overlap}s)`);
  if (s.overlap * 2 > s.every) {
    problems.push(`rotation.overlap (${s.overlap}s) exceeds half of rotation.every (${s.every}s)`);
  }
  if (s.ttl < s.every + s.overlap) {
    problems.push(
      `ttl (${s.ttl}s) is ${s.every + s.overlap - s.ttl}s shorter than rotation.every + rotation.overlap (${s.every + s.overlap}s)`,
    );
  }
  return problems;
}

/** Jitter at or beyond this many seconds moves the implicit anchor back one period (see below). */
export const MAX_FORWARD_JITTER = 730 * 86_400;

/**
 * A per-token anchor: the epoch shifted by a deterministic jitter in [0, every) derived from `key`
 * (e.g. "project/stack/name"), so tokens declared together do not all rotate at the same instant.
 * A jitter of two years or more (only periods over two years have one) is taken one period back,
 * so an implicit anchor is never after 2025-12-31 and never in the future.
 */
export function jitteredAnchor(key: string, every: number): number {
  const digest = createHash("sha256").update(key).digest();
  // 48 bits are exact in a double and far larger than any `every`.
  const jitter = digest.readUIntBE(0, 6) % every;
  return SCHEDULE_EPOCH + (jitter < MAX_FORWARD_JITTER ? jitter : jitter - every);
}

/**
 * The generation that is current at `now`: never negative for a schedule {@link liveSet}
 * accepts (it refuses one whose anchor is after `now`).
 */
export function generationAt(s: ScheduleSpec, now: number): number {
  return Math.floor((now - s.anchor) / s.every);
}

/** The boundaries of generation `n`. */
export function generation(s: ScheduleSpec, n: number): Generation {
  const start = s.anchor + n * s.every;
  const rotatesAt = start + s.every;
  return { n, start, rotatesAt, retiresAt: rotatesAt + s.overlap, expiresAt: start + s.ttl };
}

/**
 * The generations that must exist at `now`: always the current one, plus its predecessor while
 * the predecessor's overlap window is open. Never zero, never more than two, never negative:
 * generation 0 has no predecessor, and a schedule whose anchor is after `now` is refused.
 */
export function liveSet(s: ScheduleSpec, now: number): LiveSet {
  const problems = scheduleProblems(s);
  if (now < s.anchor) {
    problems.push(
      `rotation.anchor ${formatInstant(s.anchor)} is after now (${formatInstant(now)}): generation 0 starts at the anchor and nothing is issued before it`,
    );
  }
  if (problems.length > 0) throw new ScheduleError(problems.join("; "));
  const n = generationAt(s, now);
  const current = generation(s, n);
  if (n === 0) return { current };
  const before = generation(s, n - 1);
  return now < before.retiresAt ? { current, previous: before } : { current };
}

/**
 * Backends with a hard limit of two credentials per principal (AWS IAM: two access keys per user)
 * keep generations in two slots: generation n lives in slot n mod 2. Live generations are
 * consecutive, so they never share a slot; a slot moves to a newer generation only once its old
 * generation has left the live set.
 */
export const KEY_SLOTS = 2;

export function keySlot(n: number): number {
  return ((n % KEY_SLOTS) + KEY_SLOTS) % KEY_SLOTS;
}
