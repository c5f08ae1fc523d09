/** The usage report as terminal text and as a Markdown review comment. */
import type pc from "picocolors";
import type { ScopeUsage, SourceSummary, TokenUsage, UsageReport } from "./model";

type Colors = ReturnType<typeof pc.createColors>;

const uses = (s: ScopeUsage) =>
  s.used.map((u) => `${u.what}${u.count === null ? "" : ` ×${u.count}`}`).join(", ");

function sourceLine(s: SourceSummary): string {
  if (s.kind === "aws-iam") return `IAM last-accessed data (${s.note ?? ""})`;
  const accessors =
    s.accessors === "hmac"
      ? "accessors HMAC'd"
      : s.accessors === "clear"
        ? "accessors in clear"
        : "no accessors";
  const span = s.from ? `, ${s.from} → ${s.to ?? "?"}` : "";
  const hashing = s.hashing ? `; ${s.hashing}` : "";
  return `Vault audit log ${s.file} (${accessors}; ${s.lines ?? 0} lines, ${s.matched ?? 0} requests matched${span}${hashing})`;
}

/** The declaration to paste: Vault scopes as strings, AWS statements as objects. */
export function proposedText(proposed: readonly unknown[]): string {
  if (proposed.length === 0) return "scopes: [], // nothing was used: delete the token";
  const items = proposed.map((p) => `  ${JSON.stringify(p)},`);
  return ["scopes: [", ...items, "],"].join("\n");
}

function tokenHead(t: TokenUsage): string {
  const kind = t.managed ? "ScopedToken" : `raw ${t.type}`;
  return `${t.name} (${t.backend}, ${kind})`;
}

function evidenceNote(t: TokenUsage, report: UsageReport): string | undefined {
  if (t.judged || !t.source) return undefined;
  return t.evidenceFrom
    ? `the evidence starts at ${t.evidenceFrom}, after the window's start (${report.windowStart}): unused scopes are listed, not judged`
    : "no evidence in the sources: unused scopes are listed, not judged";
}

function textToken(t: TokenUsage, report: UsageReport, c: Colors): string[] {
  if (!t.source) return [`${c.bold(tokenHead(t))} ${c.dim(`not measured: ${t.reason ?? ""}`)}`];
  const out = [c.bold(tokenHead(t))];
  const note = evidenceNote(t, report);
  if (note) out.push(c.yellow(`  ${note}`));
  const width = Math.max(...t.scopes.map((s) => s.scope.length), 5);
  for (const s of t.scopes) {
    const label =
      s.status === "used"
        ? c.green("used  ")
        : s.status === "unused"
          ? c.red("UNUSED")
          : c.yellow("PARTLY");
    const detail =
      s.status === "unused"
        ? `no use since ${report.windowStart}${s.lastUsed ? ` (last ${s.lastUsed})` : " (none seen)"}`
        : `${uses(s)}; last ${s.used
            .map((u) => u.lastUsed)
            .sort()
            .pop()}${s.unused.length ? `; unused: ${s.unused.join(", ")}` : ""}`;
    out.push(`  ${label} ${s.scope.padEnd(width)}  ${detail}`);
    if (s.note) out.push(c.dim(`         ${s.note}`));
  }
  for (const d of t.denied) {
    out.push(
      `  ${c.red("DENIED")} ${d.operation} ${d.path} ×${d.count} (last ${d.lastSeen})${d.needs ? `: needs ${d.needs}` : ""}`,
    );
  }
  if (t.deniedOmitted) out.push(c.dim(`         …and ${t.deniedOmitted} more denied requests`));
  if (t.changed && t.proposed) {
    out.push("  proposed:");
    out.push(
      ...proposedText(t.proposed)
        .split("\n")
        .map((l) => `    ${l}`),
    );
  }
  return out;
}

export function formatText(report: UsageReport, c: Colors): string {
  const lines = [
    c.dim(
      `stack ${report.project ?? "?"}/${report.stack ?? "?"}: use from ${report.windowStart} to ${report.now} (--since ${report.since})`,
    ),
    ...report.sources.map((s) => c.dim(`source: ${sourceLine(s)}`)),
    "",
  ];
  for (const t of report.tokens) lines.push(...textToken(t, report, c), "");
  const { tokens, measured, withUnused, denied } = report.summary;
  lines.push(
    `${tokens} token(s), ${measured} measured; ${withUnused} with scopes unused since ${report.windowStart}; ${denied} with denied requests`,
  );
  return `${lines.join("\n")}\n`;
}

const code = (s: string) => `\`${s.replace(/`/g, "'")}\``;
const cell = (s: string) => s.replace(/\|/g, "\\|");

function markdownToken(t: TokenUsage, report: UsageReport): string[] {
  const out = [`#### ${code(t.name)} (${t.backend}${t.managed ? "" : `, raw ${t.type}`})`, ""];
  if (!t.source) return [...out, `Not measured: ${t.reason ?? ""}`, ""];
  const note = evidenceNote(t, report);
  if (note) out.push(`> ${note}`, "");
  out.push("| scope | status | used in the window | last use |", "|---|---|---|---|");
  for (const s of t.scopes) {
    const used = s.used.length ? uses(s) : "—";
    const unused = s.unused.length && s.used.length ? `; unused: ${s.unused.join(", ")}` : "";
    out.push(
      `| ${cell(code(s.scope))} | ${s.status} | ${cell(used + unused)} | ${s.lastUsed ?? "never"} |`,
    );
  }
  out.push("");
  if (t.denied.length) {
    out.push("**Denied** (the token needs a scope it lacks):", "");
    for (const d of t.denied) {
      out.push(
        `- ${code(`${d.operation} ${d.path}`)} ×${d.count}, last ${d.lastSeen}${d.needs ? `: needs ${code(d.needs)}` : ""}`,
      );
    }
    out.push("");
  }
  if (t.changed && t.proposed) {
    out.push("Proposed declaration:", "", "```ts", proposedText(t.proposed), "```", "");
  }
  return out;
}

/** A review comment: the tokens with leftovers or denials first, then the rest in one line. */
export function formatMarkdown(report: UsageReport): string {
  const { withUnused, measured, tokens } = report.summary;
  const unjudged = report.tokens.filter((t) => !t.judged && t.unusedScopes.length > 0).length;
  const title =
    withUnused > 0
      ? `### tokenguard usage: ${withUnused} token(s) carry scopes unused since ${report.windowStart}`
      : unjudged > 0
        ? `### tokenguard usage: ${unjudged} token(s) with scopes unused so far, on evidence shorter than the window`
        : `### tokenguard usage: no leftover privileges since ${report.windowStart}`;
  const interesting = report.tokens.filter(
    (t) => t.unusedScopes.length > 0 || t.denied.length > 0 || t.changed,
  );
  const rest = report.tokens.filter((t) => !interesting.includes(t));
  const lines = [
    title,
    "",
    `Stack ${code(`${report.project ?? "?"}/${report.stack ?? "?"}`)}, ${measured} of ${tokens} token(s) measured, window ${report.windowStart} → ${report.now}.`,
    "",
    ...report.sources.map((s) => `- ${sourceLine(s)}`),
    "",
  ];
  for (const t of interesting) lines.push(...markdownToken(t, report));
  if (rest.length) {
    lines.push(
      `Nothing to change: ${rest.map((t) => `${code(t.name)}${t.source ? "" : " (not measured)"}`).join(", ")}.`,
    );
  }
  return `${lines.join("\n").trimEnd()}\n`;
}
