/**
 * A token change review, pure: two lists of what tokens are (declared and deployed), compared per
 * token — added and removed tokens, access gained and lost (./scope-diff), and the lifetime,
 * rotation, owner, purpose and backend changes — with each widening named: any access gained, a
 * longer ttl, a slower (or removed) rotation, a removed owner.
 */
import { GlobLimitError } from "./globs";
import { diffGrants, type Grammar, type Grants, type ScopeChange } from "./scope-diff";

/** A duration as given, and its length (Infinity: unbounded). */
export interface Span {
  readonly text: string;
  readonly seconds: number;
}

/** What one token is, on one side of the review; never a credential. */
export interface TokenFacts {
  /** The same token on both sides: the resource's type chain and name (no stack or project). */
  readonly key: string;
  readonly name: string;
  readonly type: string;
  readonly urn: string;
  /** A ScopedToken (true) or a raw token resource the policy pack judges. */
  readonly managed: boolean;
  readonly backend: string;
  /** What it grants; absent when it has no access model (a secret) or when unknown. */
  readonly grants?: Grants;
  /** How long a credential lives (absent: nothing bounds it). */
  readonly ttl?: Span;
  /** How often it is replaced (absent: never). */
  readonly every?: Span;
  readonly overlap?: Span;
  readonly anchor?: string;
  readonly owner?: string;
  readonly purpose?: string;
  readonly generation?: number;
  /** Further settings compared as text (a raw token's renewable, period, orphan flags). */
  readonly settings?: Readonly<Record<string, string>>;
  /** Fields that cannot be compared (unknown at preview, secret, unreadable), with why. */
  readonly unknown: readonly { readonly field: string; readonly why: string }[];
}

export type WideningKind = "access" | "ttl" | "rotation" | "owner";

export interface FieldChange {
  readonly field: string;
  readonly before?: string;
  readonly after?: string;
  /** Set when the change widens what the token is. */
  readonly widening?: WideningKind;
  /** A lengthened ttl or rotation: its new length in seconds (Infinity: unbounded), for approvals. */
  readonly afterSeconds?: number;
}

/** One widening of one token: what an approval must cover. */
export interface Widening {
  readonly kind: WideningKind;
  /** The gained access (kind "access"). */
  readonly gain?: ScopeChange;
  /** The changed field (other kinds). */
  readonly change?: FieldChange;
}

export interface TokenChange {
  readonly key: string;
  readonly name: string;
  readonly type: string;
  readonly urn: string;
  readonly managed: boolean;
  readonly backend: string;
  readonly change: "added" | "removed" | "changed";
  /** The grammar of its scopes, when it has a known access model. */
  readonly grammar?: Grammar;
  readonly gained: readonly ScopeChange[];
  readonly lost: readonly ScopeChange[];
  readonly fields: readonly FieldChange[];
  /** Generations renumbered by a new `every` or `anchor`: the next `pulumi up` replaces the credential. */
  readonly renumbered?: { readonly before: number; readonly after: number };
  readonly unknown: readonly { readonly field: string; readonly why: string }[];
  readonly widenings: readonly Widening[];
}

const UNBOUNDED: Span = { text: "none", seconds: Infinity };

/** A longer (or no longer bounded) span widens: ttl, rotation interval. */
function spanChange(
  field: string,
  before: Span | undefined,
  after: Span | undefined,
  kind: WideningKind,
): FieldChange[] {
  const b = before ?? UNBOUNDED;
  const a = after ?? UNBOUNDED;
  if (b.seconds === a.seconds) return [];
  return [
    {
      field,
      ...(before ? { before: before.text } : {}),
      ...(after ? { after: after.text } : {}),
      ...(a.seconds > b.seconds ? { widening: kind, afterSeconds: a.seconds } : {}),
    },
  ];
}

function textChange(field: string, before?: string, after?: string): FieldChange[] {
  if (before === after) return [];
  return [
    {
      field,
      ...(before !== undefined ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
      ...(field === "owner" && after === undefined ? { widening: "owner" as const } : {}),
    },
  ];
}

/** The field changes of a token present on both sides, in a fixed order. */
function fieldChanges(b: TokenFacts, a: TokenFacts): FieldChange[] {
  const settings = [
    ...new Set([...Object.keys(b.settings ?? {}), ...Object.keys(a.settings ?? {})]),
  ];
  return [
    ...textChange("backend", b.backend, a.backend),
    ...spanChange("ttl", b.ttl, a.ttl, "ttl"),
    ...spanChange("rotation.every", b.every, a.every, "rotation"),
    ...textChange("rotation.overlap", b.overlap?.text, a.overlap?.text),
    ...textChange("rotation.anchor", b.anchor, a.anchor),
    ...textChange("owner", b.owner, a.owner),
    ...textChange("purpose", b.purpose, a.purpose),
    ...settings.sort().flatMap((k) => textChange(k, b.settings?.[k], a.settings?.[k])),
  ].filter((c) => !unknownOn(b, a, c.field));
}

const unknownOn = (b: TokenFacts, a: TokenFacts, field: string) =>
  [...b.unknown, ...a.unknown].some((u) => u.field === field);

/** A new `every` or `anchor` that moves the current generation number. */
function renumbering(b: TokenFacts, a: TokenFacts): TokenChange["renumbered"] {
  const schedule = b.every?.seconds !== a.every?.seconds || b.anchor !== a.anchor;
  if (!schedule || b.generation === undefined || a.generation === undefined) return undefined;
  return b.generation === a.generation ? undefined : { before: b.generation, after: a.generation };
}

function unknownOf(b: TokenFacts | undefined, a: TokenFacts | undefined) {
  const seen = new Set<string>();
  return [...(b?.unknown ?? []), ...(a?.unknown ?? [])].filter((u) => {
    const key = `${u.field}\0${u.why}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** Access gained and lost, or why it cannot be compared (grants too large to compare exactly). */
function accessDelta(before: TokenFacts | undefined, after: TokenFacts | undefined) {
  try {
    return diffGrants(before?.grants, after?.grants);
  } catch (e) {
    if (!(e instanceof GlobLimitError)) throw e;
    return { why: `too many path patterns to compare exactly (${e.message})` };
  }
}

/** The same token with nothing set: the "before" of an added token. */
function blank(t: TokenFacts): TokenFacts {
  const { key, name, type, urn, managed, backend } = t;
  return { key, name, type, urn, managed, backend, unknown: [] };
}

/** The review of one token (`before` absent: added; `after` absent: removed). */
export function compareToken(
  before: TokenFacts | undefined,
  after: TokenFacts | undefined,
): TokenChange | undefined {
  const facts = after ?? before;
  if (!facts) return undefined;
  const grantsKnown = !unknownOn(before ?? facts, after ?? facts, "scopes");
  const compared = grantsKnown ? accessDelta(before, after) : { gained: [], lost: [] };
  const delta = "why" in compared ? { gained: [], lost: [] } : compared;
  // An added token shows what it is (from nothing); a removed one only that it went.
  const fields = after ? fieldChanges(before ?? blank(after), after) : [];
  const renumbered = before && after ? renumbering(before, after) : undefined;
  const unknown = [
    ...unknownOf(before, after),
    ...("why" in compared ? [{ field: "scopes", why: compared.why }] : []),
  ];
  const change = !before ? "added" : !after ? "removed" : "changed";
  if (
    change === "changed" &&
    !delta.gained.length &&
    !delta.lost.length &&
    !fields.length &&
    !renumbered &&
    !unknown.length
  ) {
    return undefined;
  }
  const widenings: Widening[] = [
    ...delta.gained.map((gain) => ({ kind: "access" as const, gain })),
    ...fields.flatMap((c) => (c.widening ? [{ kind: c.widening, change: c }] : [])),
  ];
  const { key, name, type, urn, managed, backend } = facts;
  const grammar = (after?.grants ?? before?.grants)?.grammar;
  return {
    key,
    name,
    type,
    urn,
    managed,
    backend,
    change,
    ...(grammar ? { grammar } : {}),
    gained: delta.gained,
    lost: delta.lost,
    fields,
    ...(renumbered ? { renumbered } : {}),
    unknown,
    widenings,
  };
}

/** Every token that changed, in the order the declared side lists them, removed ones last. */
export function compareTokens(
  deployed: readonly TokenFacts[],
  declared: readonly TokenFacts[],
): TokenChange[] {
  const before = new Map(deployed.map((t) => [t.key, t]));
  const after = new Map(declared.map((t) => [t.key, t]));
  const keys = [...after.keys(), ...[...before.keys()].filter((k) => !after.has(k))];
  return keys.flatMap((k) => compareToken(before.get(k), after.get(k)) ?? []);
}
