/**
 * Runs every detector of the rule table over one text: secretlint's recommended preset plus
 * tokenguard's own patterns, then drops noise and resolves overlaps by table priority.
 * Detections carry the secret only in memory, for fingerprinting; nothing here prints it.
 */
import { lintSource } from "@secretlint/core";
import { secretLintProfiler } from "@secretlint/profiler";
import { rules as presetRules } from "@secretlint/secretlint-rule-preset-recommend";
import type { SecretLintCoreConfig } from "@secretlint/types";
import { insideBase64Blob, isDocumentedExample, isNoise, isReference } from "./noise";
import { KeywordIndex } from "./keywords";
import { SCAN_RULES, SECRETLINT_MAP, SECRETLINT_REPLACED, scanRule, type ScanRule } from "./rules";

export interface Detection {
  readonly rule: ScanRule;
  /** Offsets of the credential in the scanned text. */
  readonly start: number;
  readonly end: number;
  /** The credential itself — for the fingerprint only; never printed. */
  readonly secret: string;
  readonly engine: "tokenguard" | "secretlint";
}

// secretlint's profiler is on by default: a performance mark per rule per file, kept forever.
// Its CLI turns it off unless --profile; so do we (it halves the cost of a scan).
secretLintProfiler.setEnabled(false);

const SECRETLINT_CONFIG: SecretLintCoreConfig = {
  rules: presetRules
    .filter((rule) => !(rule.meta.id in SECRETLINT_REPLACED))
    .map((rule) => ({ id: rule.meta.id, rule })),
};

/** Own detectors with the `d` flag (group offsets) added once. */
const COMPILED = SCAN_RULES.map((rule, index) => ({
  rule,
  index,
  detectors: (rule.detectors ?? []).map((d) => ({
    ...d,
    pattern: new RegExp(
      d.pattern.source,
      d.pattern.flags.includes("d") ? d.pattern.flags : `${d.pattern.flags}d`,
    ),
  })),
}));

const RANK = new Map(SCAN_RULES.map((rule, i) => [rule.id, i]));
const OTHER = scanRule("secretlint-other");

function keep(
  rule: ScanRule,
  content: string,
  start: number,
  end: number,
  secret: string,
  checksummed = false,
) {
  if (secret === "") return false;
  // A vendor checksum that holds proves a real token whatever its random body happens to spell.
  const noise = checksummed
    ? isReference(secret) || isDocumentedExample(secret)
    : (rule.isNoise ?? isNoise)(secret);
  if (noise) return false;
  return rule.allowInBase64 === true || !insideBase64Blob(content, start, end);
}

const KEYWORDS = new KeywordIndex(
  COMPILED.flatMap((c) => c.detectors.flatMap((d) => d.keywords ?? [])),
);

/** tokenguard's own detectors. Synchronous and allocation-light: it runs on every file. */
export function detectOwn(content: string, file: string): Detection[] {
  const found: Detection[] = [];
  const present = KEYWORDS.present(content.toLowerCase());
  for (const { rule, detectors } of COMPILED) {
    for (const d of detectors) {
      if (d.keywords && !d.keywords.some((k) => present.has(k))) continue;
      d.pattern.lastIndex = 0;
      for (let m = d.pattern.exec(content); m !== null; m = d.pattern.exec(content)) {
        const span = m.indices?.groups?.secret;
        if (!span) continue;
        const [start, end] = span;
        const secret = content.slice(start, end);
        const groups = m.groups ?? {};
        if (
          d.validate &&
          !d.validate(secret, { content, matchStart: m.index, start, end, groups, file })
        )
          continue;
        if (keep(rule, content, start, end, secret, d.checksum?.(secret) === true))
          found.push({ rule, start, end, secret, engine: "tokenguard" });
      }
    }
  }
  return found;
}

/** secretlint's recommended preset, mapped onto the rule table. */
export async function detectSecretlint(content: string, file: string): Promise<Detection[]> {
  const result = await lintSource({
    source: { filePath: file, content, ext: extensionOf(file), contentType: "text" },
    options: { config: SECRETLINT_CONFIG, maskSecrets: true },
  });
  const found: Detection[] = [];
  for (const message of result.messages) {
    const rule = SECRETLINT_MAP.get(`${message.ruleId}#${message.messageId}`) ?? OTHER;
    const [start, end] = message.range;
    const reported = content.slice(start, end);
    const secret = rule.secretOf ? rule.secretOf(reported) : reported;
    if (secret === undefined) continue;
    if (keep(rule, content, start, end, secret))
      found.push({ rule, start, end, secret, engine: "secretlint" });
  }
  return found;
}

function extensionOf(file: string): string {
  const base = file.slice(file.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot) : "";
}

/**
 * Keeps one detection per overlapping span: the rule earlier in the table wins; within a rule,
 * tokenguard's own detector (which isolates the exact value) wins over secretlint's.
 */
export function resolveOverlaps(detections: readonly Detection[]): Detection[] {
  const rank = (d: Detection) =>
    (RANK.get(d.rule.id) ?? 1e6) * 2 + (d.engine === "secretlint" ? 1 : 0);
  const ordered = [...detections].sort((a, b) => rank(a) - rank(b) || a.start - b.start);
  const kept: Detection[] = [];
  for (const d of ordered) {
    if (!kept.some((k) => d.start < k.end && k.start < d.end)) kept.push(d);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/** Every credential in `content`, noise removed and overlaps resolved. */
export async function detect(content: string, file: string): Promise<Detection[]> {
  return resolveOverlaps([...detectOwn(content, file), ...(await detectSecretlint(content, file))]);
}
