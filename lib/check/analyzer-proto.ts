/**
 * What the analyzer protocol carries, as plain TypeScript: the types `tokenguard check` and the
 * tests use, and the conversions to and from the SDK's protobuf messages.
 */
import * as pb from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";
export type Severity = "" | "low" | "medium" | "high" | "critical";

const LEVELS: Record<number, EnforcementLevel> = {
  [pb.EnforcementLevel.ADVISORY]: "advisory",
  [pb.EnforcementLevel.MANDATORY]: "mandatory",
  [pb.EnforcementLevel.DISABLED]: "disabled",
  [pb.EnforcementLevel.REMEDIATE]: "remediate",
};
export const LEVEL_CODES = Object.fromEntries(
  Object.entries(LEVELS).map(([code, level]) => [level, Number(code)]),
) as Record<EnforcementLevel, pb.EnforcementLevel>;
const SEVERITIES: Record<number, Severity> = {
  [pb.PolicySeverity.POLICY_SEVERITY_UNSPECIFIED]: "",
  [pb.PolicySeverity.POLICY_SEVERITY_LOW]: "low",
  [pb.PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
  [pb.PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
  [pb.PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};

/** A served policy, as GetAnalyzerInfo describes it. */
export interface PolicyInfo {
  readonly name: string;
  readonly description: string;
  readonly level: EnforcementLevel;
  readonly severity: Severity;
  readonly type: "resource" | "stack" | "unknown";
  readonly remediationSteps: string;
  /** JSON-schema properties of the policy's config, and the required ones. */
  readonly configSchema?: {
    readonly properties: Record<string, Record<string, unknown>>;
    readonly required: string[];
  };
}

export interface AnalyzerInfo {
  readonly name: string;
  readonly version: string;
  readonly policies: readonly PolicyInfo[];
  /** The pack's initial config (PolicyPack's third argument), per policy. */
  readonly initialConfig: Record<
    string,
    { readonly level: EnforcementLevel; readonly properties: Record<string, unknown> }
  >;
}

/** Resource options the engine passes an analyzer (customTimeouts in seconds). */
export interface ResourceOptions {
  readonly protect?: boolean;
  readonly ignoreChanges?: readonly string[];
  /** Left out when the program did not set it. */
  readonly deleteBeforeReplace?: boolean;
  readonly additionalSecretOutputs?: readonly string[];
  /** Alias URNs. */
  readonly aliases?: readonly string[];
  readonly customTimeouts?: {
    readonly create?: number;
    readonly update?: number;
    readonly delete?: number;
  };
}

/** The provider resource that manages a resource (explicit, or the engine's default one). */
export interface ProviderInput {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
}

/** One resource to analyze. `urn` defaults to the URN the engine would give it. */
export interface ResourceInput {
  readonly type: string;
  readonly name: string;
  readonly props?: Record<string, unknown>;
  readonly urn?: string;
  /** The parent's URN (its type chain becomes part of this resource's URN). */
  readonly parent?: string;
  readonly options?: ResourceOptions;
  readonly provider?: ProviderInput;
  /** AnalyzeStack only: URNs this resource depends on, overall and per property. */
  readonly dependencies?: readonly string[];
  readonly propertyDependencies?: Readonly<Record<string, readonly string[]>>;
}

/** A policy violation (or a "can't be known during preview" notice) the analyzer reported. */
export interface Violation {
  readonly policy: string;
  readonly level: EnforcementLevel;
  readonly severity: Severity;
  readonly urn: string;
  /** The policy's description, a new line, and the violation message (as the engine shows it). */
  readonly message: string;
  /** The policy's description, as the diagnostic carries it. */
  readonly description: string;
}

export function urnOf(
  project: string,
  stack: string,
  type: string,
  name: string,
  parentUrn?: string,
): string {
  const parentType = parentUrn?.split("::")[2];
  const prefix = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$` : "";
  return `urn:pulumi:${stack}::${project}::${prefix}${type}::${name}`;
}

/** GetAnalyzerInfo's answer as plain data. */
export function analyzerInfoFrom(info: pb.AnalyzerInfo): AnalyzerInfo {
  const initialConfig: AnalyzerInfo["initialConfig"] = {};
  info.getInitialconfigMap().forEach((c, policy) => {
    initialConfig[policy] = {
      level: LEVELS[c.getEnforcementlevel()],
      properties: (c.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
    };
  });
  return {
    name: info.getName(),
    version: info.getVersion(),
    initialConfig,
    policies: info.getPoliciesList().map((p) => {
      const schema = p.getConfigschema();
      return {
        name: p.getName(),
        description: p.getDescription(),
        level: LEVELS[p.getEnforcementlevel()],
        severity: SEVERITIES[p.getSeverity()],
        type:
          p.getPolicyType() === pb.PolicyType.POLICY_TYPE_RESOURCE
            ? "resource"
            : p.getPolicyType() === pb.PolicyType.POLICY_TYPE_STACK
              ? "stack"
              : "unknown",
        remediationSteps: p.getRemediationSteps(),
        ...(schema
          ? {
              configSchema: {
                properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<
                  string,
                  Record<string, unknown>
                >,
                required: schema.getRequiredList(),
              },
            }
          : {}),
      };
    }),
  };
}

export function options(resource: ResourceInput): pb.AnalyzerResourceOptions {
  const o = resource.options ?? {};
  const opts = new pb.AnalyzerResourceOptions();
  if (resource.parent) opts.setParent(resource.parent);
  opts.setProtect(o.protect ?? false);
  opts.setIgnorechangesList([...(o.ignoreChanges ?? [])]);
  opts.setDeletebeforereplace(o.deleteBeforeReplace ?? false);
  opts.setDeletebeforereplacedefined(o.deleteBeforeReplace !== undefined);
  opts.setAdditionalsecretoutputsList([...(o.additionalSecretOutputs ?? [])]);
  opts.setAliasesList([...(o.aliases ?? [])]);
  const timeouts = new pb.AnalyzerResourceOptions.CustomTimeouts();
  timeouts.setCreate(o.customTimeouts?.create ?? 0);
  timeouts.setUpdate(o.customTimeouts?.update ?? 0);
  timeouts.setDelete(o.customTimeouts?.delete ?? 0);
  opts.setCustomtimeouts(timeouts);
  return opts;
}

export function provider(p: ProviderInput): pb.AnalyzerProviderResource {
  const out = new pb.AnalyzerProviderResource();
  out.setUrn(p.urn);
  out.setType(p.type);
  out.setName(p.name);
  out.setProperties(toStruct(p.props));
  return out;
}

export function toStruct(value: Record<string, unknown>): Struct {
  // A JSON round trip drops undefined values, which a Struct cannot hold.
  return Struct.fromJavaScript(JSON.parse(JSON.stringify(value)) as never);
}

export function violations(response: pb.AnalyzeResponse): Violation[] {
  return response.getDiagnosticsList().map((d) => ({
    policy: d.getPolicyname(),
    level: LEVELS[d.getEnforcementlevel()],
    severity: SEVERITIES[d.getSeverity()],
    urn: d.getUrn(),
    message: d.getMessage(),
    description: d.getDescription(),
  }));
}
