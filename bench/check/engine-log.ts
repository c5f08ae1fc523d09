/**
 * The policy pack's time on a preview's critical path, read from the engine's own log
 * (`pulumi preview -v=7 --logtostderr`, one JSON object per line). The engine starts the pack
 * (`langhost[nodejs].RunPlugin(root=<pack>, ...)`), configures it, and only then runs the program
 * (`langhost[nodejs].Run(...)`); it then calls the analyzer for one resource at a time
 * (`Analyzer[<pack>].Remediate(...)`, `.Analyze(...)`) and once for the stack (`.AnalyzeStack`),
 * logging `executing` before and `success` (or `failed`) after each call. Pure: lines in, sums out.
 */

export interface PackTimeline {
  /** From starting the pack to starting the program, seconds. */
  readonly startSeconds: number;
  /** Inside analyzer calls (Remediate, Analyze, AnalyzeStack), seconds. */
  readonly analysisSeconds: number;
  /** Analyzer calls completed. */
  readonly calls: number;
}

const ANALYSIS_METHODS = new Set(["Remediate", "Analyze", "AnalyzeStack"]);

/** Accumulates engine log lines; `result()` once the run has ended. */
export class PackTimelineReader {
  private packStart?: number;
  private programStart?: number;
  private pending?: { key: string; at: number };
  private analysis = 0;
  private calls = 0;

  constructor(private readonly packDir: string) {}

  line(text: string): void {
    if (!text.startsWith("{") || !text.includes('"msg"')) return;
    let entry: { time?: string; msg?: string };
    try {
      entry = JSON.parse(text) as { time?: string; msg?: string };
    } catch {
      return;
    }
    const { msg, time } = entry;
    if (!msg || !time) return;
    const at = Date.parse(time) / 1000 + fractionBeyondMillis(time);
    if (msg.startsWith("langhost[nodejs].RunPlugin(") && msg.endsWith(" executing")) {
      if (msg.includes(`root=${this.packDir},`)) this.packStart ??= at;
      return;
    }
    if (msg.startsWith("langhost[nodejs].Run(") && msg.endsWith(" executing")) {
      this.programStart ??= at;
      return;
    }
    const call = /^Analyzer\[(.*?)\]\.(\w+)\(.*\) (executing|success|failed)/.exec(msg);
    if (!call || call[1] !== this.packDir || !ANALYSIS_METHODS.has(call[2])) return;
    const key = `${call[1]}.${call[2]}`;
    if (call[3] === "executing") {
      this.pending = { key, at };
    } else if (this.pending?.key === key) {
      this.analysis += at - this.pending.at;
      this.calls++;
      this.pending = undefined;
    }
  }

  /** The pack's timeline, or undefined when the log did not show the pack starting. */
  result(): PackTimeline | undefined {
    if (this.packStart === undefined || this.programStart === undefined) return undefined;
    return {
      startSeconds: this.programStart - this.packStart,
      analysisSeconds: this.analysis,
      calls: this.calls,
    };
  }
}

/** RFC 3339 times carry nanoseconds; Date.parse keeps milliseconds. The rest, in seconds. */
function fractionBeyondMillis(time: string): number {
  const frac = /\.(\d+)/.exec(time)?.[1] ?? "";
  return frac.length > 3 ? Number(`0.000${frac.slice(3)}`) : 0;
}
