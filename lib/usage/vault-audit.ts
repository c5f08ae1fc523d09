/**
 * Vault audit-device entries (JSON lines, as `vault audit enable file` writes them), read down to
 * what usage needs: who (accessor, policies, tokenguard metadata), what (path, operation), when,
 * and whether the ACL allowed it. Nothing else of an entry is kept: request and response bodies are
 * never read into the result, so no secret can travel further than this parser.
 */

/** One request as the audit device recorded its response. */
export interface AuditRequest {
  /** Epoch seconds. */
  readonly time: number;
  /** `auth.accessor`: in clear, or "hmac-sha256:…" when the device HMACs accessors. */
  readonly accessor?: string;
  /** `auth.policies`. */
  readonly policies: readonly string[];
  /** `auth.metadata["tokenguard-token"]`: the ScopedToken that issued the token, if any. */
  readonly tokenName?: string;
  readonly path: string;
  readonly operation: string;
  /** The ACL's verdict: false for "permission denied". */
  readonly allowed: boolean;
  /** Names of the ACL policies that granted it (`auth.policy_results.granting_policies`), if recorded. */
  readonly granting?: readonly string[];
}

/** Prefix of an accessor the device HMAC'd (the default; `hmac_accessor=false` logs it in clear). */
export const HMAC_PREFIX = "hmac-sha256:";

/**
 * The capability a Vault operation needs, as Vault's ACL maps them (revoke, renew and rollback
 * need update). Operations not listed (help, alias-lookahead, resolve-role, header) are not
 * granted by a path capability and are not attributed to a scope.
 */
export const OPERATION_CAPABILITY: Readonly<Record<string, string>> = {
  read: "read",
  list: "list",
  create: "create",
  update: "update",
  patch: "patch",
  delete: "delete",
  recover: "recover",
  revoke: "update",
  renew: "update",
  rollback: "update",
};

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined =>
  typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Json) : undefined;
const strs = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

/** The outcome of reading one line. */
export type AuditLine =
  | { readonly kind: "request"; readonly request: AuditRequest }
  /** A well-formed entry usage does not count (the request half, an unauthenticated call). */
  | { readonly kind: "other"; readonly time?: number }
  | { readonly kind: "unreadable" };

function seconds(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** The ACL verdict: policy_results when Vault recorded it (1.12+), else the error text. */
function verdict(auth: Json, entry: Json): { allowed: boolean; granting?: string[] } {
  const results = obj(auth.policy_results);
  if (results && typeof results.allowed === "boolean") {
    const granting = Array.isArray(results.granting_policies)
      ? results.granting_policies
          .map((g) => obj(g)?.name)
          .filter((n): n is string => typeof n === "string" && n !== "")
      : undefined;
    return { allowed: results.allowed, ...(granting ? { granting } : {}) };
  }
  const error = typeof entry.error === "string" ? entry.error : "";
  return { allowed: !/permission denied/i.test(error) };
}

/** Reads one audit-log line. Only `response` entries of authenticated requests are requests. */
export function parseAuditLine(line: string): AuditLine {
  let entry: Json | undefined;
  try {
    entry = obj(JSON.parse(line));
  } catch {
    return { kind: "unreadable" };
  }
  const time = entry && seconds(entry.time);
  if (!entry || time === undefined || typeof entry.type !== "string") return { kind: "unreadable" };
  const auth = obj(entry.auth);
  const request = obj(entry.request);
  if (entry.type !== "response" || !auth || !request || typeof request.path !== "string") {
    return { kind: "other", time };
  }
  const metadata = obj(auth.metadata);
  const tokenName = metadata?.["tokenguard-token"];
  return {
    kind: "request",
    request: {
      time,
      ...(typeof auth.accessor === "string" && auth.accessor !== ""
        ? { accessor: auth.accessor }
        : {}),
      policies: strs(auth.policies),
      ...(typeof tokenName === "string" ? { tokenName } : {}),
      path: request.path,
      operation: typeof request.operation === "string" ? request.operation : "",
      ...verdict(auth, entry),
    },
  };
}

/** The `"time":"…"` of a line without parsing the whole entry (for a log's first and last lines). */
export function lineTime(line: string): number | undefined {
  const m = /"time":"([^"]+)"/.exec(line);
  return m ? seconds(m[1]) : undefined;
}

/**
 * Cheap pre-filter: the first `"accessor":"…"` and `"tokenguard-token":"…"` values of a line, so
 * a line that cannot be about a watched token is skipped without JSON.parse. A candidate is then
 * parsed and matched on its real fields.
 */
export function lineKeys(line: string): { accessor?: string; tokenName?: string } {
  const at = (key: string) => {
    const i = line.indexOf(key);
    if (i < 0) return undefined;
    const start = i + key.length;
    const end = line.indexOf('"', start);
    return end < 0 ? undefined : line.slice(start, end);
  };
  const accessor = at('"accessor":"');
  const tokenName = at('"tokenguard-token":"');
  return { ...(accessor ? { accessor } : {}), ...(tokenName ? { tokenName } : {}) };
}
