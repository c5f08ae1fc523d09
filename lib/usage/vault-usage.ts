/**
 * What one Vault token did, accumulated request by request in bounded memory: per declared scope
 * and capability a count, the last use and a summary of the paths used (the first one and their
 * common prefix, enough to narrow a glob), and the denied requests (at most DENIED_KEPT distinct).
 * The scope that allowed a request is the one Vault applied: the highest-priority declared path
 * that matches it (lib/rules/globs), granting the operation's capability.
 */
import { winningVaultPath } from "../rules/globs";
import type { VaultScope } from "../schema/scopes";
import { OPERATION_CAPABILITY, type AuditRequest } from "./vault-audit";
import { PROBE_SEGMENT } from "../rules/canary";

/** Distinct denied requests kept per token (the most recent ones). */
export const DENIED_KEPT = 100;

export interface CapabilityUse {
  /** Uses inside the window. */
  count: number;
  /** Last use inside the window (epoch seconds). */
  last?: number;
  /** Last use at all (also before the window). */
  lastEver?: number;
}

/** The paths a scope was used on: the first, whether others differ, and their common prefix. */
export interface PathSummary {
  first?: string;
  many: boolean;
  prefix?: string;
}

export interface DeniedUse {
  readonly path: string;
  readonly operation: string;
  count: number;
  last: number;
}

/** The token's grants: declared path scopes (ScopedToken) or policy names (a raw vault token). */
export type VaultGrants =
  | { readonly kind: "scopes"; readonly scopes: readonly VaultScope[]; readonly policy?: string }
  | { readonly kind: "policies"; readonly policies: readonly string[] };

export class VaultTokenUsage {
  /** Per grant (scope index or policy index): per capability its use. */
  readonly uses: Map<string, CapabilityUse>[];
  readonly paths: PathSummary[];
  readonly denied = new Map<string, DeniedUse>();
  deniedDropped = 0;
  matched = { accessor: 0, policy: 0 };
  private readonly patterns: string[];

  constructor(
    readonly grants: VaultGrants,
    /** [windowStart, now] in epoch seconds. */
    private readonly window: { readonly start: number; readonly end: number },
  ) {
    const n = grants.kind === "scopes" ? grants.scopes.length : grants.policies.length;
    this.uses = Array.from({ length: n }, () => new Map());
    this.paths = Array.from({ length: n }, () => ({ many: false }));
    this.patterns = grants.kind === "scopes" ? [...new Set(grants.scopes.map((s) => s.path))] : [];
  }

  /** Adds one request made with the token. */
  add(req: AuditRequest, by: "accessor" | "policy"): void {
    if (req.time > this.window.end) return;
    // tokenguard's own canary probe (lib/rules/canary.ts) is not a request of the token's consumer.
    if (req.path.includes(PROBE_SEGMENT)) return;
    this.matched[by]++;
    const capability = OPERATION_CAPABILITY[req.operation];
    if (!req.allowed) {
      if (req.time >= this.window.start) this.deny(req);
      return;
    }
    if (capability === undefined) return;
    const index = this.grantOf(req, capability);
    if (index === undefined) return; // allowed by something else (Vault's built-in paths)
    const use = this.uses[index].get(capability) ?? { count: 0 };
    use.lastEver = Math.max(use.lastEver ?? req.time, req.time);
    if (req.time >= this.window.start) {
      use.count++;
      use.last = Math.max(use.last ?? req.time, req.time);
      notePath(this.paths[index], req.path);
    }
    this.uses[index].set(capability, use);
  }

  /** The grant that allowed an allowed request, if it was one of the token's own. */
  private grantOf(req: AuditRequest, capability: string): number | undefined {
    if (this.grants.kind === "policies") {
      const names = req.granting ?? [];
      const i = this.grants.policies.findIndex((p) => names.includes(p));
      return i < 0 ? undefined : i;
    }
    const { scopes, policy } = this.grants;
    if (policy && req.granting && !req.granting.includes(policy)) return undefined;
    const path = winningVaultPath(this.patterns, req.path);
    if (path === undefined) return undefined;
    const i = scopes.findIndex((s) => s.path === path && s.capabilities.includes(capability));
    return i < 0 ? undefined : i;
  }

  private deny(req: AuditRequest): void {
    const key = `${req.operation} ${req.path}`;
    const seen = this.denied.get(key);
    if (seen) {
      seen.count++;
      seen.last = Math.max(seen.last, req.time);
      return;
    }
    if (this.denied.size >= DENIED_KEPT) {
      // Keep the most recent: drop the entry seen longest ago.
      let oldest: [string, DeniedUse] | undefined;
      for (const e of this.denied) if (!oldest || e[1].last < oldest[1].last) oldest = e;
      if (oldest) this.denied.delete(oldest[0]);
      this.deniedDropped++;
    }
    this.denied.set(key, { path: req.path, operation: req.operation, count: 1, last: req.time });
  }
}

/** Folds one used path into a scope's path summary. */
export function notePath(summary: PathSummary, path: string): void {
  if (summary.first === undefined) {
    summary.first = path;
    summary.prefix = path;
    return;
  }
  if (path === summary.first && !summary.many) return;
  summary.many ||= path !== summary.first;
  const prefix = summary.prefix ?? path;
  let i = 0;
  while (i < prefix.length && i < path.length && prefix[i] === path[i]) i++;
  summary.prefix = prefix.slice(0, i);
}
