/**
 * `tokenguard usage`: for every token in a stack export, what it actually did in the window — from
 * Vault audit logs and IAM last-accessed data — against what it declares, and the narrower
 * declaration. No Pulumi import: the export is data.
 */
import { formatInstant } from "../rotation/clock";
import { parseUrn, type StackExport } from "../scan/state";
import type { ServiceLastAccessed } from "./aws-usage";
import { awsFindings } from "./aws-usage";
import type { SourceSummary, TokenUsage, UsageReport } from "./model";
import { usageTargets, type UsageTarget } from "./targets";
import { hashAccessors, type VaultConnection } from "./vault-hash";
import { vaultFindings } from "./vault-result";
import { accessorMode, Matcher, scanAuditFile, type Progress, type Watched } from "./vault-stream";
import { VaultTokenUsage } from "./vault-usage";
import { instantOf, usageWindow, type UsageWindow } from "./window";

export interface UsageOptions {
  readonly exp: StackExport;
  /** Epoch seconds. */
  readonly now: number;
  /** A duration back from now ("90d") or an RFC 3339 instant. */
  readonly since: string;
  /** Vault audit-device log files (JSON lines, plain or .gz). */
  readonly vaultAudit?: readonly string[];
  /** Where to hash accessors for logs that HMAC them (VAULT_ADDR, VAULT_TOKEN). */
  readonly vault?: VaultConnection;
  /** IAM last-accessed data for a principal ARN; given for --aws. */
  readonly awsLastAccessed?: (arn: string) => Promise<ServiceLastAccessed[]>;
  readonly progress?: Progress;
}

/** IAM reports at least the last 400 days. */
const IAM_TRACKING_SECONDS = 400 * 86400;

interface VaultRun {
  readonly sources: SourceSummary[];
  readonly usages: Map<string, VaultTokenUsage>;
  /** The earliest entry of any log (epoch seconds). */
  readonly from?: number;
}

async function runVault(
  targets: readonly UsageTarget[],
  options: UsageOptions,
  window: UsageWindow,
): Promise<VaultRun> {
  const files = options.vaultAudit ?? [];
  const watched: Watched[] = targets
    .filter((t) => t.vault)
    .map((t) => ({
      usage: new VaultTokenUsage(t.vault!.grants, window),
      accessors: t.vault!.accessors,
      ...(t.vault!.family ? { family: t.vault!.family } : {}),
    }));
  const accessors = watched.flatMap((w) => w.accessors);
  const modes = await Promise.all(files.map((f) => accessorMode(f)));
  let hashes = new Map<string, string>();
  let hashing: string | undefined;
  if (modes.includes("hmac") && accessors.length > 0) {
    if (options.vault) {
      const hashed = await hashAccessors(options.vault, accessors);
      hashes = hashed.hashes;
      hashing = `accessors hashed with sys/audit-hash at ${options.vault.address} (devices: ${hashed.devices.join(", ") || "none"})`;
    } else {
      hashing =
        "accessors are HMAC'd and VAULT_ADDR/VAULT_TOKEN are not set: ScopedTokens matched by their own policy and name only, raw tokens not at all";
    }
  }
  const matcher = new Matcher(watched, hashes);
  const sources: SourceSummary[] = [];
  for (const file of files) {
    const summary = await scanAuditFile(file, matcher, options.progress);
    sources.push(summary.accessors === "hmac" && hashing ? { ...summary, hashing } : summary);
  }
  const froms = sources.map((s) => instantOf(s.from)).filter((x): x is number => x !== undefined);
  const usages = new Map<string, VaultTokenUsage>();
  targets.filter((t) => t.vault).forEach((t, i) => usages.set(t.urn, watched[i].usage));
  return { sources, usages, ...(froms.length ? { from: Math.min(...froms) } : {}) };
}

function evidence(
  window: UsageWindow,
  from: number | undefined,
  created: number | undefined,
): Pick<TokenUsage, "evidenceFrom" | "judged"> {
  if (from === undefined) return { judged: false };
  const start = Math.max(from, created ?? from);
  return { evidenceFrom: formatInstant(start), judged: start <= window.start };
}

async function measure(
  t: UsageTarget,
  options: UsageOptions,
  window: UsageWindow,
  vault: VaultRun | undefined,
): Promise<TokenUsage> {
  const base = {
    urn: t.urn,
    name: t.name,
    type: t.type,
    backend: t.backend,
    managed: t.managed,
  };
  const unmeasured = (reason: string): TokenUsage => ({
    ...base,
    reason,
    judged: false,
    scopes: [],
    unusedScopes: [],
    denied: [],
    changed: false,
  });
  if (t.unmeasurable) return unmeasured(t.unmeasurable);
  if (t.vault) {
    const usage = vault?.usages.get(t.urn);
    if (!usage) return unmeasured("no Vault audit log given: pass --vault-audit FILE");
    return {
      ...base,
      source: "vault-audit",
      ...evidence(window, vault?.from, t.created),
      ...vaultFindings(usage),
    };
  }
  if (t.aws) {
    if (!options.awsLastAccessed) return unmeasured("IAM not asked: pass --aws");
    const services = await options.awsLastAccessed(t.aws.userArn);
    return {
      ...base,
      source: "aws-iam",
      ...evidence(window, window.end - IAM_TRACKING_SECONDS, t.created),
      ...awsFindings(t.aws.scopes, services, window.start),
    };
  }
  return unmeasured("no source records this token's use");
}

/** The usage report for every token in the export. */
export async function runUsage(options: UsageOptions): Promise<UsageReport> {
  const window = usageWindow(options.since, options.now);
  const targets = usageTargets(options.exp);
  const vault = options.vaultAudit?.length ? await runVault(targets, options, window) : undefined;
  const tokens: TokenUsage[] = [];
  for (const t of targets) tokens.push(await measure(t, options, window, vault));
  const sources: SourceSummary[] = [...(vault?.sources ?? [])];
  if (options.awsLastAccessed) {
    sources.push({
      kind: "aws-iam",
      note: "GetServiceLastAccessedDetails at ACTION_LEVEL per token user",
    });
  }
  const first = options.exp.resources[0];
  const where = first ? parseUrn(first.urn) : undefined;
  return {
    version: 1,
    ...(where ? { project: where.project, stack: where.stack } : {}),
    now: formatInstant(window.end),
    since: window.since,
    windowStart: formatInstant(window.start),
    sources,
    tokens,
    summary: {
      tokens: tokens.length,
      measured: tokens.filter((t) => t.source).length,
      withUnused: tokens.filter((t) => t.judged && t.unusedScopes.length > 0).length,
      denied: tokens.filter((t) => t.denied.length > 0).length,
    },
  };
}
