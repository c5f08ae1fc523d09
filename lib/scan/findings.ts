/**
 * From detections (offsets + secret, in memory) to findings (rule, place, fingerprint): what
 * leaves the scanner. A finding never holds the secret or anything reversible to it.
 */
import type { Detection } from "./detect";
import { defaultFingerprinter, rememberLegacy, type Fingerprinter } from "./fingerprint";

export { fingerprint } from "./fingerprint";
import type { Severity } from "./rules";

export interface ScanFinding {
  readonly rule: string;
  readonly severity: Severity;
  /** Path relative to the working directory (forward slashes), or the stack-export's name. */
  readonly file: string;
  /** 1-based; column counts UTF-16 code units like SARIF's default. */
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** HMAC of rule + secret under the repository's key (./fingerprint): stable when code moves. */
  readonly fingerprint: string;
  /** Stack-export findings: the resource and the property path holding the value. */
  readonly urn?: string;
  readonly property?: string;
}

/** Offsets → 1-based line/column, with a line index built once per text. */
export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(private readonly text: string) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1))
      this.starts.push(i + 1);
  }
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
  /** Text of a 1-based line, without its newline. */
  lineText(line: number): string {
    if (line < 1 || line > this.starts.length) return "";
    const start = this.starts[line - 1];
    const next = line < this.starts.length ? this.starts[line] - 1 : this.text.length;
    return this.text.slice(start, next).replace(/\r$/, "");
  }
}

const ALLOW = /tokenguard:allow(?:[ \t]+([a-z0-9-]+(?:[ \t]*,[ \t]*[a-z0-9-]+)*))?/;
const COMMENT_ONLY = /^\s*(?:#|\/\/|\/\*|\*|--|;|<!--|%|REM\b)/i;

/**
 * An inline allow comment covers a finding: `tokenguard:allow` (optionally followed by rule ids,
 * `tokenguard:allow generic-secret,url-password`) on the finding's first line, or alone in a
 * comment on the line above.
 */
export function allowedInline(lines: LineIndex, line: number, rule: string): boolean {
  const covers = (text: string) => {
    const m = ALLOW.exec(text);
    if (!m) return false;
    return m[1] === undefined || m[1].split(/[ \t]*,[ \t]*/).includes(rule);
  };
  if (covers(lines.lineText(line))) return true;
  const above = lines.lineText(line - 1);
  return COMMENT_ONLY.test(above) && covers(above);
}

/** Turns detections in `content` into findings for `file`, dropping inline-allowed ones. */
export function toFindings(
  detections: readonly Detection[],
  content: string,
  file: string,
  fp: Fingerprinter = defaultFingerprinter(),
): ScanFinding[] {
  if (detections.length === 0) return [];
  const lines = new LineIndex(content);
  const out: ScanFinding[] = [];
  for (const d of detections) {
    const start = lines.position(d.start);
    if (allowedInline(lines, start.line, d.rule.id)) continue;
    const end = lines.position(d.end);
    const finding: ScanFinding = {
      rule: d.rule.id,
      severity: d.rule.severity,
      file,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      fingerprint: fp.of(d.rule.id, d.secret),
    };
    rememberLegacy(finding, d.rule.id, d.secret);
    out.push(finding);
  }
  return out;
}
