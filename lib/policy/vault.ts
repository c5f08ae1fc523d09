/**
 * Raw Vault resources: tokens, token roles and policy documents declared without ScopedToken are
 * held to the same policy file. A ScopedToken's own children always pass.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import { ownedByScopedToken, SCOPED_TOKEN_TYPE, urnTypeChain } from "../rules/ownership";
import {
  judgeVaultLifetime,
  judgeVaultOrphan,
  judgeVaultPolicyDocument,
  judgeVaultPolicyNames,
  ROLE_FIELDS,
  TOKEN_FIELDS,
} from "../rules/raw-vault";
import { configWithDefaults, metadata, POLICY_SOURCE_PROPERTIES, policyFor } from "./config";
import { judgeVaultPolicyNameClashes } from "../rules/vault/policy-names";
import { forTypes, owningToken, plain, reportAll, Unknowns } from "./facts";

export const VAULT_TYPES = {
  token: "vault:index/token:Token",
  policy: "vault:index/policy:Policy",
  tokenRole: "vault:tokenauth/authBackendRole:AuthBackendRole",
} as const;

const policySource = { properties: POLICY_SOURCE_PROPERTIES };

export const vaultTokenMustExpire: ResourceValidationPolicy = {
  ...metadata("vault-token-must-expire"),
  configSchema: policySource,
  validateResource: forTypes([VAULT_TYPES.token, VAULT_TYPES.tokenRole], (args, report) => {
    const policy = policyFor(configWithDefaults(policySource, args.getConfig()));
    const p = args.props;
    // Unknown lifetime fields throw: the SDK reports "can't be known during preview".
    const facts =
      args.type === VAULT_TYPES.token
        ? { ttl: p.ttl, explicitMaxTtl: p.explicitMaxTtl, period: p.period, renewable: p.renewable }
        : {
            ttl: p.tokenTtl,
            explicitMaxTtl: p.tokenExplicitMaxTtl,
            maxTtl: p.tokenMaxTtl,
            period: p.tokenPeriod,
            renewable: p.renewable,
          };
    const fields = args.type === VAULT_TYPES.token ? TOKEN_FIELDS : ROLE_FIELDS;
    reportAll(judgeVaultLifetime(facts, fields, policy.backends.vault, policy.source), report);
  }),
};

/** Known policy names of a list prop; names unknown at preview are judged at update. */
function knownNames(value: () => unknown): (string | undefined)[] {
  const list = new Unknowns().read(value);
  if (!Array.isArray(list)) return [];
  // Index by index: Array methods on the proxy would read (and trip on) every element at once.
  const names: (string | undefined)[] = [];
  for (let i = 0; i < list.length; i++) {
    const name = new Unknowns().read(() => list[i] as unknown);
    names.push(typeof name === "string" ? name : undefined);
  }
  return names;
}

/** The ScopedToken a resource belongs to, from its parent's URN (a ScopedToken's children are direct). */
function owningTokenOf(parentUrn: string | undefined): string | undefined {
  if (!parentUrn) return undefined;
  return urnTypeChain(parentUrn).at(-1) === SCOPED_TOKEN_TYPE
    ? parentUrn.split("::").at(-1)
    : undefined;
}

export const vaultNoRootPolicies: ResourceValidationPolicy = {
  ...metadata("vault-no-root-policies"),
  configSchema: policySource,
  validateResource: forTypes(Object.values(VAULT_TYPES), (args, report) => {
    const p = args.props;
    if (args.type === VAULT_TYPES.policy) {
      const policy = policyFor(configWithDefaults(policySource, args.getConfig()));
      // The document must be known to be judged: an unknown one throws (advisory at preview).
      const document = p.policy as unknown;
      if (typeof document === "string") {
        const token = owningTokenOf(args.opts.parent) ?? args.name;
        reportAll(judgeVaultPolicyDocument(document, policy, token), report);
      }
      return;
    }
    const lists =
      args.type === VAULT_TYPES.token
        ? ["policies"]
        : ["allowedPolicies", "tokenPolicies", "allowedPoliciesGlobs"];
    for (const field of lists) {
      reportAll(
        judgeVaultPolicyNames(
          knownNames(() => p[field]),
          field,
          field === "allowedPoliciesGlobs",
        ),
        report,
      );
    }
  }),
};

export const vaultTokenOrphan: ResourceValidationPolicy = {
  ...metadata("vault-token-orphan"),
  validateResource: forTypes([VAULT_TYPES.token], (args, report) => {
    // ScopedToken's `vault.orphan` is a reviewed choice: its tokens expire and rotate.
    if (ownedByScopedToken(args.urn)) return;
    reportAll(judgeVaultOrphan(args.props.noParent), report);
  }),
};

/** A prop's value when known at preview and a string, else undefined (an unknown name is not judged). */
function knownString(read: () => unknown): string | undefined {
  const value = new Unknowns().read(() => plain(read()));
  return typeof value === "string" ? value : undefined;
}

export const vaultPolicyNameUnique: StackValidationPolicy = {
  ...metadata("vault-policy-name-unique"),
  validateStack: (args, report) => {
    const nodes = args.resources
      .filter((r) => r.type === VAULT_TYPES.policy)
      .map((r) => ({
        urn: r.urn,
        name: r.name,
        policyName: knownString(() => r.props.name),
        namespace: knownString(() => r.props.namespace),
        owner: owningToken(r),
      }));
    for (const f of judgeVaultPolicyNameClashes(nodes)) report(f.message, f.urn);
  },
};

export const vaultPolicies = [
  vaultTokenMustExpire,
  vaultNoRootPolicies,
  vaultTokenOrphan,
  vaultPolicyNameUnique,
];
