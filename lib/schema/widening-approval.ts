/**
 * `tokens.<name>.approvedWidening` in tokenguard.policy.yaml: a reviewed widening of one token,
 * which `tokenguard diff` then lets through. Each entry approves exactly one kind of widening, up to
 * a bound, and says why:
 *
 *   tokens:
 *     ci-deploy:
 *       approvedWidening:
 *         - scope: "secret/data/releases/*:read,update"   # access up to this scope
 *           reason: "CI publishes release notes (PLAT-142)"
 *         - ttl: "60d"                                      # a ttl up to 60d
 *           reason: "quarterly batch jobs"
 *         - rotation: "60d"                                 # rotation.every up to 60d
 *           reason: "vendor rate-limits key creation"
 *         - ownerRemoved: true
 *           reason: "team dissolved; the token is retired next sprint"
 */

/** The keys an approval names its widening with: exactly one per entry. */
export const APPROVAL_KINDS = ["scope", "ttl", "rotation", "ownerRemoved"] as const;

/** An approved widening (durations in seconds). The schema is ./widening-approval-schema. */
export interface WideningApproval {
  /** Access up to this scope, in the token's grammar. */
  readonly scope?:
    string | { readonly actions: readonly string[]; readonly resources: readonly string[] };
  /** A ttl up to this long. */
  readonly ttl?: number;
  /** A rotation.every up to this long. */
  readonly rotation?: number;
  /** The owner removed. */
  readonly ownerRemoved?: true;
  /** Why the widening is approved. */
  readonly reason: string;
}
