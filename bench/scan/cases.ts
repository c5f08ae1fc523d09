/**
 * The case corpora of the scan bench, beside the generated one: every case is a file of its own
 * (a tool "detects" a positive when it reports anything in that file; any report in a negative's
 * file is a false positive), so every tool is judged the same way whatever its output format.
 * - peer: bench/scan/peer-cases.ts — situations from gitleaks' and secretlint's published tests,
 *   rewritten with our own values (held apart from tokenguard's own cases);
 * - heldout: bench/scan/heldout-cases.ts — Nosey Parker's rule examples, rewritten likewise,
 *   measured once before any detector change;
 * - own: the true/false positives every tokenguard rule keeps beside its detectors.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { fake } from "../../lib/scan/detectors/fake";
import { DEFAULT_CASE_FILE, type Case, type CaseText } from "../../lib/scan/detectors/kit";
import { SCAN_RULES } from "../../lib/scan/rules";
import { HELDOUT_CASES } from "./heldout-cases";
import { PEER_CASES } from "./peer-cases";

export interface CaseFile {
  readonly corpus: "peer" | "heldout" | "own";
  readonly family: string;
  readonly expect: "tp" | "fp";
  readonly source: string;
  /** Relative to the corpus root. */
  readonly file: string;
  readonly bytes: number;
}

/** The folder (under the corpus root) holding every case file; not part of the generated corpus. */
export const CASES_DIR = "cases";

const render = (text: CaseText, seed: number) =>
  typeof text === "function" ? text(fake(seed)) : text;

function ownCases(): { family: string; expect: "tp" | "fp"; file: string; text: CaseText }[] {
  const unpack = (c: Case) =>
    typeof c === "object" ? { file: c.file, text: c.text } : { file: DEFAULT_CASE_FILE, text: c };
  return SCAN_RULES.flatMap((rule) => [
    ...(rule.cases?.tp ?? []).map((c) => ({
      family: rule.id,
      expect: "tp" as const,
      ...unpack(c),
    })),
    ...(rule.cases?.fp ?? []).map((c) => ({
      family: rule.id,
      expect: "fp" as const,
      ...unpack(c),
    })),
  ]);
}

/** Writes both case corpora under `root`/cases; seeds differ from the rules' unit tests. */
export function writeCases(root: string): CaseFile[] {
  const out: CaseFile[] = [];
  const write = (
    corpus: CaseFile["corpus"],
    n: number,
    c: { family: string; expect: "tp" | "fp"; file?: string; text: CaseText },
    source: string,
  ) => {
    const name = c.file ?? DEFAULT_CASE_FILE;
    const rel = [
      CASES_DIR,
      corpus,
      c.family,
      `${c.expect}-${String(n).padStart(3, "0")}`,
      name,
    ].join("/");
    const text = `${render(c.text, 50_000 + n)}\n`;
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
    out.push({
      corpus,
      family: c.family,
      expect: c.expect,
      source,
      file: rel,
      bytes: Buffer.byteLength(text),
    });
  };
  PEER_CASES.forEach((c, i) => write("peer", i, c, c.source));
  HELDOUT_CASES.forEach((c, i) => write("heldout", i, c, c.source));
  ownCases().forEach((c, i) => write("own", i, c, "tokenguard rule cases"));
  return out;
}

export interface FamilyScore {
  readonly tp: number;
  readonly found: number;
  readonly fp: number;
  readonly falsePositives: number;
  /** Positive case files not detected, negative case files reported (paths). */
  readonly missed: readonly string[];
  readonly flagged: readonly string[];
}

export type CaseScores = Record<"peer" | "heldout" | "own", Record<string, FamilyScore>>;

/** Per corpus and family: positives found, negatives reported, for one tool's hit files. */
export function scoreCases(cases: readonly CaseFile[], hitFiles: ReadonlySet<string>): CaseScores {
  const scores: CaseScores = { peer: {}, heldout: {}, own: {} };
  for (const c of cases) {
    const s = (scores[c.corpus][c.family] ??= {
      tp: 0,
      found: 0,
      fp: 0,
      falsePositives: 0,
      missed: [],
      flagged: [],
    });
    const hit = hitFiles.has(c.file);
    const m = s as { -readonly [K in keyof FamilyScore]: FamilyScore[K] } & {
      missed: string[];
      flagged: string[];
    };
    if (c.expect === "tp") {
      m.tp++;
      if (hit) m.found++;
      else m.missed.push(c.file);
    } else {
      m.fp++;
      if (hit) {
        m.falsePositives++;
        m.flagged.push(c.file);
      }
    }
  }
  return scores;
}

/** Totals over families. */
export function totals(scores: Record<string, FamilyScore>) {
  const all = Object.values(scores);
  const sum = (k: "tp" | "found" | "fp" | "falsePositives") => all.reduce((n, s) => n + s[k], 0);
  return {
    tp: sum("tp"),
    found: sum("found"),
    fp: sum("fp"),
    falsePositives: sum("falsePositives"),
  };
}

const pct = (n: number, d: number) => (d === 0 ? "-" : `${((n / d) * 100).toFixed(1)}%`);

/**
 * Markdown: per family, each tool's recall (positives found / positives) and false positives
 * (negatives reported / negatives), side by side; then the totals.
 */
export function casesMarkdown(
  corpus: "peer" | "heldout" | "own",
  tools: readonly { tool: string; cases?: CaseScores }[],
): string {
  const ok = tools.filter((t) => t.cases);
  const families = [...new Set(ok.flatMap((t) => Object.keys(t.cases![corpus])))].sort();
  const first = ok[0]?.cases?.[corpus] ?? {};
  const lines = [
    `| family | positives | negatives | ${ok.map((t) => `${t.tool} recall | ${t.tool} FP`).join(" | ")} |`,
    `|---|---:|---:|${ok.map(() => "---:|---:").join("|")}|`,
  ];
  for (const fam of families) {
    const f0 = first[fam];
    lines.push(
      `| ${fam} | ${f0?.tp ?? 0} | ${f0?.fp ?? 0} | ${ok
        .map((t) => {
          const s = t.cases![corpus][fam];
          return s ? `${pct(s.found, s.tp)} | ${s.falsePositives}` : "- | -";
        })
        .join(" | ")} |`,
    );
  }
  const tot = ok.map((t) => totals(t.cases![corpus]));
  lines.push(
    `| **all** | ${tot[0]?.tp ?? 0} | ${tot[0]?.fp ?? 0} | ${tot
      .map((s) => `**${pct(s.found, s.tp)}** | **${s.falsePositives}**`)
      .join(" | ")} |`,
  );
  return lines.join("\n");
}
