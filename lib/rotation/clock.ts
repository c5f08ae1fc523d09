/** Instants as whole seconds since the Unix epoch, read from and written as RFC 3339. */

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** Parses an RFC 3339 timestamp ("2026-01-31T12:00:00Z") into epoch seconds (fractions dropped). */
export function parseInstant(text: string): number {
  const ms = RFC3339.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    throw new RangeError(
      `${JSON.stringify(text)} is not an RFC 3339 timestamp; write it like "2026-01-31T12:00:00Z"`,
    );
  }
  return Math.floor(ms / 1000);
}

/** Formats epoch seconds as RFC 3339 in UTC without fractions: "2026-01-31T12:00:00Z". */
export function formatInstant(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(".000Z", "Z");
}

/** The clock: `pinned` (an RFC 3339 string, e.g. from `tokenguard:now`) or the system time. */
export function nowSeconds(pinned?: string): number {
  return pinned === undefined || pinned === ""
    ? Math.floor(Date.now() / 1000)
    : parseInstant(pinned);
}
