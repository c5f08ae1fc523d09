/**
 * Runs the pack's policies in-process the way the policy SDK does: props wrapped in the SDK's own
 * unknownCheckingProxy, getConfig returning the schema defaults plus the given config (as the CLI
 * sends them), notApplicable throwing, and an UnknownValueError reported as "can't be known".
 */
import * as path from "node:path";
import {
  unknownCheckingProxy,
  UnknownValueError,
  type PolicyConfigSchema,
  type PolicyResource,
  type ResourceValidationArgs,
  type ResourceValidationPolicy,
  type StackValidationPolicy,
} from "@pulumi/policy";
import { UNKNOWN, urnOf } from "../../lib/check/analyzer-client";

export const PACK_DIR = path.resolve(__dirname, "../../policy-packs/tokenguard");
export const PROJECT = "tgpolicy";
export const STACK = "unit";
/** What the engine sends for a value not known at preview. */
export { UNKNOWN };

export interface Outcome {
  /** Violation messages, in order. */
  readonly violations: string[];
  /** Set when the policy said it does not apply. */
  readonly notApplicable?: string;
  /** Set when the policy read a value unknown at preview (the SDK makes that advisory). */
  readonly unknown?: string;
}

class NotApplicable extends Error {}

/** The config a policy receives from the engine: its schema's defaults, then `given`. */
export function engineConfig(schema: PolicyConfigSchema | undefined, given: object = {}): object {
  const defaults = Object.fromEntries(
    Object.entries(schema?.properties ?? {})
      .filter(([, p]) => p.default !== undefined)
      .map(([k, p]) => [k, structuredClone(p.default)]),
  );
  return { ...defaults, ...given };
}

export interface ResourceFixture {
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly parent?: string;
  readonly urn?: string;
  /** The provider resource the engine names in Analyze (its props as the engine sends them). */
  readonly provider?: {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, unknown>;
  };
}

export function urnFor(r: Pick<ResourceFixture, "type" | "name" | "parent">): string {
  return urnOf(PROJECT, STACK, r.type, r.name, r.parent);
}

/** Runs a resource policy on one resource. */
export async function runResource(
  policy: ResourceValidationPolicy,
  resource: ResourceFixture,
  config: object = {},
): Promise<Outcome> {
  const violations: string[] = [];
  const props = unknownCheckingProxy(structuredClone(resource.props)) as Record<string, unknown>;
  const args: ResourceValidationArgs = {
    type: resource.type,
    name: resource.name,
    urn: resource.urn ?? urnFor(resource),
    props,
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
      ...(resource.parent ? { parent: resource.parent } : {}),
    },
    stackTags: new Map(),
    isType: () => false,
    asType: () => undefined,
    getConfig: <T extends object>() => engineConfig(policy.configSchema, config) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicable(reason);
    },
    ...(resource.provider
      ? {
          provider: {
            ...resource.provider,
            props: unknownCheckingProxy(structuredClone(resource.provider.props)) as Record<
              string,
              unknown
            >,
          },
        }
      : {}),
  };
  const validations = [policy.validateResource ?? []].flat();
  try {
    for (const validate of validations) await validate(args, (m) => violations.push(m));
  } catch (e) {
    if (e instanceof NotApplicable) return { violations, notApplicable: e.message };
    if (e instanceof UnknownValueError) return { violations, unknown: (e as Error).message };
    throw e;
  }
  return { violations };
}

export interface StackFixture extends ResourceFixture {
  readonly dependencies?: readonly string[];
  readonly propertyDependencies?: Record<string, readonly string[]>;
}

/** Runs a stack policy on a list of resources; violations are `urn: message`. */
export async function runStack(
  policy: StackValidationPolicy,
  resources: readonly StackFixture[],
  config: object = {},
): Promise<Outcome> {
  const byUrn = new Map<string, PolicyResource>();
  const built = resources.map((r) => {
    const resource: PolicyResource = {
      type: r.type,
      name: r.name,
      urn: r.urn ?? urnFor(r),
      props: unknownCheckingProxy(structuredClone(r.props)) as Record<string, unknown>,
      opts: {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        additionalSecretOutputs: [],
      },
      dependencies: [],
      propertyDependencies: {},
      isType: () => false,
      asType: () => undefined,
    };
    byUrn.set(resource.urn, resource);
    return { r, resource };
  });
  for (const { r, resource } of built) {
    resource.parent = r.parent ? byUrn.get(r.parent) : undefined;
    resource.dependencies = (r.dependencies ?? []).flatMap((u) => byUrn.get(u) ?? []);
    for (const [k, urns] of Object.entries(r.propertyDependencies ?? {})) {
      resource.propertyDependencies[k] = urns.flatMap((u) => byUrn.get(u) ?? []);
    }
  }
  const violations: string[] = [];
  try {
    await policy.validateStack(
      {
        resources: built.map((b) => b.resource),
        stackTags: new Map(),
        getConfig: <T extends object>() => engineConfig(policy.configSchema, config) as T,
        notApplicable: (reason?: string): never => {
          throw new NotApplicable(reason);
        },
      },
      (m, urn) => violations.push(`${urn}: ${m}`),
    );
  } catch (e) {
    if (e instanceof UnknownValueError) return { violations, unknown: (e as Error).message };
    throw e;
  }
  return { violations };
}
