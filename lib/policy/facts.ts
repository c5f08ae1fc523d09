/**
 * Reading facts out of the analyzer's props. Props come wrapped in a proxy that throws
 * UnknownValueError when a value is not known at preview; the SDK turns a throw into an advisory
 * "can't be known during preview". These helpers keep that behaviour where a rule needs the value,
 * and let a stack policy judge the resources it can before saying what it could not.
 */
import {
  UnknownValueError,
  type PolicyResource,
  type ReportViolation,
  type ResourceValidation,
  type ResourceValidationArgs,
} from "@pulumi/policy";
import type { Finding } from "../rules/catalog";
import { SCOPED_TOKEN_TYPE } from "../rules/ownership";
import type { StackNode } from "../rules/raw-aws";

/** A validation that runs on resources of the given types only (the SDK skips the others fast). */
export function forTypes(
  types: readonly string[],
  validate: (args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
  const fn: ResourceValidation = (args, report) => {
    if (!types.includes(args.type)) return args.notApplicable(`applies to ${types.join(", ")}`);
    validate(args, report);
  };
  return types.length === 1 ? Object.assign(fn, { __pulumiType: types[0] }) : fn;
}

/** Reports findings as violations; each message states the fact, the limit and the fix. */
export function reportAll(findings: readonly Finding<string>[], report: ReportViolation): void {
  for (const f of findings) report(f.message);
}

/** Collects UnknownValueErrors so a stack policy can judge the rest, then rethrow the first. */
export class Unknowns {
  private first?: unknown;

  /** The value `read` returns, or undefined when it is not known at preview. */
  read<T>(read: () => T): T | undefined {
    try {
      return read();
    } catch (e) {
      if (!(e instanceof UnknownValueError)) throw e;
      this.first ??= e;
      return undefined;
    }
  }

  /** Rethrows the first unknown, so the SDK reports "can't be known during preview" (advisory). */
  rethrow(): void {
    if (this.first !== undefined) throw this.first;
  }
}

/** A deep plain copy of a JSON-like value: every nested read goes through the proxy. */
export function plain<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/**
 * A plain view of a stack resource with just the props named, for the pure rules. A prop unknown at
 * preview is left out; `noteUnknown` lists the props whose absence the caller must report.
 */
export function stackNode(
  r: PolicyResource,
  props: readonly string[],
  unknowns: Unknowns,
  noteUnknown: readonly string[] = [],
): StackNode {
  const known: Record<string, unknown> = {};
  for (const prop of props) {
    if (!(prop in r.props)) continue; // `in` never trips the unknown check
    const value = noteUnknown.includes(prop)
      ? unknowns.read(() => plain(r.props[prop]))
      : new Unknowns().read(() => plain(r.props[prop]));
    if (value !== undefined) known[prop] = value;
  }
  const owner = owningToken(r);
  return {
    urn: r.urn,
    type: r.type,
    name: r.name,
    ...(owner ? { owner } : {}),
    props: known,
    dependencies: r.dependencies.map((d) => d.urn),
    propertyDependencies: Object.fromEntries(
      Object.entries(r.propertyDependencies).map(([k, v]) => [k, v.map((d) => d.urn)]),
    ),
  };
}

/** The name of the ScopedToken among a resource's ancestors (its allowances apply to the resource). */
export function owningToken(r: { parent?: PolicyResource }): string | undefined {
  for (let p = r.parent; p; p = p.parent) if (p.type === SCOPED_TOKEN_TYPE) return p.name;
  return undefined;
}
