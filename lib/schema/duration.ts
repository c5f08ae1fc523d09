/**
 * Durations: the one parser every part of tokenguard uses for ttl, rotation and policy ceilings.
 *
 * Accepted forms (whole seconds, always > 0):
 *   - unit strings `90s`, `15m`, `1h`, `7d`, `2w`, and compounds such as `1h30m` or `1w2d`;
 *   - ISO-8601 durations with weeks, days and time parts: `PT1H`, `P30D`, `P1DT12H`, `P2W`.
 * Years and months are refused: their length varies, and a token's life must not.
 */

const UNIT_SECONDS = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 } as const;
type Unit = keyof typeof UNIT_SECONDS;

/** The longest duration accepted: 100 years of 365 days (any instant it leads to is printable). */
export const MAX_DURATION = 100 * 365 * 86400;

const UNIT_FORM = /^(?:\d+[wdhms])+$/;
const ISO_FORM = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;

/** Why a duration string was refused; `message` names what to write instead. */
export class DurationError extends Error {
  constructor(
    readonly input: string,
    reason: string,
  ) {
    super(`${JSON.stringify(input)} ${reason}`);
    this.name = "DurationError";
  }
}

const HINT = 'write it like "90s", "15m", "1h", "7d", "2w" or ISO-8601 "PT1H", "P30D"';

/** Parses a duration string into whole seconds; throws {@link DurationError} naming the fix. */
export function parseDuration(input: string): number {
  if (typeof input !== "string") {
    throw new DurationError(String(input), `is not a duration string; ${HINT}`);
  }
  const text = input.trim();
  let seconds: number;
  if (UNIT_FORM.test(text)) {
    seconds = 0;
    const seen = new Set<string>();
    for (const [, amount, unit] of text.matchAll(/(\d+)([wdhms])/g)) {
      if (seen.has(unit)) throw new DurationError(input, `repeats the unit "${unit}"; ${HINT}`);
      seen.add(unit);
      seconds += Number(amount) * UNIT_SECONDS[unit as Unit];
    }
  } else if (text.startsWith("P") && text !== "P" && !text.endsWith("T")) {
    const m = ISO_FORM.exec(text);
    if (!m) {
      const datePart = text.slice(1).split("T")[0];
      const why = /\d+[YM]/.test(datePart)
        ? "uses years or months, whose length varies; use days or weeks (P30D, P12W)"
        : `is not an ISO-8601 duration tokenguard understands; ${HINT}`;
      throw new DurationError(input, why);
    }
    const [w, d, h, min, s] = m.slice(1).map((v) => Number(v ?? 0));
    seconds = w * 604800 + d * 86400 + h * 3600 + min * 60 + s;
  } else {
    throw new DurationError(input, `is not a duration; ${HINT}`);
  }
  if (!Number.isSafeInteger(seconds) || seconds > MAX_DURATION) {
    throw new DurationError(input, "is longer than 100 years; no token should live that long");
  }
  if (seconds <= 0)
    throw new DurationError(input, "is zero; a token must expire, so give a positive duration");
  return seconds;
}

/** Formats seconds in the largest exact units, e.g. 90000 -> "1d1h", 2592000 -> "30d". */
export function formatDuration(seconds: number): string {
  if (!Number.isSafeInteger(seconds) || seconds < 0)
    throw new RangeError(`bad duration ${seconds}`);
  if (seconds === 0) return "0s";
  let rest = seconds;
  let out = "";
  for (const unit of ["d", "h", "m", "s"] as const) {
    const size = UNIT_SECONDS[unit];
    if (rest >= size) {
      out += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  return out;
}

const GO_UNITS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

/**
 * Seconds of a Go duration as Go's time.ParseDuration reads it ("1h30m", "-5m", "250ms", "1.5h";
 * "0" alone is zero), or undefined when `text` is not one. Vault and the engine write these.
 */
export function parseGoDuration(text: string): number | undefined {
  const body = text.replace(/^[-+]/, "");
  if (body === "0") return 0;
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (let m = part.exec(body); m; m = part.exec(body)) {
    total += Number(m[1]) * GO_UNITS[m[2]];
    end = part.lastIndex;
  }
  if (body === "" || end !== body.length) return undefined;
  return text.startsWith("-") ? -total : total;
}
