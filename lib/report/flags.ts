/** What `tokenguard report` flags, and the small readers its entries share. */
import { formatInstant, parseInstant } from "../rotation/clock";

/** What the report flags, one entry each. */
export const REPORT_FLAGS = {
  "expired-but-present": {
    severity: "high",
    description:
      "A credential whose expiry has passed is still in state: consumers may be failing, and the state no longer matches reality. Run pulumi up (ScopedToken retires it) or delete the raw token.",
  },
  "rotation-overdue": {
    severity: "high",
    description:
      "The next generation was due and has not been issued: pulumi up has not run since rotatesAt. Schedule pulumi up at least as often as the smallest overlap.",
  },
  "scope-beyond-policy": {
    severity: "high",
    description:
      "The scopes in state are broader than the policy file allows today (stale permissions after a policy tightening). Narrow the scopes and run pulumi up.",
  },
  "policy-violation": {
    severity: "medium",
    description:
      "Today's policy file refuses the token's declared lifetime or rotation (e.g. a ceiling was lowered). Fix the declaration and run pulumi up.",
  },
  "missing-owner": {
    severity: "medium",
    description:
      "Nobody is named as answering for the token. Set owner (tags/metadata for raw tokens).",
  },
  "unmanaged-raw-token": {
    severity: "medium",
    description:
      "A token resource declared without ScopedToken: nothing bounds, rotates or scopes it by policy. Declare it with ScopedToken.",
  },
} as const;

export type ReportFlag = keyof typeof REPORT_FLAGS;

export interface Flag {
  readonly flag: ReportFlag;
  readonly message: string;
}

export function dedupe(flags: readonly Flag[]): Flag[] {
  const seen = new Set<string>();
  return flags.filter((f) => {
    const key = `${f.flag}\0${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export const str = (v: unknown): string | undefined =>
  typeof v === "string" && v !== "" ? v : undefined;
export const num = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v) ? v : undefined;

export function instant(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseInstant(text);
  } catch {
    // Engine timestamps carry sub-second digits and offsets RFC 3339 allows; Date.parse copes.
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
  }
}

export function normalize(text: string | undefined): string | undefined {
  const s = instant(text);
  return s === undefined ? undefined : formatInstant(s);
}
