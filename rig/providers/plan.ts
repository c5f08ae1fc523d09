/**
 * Diffs the way the bridged (Terraform-based) providers do: the new inputs are planned against
 * the old *state*, property by property, and a property whose rule says so forces replacement.
 */
import { containsUnknowns, reveal, sameValue, type Props } from "./props";
import type { DiffKind, DiffOutcome } from "./server";

export interface PropRule {
  /** A change forces a new resource (Terraform `ForceNew` / `RequiresReplace`). */
  readonly forceNew?: boolean | ((state: unknown, planned: unknown) => boolean);
  /**
   * What is planned when the input is absent: `{ default }` (a schema default), or "state"
   * (Optional + Computed: the value in the state stays). Otherwise absent means "no value".
   */
  readonly whenAbsent?: { readonly default: unknown } | "state";
  /** Equality of state and planned value (revealed). Default: deep equality. */
  readonly equal?: (state: unknown, planned: unknown) => boolean;
}

/** Terraform plugin SDK v2 semantics: a zero value ("" / false / 0 / empty) equals "not set". */
export function isZero(v: unknown): boolean {
  const x = reveal(v);
  return (
    x === undefined ||
    x === null ||
    x === "" ||
    x === false ||
    x === 0 ||
    (Array.isArray(x) && x.length === 0) ||
    (typeof x === "object" && x !== null && Object.keys(x).length === 0)
  );
}

export function sdkV2Equal(a: unknown, b: unknown): boolean {
  return (isZero(a) && isZero(b)) || sameValue(a, b);
}

/** The value planned for each ruled property (unknowns stay unknown). */
export function planned(state: Props, news: Props, rules: Record<string, PropRule>): Props {
  const out: Props = {};
  for (const [k, rule] of Object.entries(rules)) {
    let v = news[k];
    if (v === undefined) {
      if (rule.whenAbsent === "state") v = state[k];
      else if (rule.whenAbsent) v = rule.whenAbsent.default;
    }
    if (v !== undefined) out[k] = v;
  }
  return out;
}

export function planDiff(state: Props, news: Props, rules: Record<string, PropRule>): DiffOutcome {
  const plan = planned(state, news, rules);
  const detailedDiff: Record<string, DiffKind> = {};
  const replaces: string[] = [];
  for (const [k, rule] of Object.entries(rules)) {
    const before = state[k];
    const after = plan[k];
    const unknown = containsUnknowns(after);
    const equal = rule.equal ?? ((a: unknown, b: unknown) => sameValue(a, b));
    if (!unknown && equal(before, after)) continue;
    const replace =
      typeof rule.forceNew === "function"
        ? unknown || rule.forceNew(reveal(before), reveal(after))
        : Boolean(rule.forceNew);
    const kind: DiffKind = before === undefined ? "add" : after === undefined ? "delete" : "update";
    detailedDiff[k] = replace ? (`${kind}-replace` as DiffKind) : kind;
    if (replace) replaces.push(k);
  }
  return { changes: Object.keys(detailedDiff).length > 0, replaces, detailedDiff };
}
