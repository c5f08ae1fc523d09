/**
 * The rules a token's declared spec must satisfy, as pure functions. The ScopedToken component
 * calls {@link judgeToken} at construction; the policy pack calls the same function at preview.
 */
import { DurationError, formatDuration, parseDuration } from "../schema/duration";
import type { BackendPolicy, Policy, TokenPolicy } from "../schema/policy-file";
import type { AwsScope } from "../schema/scopes";
import type { TokenSpec } from "../schema/token";
import { anchorProblem } from "../rotation/anchor";
import { parseInstant } from "../rotation/clock";
import { scheduleProblems } from "../rotation/schedule";
import { grantProblemsOf } from "./aws/scope";
import type { Finding } from "./catalog";
import { judgeSpecScopes } from "./token-scopes";

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
 * Judges a structurally valid spec against the policy at `now` (epoch seconds; an anchor after it
 * is refused). Returns every finding (empty when the token is fine). Findings of the same rule
 * and field are not repeated.
 */
export function judgeToken(
  spec: TokenSpec,
  policy: Policy,
  now: number = Math.floor(Date.now() / 1000),
): Finding[] {
  const ttl = tryDuration(spec.ttl);
  return [
    ...judgeExpiry(spec, policy, ttl),
    ...judgeRotation(spec, policy, ttl.seconds, now),
    ...judgeSpecScopes(spec, policy),
    ...judgeOwnership(spec, policy),
  ];
}

function judgeExpiry(
  spec: TokenSpec,
  policy: Policy,
  ttl: ReturnType<typeof tryDuration>,
): Finding[] {
  const rule = "token-expiry-required" as const;
  if (spec.ttl === undefined) {
    return [
      {
        rule,
        field: "ttl",
        message: 'ttl is missing: a token must expire; declare ttl, e.g. "1h"',
      },
    ];
  }
  if (ttl.error) return [{ rule, field: "ttl", message: `ttl ${ttl.error}` }];
  const limits = policy.backends[spec.backend];
  const tokenPolicy: TokenPolicy | undefined = policy.tokens[spec.name];
  const ceiling = tokenPolicy?.maxTtl ?? limits.maxTtl;
  const whose =
    tokenPolicy?.maxTtl !== undefined ? `token "${spec.name}"` : `the ${spec.backend} backend`;
  if (ttl.seconds === undefined || ttl.seconds <= ceiling) return [];
  return [
    {
      rule: "token-max-ttl",
      field: "ttl",
      message: `ttl ${show(ttl.seconds)} exceeds the ceiling of ${show(ceiling)} for ${whose} (${policy.source}); declare ttl <= ${show(ceiling)}`,
    },
  ];
}

function judgeRotation(
  spec: TokenSpec,
  policy: Policy,
  ttl: number | undefined,
  now: number,
): Finding[] {
  const findings: Finding[] = [];
  const add = (field: string, message: string) =>
    findings.push({ rule: "token-rotation-required", field, message });
  const limits = policy.backends[spec.backend];
  const where = `(${policy.source})`;
  if (spec.rotation === undefined) {
    if (limits.requireRotation) {
      add(
        "rotation",
        `rotation is missing and ${spec.backend} tokens must rotate ${where}; declare rotation: { every: "${show(Math.min(limits.maxRotation, 30 * 86400))}", overlap: "1d" }`,
      );
    }
    return findings;
  }
  const every = tryDuration(spec.rotation.every);
  const overlap = tryDuration(spec.rotation.overlap);
  if (every.error) add("rotation.every", `rotation.every ${every.error}`);
  if (overlap.error) add("rotation.overlap", `rotation.overlap ${overlap.error}`);
  const anchor = spec.rotation.anchor;
  const late = anchor === undefined ? undefined : anchorProblem(anchor, every.seconds, now);
  if (late) add("rotation.anchor", late);
  if (every.seconds !== undefined && every.seconds > limits.maxRotation) {
    add(
      "rotation.every",
      `rotation.every ${show(every.seconds)} is slower than the ${spec.backend} ceiling of ${show(limits.maxRotation)} ${where}; rotate at least every ${show(limits.maxRotation)}`,
    );
  }
  if (every.seconds !== undefined && overlap.seconds !== undefined) {
    findings.push(...overlapFindings(every.seconds, overlap.seconds, ttl));
  }
  return findings;
}

function overlapFindings(every: number, overlap: number, ttl: number | undefined): Finding[] {
  const findings: Finding[] = [];
  const rule = "token-rotation-required" as const;
  if (overlap * 2 > every) {
    findings.push({
      rule,
      field: "rotation.overlap",
      message: `rotation.overlap ${show(overlap)} is more than half of rotation.every ${show(every)}; three generations would be live at once — use overlap <= ${show(Math.floor(every / 2))}`,
    });
  }
  if (ttl !== undefined && ttl < every + overlap) {
    findings.push({
      rule,
      field: "ttl",
      message: `ttl ${show(ttl)} is ${show(every + overlap - ttl)} shorter than rotation.every + rotation.overlap (${show(every + overlap)}): each token would expire before its successor has overlapped it; declare ttl >= ${show(every + overlap)} or rotate more often`,
    });
  }
  return findings;
}

function judgeOwnership(spec: TokenSpec, policy: Policy): Finding[] {
  const findings: Finding[] = [];
  if (policy.requireOwner && !spec.owner) {
    findings.push({
      rule: "token-ownership",
      field: "owner",
      message: 'owner is missing: name who answers for this token, e.g. owner: "team-platform"',
    });
  }
  if (policy.requirePurpose && !spec.purpose) {
    findings.push({
      rule: "token-ownership",
      field: "purpose",
      message: 'purpose is missing: say what the token is for, e.g. purpose: "CI deploy pipeline"',
    });
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

/** Re-exported for the raw-resource rules and older imports: one grant's problems as messages. */
export { vaultScopeProblems } from "./token-scopes";

/** Why an IAM grant is refused, as messages (the escalation model of ./aws/scope). */
export function awsScopeProblems(scope: AwsScope, limits: BackendPolicy): string[] {
  return grantProblemsOf(scope, limits).map((p) => p.message);
}
