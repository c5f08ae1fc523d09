/**
 * Scope grammars, one per backend family. Parsing is structural only (is it well-formed?);
 * whether a well-formed scope is allowed is decided in lib/rules, so the component and the
 * policy pack give the same verdict.
 */

export const BACKENDS = ["vault", "aws-iam", "aws-secret", "random"] as const;
export type Backend = (typeof BACKENDS)[number];

// ---------------------------------------------------------------- vault: "<path>:<cap>[,<cap>]"

/** Capabilities Vault knows. `sudo` and `deny` parse, but lib/rules refuses them in a token. */
export const VAULT_CAPABILITIES = [
  "create",
  "read",
  "update",
  "patch",
  "delete",
  "list",
  "subscribe",
  "recover",
  "sudo",
  "deny",
] as const;

export interface VaultScope {
  readonly path: string;
  readonly capabilities: readonly string[];
}

/** A scope string or parse failure; `error` says what to write instead. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const VAULT_PATH = /^[A-Za-z0-9_.\-+*/{}=@]+$/;

export function parseVaultScope(text: unknown): Parsed<VaultScope> {
  const example = '"secret/data/ci/*:read,list"';
  if (typeof text !== "string") return { ok: false, error: `must be a string like ${example}` };
  const colon = text.lastIndexOf(":");
  if (colon < 0) {
    return {
      ok: false,
      error: `${JSON.stringify(text)} has no capabilities; write "<path>:<cap>,<cap>" like ${example}`,
    };
  }
  const path = text.slice(0, colon).trim();
  const caps = text
    .slice(colon + 1)
    .split(",")
    .map((c) => c.trim());
  if (path === "")
    return {
      ok: false,
      error: `${JSON.stringify(text)} has an empty path; name the path, like ${example}`,
    };
  if (path.startsWith("/")) {
    return {
      ok: false,
      error: `path ${JSON.stringify(path)} starts with "/"; Vault paths are relative, write ${JSON.stringify(path.replace(/^\/+/, ""))}`,
    };
  }
  if (!VAULT_PATH.test(path))
    return {
      ok: false,
      error: `path ${JSON.stringify(path)} has characters Vault policy paths do not use`,
    };
  if (caps.length === 1 && caps[0] === "") {
    return {
      ok: false,
      error: `${JSON.stringify(text)} lists no capabilities; name them, like ${example}`,
    };
  }
  for (const cap of caps) {
    if (cap === "*" || cap === "root") continue; // well-formed, refused by the rules with a precise reason
    if (!(VAULT_CAPABILITIES as readonly string[]).includes(cap)) {
      return {
        ok: false,
        error: `capability ${JSON.stringify(cap)} is not a Vault capability; use one of ${VAULT_CAPABILITIES.filter((c) => c !== "sudo" && c !== "deny").join(", ")}`,
      };
    }
  }
  return { ok: true, value: { path, capabilities: [...new Set(caps)] } };
}

// ---------------------------------------------------------------- random: "<resource>:<verb>"

export interface LabelScope {
  readonly resource: string;
  readonly verb: string;
}

const LABEL_PART = /^(?:[a-z0-9][a-z0-9._/-]*|\*)$/;

export function parseLabelScope(text: unknown): Parsed<LabelScope> {
  const example = '"orders:read"';
  if (typeof text !== "string") return { ok: false, error: `must be a string like ${example}` };
  const parts = text.split(":");
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
    return {
      ok: false,
      error: `${JSON.stringify(text)} is not "<resource>:<verb>"; write it like ${example}`,
    };
  }
  const [resource, verb] = parts;
  for (const part of parts) {
    if (!LABEL_PART.test(part)) {
      return {
        ok: false,
        error: `${JSON.stringify(part)} in ${JSON.stringify(text)} must be lower-case letters, digits, ".", "_", "/" or "-"`,
      };
    }
  }
  return { ok: true, value: { resource, verb } };
}

// ---------------------------------------------------------------- aws: { actions, resources }

/** An IAM statement's worth of permission. `resources` entries are ARNs, or references resolved later. */
export interface AwsScope<R = string> {
  readonly actions: readonly string[];
  readonly resources: readonly R[];
  /** IAM condition block, copied into the statement as is. */
  readonly conditions?: Record<string, Record<string, unknown>>;
}

/** Stands in, in a summary or judgement, for a resource given as a reference (Output) not yet known. */
export const RESOURCE_REFERENCE = "<resource reference>";

const AWS_ACTION = /^[a-z0-9-]+:[A-Za-z0-9*?]+$|^\*$/;
const ARN = /^arn:aws(?:-cn|-us-gov|-iso[a-z-]*)?:[a-z0-9-]+:[a-z0-9-]*:(?:\d{12}|aws)?:.+$/;

/** The aws-secret token's own secret, in a scope's resources. */
export const THIS_SECRET = "self";

const AWS_SCOPE_KEYS = ["actions", "resources", "conditions"];

/** Keys that would change what a statement means; named so the error says why they are refused. */
const MEANING_KEYS: Record<string, string> = {
  effect:
    "every scope is an Allow: a Deny written here would be granted as an Allow; to take something away, leave it out",
  notactions: "NotAction grants every action but those listed; list the actions",
  notresources: "NotResource reaches every resource but those listed; list the ARNs",
  principal: "a scope grants to the token; principals belong in resource or trust policies",
  notprincipal: "a scope grants to the token; principals belong in resource or trust policies",
};

/** An error naming the first key an aws scope does not have (undefined when every key is known). */
function unknownAwsScopeKey(value: Record<string, unknown>): string | undefined {
  const key = Object.keys(value).find((k) => !AWS_SCOPE_KEYS.includes(k));
  if (key === undefined) return undefined;
  const why = MEANING_KEYS[key.toLowerCase().replace(/_/g, "")] ?? "it would be dropped silently";
  return `${key} is not a field of an aws scope (${why}); an aws scope has only actions, resources and conditions`;
}

/** Why one entry of an aws scope's resources is refused (undefined when it is fine). */
function awsResourceError(resource: unknown, i: number, allowSelf: boolean): string | undefined {
  if (typeof resource !== "string")
    return `resources[${i}] must be an ARN string or a resource output`;
  if (resource === THIS_SECRET && !allowSelf) {
    return `resources[${i}] "self" only means something for the aws-secret backend; name an ARN`;
  }
  if (!["*", RESOURCE_REFERENCE, THIS_SECRET].includes(resource) && !ARN.test(resource)) {
    return `resources[${i}] ${JSON.stringify(resource)} is not an ARN; write "arn:aws:<service>:<region>:<account>:<resource>"`;
  }
  return undefined;
}

export function parseAwsScope(value: unknown, allowSelf = false): Parsed<AwsScope> {
  const example = '{ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::bucket/prefix/*"] }';
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { ok: false, error: `must be an object like ${example}` };
  }
  const unknownKey = unknownAwsScopeKey(value as Record<string, unknown>);
  if (unknownKey) return { ok: false, error: unknownKey };
  const { actions, resources, conditions } = value as Record<string, unknown>;
  if (!Array.isArray(actions) || actions.length === 0) {
    return { ok: false, error: `actions must be a non-empty list of IAM actions, like ${example}` };
  }
  for (const [i, action] of actions.entries()) {
    if (typeof action !== "string" || !AWS_ACTION.test(action)) {
      return {
        ok: false,
        error: `actions[${i}] ${JSON.stringify(action)} is not an IAM action; write "service:Action", like "s3:GetObject"`,
      };
    }
  }
  if (!Array.isArray(resources) || resources.length === 0) {
    return { ok: false, error: `resources must be a non-empty list of ARNs, like ${example}` };
  }
  const resourceError = resources.map((r, i) => awsResourceError(r, i, allowSelf)).find(Boolean);
  if (resourceError) return { ok: false, error: resourceError };
  if (
    conditions !== undefined &&
    (typeof conditions !== "object" || conditions === null || Array.isArray(conditions))
  ) {
    return {
      ok: false,
      error: `conditions must be an IAM condition block, like { StringEquals: { "aws:SourceVpc": "vpc-1234" } }`,
    };
  }
  return {
    ok: true,
    value: {
      actions: [...new Set(actions as string[])],
      resources: resources as string[],
      ...(conditions ? { conditions: conditions as AwsScope["conditions"] } : {}),
    },
  };
}

/** The parser for a backend's scope grammar. */
export function scopeParser(
  backend: Backend,
): (value: unknown) => Parsed<VaultScope | LabelScope | AwsScope> {
  switch (backend) {
    case "vault":
      return parseVaultScope;
    case "random":
      return parseLabelScope;
    case "aws-iam":
      return (value) => parseAwsScope(value, false);
    case "aws-secret":
      return (value) => parseAwsScope(value, true);
  }
}

/** Canonical text of a parsed scope, used in summaries, messages and ledgers. */
export function scopeText(scope: VaultScope | LabelScope | AwsScope): string {
  if ("path" in scope) return `${scope.path}:${scope.capabilities.join(",")}`;
  if ("verb" in scope) return `${scope.resource}:${scope.verb}`;
  return `${scope.actions.join(",")} on ${scope.resources.join(",")}`;
}
