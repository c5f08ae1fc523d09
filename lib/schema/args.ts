/**
 * ScopedToken's arguments as data: which fields exist, what each backend's options block may hold,
 * and the declaration they carry. Pure (no Pulumi): a value that may come from another resource
 * (an Output or a Promise) is accepted here as an opaque reference and judged once it resolves.
 *
 * The declaration fields (backend, scopes, ttl, rotation, owner, purpose) are parsed by
 * `parseTokenSpec` (./token); this module checks everything else, so together they refuse every
 * unknown field and every bad option, each with the field's name and the fix.
 */
import { z } from "zod";
import { zodIssues, type Issue } from "./errors";
import { RESOURCE_REFERENCE, type Backend } from "./scopes";
import { DECLARATION_FIELDS, type TokenDeclaration } from "./token";

/** A value another resource provides (pulumi.Output, or a Promise), recognised without Pulumi. */
export function isReference(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    ("__pulumiOutput" in value || typeof (value as { then?: unknown }).then === "function")
  );
}

const input = () =>
  z.custom<unknown>((v) => typeof v === "string" || isReference(v), {
    message: "must be a string or a resource output",
  });

const randomOptions = {
  bytes: z
    .number({ message: "must be a whole number of bytes (32-512)" })
    .refine((n) => Number.isInteger(n) && n >= 32 && n <= 512, {
      error: (iss) =>
        `${String(iss.input)} is not between 32 and 512; use at least 32 bytes of entropy`,
    })
    .optional(),
  prefix: z
    .string({ message: "must be a string" })
    .regex(/^[A-Za-z0-9_]{0,16}$/, "use up to 16 letters, digits or underscores")
    .optional(),
};

/** A backend's options block: a strict object, so a misspelt option is refused, not ignored. */
const block = (shape: z.ZodRawShape) =>
  z.strictObject(shape, {
    error: (iss) => (iss.code === "invalid_type" ? "must be an object of options" : undefined),
  });

/** Each backend's options block: its name in the args, and its strict schema. */
const BACKEND_OPTIONS: Record<Backend, { block: string; schema: z.ZodObject }> = {
  vault: {
    block: "vault",
    schema: block({
      policyName: z
        .string({ message: "must be a string" })
        .regex(
          /^[a-z0-9][a-z0-9_-]{0,127}$/,
          "use lower-case letters, digits, '-' or '_' (Vault lower-cases policy names)",
        )
        .refine((n) => n !== "root" && n !== "default", {
          error: (iss) => `"${String(iss.input)}" is a built-in Vault policy; choose another name`,
        })
        .optional(),
      adoptExistingPolicy: z.boolean({ message: "must be true or false" }).optional(),
      namespace: input().optional(),
      orphan: z.boolean({ message: "must be true or false" }).optional(),
    }),
  },
  random: { block: "random", schema: block(randomOptions) },
  "aws-iam": {
    block: "aws",
    schema: block({
      userName: z
        .string()
        .regex(/^[\w+=,.@-]{1,64}$/, "use 1-64 letters, digits or + = , . @ _ -")
        .optional(),
      path: z
        .string()
        .regex(
          /^\/(?:[\x21-\x7e]*\/)?$/,
          'an IAM path starts and ends with "/", e.g. "/tokenguard/"',
        )
        .optional(),
      permissionsBoundary: input().optional(),
    }),
  },
  "aws-secret": {
    block: "aws",
    schema: block({
      ...randomOptions,
      secretName: z
        .string()
        .regex(/^[\w/+=.@-]{1,512}$/, "use letters, digits and / _ + = . @ -")
        .optional(),
      kmsKeyId: input().optional(),
      recoveryWindowInDays: z
        .number()
        .refine((d) => Number.isInteger(d) && d >= 7 && d <= 30, {
          error: (iss) =>
            `${String(iss.input)} is not 7-30; AWS keeps a deleted secret 7 to 30 days`,
        })
        .optional(),
      exposeValue: z.boolean({ message: "must be true or false" }).optional(),
    }),
  },
};

/** The option names of `backend`'s block (for docs and tests; the schema is the source). */
export function optionNames(backend: Backend): string[] {
  return Object.keys(BACKEND_OPTIONS[backend].schema.shape);
}

/** Every top-level field ScopedToken takes: the declaration's (but its name), the policy file, the blocks. */
export const ARGUMENT_FIELDS = [
  ...DECLARATION_FIELDS.filter((f) => f !== "name"),
  "policyFile",
  "vault",
  "random",
  "aws",
] as const;

const topLevel = z.strictObject({
  ...Object.fromEntries(ARGUMENT_FIELDS.map((f) => [f, z.unknown().optional()])),
  policyFile: z
    .string({ message: "must be a path string" })
    .refine((p) => p.trim() !== "", "must not be empty")
    .optional(),
});

/** Which block belongs to `backend`, and the blocks that do not. */
function blocksFor(backend: unknown): { own?: { block: string; schema: z.ZodObject } } {
  return typeof backend === "string" && backend in BACKEND_OPTIONS
    ? { own: BACKEND_OPTIONS[backend as Backend] }
    : {};
}

/**
 * Problems with everything but the declaration: unknown fields (with a "did you mean"), the policy
 * file path, and the options blocks — each block only for its own backend, strictly.
 */
export function argumentIssues(args: unknown): Issue[] {
  if (typeof args !== "object" || args === null || Array.isArray(args)) {
    return [
      {
        field: "",
        path: [],
        message:
          "the arguments must be an object like { backend, scopes, ttl, rotation, owner, purpose }",
      },
    ];
  }
  const given = args as Record<string, unknown>;
  const issues: Issue[] = [];
  const parsed = topLevel.safeParse(given);
  if (!parsed.success) issues.push(...zodIssues(parsed.error, () => ARGUMENT_FIELDS));
  const { own } = blocksFor(given.backend);
  for (const block of ["vault", "random", "aws"]) {
    if (given[block] === undefined) continue;
    if (own?.block !== block) {
      issues.push({
        field: block,
        path: [block],
        message: `holds options of another backend than ${JSON.stringify(given.backend)}; remove it`,
      });
      continue;
    }
    const result = own.schema.safeParse(given[block]);
    if (!result.success) {
      const keys = Object.keys(own.schema.shape);
      issues.push(
        ...zodIssues(result.error, () => keys).map((i) => ({
          ...i,
          field: i.field === "" ? block : `${block}.${i.field}`,
          path: [block, ...i.path],
        })),
      );
    }
  }
  return issues;
}

/** An aws scope with references (Outputs) replaced by {@link RESOURCE_REFERENCE}. */
function declaredScope(scope: unknown): unknown {
  if (typeof scope !== "object" || scope === null || Array.isArray(scope)) return scope;
  const s = scope as Record<string, unknown>;
  return {
    ...s,
    ...(Array.isArray(s.resources)
      ? { resources: s.resources.map((r) => (isReference(r) ? RESOURCE_REFERENCE : r)) }
      : {}),
  };
}

/** A copy of an options block with references (`alert.topicArn`, `verify.url`) marked. */
function declaredBlock(value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, isReference(v) ? RESOURCE_REFERENCE : v]),
  );
}

/**
 * The declaration a ScopedToken's arguments carry, as plain JSON: the fields the policy judges, with
 * references in aws scopes marked. Values of the wrong type are kept as given, for the parser to
 * refuse with the field's name.
 */
export function declarationOf(name: string, args: unknown): TokenDeclaration {
  const given = (typeof args === "object" && args !== null ? args : {}) as Record<string, unknown>;
  const aws = given.backend === "aws-iam" || given.backend === "aws-secret";
  const decl: Record<string, unknown> = { name, backend: given.backend };
  decl.scopes = Array.isArray(given.scopes)
    ? given.scopes.map((s) => (aws ? declaredScope(s) : s))
    : given.scopes;
  for (const field of ["ttl", "rotation", "owner", "purpose", "verify", "alert"] as const) {
    if (given[field] !== undefined) decl[field] = declaredBlock(given[field]);
  }
  return decl as unknown as TokenDeclaration;
}
