/**
 * A raw token resource (declared without ScopedToken) in the inventory: its owner, scopes, issue and
 * expiry times, and what today's policy says of it, judged by the pack's own raw-resource rules.
 */
import { formatInstant } from "../rotation/clock";
import { labelledOwnership } from "../rules/ownership";
import { judgeRandomStrength } from "../rules/raw-random";
import {
  judgeVaultLifetime,
  judgeVaultPolicyNames,
  TOKEN_FIELDS,
  vaultSeconds,
} from "../rules/raw-vault";
import { CREDENTIAL_RESOURCES, parseUrn, type StateResource } from "../scan/state";
import { instant, str, type Flag } from "./flags";
import type { InventoryEntry, InventoryOptions } from "./inventory";

export function rawTokenEntry(resource: StateResource, options: InventoryOptions): InventoryEntry {
  const { name } = parseUrn(resource.urn);
  const facts = CREDENTIAL_RESOURCES[resource.type];
  const inputs = resource.inputs ?? {};
  const outputs = resource.outputs ?? {};
  const { owner, purpose } = labelledOwnership(inputs);
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

  const { scopes, expiresAt, flags: judged } = typeFacts(resource, issuedAt, options);
  flags.push(...judged);
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

/** What each raw token type says of itself: scopes, expiry, and the raw rules' verdicts. */
function typeFacts(
  resource: StateResource,
  issuedAt: number | undefined,
  options: InventoryOptions,
): { scopes: string[]; expiresAt?: number; flags: Flag[] } {
  const inputs = resource.inputs ?? {};
  const flags: Flag[] = [];
  const violation = (f: { message: string; rule: string }) =>
    flags.push({ flag: "policy-violation", message: `${f.message} [${f.rule}]` });
  if (resource.type === "vault:index/token:Token") {
    const scopes = Array.isArray(inputs.policies) ? inputs.policies.map(String) : [];
    const life = vaultSeconds(inputs.explicitMaxTtl).seconds ?? vaultSeconds(inputs.ttl).seconds;
    const { vault } = options.policy.backends;
    judgeVaultLifetime(inputs, TOKEN_FIELDS, vault, options.policy.source).forEach(violation);
    judgeVaultPolicyNames(scopes, "policies").forEach(violation);
    const expiresAt = life !== undefined && issuedAt !== undefined ? issuedAt + life : undefined;
    return { scopes, ...(expiresAt !== undefined ? { expiresAt } : {}), flags };
  }
  if (resource.type.startsWith("random:")) {
    judgeRandomStrength(resource.type, inputs).forEach(violation);
    return { scopes: [], flags };
  }
  if (resource.type === "aws:iam/accessKey:AccessKey") {
    const user = str(inputs.user);
    const limits = options.policy.backends["aws-iam"];
    if (issuedAt !== undefined && issuedAt + limits.maxRotation <= options.now) {
      flags.push({
        flag: "rotation-overdue",
        message: `the key is older than the aws-iam rotation ceiling (${options.policy.source}); replace it`,
      });
    }
    return { scopes: user ? [`iam user ${user}`] : [], flags };
  }
  return { scopes: [], flags };
}
