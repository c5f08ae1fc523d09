/**
 * `tokenguard.policy.yaml`: the one source of truth for what tokens may be, read by the
 * ScopedToken component (fail fast in the program) and by the policy pack (at preview).
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { parse as parseYaml, YAMLParseError } from "yaml";
import { BACKENDS, type Backend } from "./scopes";
import { DurationError, parseDuration } from "./duration";
import { issueLine, zodIssues } from "./errors";
import { allowActionsSchema, escalationAllowanceSchema } from "./allowance";
import type { EscalationAllowance } from "./allowance-entry";
import type { WideningApproval } from "./widening-approval";
import { wideningApprovalSchema } from "./widening-approval-schema";

export const POLICY_FILE_NAME = "tokenguard.policy.yaml";

/** A duration string in the policy file, held as seconds after parsing. */
const durationField = z.string().transform((text, ctx) => {
  try {
    return parseDuration(text);
  } catch (e) {
    ctx.addIssue({ code: "custom", message: e instanceof DurationError ? e.message : String(e) });
    return z.NEVER;
  }
});

const stringList = z.array(z.string().min(1));

const backendPolicySchema = z.strictObject({
  /** Longest ttl a token of this backend may declare. */
  maxTtl: durationField.optional(),
  /** Longest rotation interval (`rotation.every`) allowed. */
  maxRotation: durationField.optional(),
  /** Whether `rotation` must be declared (otherwise ttl alone bounds a token's life). */
  requireRotation: z.boolean().optional(),
  /** vault: capabilities refused in addition to the always-refused `sudo`, `root`, `deny` and `*`. */
  forbiddenCapabilities: stringList.optional(),
  /** vault: path globs no token may reach (replaces the default `["sys/*"]`). */
  forbiddenPaths: stringList.optional(),
  /** aws: action globs refused in addition to the built-in escalation list. */
  forbiddenActions: stringList.optional(),
  /** aws: exact, non-escalation actions this organisation allows on every resource ("*"). */
  allowActions: allowActionsSchema.optional(),
});

const awsScopeSchema = z.strictObject({
  actions: stringList.min(1),
  resources: stringList.min(1),
});

const tokenPolicySchema = z.strictObject({
  /** Ceiling for this token: every declared scope must be covered by one of these. */
  allowedScopes: z.array(z.union([z.string().min(1), awsScopeSchema])).optional(),
  /** Per-token ttl ceiling (tighter or looser than the backend's). */
  maxTtl: durationField.optional(),
  /** Escalations this one token may hold, each named exactly, with a reason. */
  allowEscalation: z.array(escalationAllowanceSchema).optional(),
  // ---- tokenguard diff (./widening-approval): reviewed widenings of this token, each with a reason.
  approvedWidening: z.array(wideningApprovalSchema).optional(),
});

const policyFileSchema = z.strictObject({
  version: z.literal(1, { message: "version must be 1" }).optional(),
  defaults: z
    .strictObject({
      requireRotation: z.boolean().optional(),
      requireOwner: z.boolean().optional(),
      requirePurpose: z.boolean().optional(),
    })
    .optional(),
  backends: z
    .strictObject(
      Object.fromEntries(BACKENDS.map((b) => [b, backendPolicySchema.optional()])) as {
        [K in Backend]: z.ZodOptional<typeof backendPolicySchema>;
      },
    )
    .optional(),
  tokens: z.record(z.string().min(1), tokenPolicySchema).optional(),
});

export interface BackendPolicy {
  readonly maxTtl: number;
  readonly maxRotation: number;
  readonly requireRotation: boolean;
  readonly forbiddenCapabilities: readonly string[];
  readonly forbiddenPaths: readonly string[];
  readonly forbiddenActions: readonly string[];
  readonly allowActions: readonly string[];
}

export interface TokenPolicy {
  readonly allowedScopes?: readonly (
    string | { actions: readonly string[]; resources: readonly string[] }
  )[];
  readonly maxTtl?: number;
  readonly allowEscalation?: readonly EscalationAllowance[];
  /** tokenguard diff: widenings of this token a reviewer approved, each with a reason. */
  readonly approvedWidening?: readonly WideningApproval[];
}

/** A policy file with every default filled in. */
export interface Policy {
  /** Where it came from: a path, "config", or "built-in defaults". */
  readonly source: string;
  readonly requireOwner: boolean;
  readonly requirePurpose: boolean;
  readonly backends: Readonly<Record<Backend, BackendPolicy>>;
  readonly tokens: Readonly<Record<string, TokenPolicy>>;
}

const DAY = 86400;

/** Built-in ceilings: strict — expiry and rotation required, no wildcards. */
export const BUILT_IN_BACKEND_POLICY: Readonly<Record<Backend, BackendPolicy>> = {
  vault: {
    maxTtl: 768 * 3600,
    maxRotation: 30 * DAY,
    ...strictDefaults(),
    forbiddenPaths: ["sys/*"],
  },
  "aws-iam": { maxTtl: 90 * DAY, maxRotation: 90 * DAY, ...strictDefaults() },
  "aws-secret": { maxTtl: 90 * DAY, maxRotation: 90 * DAY, ...strictDefaults() },
  random: { maxTtl: 90 * DAY, maxRotation: 90 * DAY, ...strictDefaults() },
};

function strictDefaults() {
  return {
    requireRotation: true,
    forbiddenCapabilities: [] as string[],
    forbiddenPaths: [] as string[],
    forbiddenActions: [] as string[],
    allowActions: [] as string[],
  };
}

/** Thrown for an unreadable or invalid policy file; the message names the file and each field. */
export class PolicyFileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly string[],
  ) {
    super(`${source} is not a valid tokenguard policy file:\n  ${problems.join("\n  ")}`);
    this.name = "PolicyFileError";
  }
}

/** The keys a policy-file object at `path` may hold, for "did you mean" hints. */
function knownKeys(path: readonly PropertyKey[]): readonly string[] {
  if (path.length === 0) return Object.keys(policyFileSchema.shape);
  if (path[0] === "defaults") return ["requireRotation", "requireOwner", "requirePurpose"];
  if (path[0] === "backends")
    return path.length === 1 ? BACKENDS : Object.keys(backendPolicySchema.shape);
  if (path[0] === "tokens" && path.length === 2) return Object.keys(tokenPolicySchema.shape);
  if (path[0] === "tokens" && path[2] === "approvedWidening" && path.length === 4)
    return Object.keys(wideningApprovalSchema.shape);
  return [];
}

/** Validates a parsed policy document (an object, e.g. from YAML or pack config) and fills defaults. */
export function resolvePolicy(document: unknown, source: string): Policy {
  const parsed = policyFileSchema.safeParse(document ?? {});
  if (!parsed.success) {
    throw new PolicyFileError(source, zodIssues(parsed.error, knownKeys).map(issueLine));
  }
  const file = parsed.data;
  const backends = {} as Record<Backend, BackendPolicy>;
  for (const backend of BACKENDS) {
    const base = BUILT_IN_BACKEND_POLICY[backend];
    const given = file.backends?.[backend] ?? {};
    backends[backend] = {
      maxTtl: given.maxTtl ?? base.maxTtl,
      maxRotation: given.maxRotation ?? base.maxRotation,
      requireRotation:
        given.requireRotation ?? file.defaults?.requireRotation ?? base.requireRotation,
      forbiddenCapabilities: given.forbiddenCapabilities ?? base.forbiddenCapabilities,
      forbiddenPaths: given.forbiddenPaths ?? base.forbiddenPaths,
      forbiddenActions: given.forbiddenActions ?? base.forbiddenActions,
      allowActions: given.allowActions ?? base.allowActions,
    };
  }
  return {
    source,
    requireOwner: file.defaults?.requireOwner ?? true,
    requirePurpose: file.defaults?.requirePurpose ?? true,
    backends,
    tokens: file.tokens ?? {},
  };
}

/** The built-in policy used when no policy file is given. */
export const DEFAULT_POLICY: Policy = resolvePolicy({}, "built-in defaults");

/** Parses policy-file YAML text; `source` names it in errors. */
export function parsePolicyText(text: string, source: string): Policy {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (e) {
    const where = e instanceof YAMLParseError && e.linePos ? ` (line ${e.linePos[0].line})` : "";
    throw new PolicyFileError(source, [
      `YAML does not parse${where}: ${(e as Error).message.split("\n")[0]}`,
    ]);
  }
  return resolvePolicy(document, source);
}

/** Reads and validates a policy file from disk; `label` names it in messages (default: `path`). */
export function loadPolicyFile(path: string, label: string = path): Policy {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new PolicyFileError(label, [
      `cannot be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    ]);
  }
  return parsePolicyText(text, label);
}
