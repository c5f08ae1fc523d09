/**
 * The declared token spec: what a ScopedToken (or a token in a policy pack's view of one) says it
 * is. Parsing here is structural — the right shapes and grammars. Whether the values are allowed
 * (ceilings, wildcards, rotation) is judged by lib/rules against the policy file.
 */
import { z } from "zod";
import {
  BACKENDS,
  type AwsScope,
  type Backend,
  type LabelScope,
  type VaultScope,
  scopeParser,
  scopeText,
} from "./scopes";
import { issueLine, zodIssues, type Issue } from "./errors";
import { alertIssues, verifyIssues, type AlertSpec, type VerifySpec } from "./canary";

export type ParsedScope = VaultScope | LabelScope | AwsScope;

/** The policy-relevant declaration, as plain JSON (this is what reaches the policy pack). */
export interface TokenDeclaration {
  /** The ScopedToken's resource name (per-token policy entries are keyed by it). */
  readonly name: string;
  readonly backend: Backend;
  readonly scopes: readonly unknown[];
  readonly ttl?: string;
  readonly rotation?: {
    readonly every?: string;
    readonly overlap?: string;
    readonly anchor?: string;
  };
  readonly owner?: string;
  readonly purpose?: string;
  /** The canary probe (lib/schema/canary.ts); references marked. */
  readonly verify?: unknown;
  /** The rotation alarm (lib/schema/canary.ts); references marked. */
  readonly alert?: unknown;
}

export interface TokenSpec extends Omit<TokenDeclaration, "scopes" | "verify" | "alert"> {
  readonly scopes: readonly ParsedScope[];
  readonly verify?: VerifySpec;
  readonly alert?: AlertSpec;
  /** Canonical scope strings, for summaries and messages. */
  readonly scopeTexts: readonly string[];
}

const optionalText = (field: string) =>
  z
    .string({ message: `${field} must be a string` })
    .trim()
    .min(1, `${field} must not be empty`)
    .optional();

/** The declaration's fields (every field of the summary that the policy judges). */
export const DECLARATION_FIELDS = [
  "name",
  "backend",
  "scopes",
  "ttl",
  "rotation",
  "owner",
  "purpose",
  "verify",
  "alert",
] as const;

const declarationSchema = z
  .object({
    name: z.string().min(1, "name must not be empty"),
    backend: z.enum(BACKENDS, {
      message: `backend must be one of ${BACKENDS.map((b) => JSON.stringify(b)).join(", ")}`,
    }),
    scopes: z
      .array(z.unknown(), { message: "scopes must be a list" })
      .min(1, "scopes must not be empty: a token must grant something; name the least it needs"),
    ttl: z.string({ message: 'ttl must be a duration string like "1h"' }).optional(),
    rotation: z
      .strictObject(
        {
          every: z.string({ message: 'rotation.every is required, a duration like "30d"' }),
          overlap: z.string({
            message: 'rotation.overlap is required, a duration like "1d" (at most half of every)',
          }),
          anchor: z.string({ message: "rotation.anchor must be an RFC 3339 string" }).optional(),
        },
        { message: 'rotation must be an object like { every: "30d", overlap: "1d" }' },
      )
      .optional(),
    owner: optionalText("owner"),
    purpose: optionalText("purpose"),
    verify: z.unknown().optional(),
    alert: z.unknown().optional(),
  })
  .superRefine((decl, ctx) => {
    const blocks = [
      ["verify", decl.verify === undefined ? [] : verifyIssues(decl.backend, decl.verify)],
      ["alert", decl.alert === undefined ? [] : alertIssues(decl.alert)],
    ] as const;
    for (const [block, issues] of blocks) {
      for (const i of issues) {
        ctx.addIssue({ code: "custom", path: [block, ...i.path], message: i.message });
      }
    }
    const parse = scopeParser(decl.backend);
    decl.scopes.forEach((scope, i) => {
      const parsed = parse(scope);
      if (!parsed.ok) ctx.addIssue({ code: "custom", path: ["scopes", i], message: parsed.error });
    });
  });

const ROTATION_KEYS = ["every", "overlap", "anchor"];

/** Structural problems with a declaration, one {@link Issue} each (field, path, message). */
export class TokenSpecError extends Error {
  constructor(readonly issues: readonly Issue[]) {
    super(issues.map(issueLine).join("; "));
    this.name = "TokenSpecError";
  }
}

/** Parses a declaration; throws {@link TokenSpecError} listing every structural problem. */
export function parseTokenSpec(declaration: unknown): TokenSpec {
  const parsed = declarationSchema.safeParse(declaration);
  if (!parsed.success) {
    throw new TokenSpecError(
      zodIssues(parsed.error, (path) => (path[0] === "rotation" ? ROTATION_KEYS : [])),
    );
  }
  const decl = parsed.data;
  const parse = scopeParser(decl.backend);
  const scopes = decl.scopes.map((s) => {
    const r = parse(s);
    if (!r.ok) throw new Error("unreachable: scope validated above");
    return r.value;
  });
  const { verify, alert, ...rest } = decl;
  return {
    ...rest,
    ...(verify !== undefined ? { verify: verify as VerifySpec } : {}),
    ...(alert !== undefined ? { alert: alert as AlertSpec } : {}),
    scopes,
    scopeTexts: scopes.map(scopeText),
  };
}
