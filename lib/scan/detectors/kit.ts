/**
 * What every detector is made of: the rule and detector types, the true/false-positive cases each
 * rule keeps beside it (validated for every rule by test/scan/rule-cases.test.ts), and the shared
 * building blocks — token boundaries, "random-looking", "the vendor is named nearby".
 */
import type { Fake } from "./fake";
import { charClasses, entropy, isPlaceholder } from "../noise";

export type Severity = "critical" | "high" | "medium" | "low";

/** What a detector's validator sees of one regex match. */
export interface MatchContext {
  /** The whole file (or state value) being scanned. */
  readonly content: string;
  /** Offset where the whole match starts. */
  readonly matchStart: number;
  /** Offsets of the secret within `content`. */
  readonly start: number;
  readonly end: number;
  readonly groups: Readonly<Record<string, string | undefined>>;
  /** Path or label of what is scanned; decides e.g. whether unquoted values are literals. */
  readonly file: string;
}

export interface Detector {
  /** Global regex; the credential is the named group `secret`. */
  readonly pattern: RegExp;
  /** Lower-case substrings one of which the content must contain for the pattern to run. */
  readonly keywords?: readonly string[];
  /** Extra checks on a match (entropy, context); false drops it. */
  readonly validate?: (secret: string, ctx: MatchContext) => boolean;
  /**
   * A vendor checksum over the secret: when it holds, the value is a real token of that vendor
   * whatever its body spells, so the shared placeholder check is skipped (documented examples
   * and references still drop it).
   */
  readonly checksum?: (secret: string) => boolean;
}

/** One case text: literal, or built from seeded fake values (so no credential is committed). */
export type CaseText = string | ((f: Fake) => string);
/** A case, scanned as the file `file` (default {@link DEFAULT_CASE_FILE}). */
export type Case = CaseText | { readonly file: string; readonly text: CaseText };

export const DEFAULT_CASE_FILE = "settings.txt";

export interface RuleCases {
  /** Texts the rule must report (each at least once). */
  readonly tp: readonly Case[];
  /** Texts the rule must not report. */
  readonly fp: readonly Case[];
}

export interface ScanRule {
  readonly id: string;
  /** Short human name ("GitHub token"). */
  readonly title: string;
  readonly description: string;
  readonly severity: Severity;
  readonly remediation: string;
  /** tokenguard's own detectors. */
  readonly detectors?: readonly Detector[];
  /** secretlint recommended-preset findings mapped onto this class: "<rule id>#<messageId>". */
  readonly secretlint?: readonly string[];
  /** For secretlint findings: the credential inside the reported text (default: all of it). */
  readonly secretOf?: (reported: string) => string | undefined;
  /** Skip the "inside a base64 blob" noise check (multi-line keys are base64 themselves). */
  readonly allowInBase64?: boolean;
  /** What counts as noise for this rule's secrets (default: isNoise). */
  readonly isNoise?: (secret: string) => boolean;
  /** Found by a structural scanner (Pulumi config or state), not by a text pattern. */
  readonly structural?: true;
  /** Positive and negative examples, checked against the whole detector set. */
  readonly cases?: RuleCases;
}

/** Extensions whose unquoted right-hand sides are expressions, not literals. */
export const CODE_FILE =
  /\.(?:[cm]?[jt]sx?|py|go|java|kt|kts|scala|rb|php|cs|rs|swift|c|cc|cpp|h|hpp|m|dart|lua|groovy|gradle)$/i;

export const ROTATE =
  "Revoke and rotate the credential, then remove it from the file and its history.";
export const SL = "@secretlint/secretlint-rule-";

// Alphabets, for boundaries: a credential is not preceded or followed by its own alphabet.
export const B62 = "A-Za-z0-9";
export const B64URL = "A-Za-z0-9_\\-";

/** A global regex for `body` standing alone: not inside a longer run of `alphabet`. */
export function standalone(body: string, alphabet = B64URL, flags = "g"): RegExp {
  return new RegExp(`(?<![${alphabet}])(?<secret>${body})(?![${alphabet}])`, flags);
}

/** Random-looking: not a placeholder, mixed characters and enough entropy for its length. */
export function randomLooking(min: number, skipPrefix = 0) {
  return (secret: string) => {
    const body = secret.slice(skipPrefix);
    return !isPlaceholder(body) && charClasses(body) >= 2 && entropy(body) >= min;
  };
}

/** Upper case, lower case and digits all present: what 20+ random base62 characters have. */
export function mixedCase(value: string): boolean {
  return /[a-z]/.test(value) && /[A-Z]/.test(value) && /[0-9]/.test(value);
}

/** Lines [from, to] around offset `at`, for proximity checks. */
export function linesAround(content: string, at: number, before: number, after: number): string {
  let start = at;
  for (let n = 0; n <= before && start > 0; n++) start = content.lastIndexOf("\n", start - 1);
  let end = at;
  for (let n = 0; n <= after && end !== -1; n++) end = content.indexOf("\n", end + 1);
  return content.slice(Math.max(0, start), end === -1 ? content.length : end);
}

/**
 * Words before a value that say it is a digest or an identifier, not a credential; or a URL path
 * segment (".../apps/<id>/..."), which names a resource.
 */
const NOT_SECRET_CONTEXT =
  /(?:sha\d*|hash|digest|checksum|commit|integrity|etag|md5|revision|fingerprint|uuid|guid|(?:^|[^a-z])(?:id|ids|version))["'\]]?\s*(?:=|:|=>|,)?\s*["'`]?$|[a-z0-9]\/$/i;

/**
 * The vendor is named just before the value: in the assignment's name, the same line or the two
 * lines above (an XML element, a comment, a Terraform provider block) — within `reach`
 * characters. The name must not say the value is a hash or (unless `idsToo`) an identifier.
 */
export function vendorNamed(words: RegExp, reach = 160, idsToo = false) {
  return (ctx: MatchContext): boolean => {
    const before = ctx.content.slice(Math.max(0, ctx.matchStart - reach), ctx.matchStart);
    const lines = before.split("\n");
    const near = lines.slice(-3).join("\n");
    return words.test(near) && (idsToo || !NOT_SECRET_CONTEXT.test(lines.at(-1) ?? ""));
  };
}

/** A detector for `body` standing alone with the vendor named just before it (see vendorNamed). */
export function nearVendor(
  keywords: readonly string[],
  words: RegExp,
  body: string,
  check: (secret: string) => boolean,
  alphabet = B64URL,
  idsToo = false,
): Detector {
  const named = vendorNamed(words, 160, idsToo);
  return {
    pattern: standalone(body, alphabet),
    keywords,
    validate: (secret, ctx) => check(secret) && named(ctx),
  };
}
