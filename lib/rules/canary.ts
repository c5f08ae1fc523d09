/**
 * The rules on a token's `verify` and `alert` blocks, as pure functions shared by the component and
 * the policy pack (through {@link judgeCanary}, called by judgeDeclaration):
 *
 * - token-alert-timing (mandatory): the alarm instant `expiresAt - before` must fall after
 *   `rotatesAt`, i.e. `before < ttl - every`, or it would fire in every healthy cycle;
 * - token-verified (advisory): a token that will go unverified (`verify: false`, or a Vault token
 *   with no scope a probe can use without side effects) says so;
 * - an explicit Vault probe target must be one of the token's own grants (token-arguments-valid).
 */
import { DurationError, formatDuration, parseDuration } from "../schema/duration";
import type { VaultVerify } from "../schema/canary";
import type { VaultScope } from "../schema/scopes";
import type { TokenSpec } from "../schema/token";
import type { Finding } from "./catalog";
import { vaultPathCovers } from "./globs";

/** The Vault request a probe makes: a concrete path and a capability the token holds on it. */
export interface VaultProbeTarget {
  readonly path: string;
  readonly capability: "read" | "list";
}

/** The segment a probe puts where a scope has a wildcard: a name no one stores data under. */
export const PROBE_SEGMENT = "tokenguard-probe";

const seconds = (text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  try {
    return parseDuration(text);
  } catch (e) {
    if (e instanceof DurationError) return undefined;
    throw e;
  }
};

/** A concrete path inside a scope's glob (`+` and a trailing `*` become {@link PROBE_SEGMENT}). */
export function concretePath(glob: string): string {
  return glob
    .split("/")
    .map((seg) => (seg === "+" ? PROBE_SEGMENT : seg))
    .join("/")
    .replace(/\*$/, PROBE_SEGMENT);
}

/**
 * Where a Vault token's probe goes: the declared `verify.path`/`capability` when given, else the
 * first scope granting read (else list), at a concrete path inside it. Undefined when no scope
 * grants read or list: every other capability writes or deletes.
 */
export function vaultProbeTarget(
  scopes: readonly VaultScope[],
  verify: VaultVerify = {},
): VaultProbeTarget | undefined {
  const wanted = verify.capability ? [verify.capability] : (["read", "list"] as const);
  for (const capability of wanted) {
    const scope = scopes.find(
      (s) =>
        s.capabilities.includes(capability) &&
        (verify.path === undefined || vaultPathCovers(s.path, verify.path)),
    );
    if (scope) return { path: verify.path ?? concretePath(scope.path), capability };
  }
  return undefined;
}

/** Why `alert.before` is refused for this lifetime (undefined when the alarm falls after rotatesAt). */
export function alertTimingProblem(life: {
  ttl: number;
  every?: number;
  before: number;
}): string | undefined {
  const show = formatDuration;
  const before = show(life.before);
  if (life.every === undefined) {
    return `alert.before ${before}: without rotation the token is replaced only when its ttl ends (rotatesAt = expiresAt), so an alarm at expiresAt - before would fire in every cycle; declare rotation, or remove alert`;
  }
  const room = life.ttl - life.every;
  if (life.before < room) return undefined;
  const fix =
    room > 1
      ? `declare alert.before < ${show(room)}, or a ttl longer than ${show(life.every + life.before)}`
      : `declare a ttl longer than ${show(life.every + life.before)}`;
  return `alert.before ${before} is not shorter than ttl - rotation.every = ${show(life.ttl)} - ${show(life.every)} = ${room > 0 ? show(room) : "0s"}: the alarm at expiresAt - before would come before rotatesAt and fire in every healthy cycle; ${fix}`;
}

function alertFindings(spec: TokenSpec): Finding[] {
  if (!spec.alert) return [];
  const ttl = seconds(spec.ttl);
  const before = seconds(spec.alert.before);
  const every = spec.rotation ? seconds(spec.rotation.every) : undefined;
  // A missing or broken ttl or rotation is reported by their own rules.
  if (ttl === undefined || before === undefined || (spec.rotation && every === undefined))
    return [];
  const problem = alertTimingProblem({ ttl, before, ...(every !== undefined ? { every } : {}) });
  return problem ? [{ rule: "token-alert-timing", field: "alert.before", message: problem }] : [];
}

function verifyFindings(spec: TokenSpec): Finding[] {
  if (spec.verify === false) {
    return [
      {
        rule: "token-verified",
        field: "verify",
        message:
          "verify is false: each new credential is released without proof that it works, and a broken one is found by its consumers after the old one is gone; remove verify: false to probe it",
      },
    ];
  }
  if (spec.backend !== "vault") return [];
  const verify = (spec.verify ?? {}) as VaultVerify;
  const scopes = spec.scopes as readonly VaultScope[];
  if (vaultProbeTarget(scopes, verify)) return [];
  if (verify.path !== undefined || verify.capability !== undefined) {
    const what = `${verify.capability ?? "read or list"}${verify.path !== undefined ? ` on ${JSON.stringify(verify.path)}` : ""}`;
    return [
      {
        rule: "token-arguments-valid",
        field: verify.path !== undefined ? "verify.path" : "verify.capability",
        message: `${verify.path !== undefined ? "verify.path" : "verify.capability"}: no declared scope grants ${what}; probe a path and capability the token holds`,
      },
    ];
  }
  return [
    {
      rule: "token-verified",
      field: "verify",
      message:
        "no declared scope grants read or list, so the probe has no request to make without side effects: new credentials go unverified; add a read or list scope, or declare verify: false to say so",
    },
  ];
}

/** The findings of the canary and alarm rules on a structurally valid spec. */
export function judgeCanary(spec: TokenSpec): Finding[] {
  return [...alertFindings(spec), ...verifyFindings(spec)];
}
