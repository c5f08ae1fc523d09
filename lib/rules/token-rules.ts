/**
 * The rules a token's declared spec must satisfy, as pure functions. The ScopedToken component
 * calls {@link judgeToken} at construction; the policy pack calls the same function at preview.
 */
import { DurationError, formatDuration, parseDuration } from "../schema/duration";
import type { BackendPolicy, Policy, TokenPolicy } from "../schema/policy-file";
import {
  RESOURCE_REFERENCE,
  type AwsScope,
  type LabelScope,
  type VaultScope,
} from "../schema/scopes";
import type { TokenSpec } from "../schema/token";
import { parseInstant } from "../rotation/clock";
import { scheduleProblems } from "../rotation/schedule";
import type { Finding, TokenRule } from "./catalog";
import {
  ESCALATION_ACTIONS,
  ESCALATION_ON_ANY_RESOURCE,
  actionMatches,
  isReadOnlyAction,
} from "./aws-actions";
import { iamGlob, vaultPathCovers, vaultPathsOverlap } from "./globs";

/** The lifetime of a token in seconds, once its durations are known to be valid. */
export interface Lifetime {
  readonly ttl: number;
  readonly every: number;
  readonly overlap: number;
  /** Explicit anchor (epoch seconds) if declared, else the schedule jitters one. */
  readonly anchor?: number;
}

const show = (seconds: number) => formatDuration(seconds);

function tryDuration(text: string | undefined): { seconds?: number; error?: string } {
  if (text === undefined) return {};
  try {
    return { seconds: parseDuration(text) };
  } catch (e) {
    return { error: e instanceof DurationError ? e.message : String(e) };
  }
}

/**
 * Judges a structurally valid spec against the policy. Returns every finding (empty when the
 * token is fine). Findings of the same rule and field are not repeated.
 */
export function judgeToken(spec: TokenSpec, policy: Policy): Finding[] {
  const findings: Finding[] = [];
  const add = (rule: TokenRule, field: string, message: string) =>
    findings.push({ rule, field, message });
  const limits = policy.backends[spec.backend];
  const tokenPolicy: TokenPolicy | undefined = policy.tokens[spec.name];
  const where = `(${policy.source})`;

  // --- expiry and ceiling
  const ttl = tryDuration(spec.ttl);
  if (spec.ttl === undefined) {
    add(
      "token-expiry-required",
      "ttl",
      'ttl is missing: a token must expire; declare ttl, e.g. "1h"',
    );
  } else if (ttl.error) {
    add("token-expiry-required", "ttl", `ttl ${ttl.error}`);
  } else if (ttl.seconds !== undefined) {
    const ceiling = tokenPolicy?.maxTtl ?? limits.maxTtl;
    const whose =
      tokenPolicy?.maxTtl !== undefined ? `token "${spec.name}"` : `the ${spec.backend} backend`;
    if (ttl.seconds > ceiling) {
      add(
        "token-max-ttl",
        "ttl",
        `ttl ${show(ttl.seconds)} exceeds the ceiling of ${show(ceiling)} for ${whose} ${where}; declare ttl <= ${show(ceiling)}`,
      );
    }
  }

  // --- rotation
  if (spec.rotation === undefined) {
    if (limits.requireRotation) {
      add(
        "token-rotation-required",
        "rotation",
        `rotation is missing and ${spec.backend} tokens must rotate ${where}; declare rotation: { every: "${show(Math.min(limits.maxRotation, 30 * 86400))}", overlap: "1d" }`,
      );
    }
  } else {
    const every = tryDuration(spec.rotation.every);
    const overlap = tryDuration(spec.rotation.overlap);
    if (every.error)
      add("token-rotation-required", "rotation.every", `rotation.every ${every.error}`);
    if (overlap.error)
      add("token-rotation-required", "rotation.overlap", `rotation.overlap ${overlap.error}`);
    if (spec.rotation.anchor !== undefined) {
      try {
        parseInstant(spec.rotation.anchor);
      } catch (e) {
        add(
          "token-rotation-required",
          "rotation.anchor",
          `rotation.anchor ${(e as Error).message}`,
        );
      }
    }
    if (every.seconds !== undefined && every.seconds > limits.maxRotation) {
      add(
        "token-rotation-required",
        "rotation.every",
        `rotation.every ${show(every.seconds)} is slower than the ${spec.backend} ceiling of ${show(limits.maxRotation)} ${where}; rotate at least every ${show(limits.maxRotation)}`,
      );
    }
    if (every.seconds !== undefined && overlap.seconds !== undefined) {
      if (overlap.seconds * 2 > every.seconds) {
        add(
          "token-rotation-required",
          "rotation.overlap",
          `rotation.overlap ${show(overlap.seconds)} is more than half of rotation.every ${show(every.seconds)}; three generations would be live at once — use overlap <= ${show(Math.floor(every.seconds / 2))}`,
        );
      }
      if (ttl.seconds !== undefined && ttl.seconds < every.seconds + overlap.seconds) {
        const short = every.seconds + overlap.seconds - ttl.seconds;
        add(
          "token-rotation-required",
          "ttl",
          `ttl ${show(ttl.seconds)} is ${show(short)} shorter than rotation.every + rotation.overlap (${show(every.seconds + overlap.seconds)}): each token would expire before its successor has overlapped it; declare ttl >= ${show(every.seconds + overlap.seconds)} or rotate more often`,
        );
      }
    }
  }

  // --- least privilege
  spec.scopes.forEach((scope, i) => {
    const field = `scopes[${i}]`;
    const reasons =
      "path" in scope
        ? vaultScopeProblems(scope, limits)
        : "verb" in scope
          ? labelScopeProblems(scope)
          : awsScopeProblems(scope, limits);
    for (const reason of reasons) add("token-least-privilege", field, `${field}: ${reason}`);
    if (
      reasons.length === 0 &&
      tokenPolicy?.allowedScopes !== undefined &&
      !allowedBy(scope, tokenPolicy.allowedScopes)
    ) {
      add(
        "token-least-privilege",
        field,
        `${field}: ${JSON.stringify(spec.scopeTexts[i])} is outside the scopes allowed for token "${spec.name}" ${where}; use one of its allowedScopes or extend that list`,
      );
    }
  });

  // --- ownership (advisory)
  if (policy.requireOwner && !spec.owner) {
    add(
      "token-ownership",
      "owner",
      'owner is missing: name who answers for this token, e.g. owner: "team-platform"',
    );
  }
  if (policy.requirePurpose && !spec.purpose) {
    add(
      "token-ownership",
      "purpose",
      'purpose is missing: say what the token is for, e.g. purpose: "CI deploy pipeline"',
    );
  }
  return findings;
}

/**
 * The token's lifetime in seconds, for a spec {@link judgeToken} found no mandatory problem with.
 * Without rotation, a token is replaced when its ttl ends, with no overlap.
 */
export function lifetimeOf(spec: TokenSpec): Lifetime {
  if (spec.ttl === undefined) throw new Error("ttl is missing");
  const ttl = parseDuration(spec.ttl);
  if (!spec.rotation) return { ttl, every: ttl, overlap: 0 };
  const every = parseDuration(spec.rotation.every ?? "");
  const overlap = parseDuration(spec.rotation.overlap ?? "");
  const problems = scheduleProblems({ ttl, every, overlap });
  if (problems.length) throw new Error(problems.join("; "));
  const anchor =
    spec.rotation.anchor === undefined ? undefined : parseInstant(spec.rotation.anchor);
  return { ttl, every, overlap, ...(anchor === undefined ? {} : { anchor }) };
}

// ----------------------------------------------------------------------------- per-grammar checks

const ALWAYS_FORBIDDEN_CAPS: Record<string, string> = {
  "*": '"*" is not a capability and would mean all of them; name the capabilities (read, list, ...)',
  sudo: '"sudo" opens root-protected paths; tokenguard never grants it',
  root: '"root" grants everything; tokenguard never grants it',
  deny: '"deny" takes nothing away from a token that was never granted the path; leave the path out',
};

/** Why a vault path grant is refused (empty when it is fine); shared with the raw-resource rules. */
export function vaultScopeProblems(scope: VaultScope, limits: BackendPolicy): string[] {
  const problems: string[] = [];
  const firstSegment = scope.path.split("/")[0];
  const everything = firstSegment === "*" || firstSegment === "+" || scope.path.startsWith("*");
  if (everything)
    problems.push(`path ${JSON.stringify(scope.path)} grants everything; name the paths`);
  for (const cap of scope.capabilities) {
    if (ALWAYS_FORBIDDEN_CAPS[cap]) problems.push(ALWAYS_FORBIDDEN_CAPS[cap]);
    else if (limits.forbiddenCapabilities.includes(cap)) {
      problems.push(`capability "${cap}" is forbidden by the policy file; drop it`);
    }
  }
  for (const forbidden of everything ? [] : limits.forbiddenPaths) {
    if (vaultPathsOverlap(scope.path, forbidden)) {
      problems.push(
        `path ${JSON.stringify(scope.path)} reaches ${JSON.stringify(forbidden)}, which no token may reach; narrow the path`,
      );
    }
  }
  return problems;
}

function labelScopeProblems(scope: LabelScope): string[] {
  const problems: string[] = [];
  if (scope.resource === "*")
    problems.push('resource "*" grants every resource; name the resource');
  if (scope.verb === "*") problems.push('verb "*" grants every action; name the verb');
  return problems;
}

/** Why an IAM grant is refused (empty when it is fine); shared with the raw-resource rules. */
export function awsScopeProblems(scope: AwsScope, limits: BackendPolicy): string[] {
  const problems: string[] = [];
  const onAnyResource = scope.resources.includes("*");
  const allowed = (action: string) => actionMatches(action, limits.allowActions);
  for (const action of scope.actions) {
    if (action === "*") {
      problems.push('action "*" grants everything; name the actions');
      continue;
    }
    // An action the organisation allows explicitly is its decision, on any resource.
    if (allowed(action)) continue;
    if (/[*?]/.test(action)) {
      problems.push(`action ${JSON.stringify(action)} is a wildcard; name the exact actions`);
      continue;
    }
    if (actionMatches(action, ESCALATION_ACTIONS)) {
      problems.push(
        `action ${JSON.stringify(action)} lets the holder grant itself more; allow it explicitly (backends.<backend>.allowActions) if you must`,
      );
    } else if (onAnyResource && actionMatches(action, ESCALATION_ON_ANY_RESOURCE)) {
      problems.push(
        `action ${JSON.stringify(action)} on "*" reaches every role or user; name the ARNs it applies to`,
      );
    } else if (actionMatches(action, limits.forbiddenActions)) {
      problems.push(`action ${JSON.stringify(action)} is forbidden by the policy file; drop it`);
    } else if (onAnyResource) {
      problems.push(
        isReadOnlyAction(action)
          ? `action ${JSON.stringify(action)} on resources "*" reads everything; name the ARNs (an action that only works on "*" needs backends.<backend>.allowActions)`
          : `action ${JSON.stringify(action)} writes, and resources include "*"; name the ARNs it may change`,
      );
    }
  }
  return problems;
}

function allowedBy(
  scope: VaultScope | LabelScope | AwsScope,
  allowlist: NonNullable<TokenPolicy["allowedScopes"]>,
): boolean {
  if ("path" in scope) {
    return allowlist.some((entry) => {
      if (typeof entry !== "string") return false;
      const colon = entry.lastIndexOf(":");
      const caps = entry
        .slice(colon + 1)
        .split(",")
        .map((c) => c.trim());
      return (
        vaultPathCovers(entry.slice(0, colon), scope.path) &&
        scope.capabilities.every((c) => caps.includes(c))
      );
    });
  }
  if ("verb" in scope) {
    const text = `${scope.resource}:${scope.verb}`;
    return allowlist.some((entry) => typeof entry === "string" && iamGlob(entry).test(text));
  }
  return allowlist.some(
    (entry) =>
      typeof entry !== "string" &&
      scope.actions.every((a) => actionMatches(a, entry.actions)) &&
      // A resource given as a reference is not known until it exists: the allowlist cannot judge it.
      scope.resources.every(
        (r) => r === RESOURCE_REFERENCE || entry.resources.some((p) => iamGlob(p).test(r)),
      ),
  );
}
