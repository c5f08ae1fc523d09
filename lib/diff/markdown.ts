/**
 * `tokenguard diff --format markdown`: a pull-request comment. A one-line verdict on top, then one
 * table per changed token — access gained and lost, field changes, a renumbered generation — with
 * every gain and widening in bold and each widening's approval (or need of one) beside it.
 */
import type { ReviewedChange, ReviewedWidening } from "../rules/approvals";
import { escapeControls } from "../escape";
import type { DiffResult } from "./diff";
import { approvalText, kindOf, reaching, RENUMBERED, summaryLine, whereText } from "./format";

/** Text safe in a table cell: controls escaped (lib/escape), then backslashes and pipes. */
function cell(text: string): string {
  return escapeControls(text).replace(/\\/g, "\\\\").replace(/\|/g, "\\|");
}

/**
 * Inline code that survives backticks in the text; in a table cell a pipe is escaped even inside
 * code (GitHub's tables), a backslash is not (code shows it as is).
 */
function code(text: string): string {
  const fence = text.includes("`") ? "``" : "`";
  const pad = text.startsWith("`") || text.endsWith("`") ? " " : "";
  return `${fence}${pad}${escapeControls(text).replace(/\|/g, "\\|")}${pad}${fence}`;
}

const bold = (text: string) => (text ? `**${text}**` : text);

function verdictOf(w: ReviewedWidening | undefined, name: string): string {
  if (!w) return "";
  return w.approval ? `✅ ${cell(approvalText(w, name))}` : "❌ **needs approval**";
}

function rows(c: ReviewedChange): string[][] {
  const out: string[][] = [];
  for (const g of c.gained) {
    const w = c.widenings.find((x) => x.gain === g);
    out.push([
      bold(g.deny ? "no longer denied" : "gains"),
      "",
      bold(code(g.scope)) + reaching(g, "now reaches", code),
      verdictOf(w, c.name),
    ]);
  }
  for (const l of c.lost) {
    const where = reaching(l, "no longer reaches", code);
    out.push([l.deny ? "now denied" : "loses", code(l.scope) + where, "", ""]);
  }
  for (const f of c.fields) {
    const w = c.widenings.find((x) => x.change === f);
    const after = f.after === undefined ? "none" : code(f.after);
    out.push([
      w ? bold(f.field) : f.field,
      f.before === undefined ? "none" : code(f.before),
      w ? bold(after) : after,
      verdictOf(w, c.name),
    ]);
  }
  if (c.renumbered) {
    out.push([
      "generation",
      String(c.renumbered.before),
      String(c.renumbered.after),
      cell(RENUMBERED),
    ]);
  }
  for (const u of c.unknown) out.push([cell(u.field), "", "", `not compared: ${cell(u.why)}`]);
  return out;
}

function table(result: DiffResult, c: ReviewedChange, cwd: string): string[] {
  const where = whereText(result, c, cwd);
  const icon = c.widenings.some((w) => !w.approval) ? "❌" : c.widenings.length ? "✅" : "➖";
  return [
    `#### ${icon} ${code(c.name)} — ${cell(kindOf(c))}, ${c.change}${where ? ` (${code(where)})` : ""}`,
    "",
    "| Change | Before | After | Review |",
    "| --- | --- | --- | --- |",
    ...rows(c).map((r) => `| ${r.join(" | ")} |`),
    "",
  ];
}

/** The review as a pull-request comment (GitHub-flavoured Markdown). */
export function formatMarkdown(result: DiffResult, cwd = process.cwd()): string {
  const icon = result.unapproved ? "❌" : "✅";
  const against = result.against.missing
    ? "a stack that does not exist yet"
    : code(result.against.stack ?? result.against.source);
  const lines = [
    `${icon} **tokenguard diff** ${code(result.project)} (stack ${code(result.stack)}) against ${against}: ${cell(summaryLine(result))}`,
    "",
  ];
  for (const c of result.changes) lines.push(...table(result, c, cwd));
  if (result.unapproved) {
    lines.push(
      `Approve a widening in \`tokenguard.policy.yaml\` (\`tokens.<name>.approvedWidening\`, with a reason), or narrow it.`,
    );
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
