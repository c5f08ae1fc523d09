/**
 * The ledger as a readable timeline per token. Pure: records in, timelines and text out. Anyone who
 * can write the ledger chooses its strings, so the text escapes their control characters.
 */
import { escapeControls } from "../escape";
import type { LedgerRecord } from "./record";

export interface ShowFilter {
  /** A token's resource name or its URN. */
  readonly token?: string;
  readonly owner?: string;
  /** Epoch milliseconds, inclusive. */
  readonly since?: number;
  /** Epoch milliseconds, inclusive. */
  readonly until?: number;
}

/** One token's records, oldest first. */
export interface TokenTimeline {
  readonly tokenUrn: string;
  readonly token: string;
  readonly project: string;
  readonly stack: string;
  readonly records: LedgerRecord[];
}

function matches(r: LedgerRecord, f: ShowFilter): boolean {
  if (f.token !== undefined && r.token !== f.token && r.tokenUrn !== f.token) return false;
  if (f.owner !== undefined && r.owner !== f.owner) return false;
  const t = Date.parse(r.time);
  if (f.since !== undefined && t < f.since) return false;
  if (f.until !== undefined && t > f.until) return false;
  return true;
}

/** The records that pass the filter, grouped by token (URN), tokens in order of first record. */
export function timelines(
  records: readonly LedgerRecord[],
  filter: ShowFilter = {},
): TokenTimeline[] {
  const byUrn = new Map<string, TokenTimeline>();
  for (const r of records) {
    if (!matches(r, filter)) continue;
    let tl = byUrn.get(r.tokenUrn);
    if (!tl) {
      tl = {
        tokenUrn: r.tokenUrn,
        token: r.token,
        project: r.project,
        stack: r.stack,
        records: [],
      };
      byUrn.set(r.tokenUrn, tl);
    }
    tl.records.push(r);
  }
  return [...byUrn.values()];
}

const EVENT_WIDTH = 10;

function line(r: LedgerRecord): string {
  const parts = [
    `#${r.seq}`,
    r.time,
    r.event.padEnd(EVENT_WIDTH),
    `g${r.generation}`,
    `fp ${r.fingerprint.slice(0, 16)}`,
    `expires ${r.expiresAt}`,
  ];
  if (r.event !== "retired" && r.event !== "revoked") {
    parts.push(`scopes ${r.scopes.join(",")}`, `ttl ${r.ttl}`);
    if (r.owner !== undefined) parts.push(`owner ${r.owner}`);
  }
  parts.push(`by ${r.actor.name} (${r.actor.source}${r.actor.run ? ` ${r.actor.run}` : ""})`);
  return `  ${escapeControls(parts.join("  "))}`;
}

/** Text: a header per token, then one line per record. */
export function renderTimelines(tls: readonly TokenTimeline[]): string {
  if (tls.length === 0) return "no records match\n";
  return tls
    .map((tl) => {
      const head = `${tl.token}  ${tl.project}/${tl.stack}  ${tl.tokenUrn}`;
      return `${escapeControls(head)}\n${tl.records.map(line).join("\n")}\n`;
    })
    .join("\n");
}
