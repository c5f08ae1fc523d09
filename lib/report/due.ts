/**
 * `tokenguard report --due <window>`: the dead-man's switch every stack has. A token is due when its
 * rotation is overdue (rotatesAt has passed: the scheduled `pulumi up` did not run or failed) or its
 * credential expires within its alarm window: the token's own `alert.before` when it declares one,
 * else the window given, capped below ttl - rotation.every — either way the window opens only after
 * rotatesAt, so a healthy token is never due. A raw token is due within the window given.
 * Pure over the inventory, the export and the clock.
 */
import { formatInstant, parseInstant } from "../rotation/clock";
import { formatDuration, parseDuration } from "../schema/duration";
import type { StackExport } from "../scan/state";
import { SCOPED_TOKEN_TYPE } from "../rules/ownership";
import type { Inventory, InventoryEntry } from "./inventory";
import { releasedGenerations } from "./released";

export interface DueToken {
  readonly urn: string;
  readonly name: string;
  readonly backend: string;
  readonly owner?: string;
  readonly generation?: number;
  readonly expires?: string;
  readonly nextRotation?: string;
  /** The window judged against: the token's `alert.before`, or `--due`. */
  readonly window: string;
  readonly windowFrom: WindowFrom;
  /** Why it is due, one sentence each. */
  readonly reasons: readonly string[];
}

export interface DueReport {
  readonly project?: string;
  readonly stack?: string;
  readonly now: string;
  readonly window: string;
  readonly due: readonly DueToken[];
}

const seconds = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  try {
    return parseInstant(text);
  } catch {
    return undefined;
  }
};

type WindowFrom = "alert.before" | "--due" | "ttl - rotation.every";

const durationOf = (v: unknown): number | undefined => {
  if (typeof v !== "string") return undefined;
  try {
    return parseDuration(v);
  } catch {
    return undefined; // a malformed field is the policy's finding, not a window
  }
};

/**
 * Each ScopedToken's alarm window, by URN: its `alert.before`; else `window`, capped below
 * ttl - rotation.every so that a healthy token (rotated at rotatesAt) is never listed.
 */
function tokenWindows(
  exp: StackExport,
  window: number,
): Map<string, { s: number; from: WindowFrom }> {
  const out = new Map<string, { s: number; from: WindowFrom }>();
  for (const r of exp.resources) {
    if (r.type !== SCOPED_TOKEN_TYPE) continue;
    const inputs = r.inputs ?? {};
    const before = durationOf((inputs.alert as { before?: unknown } | undefined)?.before);
    const ttl = durationOf(inputs.ttl);
    const every = durationOf((inputs.rotation as { every?: unknown } | undefined)?.every) ?? ttl;
    if (before !== undefined) out.set(r.urn, { s: before, from: "alert.before" });
    else if (ttl !== undefined && every !== undefined && ttl - every < window)
      out.set(r.urn, { s: Math.max(0, ttl - every), from: "ttl - rotation.every" });
  }
  return out;
}

/** Why `t` is due at `now` within `window` seconds; empty when it is not. */
export function dueReasons(t: InventoryEntry, now: number, window: number): string[] {
  const reasons: string[] = [];
  const rotates = seconds(t.nextRotation);
  const expires = seconds(t.expires);
  if (rotates !== undefined && rotates <= now) {
    reasons.push(
      `rotation overdue since ${t.nextRotation} (${formatDuration(Math.max(1, now - rotates))} ago): the scheduled pulumi up has not rotated it`,
    );
  }
  if (expires !== undefined && expires <= now) {
    reasons.push(`expired at ${t.expires}`);
  } else if (expires !== undefined && expires - now <= window) {
    reasons.push(
      `expires at ${t.expires}, in ${formatDuration(Math.max(1, expires - now))}: within ${formatDuration(window)}`,
    );
  }
  if (!t.managed && t.flags.some((f) => f.flag === "rotation-overdue")) {
    reasons.push("older than its backend's rotation ceiling");
  }
  return reasons;
}

/** The tokens of `inventory` that are due at `now` (epoch seconds) within `window` seconds. */
export function dueReport(
  inventory: Inventory,
  exp: StackExport,
  now: number,
  window: number,
): DueReport {
  const own = tokenWindows(exp, window);
  const held = releasedGenerations(exp);
  const due: DueToken[] = [];
  for (const listed of inventory.tokens) {
    const r = held.get(listed.urn);
    // A summary ahead of the newest verified generation: judge the generation in use.
    const t = r
      ? { ...listed, generation: r.generation, nextRotation: r.rotatesAt, expires: r.expiresAt }
      : listed;
    const w = own.get(t.urn)?.s ?? window;
    const reasons = dueReasons(t, now, w);
    if (reasons.length === 0) continue;
    if (r) {
      reasons.push(
        `generation ${r.claimed} was issued but never passed its probe; generation ${r.generation} is the one in use`,
      );
    }
    due.push({
      urn: t.urn,
      name: t.name,
      backend: t.backend,
      ...(t.owner ? { owner: t.owner } : {}),
      ...(t.generation !== undefined ? { generation: t.generation } : {}),
      ...(t.expires ? { expires: t.expires } : {}),
      ...(t.nextRotation ? { nextRotation: t.nextRotation } : {}),
      window: formatDuration(w),
      windowFrom: own.get(t.urn)?.from ?? "--due",
      reasons,
    });
  }
  return {
    ...(inventory.project ? { project: inventory.project } : {}),
    ...(inventory.stack ? { stack: inventory.stack } : {}),
    now: formatInstant(now),
    window: formatDuration(window),
    due,
  };
}

/** Text: one block per due token, or a line saying none is. */
export function formatDue(report: DueReport): string {
  const where = report.project ? ` in ${report.project}/${report.stack}` : "";
  if (report.due.length === 0) {
    return `no token${where} is overdue for rotation or within its alarm window of expiry (--due ${report.window}, at ${report.now})\n`;
  }
  const blocks = report.due.map((t) => {
    const head = `${t.name}  ${t.backend}${t.owner ? `  owner ${t.owner}` : ""}${t.generation !== undefined ? `  g${t.generation}` : ""}  (window ${t.window} from ${t.windowFrom})`;
    return [head, ...t.reasons.map((r) => `  - ${r}`), `  ${t.urn}`].join("\n");
  });
  return `${report.due.length} token(s)${where} due at ${report.now}:\n\n${blocks.join("\n\n")}\n`;
}
