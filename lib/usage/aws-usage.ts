/**
 * IAM last-accessed data (GetServiceLastAccessedDetails at ACTION_LEVEL, in AWS's documented shape)
 * mapped to a token's declared actions. IAM records every attempt on a service, so a service not
 * attempted in the window drops all its actions; below the service, IAM tracks only some actions
 * (management actions of S3, EC2, IAM, Lambda and more): a declared action IAM lists as tracked
 * and not used in the window is dropped, and any other action of a used service is kept, as IAM
 * cannot tell whether it was used. IAM does not count requests, so counts are null.
 */
import { iamGlob } from "../rules/globs";
import { formatInstant } from "../rotation/clock";
import { scopeText, type AwsScope } from "../schema/scopes";
import type { ScopeUsage, TokenUsage, UseEntry } from "./model";

/** One tracked action, as IAM reports it (`ActionName` may or may not carry the service prefix). */
export interface TrackedAction {
  readonly ActionName?: string;
  readonly LastAccessedTime?: Date | string;
}

/** One service, as IAM reports it. */
export interface ServiceLastAccessed {
  readonly ServiceNamespace?: string;
  readonly ServiceName?: string;
  readonly LastAuthenticated?: Date | string;
  readonly TrackedActionsLastAccessed?: readonly TrackedAction[];
}

const seconds = (v: Date | string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const ms = v instanceof Date ? v.getTime() : Date.parse(v);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
};

interface ActionUse {
  readonly last?: number;
  readonly granularity: "action" | "service";
  /** Tracked actions the declared one (a glob) matched and that were used. */
  readonly matched: readonly string[];
}

/** The use of one declared action in the window; undefined when it was not used. */
function actionUse(
  action: string,
  services: readonly ServiceLastAccessed[],
  windowStart: number,
): ActionUse | undefined {
  const namespace = action.split(":")[0].toLowerCase();
  const service = services.find((s) => s.ServiceNamespace?.toLowerCase() === namespace);
  const serviceLast = seconds(service?.LastAuthenticated);
  if (!service || serviceLast === undefined || serviceLast < windowStart) return undefined;
  const pattern = iamGlob(action);
  const tracked = (service.TrackedActionsLastAccessed ?? [])
    .filter((t) => t.ActionName)
    .map((t) => ({
      name: t.ActionName!.includes(":")
        ? t.ActionName!
        : `${service.ServiceNamespace}:${t.ActionName}`,
      last: seconds(t.LastAccessedTime),
    }))
    .filter((t) => pattern.test(t.name));
  const used = tracked.filter((t) => t.last !== undefined && t.last >= windowStart);
  const isGlob = /[*?]/.test(action);
  if (!isGlob && tracked.length > 0) {
    // IAM tracks this very action: its own time decides.
    return used.length ? { last: used[0].last, granularity: "action", matched: [] } : undefined;
  }
  return { last: serviceLast, granularity: "service", matched: used.map((t) => t.name) };
}

/** The per-scope use, the unused parts and the narrower statements of an aws-iam token. */
export function awsFindings(
  scopes: readonly AwsScope[],
  services: readonly ServiceLastAccessed[],
  windowStart: number,
): Pick<TokenUsage, "scopes" | "unusedScopes" | "denied" | "proposed" | "changed"> {
  const usages: ScopeUsage[] = [];
  const proposed: AwsScope[] = [];
  const unusedScopes: string[] = [];
  for (const scope of scopes) {
    const used: UseEntry[] = [];
    const unused: string[] = [];
    for (const action of scope.actions) {
      const use = actionUse(action, services, windowStart);
      if (!use || use.last === undefined) {
        unused.push(action);
        continue;
      }
      used.push({
        what: action,
        count: null,
        lastUsed: formatInstant(use.last),
        granularity: use.granularity,
      });
    }
    const text = scopeText(scope);
    const last = used
      .map((u) => u.lastUsed)
      .sort()
      .pop();
    usages.push({
      scope: text,
      status: unused.length === 0 ? "used" : used.length === 0 ? "unused" : "partly-used",
      used,
      unused,
      ...(last ? { lastUsed: last } : {}),
      count: null,
      ...(used.some((u) => u.granularity === "service")
        ? {
            note: "IAM tracks some of these actions per service only: kept while the service is used",
          }
        : {}),
    });
    if (used.length === 0) unusedScopes.push(text);
    else {
      for (const a of unused) unusedScopes.push(`${a} on ${scope.resources.join(",")}`);
      proposed.push({ ...scope, actions: used.map((u) => u.what) });
    }
  }
  return {
    scopes: usages,
    unusedScopes,
    denied: [],
    proposed,
    changed: JSON.stringify(proposed) !== JSON.stringify(scopes),
  };
}
