/**
 * `tokenguard check` output: text laid out like the policy section of `pulumi preview`, the JSON
 * contract (`{ resources, violations }`), and SARIF 2.1.0 through the shared writer. Messages are the pack's own,
 * which carry only values known at preview and never a secret; the text escapes control characters
 * in everything that comes from the program or a policy (names, messages, logs), as report and scan do.
 */
import { createHash } from "node:crypto";
import * as path from "node:path";
import type pc from "picocolors";
import type * as Sarif from "sarif";
import { escapeControls as x } from "../escape";
import { artifactUri, ruleDescriptor, sarifLog, type SarifSeverity } from "../sarif";
import type { EnforcementLevel } from "./analyzer-client";
import { hasMandatory, type CheckResult, type CheckViolation } from "./check";

type Colors = ReturnType<typeof pc.createColors>;

/** The JSON contract: `{ "resources": N, "violations": [ { policy, level, urn, type, message } ] }`. */
export interface CheckJson {
  readonly resources: number;
  /** Set, with exit code 2, when the program or the pack could not run: then no verdict exists. */
  readonly error?: string;
  readonly violations: readonly {
    readonly policy: string;
    readonly level: EnforcementLevel;
    readonly urn: string;
    readonly type: string;
    readonly message: string;
  }[];
}

/** JSON Schema (draft-07) of `tokenguard check --format json`, for consumers that validate it. */
export const CHECK_JSON_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  title: "tokenguard check --format json",
  type: "object",
  additionalProperties: false,
  required: ["resources", "violations"],
  properties: {
    error: {
      type: "string",
      description:
        "Present only when check could not give a verdict (exit 2): the program or the pack failed. resources is then 0 and violations empty.",
    },
    resources: {
      type: "integer",
      minimum: 0,
      description:
        "Resources the program registered and the pack analyzed: the root Stack included, the engine's default providers not.",
    },
    violations: {
      type: "array",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["policy", "level", "urn", "type", "message"],
        properties: {
          policy: { type: "string", minLength: 1 },
          level: { enum: ["advisory", "mandatory", "remediate", "disabled"] },
          urn: { type: "string", pattern: "^urn:pulumi:" },
          type: { type: "string" },
          message: { type: "string" },
        },
      },
    },
  },
} as const;

export function toJson(result: CheckResult): CheckJson {
  return {
    resources: result.resources,
    violations: result.violations.map(({ policy, level, urn, type, message }) => ({
      policy,
      level,
      urn,
      type,
      message,
    })),
  };
}

/** The JSON document of a run that could not give a verdict (exit 2). */
export function failedJson(message: string): CheckJson {
  return { resources: 0, violations: [], error: message };
}

/** A valid SARIF log for a run that could not give a verdict: no results, the failure as a notification. */
export function failedSarif(message: string, version: string): Sarif.Log {
  return sarifLog(version, [], [], { executionSuccessful: false, error: message });
}

/** `random:index/randomBytes:RandomBytes` -> `random:index:RandomBytes`, as the engine displays types. */
export function displayType(type: string): string {
  const [pkg, module, name, ...rest] = type.split(":");
  if (rest.length || name === undefined || name === "") return type;
  const slash = module.lastIndexOf("/");
  if (slash < 0) return type;
  const file = module.slice(slash + 1);
  if (file !== name.charAt(0).toLowerCase() + name.slice(1)) return type;
  return `${pkg}:${module.slice(0, slash)}:${name}`;
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? "" : "s"}`;
}

/** A path relative to `base` when it lies inside it, else absolute. */
function relativeTo(base: string, file: string): string {
  const rel = path.relative(base, file);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return file;
  return rel === "" ? "." : rel;
}

function levelColor(c: Colors, level: EnforcementLevel): (s: string) => string {
  return level === "mandatory" || level === "remediate" ? c.red : c.yellow;
}

/** The verdict as text: Diagnostics, then Policies as `pulumi preview` prints them, then a summary. */
export function formatText(result: CheckResult, c: Colors, cwd = process.cwd()): string {
  const lines: string[] = [];
  const packKey = `${result.pack.name}@v${result.pack.version}`;
  lines.push(
    `${c.bold("tokenguard check")} ${result.project} (stack ${result.stack}): ${result.resources} resources, offline preview`,
    "",
  );
  lines.push(c.bold("Policies:"));
  const mandatory = hasMandatory(result);
  const mark = mandatory ? "❌" : result.violations.length ? "⚠️" : "✅";
  lines.push(`    ${mark} ${c.cyan(packKey)} (local: ${relativeTo(cwd, result.pack.dir)})`);
  for (const v of result.violations) {
    const severity = v.severity ? ` [severity: ${v.severity}]` : "";
    const clause = v.urn
      ? `  (${x(displayType(v.type))}: ${x(v.urn.split("::").pop() ?? "")})`
      : "";
    lines.push(
      `        - ${levelColor(c, v.level)(`[${v.level}]${severity}  ${x(v.policy)}`)}${clause}`,
    );
    const body = [v.description, v.message].filter((s, i) => s && (i === 0 || s !== v.description));
    for (const line of body.join("\n").split("\n")) lines.push(`          ${x(line)}`);
    if (v.location) {
      const file = x(relativeTo(cwd, v.location.file));
      lines.push(`          ${c.dim(`at ${file}:${v.location.line}:${v.location.column}`)}`);
    }
  }
  lines.push("");
  // What the program logged, after the policies as preview prints them.
  const logged = [...new Set(result.diagnostics.map((d) => `${d.level}: ${d.message}`))];
  if (logged.length) {
    lines.push(c.bold("Diagnostics:"));
    for (const entry of logged) {
      const [level, ...rest] = entry.split(": ");
      const text = rest.join(": ").split("\n").map(x).join("\n      ");
      lines.push(`    ${level === "warn" ? c.yellow("warning") : x(level)}: ${text}`);
    }
    lines.push("");
  }
  const count = (level: string) => result.violations.filter((v) => v.level === level).length;
  const m = count("mandatory") + count("remediate");
  const a = count("advisory");
  lines.push(
    mandatory
      ? c.red(`${plural(m, "mandatory violation")} and ${a} advisory: the preview would fail`)
      : a
        ? c.yellow(`no mandatory violation, ${plural(a, "advisory violation")}`)
        : c.green("no policy violations"),
  );
  return `${lines.join("\n")}\n`;
}

const SARIF_LEVEL: Record<EnforcementLevel, Sarif.ReportingConfiguration.level> = {
  mandatory: "error",
  remediate: "error",
  advisory: "warning",
  disabled: "none",
};

/** Fingerprint a result by what identifies it across runs: the policy and the resource. */
const FINGERPRINT = "tokenguard/check/v1";

function sarifLocation(v: CheckViolation, result: CheckResult, cwd: string): Sarif.Location {
  // Code-scanning UIs need a file: the `new` call when known, else the project's Pulumi.yaml.
  const physicalLocation: Sarif.PhysicalLocation = v.location
    ? {
        artifactLocation: artifactUri(v.location.file, cwd),
        region: { startLine: v.location.line, startColumn: v.location.column },
      }
    : {
        artifactLocation: artifactUri(path.join(result.projectDir, "Pulumi.yaml"), cwd),
        region: { startLine: 1 },
      };
  return {
    physicalLocation,
    logicalLocations: [
      { fullyQualifiedName: v.urn, name: v.urn.split("::").pop(), kind: "resource" },
    ],
  };
}

/** SARIF 2.1.0: one rule per policy of the pack, one result per violation. */
export function toSarif(result: CheckResult, version: string, cwd = process.cwd()): Sarif.Log {
  const policies = result.pack.policies;
  const index = new Map(policies.map((p, i) => [p.name, i]));
  const rules = policies.map((p) =>
    ruleDescriptor({
      id: p.name,
      title: p.description.split("\n")[0],
      description: p.description,
      help: p.remediationSteps || p.description,
      level: SARIF_LEVEL[p.level],
      ...(p.severity ? { severity: p.severity as SarifSeverity } : {}),
      tags: ["security", "pulumi-policy", `${result.pack.name}@v${result.pack.version}`],
    }),
  );
  const results: Sarif.Result[] = result.violations.map((v) => ({
    ruleId: v.policy,
    ...(index.has(v.policy) ? { ruleIndex: index.get(v.policy) } : {}),
    level: SARIF_LEVEL[v.level],
    message: { text: `${v.message} (${displayType(v.type)}: ${v.urn.split("::").pop()})` },
    locations: [sarifLocation(v, result, cwd)],
    partialFingerprints: {
      [FINGERPRINT]: createHash("sha256")
        .update(`${v.policy}\n${v.urn}`)
        .digest("hex")
        .slice(0, 32),
    },
  }));
  return sarifLog(version, rules, results);
}
