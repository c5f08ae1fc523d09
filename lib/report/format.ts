/**
 * The inventory as a terminal table, with each flag spelled out under it. Names come from state:
 * their control characters are printed escaped.
 */
import type pc from "picocolors";
import { escapeControls } from "../escape";
import type { Inventory } from "./inventory";

type Colors = ReturnType<typeof pc.createColors>;

/** "2026-01-31T12:00:00Z" → "2026-01-31 12:00". */
const short = (t: string | undefined) => (t ? t.replace("T", " ").replace(/:\d\dZ$/, "") : "-");

export function formatTable(inventory: Inventory, c: Colors): string {
  const header = [
    "TOKEN",
    "BACKEND",
    "OWNER",
    "GEN",
    "ISSUED",
    "EXPIRES",
    "NEXT ROTATION",
    "FLAGS",
  ];
  const rows = inventory.tokens.map((t) =>
    [
      t.managed ? t.name : `${t.name} (raw)`,
      t.backend,
      t.owner ?? "-",
      t.generation === undefined ? "-" : String(t.generation),
      short(t.issued),
      short(t.expires),
      short(t.nextRotation),
      [...new Set(t.flags.map((f) => f.flag))].join(",") || "ok",
    ].map(escapeControls),
  );
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]))
      .join("  ")
      .trimEnd();
  const out = [
    c.dim(
      escapeControls(
        `stack ${inventory.project ?? "?"}/${inventory.stack ?? "?"} at ${inventory.now}, policy: ${inventory.policy}`,
      ),
    ),
    c.bold(line(header)),
    ...rows.map((r) => {
      const text = line(r);
      return r[7] === "ok" ? text : c.yellow(text);
    }),
  ];
  const details = inventory.tokens.flatMap((t) =>
    t.flags.map(
      (f) => `  ${c.bold(escapeControls(t.name))} ${c.red(f.flag)}: ${escapeControls(f.message)}`,
    ),
  );
  if (details.length) out.push("", ...details);
  const { tokens, flagged } = inventory.summary;
  out.push(
    "",
    flagged === 0
      ? c.green(`${tokens} token${tokens === 1 ? "" : "s"}, none flagged`)
      : c.red(`${tokens} token${tokens === 1 ? "" : "s"}, ${flagged} flagged`),
  );
  return out.join("\n");
}
