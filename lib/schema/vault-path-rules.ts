/**
 * The rules of one `path` block of a Vault policy, checked the way Vault's own parser checks them
 * (vault/policy.go, parsePaths and validateParameter; Vault's documented policy syntax,
 * https://developer.hashicorp.com/vault/docs/concepts/policies): only the keys Vault knows, only
 * its capabilities (case-sensitive), the legacy `policy` values, wrapping TTLs that parse with
 * min <= max, parameter constraints whose keys wildcard only at the tail, and control groups with
 * real factors. Throws a {@link RuleError} naming the key and the fix.
 */
import { isRecord } from "./hcl";
import { parseGoDuration } from "./duration";

export class RuleError extends Error {}

const KEYS = [
  "comment",
  "policy",
  "capabilities",
  "allowed_parameters",
  "denied_parameters",
  "required_parameters",
  "min_wrapping_ttl",
  "max_wrapping_ttl",
  "mfa_methods",
  "control_group",
  "subscribe_event_types",
];

/** Capabilities Vault accepts in a policy (it refuses "root", "*" and any other spelling). */
export const POLICY_CAPABILITIES = [
  "deny",
  "create",
  "read",
  "update",
  "delete",
  "list",
  "sudo",
  "patch",
  "subscribe",
  "recover",
];

/** The legacy `policy = "..."` shorthand, as Vault expands it. */
const LEGACY_POLICY: Record<string, readonly string[]> = {
  deny: ["deny"],
  read: ["read", "list"],
  write: ["create", "read", "update", "delete", "list"],
  sudo: ["create", "read", "update", "delete", "list", "sudo"],
};

const fail = (message: string): never => {
  throw new RuleError(message);
};

function stringList(value: unknown, key: string): string[] {
  if (!Array.isArray(value)) return fail(`${key} must be a list`);
  return value.map((v) => (typeof v === "string" ? v : String(v)));
}

/** Seconds of a Vault duration (Go's ParseDurationSecond): a number, "300", "5m", "1h30m", "2d". */
export function vaultDurationSeconds(value: unknown, key: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value !== "string") return fail(`${key} must be a duration, like "1h" or 3600`);
  const text = value.trim();
  if (/^-?\d+$/.test(text)) return Number(text);
  const days = /^(-?\d+)d$/.exec(text);
  if (days) return Number(days[1]) * 86400;
  const seconds = parseGoDuration(text);
  if (seconds === undefined)
    return fail(
      `${key} ${JSON.stringify(value)} is not a duration; write it like "300s", "1h30m" or 300`,
    );
  return seconds;
}

/** Parameter keys: "*" or a JSON pointer ending in "/*" may wildcard; nothing else (policy.go). */
function checkParameterKey(key: string, where: string, wildcard: boolean): void {
  if (key.startsWith("/") && /~(?![01])/.test(key)) {
    fail(
      `${where}: key ${JSON.stringify(key)} is not a JSON pointer ("~" must be followed by 0 or 1)`,
    );
  }
  if (!key.includes("*")) return;
  if (!wildcard) fail(`${where}: key ${JSON.stringify(key)} may not hold a wildcard`);
  const tail = key.startsWith("/") && key.endsWith("/*") && !key.slice(0, -2).includes("*");
  if (key !== "*" && !tail) {
    fail(
      `${where}: key ${JSON.stringify(key)} wildcards only as "*" or at the tail of a pointer ("/a/*")`,
    );
  }
}

function checkParameters(value: unknown, key: string): void {
  if (!isRecord(value)) return fail(`${key} must map parameter names to lists of values`);
  for (const [name, values] of Object.entries(value)) {
    checkParameterKey(name, key, true);
    if (!Array.isArray(values))
      fail(`${key}: "${name}" must be a list of values (use [] for any value)`);
  }
}

function checkControlGroup(value: unknown, capabilities: readonly string[]): void {
  if (!isRecord(value)) return fail("control_group must be a block");
  if (value.ttl !== undefined) vaultDurationSeconds(value.ttl, "control_group.ttl");
  const factors = isRecord(value.factor) ? Object.entries(value.factor) : [];
  if (factors.length === 0)
    fail('control_group has no factor; add factor "<name>" { identity { ... } }');
  for (const [name, factor] of factors) {
    const identity = isRecord(factor) ? factor.identity : undefined;
    if (!isRecord(identity)) return fail(`control_group factor "${name}" has no identity block`);
    const groups = [identity.group_ids, identity.group_names].flatMap((g) =>
      Array.isArray(g) ? g : [],
    );
    if (typeof identity.approvals !== "number" || identity.approvals <= 0 || groups.length === 0) {
      fail(`control_group factor "${name}" needs group_ids or group_names and approvals > 0`);
    }
    const controlled =
      isRecord(factor) && factor.controlled_capabilities !== undefined
        ? stringList(factor.controlled_capabilities, "controlled_capabilities")
        : [];
    if (controlled.some((c) => !capabilities.includes(c))) {
      fail(
        `control_group factor "${name}": controlled_capabilities must be among the path's capabilities`,
      );
    }
  }
}

function capabilitiesOf(body: Record<string, unknown>): string[] {
  const caps = body.capabilities === undefined ? [] : stringList(body.capabilities, "capabilities");
  for (const cap of caps) {
    if (!POLICY_CAPABILITIES.includes(cap)) {
      fail(
        `capability ${JSON.stringify(cap)} is not one Vault knows (${POLICY_CAPABILITIES.join(", ")}; case matters)`,
      );
    }
  }
  if (body.policy !== undefined) {
    const expanded = typeof body.policy === "string" ? LEGACY_POLICY[body.policy] : undefined;
    if (!expanded) fail(`policy must be one of ${Object.keys(LEGACY_POLICY).join(", ")}`);
    caps.push(...(expanded as readonly string[]));
  }
  return caps.includes("deny") ? ["deny"] : [...new Set(caps)];
}

/** The capabilities a path block grants, after checking every key of it as Vault does. */
export function pathRuleCapabilities(body: unknown): string[] {
  if (!isRecord(body)) return fail("the rules of a path must be a block { ... }");
  const unknown = Object.keys(body).find((k) => !KEYS.includes(k));
  if (unknown !== undefined)
    fail(`"${unknown}" is not a key of a path block (Vault knows ${KEYS.join(", ")})`);
  const capabilities = capabilitiesOf(body);
  for (const key of ["allowed_parameters", "denied_parameters"]) {
    if (body[key] !== undefined) checkParameters(body[key], key);
  }
  for (const key of ["required_parameters", "mfa_methods", "subscribe_event_types"]) {
    if (body[key] === undefined) continue;
    const list = stringList(body[key], key);
    if (key === "required_parameters") list.forEach((p) => checkParameterKey(p, key, false));
  }
  const min =
    body.min_wrapping_ttl === undefined
      ? 0
      : vaultDurationSeconds(body.min_wrapping_ttl, "min_wrapping_ttl");
  const max =
    body.max_wrapping_ttl === undefined
      ? 0
      : vaultDurationSeconds(body.max_wrapping_ttl, "max_wrapping_ttl");
  if (min !== 0 && max !== 0 && max < min) fail("max_wrapping_ttl is less than min_wrapping_ttl");
  if (body.control_group !== undefined) checkControlGroup(body.control_group, capabilities);
  return capabilities;
}
