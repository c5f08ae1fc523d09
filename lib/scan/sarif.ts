/**
 * SARIF 2.1.0 for `tokenguard scan --format sarif`: rule metadata straight from the rule table,
 * one result per finding with a partial fingerprint (so code-scanning UIs track it across moves).
 * Messages name the class and the fingerprint, never the value.
 */
import type * as Sarif from "sarif";
import { SARIF_FINGERPRINT } from "./baseline";
import type { ScanFinding } from "./findings";
import { SCAN_RULES, type Severity } from "./rules";

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
};

/** GitHub code scanning reads `security-severity` (0–10) from rule properties. */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "3.0",
};

export function toSarif(findings: readonly ScanFinding[], version: string): Sarif.Log {
  const index = new Map(SCAN_RULES.map((r, i) => [r.id, i]));
  const rules: Sarif.ReportingDescriptor[] = SCAN_RULES.map((r) => ({
    id: r.id,
    name: r.id.replace(/(^|-)([a-z0-9])/g, (_m, _d, ch: string) => ch.toUpperCase()),
    shortDescription: { text: r.title },
    fullDescription: { text: r.description },
    help: { text: r.remediation },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: {
      "security-severity": SECURITY_SEVERITY[r.severity],
      tags: ["security", "secret"],
    },
  }));
  const results: Sarif.Result[] = findings.map((f) => {
    const rule = SCAN_RULES[index.get(f.rule) ?? -1];
    const where = f.urn ? ` in ${f.urn} at ${f.property}` : "";
    const region: Sarif.Region | undefined =
      f.line > 0
        ? { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn }
        : undefined;
    return {
      ruleId: f.rule,
      ruleIndex: index.get(f.rule),
      level: LEVEL[f.severity],
      message: {
        text: `${rule?.title ?? f.rule}${where} (fingerprint ${f.fingerprint}). ${rule?.remediation ?? ""}`.trim(),
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeURI(f.file), uriBaseId: "%SRCROOT%" },
            ...(region ? { region } : {}),
          },
          ...(f.urn
            ? {
                logicalLocations: [
                  { fullyQualifiedName: `${f.urn}#${f.property}`, kind: "resource" },
                ],
              }
            : {}),
        },
      ],
      partialFingerprints: { [SARIF_FINGERPRINT]: f.fingerprint },
    };
  });
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "tokenguard",
            version,
            informationUri: "https://www.npmjs.com/package/tokenguard",
            rules,
          },
        },
        originalUriBaseIds: { "%SRCROOT%": { uri: "./" } },
        results,
      },
    ],
  };
}
