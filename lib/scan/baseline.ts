/**
 * Baselines: known findings to suppress, by fingerprint (rule + secret) — not by file or line, so
 * moving or reformatting code keeps them suppressed and a new secret on a known line does not.
 * A baseline is simply an earlier `tokenguard scan --format json` (or SARIF) output. Baselines of
 * the old public-key scheme (v1) still match, through fingerprints kept in memory only.
 */
import { readFileSync } from "node:fs";
import type { ScanFinding } from "./findings";
import { FINGERPRINT_SCHEME, LEGACY_SCHEME, legacyOf } from "./fingerprint";
import { jsonProblem } from "./state";

/** The partial fingerprint key SARIF results carry (and old baselines carried). */
export const SARIF_FINGERPRINT = FINGERPRINT_SCHEME;

export class BaselineError extends Error {
  constructor(file: string, problem: string) {
    super(`--baseline ${file}: ${problem}`);
    this.name = "BaselineError";
  }
}

/** Known fingerprints: of the current scheme (with the key id that made them) and of v1. */
export interface Baseline {
  readonly current: ReadonlySet<string>;
  readonly legacy: ReadonlySet<string>;
  /** The key id the current fingerprints were made with, when the baseline says. */
  readonly keyId?: string;
}

type BaselineDoc = {
  findings?: unknown;
  fingerprints?: { scheme?: unknown; keyId?: unknown };
  runs?: {
    properties?: { fingerprintKeyId?: unknown };
    results?: { partialFingerprints?: Record<string, unknown> }[];
  }[];
};

const keyIdOf = (v: unknown) => (typeof v === "string" ? v : undefined);

/** From tokenguard JSON: v2 when it names its scheme, else an old (v1) output. */
function fromJson(doc: BaselineDoc, file: string): Baseline {
  const out = new Set<string>();
  (doc.findings as { fingerprint?: unknown }[]).forEach((f, i) => {
    if (typeof f?.fingerprint !== "string")
      throw new BaselineError(file, `findings[${i}].fingerprint must be a string`);
    out.add(f.fingerprint);
  });
  if (doc.fingerprints?.scheme === FINGERPRINT_SCHEME) {
    return { current: out, legacy: new Set(), keyId: keyIdOf(doc.fingerprints.keyId) };
  }
  return { current: new Set(), legacy: out };
}

function fromSarif(doc: BaselineDoc): Baseline {
  const current = new Set<string>();
  const legacy = new Set<string>();
  let keyId: string | undefined;
  for (const run of doc.runs ?? []) {
    keyId ??= keyIdOf(run?.properties?.fingerprintKeyId);
    for (const result of run?.results ?? []) {
      const fps = result?.partialFingerprints ?? {};
      if (typeof fps[FINGERPRINT_SCHEME] === "string") current.add(fps[FINGERPRINT_SCHEME]);
      if (typeof fps[LEGACY_SCHEME] === "string") legacy.add(fps[LEGACY_SCHEME]);
    }
  }
  return { current, legacy, ...(keyId ? { keyId } : {}) };
}

/** Fingerprints in a baseline document (tokenguard JSON output or SARIF). */
export function baselineFingerprints(document: unknown, file: string): Baseline {
  const doc = document as BaselineDoc;
  if (Array.isArray(doc?.findings)) return fromJson(doc, file);
  if (Array.isArray(doc?.runs)) return fromSarif(doc);
  throw new BaselineError(
    file,
    'expected the output of `tokenguard scan --format json` ({ "findings": [...] }) or SARIF; create one with `tokenguard scan --format json > FILE`',
  );
}

/** Reads a baseline file. */
export function loadBaseline(file: string): Baseline {
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
  known: Baseline,
): { findings: ScanFinding[]; suppressed: number } {
  const kept = findings.filter(
    (f) => !known.current.has(f.fingerprint) && !legacyOf(f).some((fp) => known.legacy.has(fp)),
  );
  return { findings: kept, suppressed: findings.length - kept.length };
}
