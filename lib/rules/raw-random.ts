/**
 * `random-token-strength`: a random resource that generates a token carries enough entropy. Which
 * resources generate tokens: those a ScopedToken owns, and those whose name says token/key/secret
 * (see {@link looksLikeToken}).
 */
import type { Finding } from "./catalog";

/** 256 bits: the default floor, as for ScopedToken's random backend. */
export const DEFAULT_MIN_BYTES = 32;

export const RANDOM_TYPES = {
  bytes: "random:index/randomBytes:RandomBytes",
  id: "random:index/randomId:RandomId",
  password: "random:index/randomPassword:RandomPassword",
  string: "random:index/randomString:RandomString",
} as const;

/** The random provider's default special characters. */
export const DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?";

/** The props of a random resource that decide its entropy. */
export interface RandomFacts {
  readonly length?: unknown;
  readonly byteLength?: unknown;
  readonly lower?: unknown;
  readonly upper?: unknown;
  readonly numeric?: unknown;
  /** Deprecated alias of `numeric`. */
  readonly number?: unknown;
  readonly special?: unknown;
  readonly overrideSpecial?: unknown;
}

/** How many characters a RandomPassword/RandomString draws from, given its class flags. */
export function alphabetSize(facts: RandomFacts): number {
  const on = (flag: unknown) => flag !== false;
  const special = new Set(
    typeof facts.overrideSpecial === "string" && facts.overrideSpecial !== ""
      ? facts.overrideSpecial
      : DEFAULT_SPECIAL,
  );
  return (
    (on(facts.lower) ? 26 : 0) +
    (on(facts.upper) ? 26 : 0) +
    (on(facts.numeric ?? facts.number) ? 10 : 0) +
    (on(facts.special) ? special.size : 0)
  );
}

/** Entropy in bytes of one value of a random resource, or undefined for a type that is not judged. */
export function entropyBytes(type: string, facts: RandomFacts): number | undefined {
  switch (type) {
    case RANDOM_TYPES.bytes:
      return Number(facts.length);
    case RANDOM_TYPES.id:
      return Number(facts.byteLength);
    case RANDOM_TYPES.password:
    case RANDOM_TYPES.string: {
      const size = alphabetSize(facts);
      return size < 2 ? 0 : (Number(facts.length) * Math.log2(size)) / 8;
    }
    default:
      return undefined;
  }
}

/** `random-token-strength` on one token-generating random resource. */
export function judgeRandomStrength(
  type: string,
  facts: RandomFacts,
  minBytes: number = DEFAULT_MIN_BYTES,
): Finding<"random-token-strength">[] {
  const bytes = entropyBytes(type, facts);
  if (bytes === undefined || bytes >= minBytes) return [];
  const rule = "random-token-strength" as const;
  if (type === RANDOM_TYPES.bytes || type === RANDOM_TYPES.id) {
    const field = type === RANDOM_TYPES.bytes ? "length" : "byteLength";
    return [
      {
        rule,
        field,
        message: `${field} ${facts[field]} gives ${bytes} bytes of entropy, below ${minBytes}; set ${field} >= ${minBytes}`,
      },
    ];
  }
  const size = alphabetSize(facts);
  if (size < 2) {
    return [
      {
        rule,
        field: "length",
        message:
          "every character class is turned off, so the value carries no entropy; enable lower, upper and numeric",
      },
    ];
  }
  const bits = Math.log2(size);
  const needed = Math.ceil((minBytes * 8) / bits);
  return [
    {
      rule,
      field: "length",
      message: `length ${facts.length} over an alphabet of ${size} characters gives ${bytes.toFixed(1)} bytes (${Math.floor(bytes * 8)} bits) of entropy, below ${minBytes} bytes; set length >= ${needed}`,
    },
  ];
}
