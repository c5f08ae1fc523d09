/**
 * The resources a token review reads, alike from both sides: the program's registrations under
 * `check`'s offline preview (declared) and a `pulumi stack export` (deployed). Values are read only
 * when plain: a value unknown at preview or wrapped as a secret is never read, so nothing secret in
 * an export can reach the review's output.
 */
import type { StackView } from "../check/engine-view";
import { labelledOwnership } from "../rules/ownership";
import { parseUrn, type StackExport } from "../scan/state";
import { SECRET_SIG, SIG_KEY, UNKNOWN } from "../wire";

export interface ResourceRecord {
  readonly urn: string;
  readonly type: string;
  readonly id?: string;
  readonly parent?: string;
  readonly inputs: Readonly<Record<string, unknown>>;
  readonly outputs: Readonly<Record<string, unknown>>;
  readonly dependencies: readonly string[];
  readonly propertyDependencies: Readonly<Record<string, readonly string[]>>;
}

/** The same resource on both sides: its type chain and name, without stack and project. */
export function recordKey(urn: string): string {
  return urn.split("::").slice(2).join("::");
}

/** The program's resources: what it registered itself (not the engine's default providers, not reads). */
export function recordsOfView(view: StackView): ResourceRecord[] {
  return view.resources
    .filter((r) => !r.synthesized && r.analyze)
    .map((r) => ({
      urn: r.urn,
      type: r.type,
      ...(r.parent ? { parent: r.parent } : {}),
      inputs: r.props,
      outputs: r.outputs,
      dependencies: r.dependencies ?? [],
      propertyDependencies: r.propertyDependencies ?? {},
    }));
}

const stringList = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

/** The deployed resources: neither pending deletion (replaced already) nor read from elsewhere. */
export function recordsOfExport(exp: StackExport): ResourceRecord[] {
  return exp.resources
    .filter((r) => !r.delete && (r as Record<string, unknown>).external !== true)
    .map((r) => {
      const raw = r as Record<string, unknown>;
      const deps = raw.propertyDependencies;
      const propertyDependencies =
        typeof deps === "object" && deps !== null && !Array.isArray(deps)
          ? Object.fromEntries(Object.entries(deps).map(([k, v]) => [k, stringList(v)]))
          : {};
      return {
        urn: r.urn,
        type: r.type,
        ...(r.id ? { id: r.id } : {}),
        ...(r.parent ? { parent: r.parent } : {}),
        inputs: r.inputs ?? {},
        outputs: r.outputs ?? {},
        dependencies: stringList(raw.dependencies),
        propertyDependencies,
      };
    });
}

/** A value the review may read, or why not. */
export type Readable =
  { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly why: string };

export const UNKNOWN_AT_PREVIEW = "unknown until pulumi up (computed from other resources)";
export const SECRET_VALUE = "a secret: never read, so not compared";

function unreadable(value: unknown): string | undefined {
  if (value === UNKNOWN) return UNKNOWN_AT_PREVIEW;
  if (Array.isArray(value)) {
    for (const v of value) {
      const why = unreadable(v);
      if (why) return why;
    }
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const record = value as Record<string, unknown>;
  if (record[SIG_KEY] !== undefined) {
    return record[SIG_KEY] === SECRET_SIG ? SECRET_VALUE : UNKNOWN_AT_PREVIEW;
  }
  for (const v of Object.values(record)) {
    const why = unreadable(v);
    if (why) return why;
  }
  return undefined;
}

/** `value` when it is plain JSON: neither unknown at preview nor (holding) a secret. */
export function readable(value: unknown): Readable {
  const why = unreadable(value);
  return why ? { ok: false, why } : { ok: true, value };
}

/** A plain, non-empty string, else undefined (unknown, secret or another type). */
export function plainText(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" && value !== UNKNOWN ? value : undefined;
}

/** The identity and ownership every token's facts start from. */
export function baseFacts(r: ResourceRecord, backend: string, managed = false) {
  return {
    key: recordKey(r.urn),
    name: parseUrn(r.urn).name,
    type: r.type,
    urn: r.urn,
    managed,
    backend,
    ...(managed ? {} : labelledOwnership(r.inputs)),
  };
}
