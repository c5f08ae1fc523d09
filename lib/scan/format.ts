/**
 * Human-readable scan output: one line per finding, one per skipped file, then a summary. Never
 * the secret. Names, URNs and property paths are printed with their control characters escaped,
 * so no file name can end a line, forge a finding or drive the terminal.
 */
import type pc from "picocolors";
import { escapeControls } from "../escape";
import type { ScanFinding } from "./findings";
import type { SkippedFile } from "./read";
import { scanRule, type Severity } from "./rules";

const ORDER: readonly Severity[] = ["critical", "high", "medium", "low"];

export interface TextSummary {
  readonly files?: number;
  readonly bytes?: number;
  readonly suppressed?: number;
  readonly skipped?: Readonly<Record<string, number>>;
  readonly skippedFiles?: readonly SkippedFile[];
}

export function formatText(
  findings: readonly ScanFinding[],
  summary: TextSummary,
  c: ReturnType<typeof pc.createColors>,
): string {
  const paint: Record<Severity, (s: string) => string> = {
    critical: (s) => c.bold(c.red(s)),
    high: c.red,
    medium: c.yellow,
    low: c.dim,
  };
  const lines = findings.map((f) => {
    const where = escapeControls(
      f.urn ? `${f.file}:${f.line}  ${f.urn} ${f.property}` : `${f.file}:${f.line}:${f.column}`,
    );
    return `${c.bold(where)}  ${paint[f.severity](f.severity.padEnd(8))} ${f.rule}  ${c.dim(`${scanRule(f.rule).title}; fingerprint ${f.fingerprint}`)}`;
  });
  const counts = ORDER.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`);
  const scanned =
    summary.files !== undefined
      ? ` in ${summary.files} file${summary.files === 1 ? "" : "s"} (${(summary.bytes ?? 0).toLocaleString("en")} bytes)`
      : "";
  const skipped = summary.skipped
    ? Object.entries(summary.skipped)
        .filter(([, n]) => n > 0)
        .map(([k, n]) => `${n} ${k}`)
    : [];
  const notes = [
    ...(summary.suppressed ? [`${summary.suppressed} suppressed by the baseline`] : []),
    ...(skipped.length ? [`skipped ${skipped.join(", ")}`] : []),
  ];
  const head =
    findings.length === 0
      ? c.green(`no credentials found${scanned}`)
      : c.red(
          `${findings.length} credential finding${findings.length === 1 ? "" : "s"}${scanned}: ${counts.join(", ")}`,
        );
  const skippedLines = (summary.skippedFiles ?? []).map(
    (s) =>
      `${escapeControls(s.file)}  ${c.dim(`skipped (${s.reason}: ${escapeControls(s.detail)})`)}`,
  );
  const tail = `${head}${notes.length ? ` (${notes.join("; ")})` : ""}`;
  return [...lines, ...skippedLines, tail].join("\n");
}
