/** Human-readable scan output: one line per finding, then a summary. Never the secret. */
import type pc from "picocolors";
import type { ScanFinding } from "./findings";
import { scanRule, type Severity } from "./rules";

const ORDER: readonly Severity[] = ["critical", "high", "medium", "low"];

export interface TextSummary {
  readonly files?: number;
  readonly bytes?: number;
  readonly suppressed?: number;
  readonly skipped?: { binary: number; large: number; minified: number };
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
    const where = f.urn
      ? `${f.file}:${f.line}  ${f.urn} ${f.property}`
      : `${f.file}:${f.line}:${f.column}`;
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
  return [...lines, `${head}${notes.length ? ` (${notes.join("; ")})` : ""}`].join("\n");
}
