/**
 * The `verify` and `alert` blocks of a ScopedToken, as data: the canary probe that proves each new
 * credential works before its value is released, and the alarm that fires when rotation stops.
 * Pure (no Pulumi). A value another resource provides (`alert.topicArn`, `verify.url`) arrives here
 * as {@link RESOURCE_REFERENCE} (the declaration marks references) or as a plain string.
 *
 * Structure only: whether `verify.path` is one of the token's scopes, or `alert.before` leaves the
 * alarm after the rotation, is judged by lib/rules (it needs the parsed scopes and lifetime).
 */
import { z } from "zod";
import { DurationError, parseDuration } from "./duration";
import { zodIssues, type Issue } from "./errors";
import { RESOURCE_REFERENCE, type Backend } from "./scopes";

/** The probe's bounds: attempts, the first pause (doubling after each try) and each try's timeout. */
export interface ProbeBounds {
  readonly attempts?: number;
  readonly backoff?: string;
  readonly timeout?: string;
}

/** `verify` of a vault token: one request with the new token, on a path and capability it holds. */
export interface VaultVerify extends ProbeBounds {
  readonly path?: string;
  readonly capability?: "read" | "list";
  readonly address?: string;
}

/** `verify` of a random or aws-secret token: the user's own service, called with the new token. */
export interface HttpVerify extends ProbeBounds {
  readonly url: string;
  readonly header?: string;
  readonly expectStatus?: number | readonly number[];
}

/** The parsed `verify` block: `false` opts out. */
export type VerifySpec = false | VaultVerify | HttpVerify | ProbeBounds;

export interface AlertSpec {
  readonly before: string;
  readonly topicArn?: string;
  readonly roleArn?: string;
  readonly runbook?: string;
}

/** Limits of the probe bounds: a probe never holds a deployment longer than attempts × timeout + pauses. */
export const PROBE_LIMITS = {
  maxAttempts: 20,
  maxBackoff: 300,
  maxTimeout: 300,
} as const;

const duration = (what: string, max: number, min = 1) =>
  z.string({ message: `must be a duration string like "5s"` }).superRefine((text, ctx) => {
    let seconds: number;
    try {
      seconds = parseDuration(text);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: e instanceof DurationError ? e.message : String(e) });
      return;
    }
    if (seconds < min || seconds > max) {
      ctx.addIssue({
        code: "custom",
        message: `${what} must be between ${min}s and ${max}s (got ${seconds}s)`,
      });
    }
  });

const bounds = {
  attempts: z
    .number({ message: "must be a whole number of tries" })
    .int("must be a whole number of tries")
    .min(1, "must be at least 1")
    .max(PROBE_LIMITS.maxAttempts, `must be at most ${PROBE_LIMITS.maxAttempts}: bound the wait`)
    .optional(),
  backoff: duration("the first pause between tries", PROBE_LIMITS.maxBackoff).optional(),
  timeout: duration("each try's timeout", PROBE_LIMITS.maxTimeout).optional(),
};

/** A string, or the marker of a value another resource provides. */
const stringOrReference = (check: (s: string) => boolean, message: string) =>
  z
    .string({ message: "must be a string or a resource output" })
    .refine((s) => s === RESOURCE_REFERENCE || check(s), message);

/** An http(s) URL without user info (so no password sits in a URL the state keeps). */
export const isHttpUrl = (s: string): boolean => {
  try {
    const u = new URL(s);
    return (u.protocol === "http:" || u.protocol === "https:") && u.username === "";
  } catch {
    return false;
  }
};
const HTTP_URL =
  'use an http:// or https:// URL without credentials, e.g. "https://api.example.com/health"';

const strict = (shape: z.ZodRawShape) => z.strictObject(shape);

const status = z
  .number({ message: "must be an HTTP status code (100-599)" })
  .int("must be an HTTP status code (100-599)")
  .min(100, "must be an HTTP status code (100-599)")
  .max(599, "must be an HTTP status code (100-599)");

/** The strict options object of `verify` for `backend`. */
function verifyOptions(backend: Backend) {
  if (backend === "vault") {
    return strict({
      ...bounds,
      path: z
        .string({ message: "must be a Vault path string" })
        .regex(/^[^*+\s]+$/, 'must be one concrete path (no "*" or "+"), inside a declared scope')
        .optional(),
      capability: z
        .enum(["read", "list"], {
          message: 'must be "read" or "list": the probe never writes or deletes',
        })
        .optional(),
      address: stringOrReference(isHttpUrl, HTTP_URL).optional(),
    });
  }
  if (backend === "aws-iam") return strict(bounds);
  return strict({
    ...bounds,
    url: stringOrReference(isHttpUrl, HTTP_URL),
    header: z
      .string({ message: "must be an HTTP header name" })
      .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/, 'must be an HTTP header name, e.g. "X-Api-Key"')
      .optional(),
    expectStatus: z.union([status, z.array(status).min(1, "must not be empty")]).optional(),
  });
}

/** Problems with a `verify` value for `backend` (paths relative to the block); empty when fine. */
export function verifyIssues(backend: Backend, value: unknown): Issue[] {
  if (value === false) return [];
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return [{ field: "", path: [], message: "must be false, or an object of probe options" }];
  }
  const parsed = verifyOptions(backend).safeParse(value);
  return parsed.success ? [] : zodIssues(parsed.error, () => verifyOptionNames(backend));
}

/** The option names `verify` takes for `backend` (for docs and did-you-mean). */
export function verifyOptionNames(backend: Backend): string[] {
  const common = Object.keys(bounds);
  if (backend === "vault") return [...common, "path", "capability", "address"];
  if (backend === "aws-iam") return common;
  return [...common, "url", "header", "expectStatus"];
}

const ARN = (service: string) => (s: string) =>
  new RegExp(`^arn:aws[a-z-]*:${service}:[a-z0-9-]*:\\d{12}:.+$`).test(s);

/** The schema of `alert`. */
const alertSchema = () =>
  z.strictObject(
    {
      before: z
        .string({ message: 'is required, a duration like "7d"' })
        .superRefine((text, ctx) => {
          try {
            parseDuration(text);
          } catch (e) {
            ctx.addIssue({
              code: "custom",
              message: e instanceof DurationError ? e.message : String(e),
            });
          }
        }),
      topicArn: stringOrReference(
        ARN("sns"),
        'must be an SNS topic ARN, e.g. "arn:aws:sns:us-east-1:123456789012:rotation-alarms"',
      ).optional(),
      roleArn: stringOrReference(
        ARN("iam"),
        'must be an IAM role ARN the scheduler assumes, e.g. "arn:aws:iam::123456789012:role/alarms"',
      ).optional(),
      runbook: z.string({ message: "must be a URL string" }).refine(isHttpUrl, HTTP_URL).optional(),
    },
    {
      error: (iss) =>
        iss.code === "invalid_type" ? 'must be an object like { before: "7d" }' : undefined,
    },
  );

export const ALERT_OPTIONS = ["before", "topicArn", "roleArn", "runbook"] as const;

/** Problems with an `alert` value (paths relative to the block); empty when fine. */
export function alertIssues(value: unknown): Issue[] {
  const parsed = alertSchema().safeParse(value);
  return parsed.success ? [] : zodIssues(parsed.error, () => [...ALERT_OPTIONS]);
}
