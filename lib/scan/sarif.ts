/**
 * SARIF 2.1.0 for `tokenguard scan --format sarif`: rule metadata straight from the rule table,
 * one result per finding with a partial fingerprint (so code-scanning UIs track it across moves).
 * Messages name the class and the fingerprint, never the value.
 */
import type * as Sarif from "sarif";
import { escapeControls } from "../escape";
import { ruleDescriptor, sarifLog, SRCROOT } from "../sarif";
import { SARIF_FINGERPRINT } from "./baseline";
import type { ScanFinding } from "./findings";
import { bytePath, uriOf } from "./paths";
import type { SkippedFile } from "./read";
import { SCAN_RULES, type Severity } from "./rules";

const LEVEL: Record<Severity, Sarif.ReportingConfiguration.level> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
};

/** Where a file is, as SARIF says it: a URI relative to %SRCROOT%, every unsafe byte encoded. */
function artifact(file: string): Sarif.ArtifactLocation {
  return { uri: uriOf(bytePath(file)), uriBaseId: SRCROOT };
}

/**
 * The run's invocation: one notification per skipped file (an unreadable one is a warning and
 * makes the run unsuccessful: something may have gone unscanned).
 */
function invocation(skipped: readonly SkippedFile[]): Sarif.Invocation {
  return {
    executionSuccessful: !skipped.some((s) => s.reason === "unreadable"),
    toolExecutionNotifications: skipped.map((s) => ({
      level: s.reason === "unreadable" ? "warning" : "note",
      descriptor: { id: `skipped-${s.reason}` },
      message: { text: escapeControls(`skipped (${s.reason}: ${s.detail})`) },
      locations: [{ physicalLocation: { artifactLocation: artifact(s.file) } }],
    })),
  };
}

export function toSarif(
  findings: readonly ScanFinding[],
  version: string,
  skipped: readonly SkippedFile[] = [],
  keyId?: string,
): Sarif.Log {
  const index = new Map(SCAN_RULES.map((r, i) => [r.id, i]));
  const rules = SCAN_RULES.map((r) =>
    ruleDescriptor({
      id: r.id,
      title: r.title,
      description: r.description,
      help: r.remediation,
      level: LEVEL[r.severity],
      severity: r.severity,
      tags: ["security", "secret"],
    }),
  );
  const results: Sarif.Result[] = findings.map((f) => {
    const rule = SCAN_RULES[index.get(f.rule) ?? -1];
    const where = f.urn ? escapeControls(` in ${f.urn} at ${f.property}`) : "";
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
            artifactLocation: artifact(f.file),
            ...(region ? { region } : {}),
          },
          ...(f.urn
            ? {
                logicalLocations: [
                  {
                    fullyQualifiedName: escapeControls(`${f.urn}#${f.property}`),
                    kind: "resource",
                  },
                ],
              }
            : {}),
        },
      ],
      partialFingerprints: { [SARIF_FINGERPRINT]: f.fingerprint },
    };
  });
  const log = sarifLog(version, rules, results);
  log.runs[0].invocations = [invocation(skipped)];
  // Names the fingerprint key (not the key): a later --baseline can tell it was made with another.
  if (keyId) log.runs[0].properties = { fingerprintKeyId: keyId };
  return log;
}
