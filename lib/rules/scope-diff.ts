/**
 * What a change of grants gains and loses, judged by what the grants reach rather than by their
 * text: `secret/data/*` gains over `secret/data/ci/*` though it is shorter, `s3:Get*` gains over
 * `s3:GetObject`, an ARN widened to a wildcard gains, a narrower glob loses. Pure, over the parsed
 * scope grammars (lib/schema/scopes) and the one glob implementation (./globs); Vault paths as
 * Vault's ACL decides them (./vault-reach), IAM as IAM unions statements.
 *
 * `uncovered(from, to)` is the access `to` grants that `from` does not; a change from `a` to `b`
 * gains `uncovered(a, b)` and loses `uncovered(b, a)`. IAM denies count the other way round: a deny
 * removed is a gain.
 */
import { canonicalJson } from "../audit/canonical";
import { scopeText, type AwsScope, type LabelScope, type VaultScope } from "../schema/scopes";
import { globCovers } from "./globs";
import { vaultReachGained } from "./vault-reach";

/** What a token (or a raw resource holding one) grants, in one scope grammar. */
export type Grants =
  | {
      readonly grammar: "vault";
      /** Every path block, `deny` blocks included: Vault decides per path which one governs. */
      readonly allow: readonly VaultScope[];
    }
  | {
      readonly grammar: "aws";
      readonly allow: readonly AwsScope[];
      readonly deny: readonly AwsScope[];
    }
  | { readonly grammar: "label"; readonly allow: readonly LabelScope[] }
  /** Access by name: Vault policy names attached to a token, the IAM user an access key opens. */
  | { readonly grammar: "name"; readonly allow: readonly string[] };

export type Grammar = Grants["grammar"];

export interface ScopeChange {
  /** The access gained or lost, as canonical scope text (`secret/data/*:update`). */
  readonly scope: string;
  /** The same access as grants of its grammar (a deny's scope as an allow), for approvals. */
  readonly grants: Grants;
  /** An IAM deny: in `gained` a deny removed, in `lost` a deny added. */
  readonly deny?: true;
  /** A path where a Vault gain shows, when its own block looks unchanged (another block governed there). */
  readonly example?: string;
}

/** One piece of uncovered access, before it is marked gained or lost. */
type Piece = Omit<ScopeChange, "deny">;

export interface ScopeDelta {
  readonly gained: readonly ScopeChange[];
  readonly lost: readonly ScopeChange[];
}

/** Vault grants `to` holds that `from` does not reach, per governing block of `to`. */
function vaultUncovered(from: readonly VaultScope[], to: readonly VaultScope[]): Piece[] {
  return vaultReachGained(from, to).map(({ path, capabilities, example }) => {
    const allow = [{ path, capabilities }];
    return {
      scope: scopeText(allow[0]),
      grants: { grammar: "vault", allow },
      ...(example !== undefined ? { example } : {}),
    };
  });
}

/** An IAM condition block as comparable entries (`operator key value`, canonical). */
function conditionEntries(scope: AwsScope): Set<string> {
  const out = new Set<string>();
  for (const [op, block] of Object.entries(scope.conditions ?? {})) {
    for (const [key, value] of Object.entries(block ?? {})) {
      let text: string;
      try {
        text = canonicalJson(value);
      } catch {
        text = JSON.stringify(value);
      }
      out.add(`${op} ${key} ${text}`);
    }
  }
  return out;
}

function conditionText(scope: AwsScope): string {
  const keys = Object.entries(scope.conditions ?? {}).flatMap(([op, block]) =>
    Object.keys(block ?? {}).map((k) => `${op} ${k}`),
  );
  return keys.length ? ` when ${keys.join(", ")}` : "";
}

/**
 * AWS grants `to` holds that `from` does not reach. An action on a resource is reached when the
 * statements of `from` that cover the resource (and carry no condition `to`'s statement lacks)
 * together cover the action. A pair reached only by combining statements on different resources
 * counts as gained: the comparison may over-report, never miss, a gain.
 */
function awsUncovered(from: readonly AwsScope[], to: readonly AwsScope[]): Piece[] {
  const out: Piece[] = [];
  for (const s of to) {
    const conditions = conditionEntries(s);
    const eligible = from.filter((f) => [...conditionEntries(f)].every((c) => conditions.has(c)));
    const byActions = new Map<string, string[]>();
    for (const resource of s.resources) {
      const holders = eligible.filter((f) => globCovers(f.resources, resource, "iam"));
      const actions = holders.flatMap((h) => h.actions);
      const missing = s.actions.filter((a) => !globCovers(actions, a, "iam", true));
      if (!missing.length) continue;
      const key = missing.join(",");
      byActions.set(key, [...(byActions.get(key) ?? []), resource]);
    }
    for (const [actions, resources] of byActions) {
      const scope = { ...s, actions: actions.split(","), resources };
      out.push({
        scope: `${scopeText(scope)}${conditionText(s)}`,
        grants: { grammar: "aws", allow: [scope], deny: [] },
      });
    }
  }
  return out;
}

function labelUncovered(from: readonly LabelScope[], to: readonly LabelScope[]): Piece[] {
  const held = from.map((l) => scopeText(l));
  const seen = new Set<string>();
  return to.flatMap((l) => {
    const scope = scopeText(l);
    if (seen.has(scope) || globCovers(held, scope, "iam")) return [];
    seen.add(scope);
    return [{ scope, grants: { grammar: "label", allow: [l] } }];
  });
}

function allowUncovered(from: Grants, to: Grants): Piece[] {
  if (from.grammar !== to.grammar) return allowUncovered({ ...to, allow: [] } as Grants, to);
  switch (to.grammar) {
    case "vault":
      return vaultUncovered(from.allow as readonly VaultScope[], to.allow);
    case "aws":
      return awsUncovered(from.allow as readonly AwsScope[], to.allow);
    case "label":
      return labelUncovered(from.allow as readonly LabelScope[], to.allow);
    case "name": {
      const held = new Set(from.allow as readonly string[]);
      return [...new Set(to.allow)]
        .filter((n) => !held.has(n))
        .map((n) => ({ scope: n, grants: { grammar: "name", allow: [n] } }));
    }
  }
}

function denyUncovered(from: Grants, to: Grants): Piece[] {
  if (to.grammar !== "aws") return [];
  return awsUncovered(from.grammar === "aws" ? from.deny : [], to.deny);
}

/** The access `to` grants that `from` does not (everything, when `from` is absent or of another grammar). */
export function uncovered(from: Grants | undefined, to: Grants | undefined): Piece[] {
  if (!to) return [];
  return allowUncovered(from ?? ({ ...to, allow: [] } as Grants), to);
}

const denied = (piece: Piece): ScopeChange => ({ ...piece, deny: true });

/**
 * What a change from `before` to `after` gains and loses (a side is absent for an added or removed
 * token, whose denies then restrict nothing that existed).
 */
export function diffGrants(before: Grants | undefined, after: Grants | undefined): ScopeDelta {
  const both = before !== undefined && after !== undefined;
  return {
    gained: [
      ...uncovered(before, after),
      ...(both ? denyUncovered(after, before).map(denied) : []),
    ],
    lost: [...uncovered(after, before), ...(both ? denyUncovered(before, after).map(denied) : [])],
  };
}
