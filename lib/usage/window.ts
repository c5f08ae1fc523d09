/** The observation window of `usage`: [now − since, now], and the instants state records. */
import { formatInstant, parseInstant } from "../rotation/clock";
import { DurationError, parseDuration } from "../schema/duration";

export interface UsageWindow {
  /** Epoch seconds. */
  readonly start: number;
  readonly end: number;
  /** --since as given. */
  readonly since: string;
}

/** A --since value that is neither a duration nor an RFC 3339 instant. */
export class WindowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "WindowError";
  }
}

/** `since` is a duration ("90d") back from `now`, or an RFC 3339 instant. */
export function usageWindow(since: string, now: number): UsageWindow {
  let start: number;
  if (/^\d{4}-\d{2}-\d{2}T/.test(since)) {
    try {
      start = parseInstant(since);
    } catch (e) {
      throw new WindowError(`--since: ${(e as Error).message}`);
    }
  } else {
    try {
      start = now - parseDuration(since);
    } catch (e) {
      if (!(e instanceof DurationError) && !(e instanceof RangeError)) throw e;
      throw new WindowError(
        `--since: ${(e as Error).message} (or give an RFC 3339 instant like "2026-01-31T00:00:00Z")`,
      );
    }
  }
  if (start > now) {
    throw new WindowError(
      `--since ${since} starts at ${formatInstant(start)}, after now (${formatInstant(now)})`,
    );
  }
  return { start, end: now, since };
}

/** An engine timestamp (RFC 3339, maybe with sub-second digits) as epoch seconds. */
export function instantOf(text: unknown): number | undefined {
  if (typeof text !== "string" || text === "") return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}
