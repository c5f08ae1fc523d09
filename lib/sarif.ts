/**
 * The one SARIF 2.1.0 writer: the log envelope and rule descriptors shared by `tokenguard scan` and
 * `tokenguard check`. Each command maps its own findings to results; the shape around them (tool,
 * rules with GitHub's `security-severity`, the %SRCROOT% base) is written here only.
 */
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import type * as Sarif from "sarif";

export type SarifSeverity = "critical" | "high" | "medium" | "low";

/** GitHub code scanning reads `security-severity` (0–10) from rule properties. */
export const SECURITY_SEVERITY: Record<SarifSeverity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
};

/** The base every relative artifact URI resolves against: the directory the command ran in. */
export const SRCROOT = "%SRCROOT%";

/** A file as an artifact: relative to %SRCROOT% (`cwd`) when inside it, else a file: URI. */
export function artifactUri(file: string, cwd: string): Sarif.ArtifactLocation {
  const rel = path.relative(cwd, file);
  if (rel.startsWith("..") || path.isAbsolute(rel)) return { uri: pathToFileURL(file).href };
  return { uri: encodeURI(rel.split(path.sep).join("/")), uriBaseId: SRCROOT };
}

export interface RuleMeta {
  readonly id: string;
  /** One line. */
  readonly title: string;
  readonly description: string;
  /** What to do about it. */
  readonly help: string;
  readonly level: Sarif.ReportingConfiguration.level;
  readonly severity?: SarifSeverity;
  readonly tags: readonly string[];
}

/** A rule: PascalCase name, descriptions, help, default level, security-severity and tags. */
export function ruleDescriptor(rule: RuleMeta): Sarif.ReportingDescriptor {
  return {
    id: rule.id,
    name: rule.id.replace(/(^|-)([a-z0-9])/g, (_m, _d, ch: string) => ch.toUpperCase()),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.description },
    help: { text: rule.help },
    defaultConfiguration: { level: rule.level },
    properties: {
      ...(rule.severity ? { "security-severity": SECURITY_SEVERITY[rule.severity] } : {}),
      tags: [...rule.tags],
    },
  };
}

/** How the run went: a failed run carries its error as a tool notification. */
export interface RunOutcome {
  readonly executionSuccessful: boolean;
  readonly error?: string;
}

/** A complete log: one run of tokenguard with these rules and results. */
export function sarifLog(
  version: string,
  rules: readonly Sarif.ReportingDescriptor[],
  results: readonly Sarif.Result[],
  outcome: RunOutcome = { executionSuccessful: true },
): Sarif.Log {
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "tokenguard",
            version,
            rules: [...rules],
          },
        },
        originalUriBaseIds: { [SRCROOT]: { uri: "./" } },
        invocations: [
          {
            executionSuccessful: outcome.executionSuccessful,
            ...(outcome.error
              ? {
                  toolExecutionNotifications: [
                    { level: "error", message: { text: outcome.error } },
                  ],
                }
              : {}),
          },
        ],
        results: [...results],
      },
    ],
  };
}
