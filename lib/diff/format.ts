/**
 * `tokenguard diff` as text: one block per changed token — access gained (+) and lost (-), field
 * changes, renumbered generations, what could not be compared — each widening marked with its
 * approval or as needing one, then the verdict. Colour only on a terminal (picocolors). Names,
 * scopes and reasons come from state, the program or the policy file: their control characters
 * are printed escaped (lib/escape).
 */
import * as path from "node:path";
import type pc from "picocolors";
import { escapeControls as x } from "../escape";
import type { ReviewedChange, ReviewedWidening } from "../rules/approvals";
import type { FieldChange } from "../rules/token-diff";
import type { DiffResult } from "./diff";

type Colors = ReturnType<typeof pc.createColors>;

export interface Counts {
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  readonly unchanged: number;
  readonly widenings: number;
  readonly unapproved: number;
}

export function counts(result: DiffResult): Counts {
  const of = (kind: ReviewedChange["change"]) =>
    result.changes.filter((c) => c.change === kind).length;
  return {
    added: of("added"),
    removed: of("removed"),
    changed: of("changed"),
    unchanged: result.unchanged,
    widenings: result.changes.reduce((n, c) => n + c.widenings.length, 0),
    unapproved: result.unapproved,
  };
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;

/** The verdict in one line: what changed, and whether any widening needs approval. */
export function summaryLine(result: DiffResult): string {
  const n = counts(result);
  const total = n.added + n.removed + n.changed;
  const parts = [
    n.changed ? `${n.changed} changed` : "",
    n.added ? `${n.added} added` : "",
    n.removed ? `${n.removed} removed` : "",
    n.unchanged ? `${n.unchanged} unchanged` : "",
  ].filter(Boolean);
  const what = total
    ? `${plural(total + n.unchanged, "token")}: ${parts.join(", ")}`
    : `no token changes (${plural(n.unchanged, "token")} unchanged)`;
  const verdict = n.unapproved
    ? `${plural(n.unapproved, "widening")} need${n.unapproved === 1 ? "s" : ""} approval`
    : n.widenings
      ? `${plural(n.widenings, "widening")}, all approved`
      : "no widening";
  return `${what}; ${verdict}`;
}

/** What a token is, in a heading: `ScopedToken (vault)` or the raw resource type. */
export function kindOf(c: ReviewedChange): string {
  return x(c.managed ? `ScopedToken (${c.backend})` : c.type);
}

/** A field change as `ttl 31d → 60d` (a side that is not set shows as "none"). */
export function fieldText(f: FieldChange): string {
  return x(`${f.field} ${f.before ?? "none"} → ${f.after ?? "none"}`);
}

/** The approval of a widening, or that it needs one. */
export function approvalText(w: ReviewedWidening, name: string): string {
  if (!w.approval) return "needs approval";
  if (w.approval.by === "flag") return "approved by --allow-widening";
  return x(`approved (tokens.${name}.approvedWidening[${w.approval.entry}]): ${w.approval.reason}`);
}

/** Where a gain shows when its own scope looks unchanged (another Vault block governed there). */
export function reaching(
  change: { example?: string },
  verb: "now reaches" | "no longer reaches",
  code = (s: string) => s,
): string {
  return change.example === undefined ? "" : ` (${verb} ${code(x(change.example))})`;
}

export const RENUMBERED =
  "rotation schedule changed (every/anchor): the next pulumi up replaces the credential";

/** Where the token is declared, relative to `cwd` when inside it. */
export function whereText(result: DiffResult, c: ReviewedChange, cwd: string): string | undefined {
  const at = result.locations.get(c.urn);
  if (!at) return undefined;
  const rel = path.relative(cwd, at.file);
  const file = rel.startsWith("..") || path.isAbsolute(rel) ? at.file : rel;
  return x(`${file}:${at.line}:${at.column}`);
}

function tokenBlock(result: DiffResult, c: ReviewedChange, col: Colors, cwd: string): string[] {
  const mark = { added: "+", removed: "-", changed: "~" }[c.change];
  const where = whereText(result, c, cwd);
  const lines = [
    `${col.bold(`${mark} ${x(c.name)}`)}  ${kindOf(c)}  ${c.change}${where ? col.dim(`  at ${where}`) : ""}`,
  ];
  const widening = (w: ReviewedWidening | undefined, name: string) => {
    if (!w) return "";
    if (w.approval) return col.yellow(`  [widening, ${approvalText(w, name)}]`);
    return col.red(col.bold("  [widening: needs approval]"));
  };
  c.gained.forEach((g) => {
    const w = c.widenings.find((x) => x.gain === g);
    const text = `${g.deny ? "no longer denied: " : ""}${x(g.scope)}${reaching(g, "now reaches")}`;
    lines.push(`    ${col.red("+")} ${text}${widening(w, c.name)}`);
  });
  for (const l of c.lost) {
    const text = `${l.deny ? "now denied: " : ""}${x(l.scope)}`;
    lines.push(`    ${col.green("-")} ${text}${reaching(l, "no longer reaches")}`);
  }
  for (const f of c.fields) {
    const w = c.widenings.find((x) => x.change === f);
    lines.push(`    ${fieldText(f)}${widening(w, c.name)}`);
  }
  if (c.renumbered) {
    lines.push(`    generation ${c.renumbered.before} → ${c.renumbered.after}: ${RENUMBERED}`);
  }
  for (const u of c.unknown) lines.push(col.dim(x(`    ? ${u.field} not compared: ${u.why}`)));
  return lines;
}

/** The review as text, for a terminal or a CI log. */
export function formatText(result: DiffResult, col: Colors, cwd = process.cwd()): string {
  const against = result.against.missing
    ? `${result.against.source} (no such stack: every token is new)`
    : `${result.against.source}${result.against.stack ? ` (stack ${result.against.stack})` : ""}`;
  const lines = [
    `${col.bold("tokenguard diff")} ${x(`${result.project} (stack ${result.stack}) against ${against}`)}`,
    "",
  ];
  for (const c of result.changes) lines.push(...tokenBlock(result, c, col, cwd), "");
  const summary = summaryLine(result);
  lines.push(
    result.unapproved
      ? col.red(summary)
      : result.changes.length
        ? col.yellow(summary)
        : col.green(summary),
  );
  if (result.unapproved) {
    lines.push(
      x(
        `approve each in ${result.policy === "built-in defaults" ? "tokenguard.policy.yaml" : result.policy} (tokens.<name>.approvedWidening, with a reason) or pass --allow-widening`,
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}
