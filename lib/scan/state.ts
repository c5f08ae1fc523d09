/**
 * `pulumi stack export` documents: parsing (zod, errors name the field) and the facts about
 * resource types that hold credentials — shared by the stack-export scan and the report.
 */
import { z } from "zod";
import { SCOPED_TOKEN_TYPE } from "../rules/ownership";
import { issueLines } from "../schema/errors";

import { SECRET_SIG as SECRET_SIG_VALUE, SIG_KEY as SECRET_SIG_KEY } from "../wire";

/** The signature Pulumi marks a secret value with in state and exports (lib/wire). */
export { SECRET_SIG_KEY, SECRET_SIG_VALUE };

/** A value wrapped as a secret (ciphertext, or plaintext under --show-secrets): not a leak. */
export function isSecretValue(value: unknown): boolean {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SECRET_SIG_KEY] === SECRET_SIG_VALUE
  );
}

const resourceSchema = z.looseObject({
  urn: z.string({ message: "urn must be a string" }).startsWith("urn:pulumi:", {
    message: 'urn must start with "urn:pulumi:"',
  }),
  type: z.string({ message: "type must be a string" }),
  custom: z.boolean().optional(),
  id: z.string().optional(),
  parent: z.string().optional(),
  inputs: z.record(z.string(), z.unknown()).optional(),
  outputs: z.record(z.string(), z.unknown()).optional(),
  created: z.string().optional(),
  modified: z.string().optional(),
  delete: z.boolean().optional(),
});

const exportSchema = z.looseObject({
  version: z.number({ message: "version must be a number (pulumi stack export writes 3)" }),
  deployment: z.looseObject(
    {
      resources: z.array(resourceSchema).nullish(),
      /** Steps the engine began and did not finish: their resources may hold outputs too. */
      pending_operations: z.array(z.looseObject({ resource: resourceSchema })).nullish(),
    },
    { message: "deployment is missing: is this the output of `pulumi stack export`?" },
  ),
});

export type StateResource = z.infer<typeof resourceSchema>;

export interface StackExport {
  readonly version: number;
  readonly resources: readonly StateResource[];
  /** Resources of pending operations (interrupted creates, updates, deletes). */
  readonly pending?: readonly StateResource[];
}

/** Thrown for an export that is not JSON or not shaped like one; names the source and fields. */
export class StackExportError extends Error {
  constructor(source: string, problems: readonly string[]) {
    super(`${source} is not a pulumi stack export:\n  ${problems.join("\n  ")}`);
    this.name = "StackExportError";
  }
}

/**
 * Why JSON did not parse, without the text around the error: V8 quotes the input near the fault,
 * and that may be a credential.
 */
export function jsonProblem(e: unknown): string {
  const m = /position (\d+)|line (\d+) column (\d+)/.exec((e as Error).message ?? "");
  const where = m
    ? m[1] !== undefined
      ? ` at character ${m[1]}`
      : ` at line ${m[2]} column ${m[3]}`
    : "";
  return `JSON does not parse${where}`;
}

/** Parses `pulumi stack export` JSON text. */
export function parseStackExport(text: string, source: string): StackExport {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (e) {
    throw new StackExportError(source, [jsonProblem(e)]);
  }
  const parsed = exportSchema.safeParse(document);
  if (!parsed.success) throw new StackExportError(source, issueLines(parsed.error));
  const { resources, pending_operations } = parsed.data.deployment;
  return {
    version: parsed.data.version,
    resources: resources ?? [],
    pending: (pending_operations ?? []).map((op) => op.resource),
  };
}

/** "urn:pulumi:<stack>::<project>::<qualified type>::<name>" → its parts. */
export function parseUrn(urn: string): {
  stack: string;
  project: string;
  type: string;
  name: string;
} {
  const [head, project = "", qualifiedType = "", ...rest] = urn.split("::");
  const type = qualifiedType.split("$").pop() ?? "";
  return { stack: head.replace(/^urn:pulumi:/, ""), project, type, name: rest.join("::") };
}

export interface CredentialResource {
  /** Which backend family issues it (for the report's backend column). */
  readonly backend: string;
  /** Top-level input/output properties that hold the credential; must be secret in state. */
  readonly secretProperties: readonly string[];
  /**
   * Whether the report lists it as a token: always, only when its name says token/key/secret
   * (random values are also salts and suffixes), or never (a store of secrets, not a token).
   */
  readonly token: "always" | "if-named" | "never";
  /**
   * The resource's id is the credential itself, in plain text (pulumi-random's RandomBytes: its
   * id is the base64 of its bytes): given the resource's `length` input, whether `id` is one.
   */
  readonly idIsValue?: (id: string, length: unknown) => boolean;
}

/** Whether `id` is the standard base64 of `length` bytes. */
function isBase64Of(id: string, length: unknown): boolean {
  return (
    typeof length === "number" &&
    length > 0 &&
    id.length === 4 * Math.ceil(length / 3) &&
    /^[A-Za-z0-9+/]+={0,2}$/.test(id)
  );
}

/** Resource types whose state holds credentials. */
export const CREDENTIAL_RESOURCES: Readonly<Record<string, CredentialResource>> = {
  [SCOPED_TOKEN_TYPE]: {
    backend: "tokenguard",
    secretProperties: ["value", "previous"],
    token: "always",
  },
  "vault:index/token:Token": {
    backend: "vault",
    secretProperties: ["clientToken", "wrappedToken"],
    token: "always",
  },
  "vault:approle/authBackendRoleSecretId:AuthBackendRoleSecretId": {
    backend: "vault",
    secretProperties: ["secretId", "wrappingToken"],
    token: "always",
  },
  "aws:iam/accessKey:AccessKey": {
    backend: "aws-iam",
    secretProperties: ["secret", "sesSmtpPasswordV4"],
    token: "always",
  },
  "random:index/randomBytes:RandomBytes": {
    backend: "random",
    secretProperties: ["hex", "base64"],
    token: "if-named",
    idIsValue: isBase64Of,
  },
  "random:index/randomPassword:RandomPassword": {
    backend: "random",
    secretProperties: ["result", "bcryptHash"],
    token: "if-named",
  },
  "aws:secretsmanager/secretVersion:SecretVersion": {
    backend: "aws-secret",
    secretProperties: ["secretString", "secretBinary"],
    token: "never",
  },
  "vault:kv/secretV2:SecretV2": {
    backend: "vault",
    secretProperties: ["dataJson", "data"],
    token: "never",
  },
  "vault:generic/secret:Secret": {
    backend: "vault",
    secretProperties: ["dataJson", "data"],
    token: "never",
  },
};
