/**
 * What each token in a set of resources is, for the review (lib/rules/token-diff): every
 * ScopedToken through the one summary contract (lib/schema/summary), and the raw token resources the
 * policy pack judges — Vault tokens and policies here, IAM and Secrets Manager in ./aws-tokens.
 * Pure over the records; reads names, scopes and lifetimes, never a credential.
 */
import { formatDuration, parseDuration } from "../schema/duration";
import { parseSummary, SummaryError, type TokenSummary } from "../schema/summary";
import { parseTokenSpec, TokenSpecError, type TokenSpec } from "../schema/token";
import type { AwsScope, LabelScope, VaultScope } from "../schema/scopes";
import { parseVaultPolicy, VaultPolicyParseError } from "../schema/vault-hcl";
import { ownedByScopedToken, SCOPED_TOKEN_TYPE } from "../rules/ownership";
import { vaultSeconds } from "../rules/raw-vault";
import type { Grants } from "../rules/scope-diff";
import type { Span, TokenFacts } from "../rules/token-diff";
import { awsTokenFacts } from "./aws-tokens";
import { baseFacts, plainText, readable, type ResourceRecord } from "./records";

export const VAULT_TOKEN = "vault:index/token:Token";
export const VAULT_POLICY = "vault:index/policy:Policy";

type Unknown = { field: string; why: string };

/** A declared duration as a span, or why it cannot be compared. */
function span(field: string, text: unknown, unknown: Unknown[]): Span | undefined {
  if (text === undefined) return undefined;
  try {
    return { text: String(text), seconds: parseDuration(text as string) };
  } catch (e) {
    unknown.push({ field, why: `${field} does not parse: ${(e as Error).message}` });
    return undefined;
  }
}

function specGrants(spec: TokenSpec): Grants {
  switch (spec.backend) {
    case "vault":
      return { grammar: "vault", allow: spec.scopes as VaultScope[] };
    case "random":
      return { grammar: "label", allow: spec.scopes as LabelScope[] };
    default:
      return { grammar: "aws", allow: spec.scopes as AwsScope[], deny: [] };
  }
}

function summaryFacts(summary: TokenSummary, base: ReturnType<typeof baseFacts>): TokenFacts {
  const unknown: Unknown[] = [];
  let spec: TokenSpec | undefined;
  try {
    spec = parseTokenSpec(summary);
  } catch (e) {
    if (!(e instanceof TokenSpecError)) throw e;
    const why = `the declaration does not parse (it issues nothing; tokenguard check names the fix): ${e.message}`;
    unknown.push({ field: "scopes", why });
  }
  const rotation = summary.rotation;
  const ttl = span("ttl", summary.ttl, unknown);
  const every = span("rotation.every", rotation?.every, unknown);
  const overlap = span("rotation.overlap", rotation?.overlap, unknown);
  return {
    ...base,
    backend: plainText(summary.backend) ?? "unknown",
    ...(spec ? { grants: specGrants(spec) } : {}),
    ...(ttl ? { ttl } : {}),
    ...(every ? { every } : {}),
    ...(overlap ? { overlap } : {}),
    ...(rotation?.anchor !== undefined ? { anchor: String(rotation.anchor) } : {}),
    ...(plainText(summary.owner) ? { owner: summary.owner } : {}),
    ...(plainText(summary.purpose) ? { purpose: summary.purpose } : {}),
    ...(summary.generation !== undefined ? { generation: summary.generation } : {}),
    unknown,
  };
}

/** A ScopedToken, read through its summary (what the component reports as its inputs). */
function scopedTokenFacts(r: ResourceRecord): TokenFacts {
  const base = baseFacts(r, "tokenguard", true);
  try {
    return summaryFacts(parseSummary(r.inputs, base.name), base);
  } catch (e) {
    if (!(e instanceof SummaryError)) throw e;
    return { ...base, unknown: [{ field: "scopes", why: e.message }] };
  }
}

/** How long a raw Vault token lives: its explicit max, else unbounded unless it cannot renew. */
function vaultLife(inputs: Readonly<Record<string, unknown>>): Span {
  const explicitMax = vaultSeconds(inputs.explicitMaxTtl).seconds;
  if (explicitMax !== undefined) return { text: formatDuration(explicitMax), seconds: explicitMax };
  if (vaultSeconds(inputs.period).seconds !== undefined)
    return { text: "unbounded (periodic, no explicitMaxTtl)", seconds: Infinity };
  const ttl = vaultSeconds(inputs.ttl).seconds;
  if (inputs.renewable === false && ttl !== undefined)
    return { text: formatDuration(ttl), seconds: ttl };
  return { text: "unbounded (renewable, no explicitMaxTtl)", seconds: Infinity };
}

const LIFE_FIELDS = ["ttl", "explicitMaxTtl", "period", "renewable"];

/** A vault.Token outside ScopedToken: the policies it attaches, how long it lives, whether an orphan. */
function vaultTokenFacts(r: ResourceRecord): TokenFacts {
  const unknown: Unknown[] = [];
  const policies = readable(r.inputs.policies);
  if (!policies.ok) unknown.push({ field: "scopes", why: `policies: ${policies.why}` });
  const life = LIFE_FIELDS.map((f) => [f, readable(r.inputs[f])] as const).find(([, v]) => !v.ok);
  if (life && !life[1].ok) unknown.push({ field: "ttl", why: `${life[0]}: ${life[1].why}` });
  const list = policies.ok && Array.isArray(policies.value) ? policies.value.map(String) : [];
  return {
    ...baseFacts(r, "vault"),
    ...(policies.ok ? { grants: { grammar: "name", allow: list } as Grants } : {}),
    ...(life ? {} : { ttl: vaultLife(r.inputs) }),
    settings: { orphan: r.inputs.noParent === true ? "yes" : "no" },
    unknown,
  };
}

/** A vault.Policy outside ScopedToken: its document's path blocks (deny blocks included). */
function vaultPolicyFacts(r: ResourceRecord): TokenFacts {
  const base = baseFacts(r, "vault");
  const document = readable(r.inputs.policy);
  if (!document.ok)
    return { ...base, unknown: [{ field: "scopes", why: `policy: ${document.why}` }] };
  try {
    const allow = parseVaultPolicy(document.value as string).map(({ path, capabilities }) => ({
      path,
      capabilities,
    }));
    return { ...base, grants: { grammar: "vault", allow }, unknown: [] };
  } catch (e) {
    if (!(e instanceof VaultPolicyParseError)) throw e;
    return { ...base, unknown: [{ field: "scopes", why: `policy does not parse: ${e.message}` }] };
  }
}

/** Every token among the records: ScopedTokens, then the raw token resources the pack judges. */
export function tokenFacts(records: readonly ResourceRecord[]): TokenFacts[] {
  const out: TokenFacts[] = [];
  for (const r of records) {
    if (r.type === SCOPED_TOKEN_TYPE) out.push(scopedTokenFacts(r));
    else if (ownedByScopedToken(r.urn)) continue;
    else if (r.type === VAULT_TOKEN) out.push(vaultTokenFacts(r));
    else if (r.type === VAULT_POLICY) out.push(vaultPolicyFacts(r));
  }
  return [...out, ...awsTokenFacts(records)];
}
