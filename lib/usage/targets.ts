/**
 * The tokens `usage` measures, read from a `pulumi stack export`: every ScopedToken (its declared
 * scopes through the summary contract, lib/schema/summary) with what identifies its credentials in
 * a backend's records — the accessors of its Vault generations and its own Vault policy, or its
 * IAM user — and every raw token resource the report lists.
 */
import { instantOf } from "./window";
import { looksLikeToken, ownedByScopedToken, SCOPED_TOKEN_TYPE } from "../rules/ownership";
import {
  CREDENTIAL_RESOURCES,
  parseUrn,
  type StackExport,
  type StateResource,
} from "../scan/state";
import type { AwsScope, VaultScope } from "../schema/scopes";
import { parseSummary, SummaryError } from "../schema/summary";
import { parseTokenSpec, TokenSpecError } from "../schema/token";
import type { VaultGrants } from "./vault-usage";

export interface VaultTarget {
  /** Accessors of the generations in state (a vault.Token's id is its accessor). */
  readonly accessors: readonly string[];
  readonly grants: VaultGrants;
  /** ScopedToken: its tokens carry this metadata name and only this policy, in every generation. */
  readonly family?: { readonly tokenName: string; readonly policy: string };
}

export interface AwsTarget {
  readonly userArn: string;
  readonly scopes: readonly AwsScope[];
}

export interface UsageTarget {
  readonly urn: string;
  readonly name: string;
  readonly type: string;
  readonly backend: string;
  readonly managed: boolean;
  /** When the resource was created (epoch seconds), if state records it. */
  readonly created?: number;
  readonly vault?: VaultTarget;
  readonly aws?: AwsTarget;
  /** Why the token cannot be measured whatever the sources. */
  readonly unmeasurable?: string;
}

const VAULT_TOKEN = "vault:index/token:Token";
const VAULT_POLICY = "vault:index/policy:Policy";
const IAM_USER = "aws:iam/user:User";

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

function scopedTokenTarget(r: StateResource, children: readonly StateResource[]): UsageTarget {
  const base = {
    urn: r.urn,
    name: str(r.inputs?.name) ?? parseUrn(r.urn).name,
    type: r.type,
    backend: str(r.inputs?.backend) ?? "?",
    managed: true,
    ...(instantOf(r.created) !== undefined ? { created: instantOf(r.created) } : {}),
  };
  let spec;
  try {
    spec = parseTokenSpec(parseSummary(r.inputs ?? {}, base.name));
  } catch (e) {
    if (!(e instanceof SummaryError) && !(e instanceof TokenSpecError)) throw e;
    return { ...base, unmeasurable: `the declaration in state does not parse: ${e.message}` };
  }
  const live = children.filter((c) => !c.delete);
  if (spec.backend === "vault") {
    const tokens = live.filter((c) => c.type === VAULT_TOKEN);
    const policyResource = live.find((c) => c.type === VAULT_POLICY);
    const policy =
      str(policyResource?.outputs?.name) ??
      str(policyResource?.inputs?.name) ??
      strings(tokens[0]?.inputs?.policies)[0];
    return {
      ...base,
      vault: {
        accessors: tokens.map((t) => t.id).filter((id): id is string => !!id),
        grants: {
          kind: "scopes",
          scopes: spec.scopes as VaultScope[],
          ...(policy ? { policy } : {}),
        },
        ...(policy ? { family: { tokenName: spec.name, policy } } : {}),
      },
    };
  }
  if (spec.backend === "aws-iam") {
    const user = live.find((c) => c.type === IAM_USER);
    const userArn = str(user?.outputs?.arn);
    if (!userArn) return { ...base, unmeasurable: "its IAM user has no ARN in state yet" };
    return { ...base, aws: { userArn, scopes: spec.scopes as AwsScope[] } };
  }
  return {
    ...base,
    unmeasurable:
      spec.backend === "random"
        ? "a random value: no backend records its use"
        : "an aws-secret token is a secret read by others: IAM records their use, not the token's",
  };
}

function rawTarget(r: StateResource, backend: string): UsageTarget {
  const base = {
    urn: r.urn,
    name: parseUrn(r.urn).name,
    type: r.type,
    backend,
    managed: false,
    ...(instantOf(r.created) !== undefined ? { created: instantOf(r.created) } : {}),
  };
  if (r.type === VAULT_TOKEN && r.id) {
    const policies = strings(r.inputs?.policies);
    return { ...base, vault: { accessors: [r.id], grants: { kind: "policies", policies } } };
  }
  return {
    ...base,
    unmeasurable:
      r.type === "aws:iam/accessKey:AccessKey"
        ? "a raw access key: IAM's last-accessed data is per user, not per key; declare it with ScopedToken"
        : "no backend records this token's use by request",
  };
}

/** Every ScopedToken and raw token resource in the export, as `report` lists them. */
export function usageTargets(exp: StackExport): UsageTarget[] {
  const byParent = new Map<string, StateResource[]>();
  for (const r of exp.resources) {
    if (r.parent) byParent.set(r.parent, [...(byParent.get(r.parent) ?? []), r]);
  }
  const out: UsageTarget[] = [];
  for (const r of exp.resources) {
    if (r.delete) continue;
    if (r.type === SCOPED_TOKEN_TYPE) {
      out.push(scopedTokenTarget(r, byParent.get(r.urn) ?? []));
      continue;
    }
    const facts = CREDENTIAL_RESOURCES[r.type];
    if (!facts || facts.token === "never" || ownedByScopedToken(r.urn)) continue;
    if (facts.token === "if-named" && !looksLikeToken(parseUrn(r.urn).name)) continue;
    out.push(rawTarget(r, facts.backend));
  }
  return out;
}
