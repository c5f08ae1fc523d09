/**
 * The keyword pre-filter: which of all detectors' keywords a text contains, found in one pass
 * over it (a single alternation, longest keyword first), so the cost of deciding which detectors
 * to run grows with the text, not with the number of rules.
 */

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

export class KeywordIndex {
  private readonly pattern: RegExp;
  /** For each keyword, every keyword contained in it (itself included). */
  private readonly implied: ReadonlyMap<string, readonly string[]>;
  private readonly count: number;

  constructor(keywords: Iterable<string>) {
    const all = [...new Set([...keywords].map((k) => k.toLowerCase()))].sort(
      (a, b) => b.length - a.length || a.localeCompare(b),
    );
    if (all.some((k) => k === "")) throw new Error("a detector keyword is empty");
    this.count = all.length;
    this.pattern = new RegExp(all.map(escape).join("|") || "(?!)", "g");
    this.implied = new Map(all.map((k) => [k, all.filter((o) => k.includes(o))]));
  }

  /** The keywords `lowerText` (already lower-cased) contains. */
  present(lowerText: string): Set<string> {
    const found = new Set<string>();
    const re = this.pattern;
    re.lastIndex = 0;
    for (let m = re.exec(lowerText); m !== null; m = re.exec(lowerText)) {
      // Step one character, not past the match: a keyword may start inside another.
      re.lastIndex = m.index + 1;
      if (found.has(m[0])) continue;
      for (const k of this.implied.get(m[0]) ?? []) found.add(k);
      if (found.size === this.count) break;
    }
    return found;
  }
}
