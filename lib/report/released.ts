/**
 * Which generation of a ScopedToken was really released, from a stack export. A ScopedToken
 * records its summary (generation, rotatesAt, expiresAt) when it registers, before its children
 * exist; if the update then fails — a canary probe refused the new credential — the summary names
 * a generation whose value was never released, while the previous one is still in use. The
 * verification children (`<name>-verify-g<n>`, present only once a probe passed) tell the truth:
 * the newest verified generation is the one consumers hold. Pure.
 */
import { formatInstant } from "../rotation/clock";
import { generation, jitteredAnchor } from "../rotation/schedule";
import { SCOPED_TOKEN_TYPE } from "../rules/ownership";
import { lifetimeOf } from "../rules/token-rules";
import { parseSummary } from "../schema/summary";
import { parseTokenSpec } from "../schema/token";
import { parseUrn, type StackExport, type StateResource } from "../scan/state";
import { VERIFICATION_TYPE } from "../verify/verification-type";

export interface Released {
  readonly generation: number;
  /** The summary's generation, newer than the released one. */
  readonly claimed: number;
  readonly rotatesAt: string;
  readonly expiresAt: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function released(token: StateResource, children: readonly StateResource[]): Released | undefined {
  const { project, stack, name: urnName } = parseUrn(token.urn);
  const summary = parseSummary(token.inputs ?? {}, urnName);
  const pattern = new RegExp(`^${escape(summary.name)}-verify-g(-?\\d+)$`);
  const verified = children
    .filter((c) => c.type === VERIFICATION_TYPE && !c.delete)
    .map((c) => pattern.exec(parseUrn(c.urn).name)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  if (verified.length === 0 || summary.generation === undefined) return undefined;
  const n = Math.max(...verified);
  if (n >= summary.generation) return undefined;
  const life = lifetimeOf(parseTokenSpec(summary));
  const anchor = life.anchor ?? jitteredAnchor(`${project}/${stack}/${summary.name}`, life.every);
  const g = generation({ ...life, anchor }, n);
  return {
    generation: n,
    claimed: summary.generation,
    rotatesAt: formatInstant(g.rotatesAt),
    expiresAt: formatInstant(g.expiresAt),
  };
}

/** The ScopedTokens whose summary is ahead of their newest verified generation, by URN. */
export function releasedGenerations(exp: StackExport): Map<string, Released> {
  const byParent = new Map<string, StateResource[]>();
  for (const r of exp.resources) {
    if (r.parent) byParent.set(r.parent, [...(byParent.get(r.parent) ?? []), r]);
  }
  const out = new Map<string, Released>();
  for (const r of exp.resources) {
    if (r.type !== SCOPED_TOKEN_TYPE || r.delete) continue;
    try {
      const found = released(r, byParent.get(r.urn) ?? []);
      if (found) out.set(r.urn, found);
    } catch {
      // a summary that does not parse is the inventory's finding
    }
  }
  return out;
}
