/**
 * Vault audit-log lines in the shape Vault 1.21's file device writes (fields as recorded by
 * test/e2e/usage.test.ts against the real server), with our own values, and stack exports holding
 * ScopedTokens as the component records them.
 */
import { createHash } from "node:crypto";

export interface LineSpec {
  time: string;
  accessor: string;
  path: string;
  operation: string;
  policies?: string[];
  /** false: denied (policy_results.allowed false and a permission-denied error). */
  allowed?: boolean;
  granting?: string[];
  tokenName?: string;
  type?: "request" | "response";
  /** Omit policy_results (Vault before 1.12): the verdict is only in `error`. */
  legacy?: boolean;
}

const hmac = (s: string) => `hmac-sha256:${createHash("sha256").update(s).digest("hex")}`;

/** A secret-looking request body value the parser must never carry further. */
export const SECRET_IN_BODY = "s3cr3t-body-value-7c1e";
/** A client token in clear (as with log_raw) that must never be printed. */
export const TOKEN_IN_LOG = "hvs.CAESIExampleClientTokenValue0000";

export function auditLine(spec: LineSpec): string {
  const allowed = spec.allowed ?? true;
  const policies = spec.policies ?? ["tg-policy"];
  const auth: Record<string, unknown> = {
    accessor: spec.accessor,
    client_token: TOKEN_IN_LOG,
    display_name: "token-tokenguard-ci",
    policies,
    token_policies: policies,
    token_type: "service",
    ...(spec.tokenName ? { metadata: { "tokenguard-token": spec.tokenName } } : {}),
  };
  if (!spec.legacy) {
    auth.policy_results = allowed
      ? {
          allowed: true,
          ...(spec.granting
            ? {
                granting_policies: [
                  { type: "" },
                  ...spec.granting.map((name) => ({ name, namespace_id: "root", type: "acl" })),
                ],
              }
            : {}),
        }
      : { allowed: false };
  }
  const entry: Record<string, unknown> = {
    auth,
    ...(allowed ? {} : { error: "1 error occurred:\n\t* permission denied\n\n" }),
    request: {
      client_token: hmac(TOKEN_IN_LOG),
      client_token_accessor: spec.accessor,
      data: { password: hmac(SECRET_IN_BODY), note: SECRET_IN_BODY },
      id: createHash("md5").update(`${spec.time}${spec.path}`).digest("hex"),
      mount_type: "kv",
      namespace: { id: "root" },
      operation: spec.operation,
      path: spec.path,
      remote_address: "127.0.0.1",
    },
    ...(spec.type === "request"
      ? {}
      : { response: { data: { value: SECRET_IN_BODY }, mount_type: "kv" } }),
    time: spec.time,
    type: spec.type ?? "response",
  };
  return JSON.stringify(entry);
}

/** A ScopedToken (vault backend) and its children, as `pulumi stack export` shows them. */
export function vaultScopedToken(opts: {
  name: string;
  scopes: string[];
  accessors: string[];
  policy?: string;
  created?: string;
}): Record<string, unknown>[] {
  const urn = `urn:pulumi:dev::proj::tokenguard:index:ScopedToken::${opts.name}`;
  const policy = opts.policy ?? "tg-policy";
  return [
    {
      urn,
      type: "tokenguard:index:ScopedToken",
      ...(opts.created ? { created: opts.created } : {}),
      inputs: {
        name: opts.name,
        backend: "vault",
        scopes: opts.scopes,
        ttl: "31d",
        rotation: { every: "30d", overlap: "1d" },
        owner: "team-platform",
        generation: 4,
      },
    },
    {
      urn: `urn:pulumi:dev::proj::tokenguard:index:ScopedToken$vault:index/policy:Policy::${opts.name}-policy`,
      type: "vault:index/policy:Policy",
      parent: urn,
      id: policy,
      inputs: { name: policy },
      outputs: { name: policy },
    },
    ...opts.accessors.map((accessor, i) => ({
      urn: `urn:pulumi:dev::proj::tokenguard:index:ScopedToken$vault:index/token:Token::${opts.name}-g${3 + i}`,
      type: "vault:index/token:Token",
      parent: urn,
      id: accessor,
      inputs: { policies: [policy] },
      outputs: {
        clientToken: {
          "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
          ciphertext: "v1:abc",
        },
      },
    })),
  ];
}

export function stackExport(resources: Record<string, unknown>[]): string {
  return JSON.stringify({ version: 3, deployment: { resources } });
}
