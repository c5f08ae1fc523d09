/**
 * The anchor rule: generation 0 starts at the anchor and no generation exists before it, so a
 * declared anchor after now cannot issue anything yet and is refused. Pure.
 */
import { formatInstant, parseInstant } from "./clock";

/**
 * The latest instant at or before `now` on the same rotation grid as `anchor` (anchor minus whole
 * periods): an anchor that rotates at the same times and has already started.
 */
export function pastEquivalent(anchor: number, every: number, now: number): number {
  if (anchor <= now) return anchor;
  return anchor - Math.ceil((anchor - now) / every) * every;
}

/**
 * Why a declared `rotation.anchor` (RFC 3339 text) cannot start a schedule at `now`, or undefined
 * when it can. `every` (seconds), when known, lets the message name a past equivalent.
 */
export function anchorProblem(
  text: string,
  every: number | undefined,
  now: number,
): string | undefined {
  let anchor: number;
  try {
    anchor = parseInstant(text);
  } catch (e) {
    return `rotation.anchor ${(e as Error).message}`;
  }
  if (anchor <= now) return undefined;
  const instead =
    every !== undefined && every > 0
      ? `; ${formatInstant(pastEquivalent(anchor, every, now))} rotates at the same times`
      : "";
  return `rotation.anchor ${text} is after now (${formatInstant(now)}): generation 0 starts at the anchor and nothing is issued before it, so declare an anchor in the past${instead}`;
}
