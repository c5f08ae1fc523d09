/**
 * The credential inventory of a stack: every ScopedToken and every raw token resource in a
 * `pulumi stack export`, with owner, scopes, generation, issue/expiry/rotation times and flags.
 * Pure over the parsed export, the policy and the clock; every judgement is delegated to the
 * rules the component and the policy pack use (lib/schema, lib/rules, lib/rotation).
 */
import { formatInstant, parseInstant } from "../rotation/clock";
import { generation, generationAt, jitteredAnchor, type ScheduleSpec } from "../rotation/schedule";
import { TOKEN_RULES } from "../rules/catalog";
import { looksLikeToken, ownedByScopedToken, SCOPED_TOKEN_TYPE } from "../rules/ownership";
import { judgeRandomStrength } from "../rules/raw-random";
import {
  judgeVaultLifetime,
  judgeVaultPolicyNames,
  TOKEN_FIELDS,
  vaultSeconds,
} from "../rules/raw-vault";
import { judgeDeclaration, type DeclarationVerdict } from "../rules/declaration";
import { lifetimeOf } from "../rules/token-rules";
import type { Policy } from "../schema/policy-file";
import { parseSummary, SummaryError } from "../schema/summary";
import type { TokenSpec } from "../schema/token";
import {
  CREDENTIAL_RESOURCES,
  parseUrn,
  type StackExport,
  type StateResource,
} from "../scan/state";

/** What the report flags, one entry each. */
export const REPORT_FLAGS = {
  "expired-but-present": {
    severity: "high",
    description:
      "A credential whose expiry has passed is still in state: consumers may be failing, and the state no longer matches reality. Run pulumi up (ScopedToken retires it) or delete the raw token.",
  },
  "rotation-overdue": {
    severity: "high",
    description:
      "The next generation was due and has not been issued: pulumi up has not run since rotatesAt. Schedule pulumi up at least as often as the smallest overlap.",
  },
  "scope-beyond-policy": {
    severity: "high",
    description:
      "The scopes in state are broader than the policy file allows today (stale permissions after a policy tightening). Narrow the scopes and run pulumi up.",
  },
  "policy-violation": {
    severity: "medium",
    description:
      "Today's policy file refuses the token's declared lifetime or rotation (e.g. a ceiling was lowered). Fix the declaration and run pulumi up.",
  },
  "missing-owner": {
    severity: "medium",
    description:
      "Nobody is named as answering for the token. Set owner (tags/metadata for raw tokens).",
  },
  "unmanaged-raw-token": {
    severity: "medium",
    description:
      "A token resource declared without ScopedToken: nothing bounds, rotates or scopes it by policy. Declare it with ScopedToken.",
  },
} as const;

export type ReportFlag = keyof typeof REPORT_FLAGS;

export interface Flag {
  readonly flag: ReportFlag;
  readonly message: string;
}

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

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const num = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v) ? v : undefined;

function instant(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  try {
    return parseInstant(text);
  } catch {
    // Engine timestamps carry sub-second digits and offsets RFC 3339 allows; Date.parse copes.
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
  }
}

function normalize(text: string | undefined): string | undefined {
  const s = instant(text);
  return s === undefined ? undefined : formatInstant(s);
}

/** The ScopedToken schedule, when its declared lifetime is usable. */
function scheduleOf(spec: TokenSpec, project: string, stack: string): ScheduleSpec | undefined {
  try {
    const life = lifetimeOf(spec);
    return {
      ...life,
      anchor: life.anchor ?? jitteredAnchor(`${project}/${stack}/${spec.name}`, life.every),
    };
  } catch {
    return undefined;
  }
}

function scopedTokenEntry(
  resource: StateResource,
  children: readonly StateResource[],
  options: InventoryOptions,
): InventoryEntry {
  const { project, stack, name: urnName } = parseUrn(resource.urn);
  const inputs = resource.inputs ?? {};
  const outputs = resource.outputs ?? {};
  const name = str(inputs.name) ?? urnName;
  const flags: Flag[] = [];
  let verdict: DeclarationVerdict | undefined;
  try {
    const summary = parseSummary(inputs, name);
    verdict = judgeDeclaration(summary, options.policy, summary.argumentProblems);
  } catch (e) {
    if (!(e instanceof SummaryError)) throw e;
    flags.push({ flag: "policy-violation", message: `the summary in state: ${e.message}` });
  }
  const spec = verdict?.spec;
  if (verdict && !spec) {
    flags.push({
      flag: "policy-violation",
      message: `the declaration in state does not parse: ${verdict.findings.map((f) => f.message).join("; ")}`,
    });
  }
  for (const f of spec ? (verdict?.findings ?? []) : []) {
    if (f.rule === "token-least-privilege") {
      flags.push({ flag: "scope-beyond-policy", message: f.message });
    } else if (f.rule === "token-ownership") {
      if (f.field === "owner") flags.push({ flag: "missing-owner", message: f.message });
    } else if (TOKEN_RULES[f.rule].level === "mandatory") {
      flags.push({ flag: "policy-violation", message: `${f.message} [${f.rule}]` });
    }
  }

  const schedule = spec && scheduleOf(spec, project, stack);
  const generations: GenerationEntry[] = [];
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}-g(-?\\d+)$`);
  for (const child of children) {
    const m = pattern.exec(parseUrn(child.urn).name);
    if (!m || CREDENTIAL_RESOURCES[child.type] === undefined) continue;
    const n = Number(m[1]);
    const g = schedule && generation(schedule, n);
    const created = instant(child.created);
    // A Vault token lives ttl from when it was really issued (pulumi up may run after the
    // scheduled start); other backends expire on the schedule.
    const expiresAt =
      g && created !== undefined && child.type === "vault:index/token:Token"
        ? Math.max(g.expiresAt, created + (g.expiresAt - g.start))
        : g?.expiresAt;
    const issued = created !== undefined ? formatInstant(created) : g && formatInstant(g.start);
    const expires = expiresAt !== undefined ? formatInstant(expiresAt) : undefined;
    generations.push({
      n,
      urn: child.urn,
      ...(issued ? { issued } : {}),
      ...(expires ? { expires } : {}),
    });
    if (expiresAt !== undefined && expiresAt <= options.now) {
      flags.push({
        flag: "expired-but-present",
        message: `generation ${n} expired at ${expires} and is still in state; run pulumi up to retire it`,
      });
    }
  }
  generations.sort((a, b) => a.n - b.n);

  const gen = num(outputs.generation) ?? num(inputs.generation);
  const nextRotation = normalize(str(outputs.rotatesAt) ?? str(inputs.rotatesAt));
  const expires = normalize(str(outputs.expiresAt) ?? str(inputs.expiresAt));
  const expired = instant(expires);
  if (
    expired !== undefined &&
    expired <= options.now &&
    !flags.some((f) => f.flag === "expired-but-present")
  ) {
    flags.push({
      flag: "expired-but-present",
      message: `the current generation ${gen ?? "?"} expired at ${expires} and the token is still in state; run pulumi up`,
    });
  }
  const due = instant(nextRotation);
  if (due !== undefined && due <= options.now) {
    const current = schedule ? generationAt(schedule, options.now) : undefined;
    flags.push({
      flag: "rotation-overdue",
      message: `generation ${gen ?? "?"} was due to rotate at ${nextRotation}${current !== undefined ? `; generation ${current} is current now` : ""}: run pulumi up`,
    });
  }
  const current = generations.find((g) => g.n === gen);
  const owner = spec?.owner ?? str(inputs.owner);
  const purpose = spec?.purpose ?? str(inputs.purpose);
  return {
    urn: resource.urn,
    name,
    type: resource.type,
    managed: true,
    backend: str(inputs.backend) ?? "?",
    ...(owner ? { owner } : {}),
    ...(purpose ? { purpose } : {}),
    scopes: spec?.scopeTexts ?? (Array.isArray(inputs.scopes) ? inputs.scopes.map(String) : []),
    ...(gen !== undefined ? { generation: gen } : {}),
    ...(current?.issued ? { issued: current.issued } : {}),
    ...(expires ? { expires } : {}),
    ...(nextRotation ? { nextRotation } : {}),
    generations,
    flags: dedupe(flags),
  };
}

function dedupe(flags: readonly Flag[]): Flag[] {
  const seen = new Set<string>();
  return flags.filter((f) => {
    const key = `${f.flag}\0${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : {};
}

function rawTokenEntry(resource: StateResource, options: InventoryOptions): InventoryEntry {
  const { name } = parseUrn(resource.urn);
  const facts = CREDENTIAL_RESOURCES[resource.type];
  const inputs = resource.inputs ?? {};
  const outputs = resource.outputs ?? {};
  const tags = { ...record(inputs.tags), ...record(inputs.metadata) };
  const owner = str(tags.owner) ?? str(tags.Owner) ?? str(tags["tokenguard-owner"]);
  const purpose = str(tags.purpose) ?? str(tags.Purpose) ?? str(tags["tokenguard-purpose"]);
  const issuedAt = instant(resource.created) ?? instant(str(outputs.createDate));
  const flags: Flag[] = [
    {
      flag: "unmanaged-raw-token",
      message: `${resource.type} "${name}" is not managed by a ScopedToken: nothing rotates or bounds it by policy`,
    },
  ];
  if (!owner && options.policy.requireOwner) {
    flags.push({
      flag: "missing-owner",
      message: "no owner tag or tokenguard-owner metadata names who answers for it",
    });
  }

  let scopes: string[] = [];
  let expiresAt: number | undefined;
  const limits = options.policy.backends[facts.backend as keyof Policy["backends"]];
  if (resource.type === "vault:index/token:Token") {
    scopes = Array.isArray(inputs.policies) ? inputs.policies.map(String) : [];
    const life = vaultSeconds(inputs.explicitMaxTtl).seconds ?? vaultSeconds(inputs.ttl).seconds;
    if (life !== undefined && issuedAt !== undefined) expiresAt = issuedAt + life;
    const findings = [
      ...judgeVaultLifetime(
        inputs,
        TOKEN_FIELDS,
        options.policy.backends.vault,
        options.policy.source,
      ),
      ...judgeVaultPolicyNames(scopes, "policies"),
    ];
    for (const f of findings)
      flags.push({ flag: "policy-violation", message: `${f.message} [${f.rule}]` });
  } else if (resource.type.startsWith("random:")) {
    for (const f of judgeRandomStrength(resource.type, inputs))
      flags.push({ flag: "policy-violation", message: `${f.message} [${f.rule}]` });
  } else if (resource.type === "aws:iam/accessKey:AccessKey") {
    const user = str(inputs.user);
    if (user) scopes = [`iam user ${user}`];
    if (limits && issuedAt !== undefined && issuedAt + limits.maxRotation <= options.now) {
      flags.push({
        flag: "rotation-overdue",
        message: `the key is older than the aws-iam rotation ceiling (${options.policy.source}); replace it`,
      });
    }
  }
  if (expiresAt !== undefined && expiresAt <= options.now) {
    flags.push({
      flag: "expired-but-present",
      message: `expired at ${formatInstant(expiresAt)} and is still in state; delete it from the program`,
    });
  }
  return {
    urn: resource.urn,
    name,
    type: resource.type,
    managed: false,
    backend: facts.backend,
    ...(owner ? { owner } : {}),
    ...(purpose ? { purpose } : {}),
    scopes,
    ...(issuedAt !== undefined ? { issued: formatInstant(issuedAt) } : {}),
    ...(expiresAt !== undefined ? { expires: formatInstant(expiresAt) } : {}),
    generations: [],
    flags,
  };
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
