/**
 * Baselines: known findings to suppress, by fingerprint (rule + secret) — not by file or line, so
 * moving or reformatting code keeps them suppressed and a new secret on a known line does not.
 * A baseline is simply an earlier `tokenguard scan --format json` (or SARIF) output.
 */
import { readFileSync } from "node:fs";
import type { ScanFinding } from "./findings";
import { jsonProblem } from "./state";

export const SARIF_FINGERPRINT = "tokenguard/v1";

export class BaselineError extends Error {
  constructor(file: string, problem: string) {
    super(`--baseline ${file}: ${problem}`);
    this.name = "BaselineError";
  }
}

/** Fingerprints in a baseline document (tokenguard JSON output or SARIF). */
export function baselineFingerprints(document: unknown, file: string): Set<string> {
  const doc = document as {
    findings?: unknown;
    runs?: { results?: { partialFingerprints?: Record<string, unknown> }[] }[];
  };
  const out = new Set<string>();
  if (Array.isArray(doc?.findings)) {
    doc.findings.forEach((f: { fingerprint?: unknown }, i: number) => {
      if (typeof f?.fingerprint !== "string")
        throw new BaselineError(file, `findings[${i}].fingerprint must be a string`);
      out.add(f.fingerprint);
    });
    return out;
  }
  if (Array.isArray(doc?.runs)) {
    for (const run of doc.runs) {
      for (const result of run?.results ?? []) {
        const fp = result?.partialFingerprints?.[SARIF_FINGERPRINT];
        if (typeof fp === "string") out.add(fp);
      }
    }
    return out;
  }
  throw new BaselineError(
    file,
    'expected the output of `tokenguard scan --format json` ({ "findings": [...] }) or SARIF; create one with `tokenguard scan --format json > FILE`',
  );
}

/** Reads a baseline file. */
export function loadBaseline(file: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    throw new BaselineError(file, `cannot be read (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (e) {
    throw new BaselineError(file, `is not JSON (${jsonProblem(e)})`);
  }
  return baselineFingerprints(document, file);
}

/** Findings not in the baseline, and how many were suppressed. */
export function applyBaseline(
  findings: readonly ScanFinding[],
  known: ReadonlySet<string>,
): { findings: ScanFinding[]; suppressed: number } {
  const kept = findings.filter((f) => !known.has(f.fingerprint));
  return { findings: kept, suppressed: findings.length - kept.length };
}
