/**
 * The credential inventory of a stack: every ScopedToken and every raw token resource in a
 * `pulumi stack export`, with owner, scopes, generation, issue/expiry/rotation times and flags.
 * Pure over the parsed export, the policy and the clock; every judgement is delegated to the
 * rules the component and the policy pack use (lib/schema, lib/rules, lib/rotation).
 */
import { formatInstant } from "../rotation/clock";
import { looksLikeToken, ownedByScopedToken, SCOPED_TOKEN_TYPE } from "../rules/ownership";
import type { Policy } from "../schema/policy-file";
import {
  CREDENTIAL_RESOURCES,
  parseUrn,
  type StackExport,
  type StateResource,
} from "../scan/state";
import type { Flag, ReportFlag } from "./flags";
import { rawTokenEntry } from "./raw-entry";
import { scopedTokenEntry } from "./scoped-entry";

export { REPORT_FLAGS, type Flag, type ReportFlag } from "./flags";

export interface GenerationEntry {
  readonly n: number;
  readonly urn: string;
  readonly issued?: string;
  readonly expires?: string;
}

export interface InventoryEntry {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  /** True for a ScopedToken; false for a raw token resource. */
  readonly managed: boolean;
  readonly backend: string;
  readonly owner?: string;
  readonly purpose?: string;
  readonly scopes: readonly string[];
  readonly generation?: number;
  readonly issued?: string;
  readonly expires?: string;
  readonly nextRotation?: string;
  /** ScopedToken: the generation children in state. */
  readonly generations: readonly GenerationEntry[];
  readonly flags: readonly Flag[];
}

export interface Inventory {
  readonly project?: string;
  readonly stack?: string;
  readonly now: string;
  readonly policy: string;
  readonly tokens: readonly InventoryEntry[];
  readonly summary: {
    readonly tokens: number;
    readonly flagged: number;
    readonly flags: Readonly<Partial<Record<ReportFlag, number>>>;
  };
}

export interface InventoryOptions {
  readonly policy: Policy;
  /** The clock, epoch seconds. */
  readonly now: number;
}

/** The inventory of every ScopedToken and raw token resource in the export. */
export function buildInventory(exp: StackExport, options: InventoryOptions): Inventory {
  const tokens: InventoryEntry[] = [];
  const byParent = new Map<string, StateResource[]>();
  for (const r of exp.resources) {
    if (r.parent) byParent.set(r.parent, [...(byParent.get(r.parent) ?? []), r]);
  }
  let project: string | undefined;
  let stack: string | undefined;
  for (const resource of exp.resources) {
    if (resource.delete) continue; // pending deletion: replaced already
    if (project === undefined) ({ project, stack } = parseUrn(resource.urn));
    if (resource.type === SCOPED_TOKEN_TYPE) {
      tokens.push(scopedTokenEntry(resource, byParent.get(resource.urn) ?? [], options));
      continue;
    }
    const facts = CREDENTIAL_RESOURCES[resource.type];
    if (!facts || facts.token === "never" || ownedByScopedToken(resource.urn)) continue;
    if (facts.token === "if-named" && !looksLikeToken(parseUrn(resource.urn).name)) continue;
    tokens.push(rawTokenEntry(resource, options));
  }
  const counts: Partial<Record<ReportFlag, number>> = {};
  for (const t of tokens)
    for (const f of new Set(t.flags.map((x) => x.flag))) counts[f] = (counts[f] ?? 0) + 1;
  return {
    ...(project ? { project } : {}),
    ...(stack ? { stack } : {}),
    now: formatInstant(options.now),
    policy: options.policy.source,
    tokens,
    summary: {
      tokens: tokens.length,
      flagged: tokens.filter((t) => t.flags.length > 0).length,
      flags: counts,
    },
  };
}
