/**
 * Stand-in for `pulumi-resource-vault` 7.8.0 (pulumi-vault, which bridges
 * hashicorp/terraform-provider-vault v5 — commit 91f91c5), for the resources tokenguard uses:
 * `vault:index/policy:Policy` and `vault:index/token:Token`, over Vault's HTTP API.
 *
 * Faithful to the real provider in: type tokens and property names; provider config
 * (`vault:address` / VAULT_ADDR, `vault:token` / VAULT_TOKEN / ~/.vault-token, `vault:namespace`
 * / VAULT_NAMESPACE, resource namespaces nested under it); a lookup-self of the token before the
 * first call ("failed to lookup token, err=..."); the child token (below); the API calls
 * (PUT/GET/DELETE sys/policies/acl/:name; POST auth/token/create[/:role] with no_parent in the
 * body, the response wrapped with X-Vault-Wrap-TTL when wrappingTtl is set; lookup-accessor;
 * revoke-accessor); the state after create/read (what tokenRead sets: policies without
 * "default", noParent = orphan, renewable, displayName without "token-", numUses, metadata,
 * leaseStarted = issue_time, leaseDuration = expire − issue), the id (policy: its name; token:
 * its accessor); secrets (clientToken, wrappedToken, wrappingAccessor); and ForceNew (every token
 * argument except wrappingTtl/renewMinLease/renewIncrement; policy `name` and `namespace`), with
 * the diff planned against the state as the bridge does (so Vault's own rewriting of a value —
 * e.g. a sanitised display name — shows up as a change, as with the real provider). Policy names
 * are auto-named `<name>-<7 hex>` when absent, as the bridge's SetAutonaming does.
 *
 * The child token, as terraform-provider-vault's meta.go does it: after the lookup-self, unless
 * `skipChildToken` is true (input, else env TERRAFORM_VAULT_SKIP_CHILD_TOKEN read as Go's
 * ParseBool, else false), it creates a token under the configured one — display name `tokenName`
 * (env VAULT_TOKEN_NAME, default "terraform"), ttl = explicit max ttl = `maxLeaseTtlSeconds` s
 * (env TERRAFORM_VAULT_MAX_TTL, default 1200), not renewable, no policies given (so it inherits
 * the parent's), in the parent token's namespace — and makes every later call with it. One per
 * provider process (the real provider: one per configured provider instance, made on first use).
 * So a token it creates without `noParent` dies with that child token, as with the real provider.
 *
 * Deliberate differences:
 * - Auth methods (`authLogin*`), TLS options, `headers`, retries: accepted and ignored.
 * - Token Read does not renew renewable tokens (`renewMinLease`/`renewIncrement` are stored
 *   only); a lookup that fails with an HTTP error drops the token from the state (as the real
 *   provider), but a network failure is reported as an error rather than dropping it.
 * - Delete treats "no token with this accessor" (Vault answers 200 with a warning, or 400 "token
 *   not found") as already deleted.
 */
import { readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import * as os from "node:os";
import * as path from "node:path";
import { planDiff, sdkV2Equal, type PropRule } from "./plan";
import {
  bool,
  compact,
  keepSecretness,
  num,
  reveal,
  sameValue,
  secret,
  str,
  strList,
  strMap,
  type Props,
} from "./props";
import { main, type CheckArgs, type ResourceHandler } from "./server";

export const VAULT_VERSION = "7.8.0";

// ---- the Vault HTTP client -----------------------------------------------------------------

export interface VaultSettings {
  address: string;
  token: string;
  namespace: string;
  /** Use `token` itself rather than a child token of it. */
  skipChildToken: boolean;
  /** The child token's ttl and explicit max ttl, in seconds. */
  maxLeaseTtlSeconds: number;
  /** The child token's display name. */
  tokenName: string;
}

interface VaultResponse {
  status: number;
  body: Record<string, unknown> | undefined;
}

/** An error answer of Vault, worded like the Go API client's ResponseError (never a token). */
export class VaultApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
    method: string,
    url: string,
  ) {
    super(
      `Error making API request.\n\nURL: ${method} ${url}\nCode: ${status}. Errors:\n\n` +
        errors.map((e) => `* ${e}`).join("\n"),
    );
  }
}

export class VaultClient {
  private checked: Promise<void> | undefined;
  /** The child token every call after the lookup-self is made with (unless skipChildToken). */
  private childToken: string | undefined;

  constructor(private readonly settings: () => VaultSettings) {}

  /** The namespace header for a resource namespace (relative to the provider's). */
  private namespaceFor(resourceNs: string | undefined): string {
    const root = this.settings().namespace.replace(/^\/+|\/+$/g, "");
    const ns = (resourceNs ?? "").replace(/^\/+|\/+$/g, "");
    return [root, ns].filter((x) => x !== "").join("/");
  }

  async request(
    method: string,
    apiPath: string,
    opts: {
      body?: unknown;
      namespace?: string;
      wrapTtl?: string;
      skipCheck?: boolean;
      /** A namespace header as is (the child token is created in the parent token's namespace). */
      rawNamespace?: string;
    } = {},
  ): Promise<VaultResponse> {
    const s = this.settings();
    if (!opts.skipCheck) await this.ready();
    const url = `${s.address.replace(/\/+$/, "")}/v1/${apiPath}`;
    const headers: Record<string, string> = { "X-Vault-Token": this.childToken ?? s.token };
    const ns = opts.rawNamespace ?? this.namespaceFor(opts.namespace);
    if (ns !== "") headers["X-Vault-Namespace"] = ns;
    if (opts.wrapTtl) headers["X-Vault-Wrap-TTL"] = opts.wrapTtl;
    if (opts.body !== undefined) headers["Content-Type"] = "application/json";
    let resp: Response;
    try {
      resp = await fetch(url, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(
        `${method} ${url}: ${cause?.code ?? cause?.message ?? (e as Error).message}`,
        {
          cause: e,
        },
      );
    }
    const text = await resp.text();
    let body: Record<string, unknown> | undefined;
    try {
      body = text === "" ? undefined : (JSON.parse(text) as Record<string, unknown>);
    } catch {
      body = undefined;
    }
    if (resp.status >= 400) {
      const errors = Array.isArray(body?.errors)
        ? (body.errors as unknown[]).map(String)
        : [text.slice(0, 200)];
      throw new VaultApiError(resp.status, errors, method, url);
    }
    return { status: resp.status, body };
  }

  /**
   * Like the real provider's client setup: address and token present, token valid, then (unless
   * skipChildToken) a child token of it that every later call uses.
   */
  ready(): Promise<void> {
    this.checked ??= (async () => {
      const s = this.settings();
      if (s.address === "") throw new Error("failed to configure Vault address");
      if (s.token === "") throw new Error("no vault token set on Client");
      let self: VaultResponse;
      try {
        self = await this.request("GET", "auth/token/lookup-self", { skipCheck: true });
      } catch (e) {
        throw new Error(`failed to lookup token, err=${(e as Error).message}`, { cause: e });
      }
      if (!s.skipChildToken) {
        const namespace = String(
          (self.body?.data as Record<string, unknown>)?.namespace_path ?? "",
        );
        this.childToken = await this.createChildToken(s, namespace.replace(/^\/+|\/+$/g, ""));
      }
    })();
    const p = this.checked;
    p.catch(() => (this.checked = undefined)); // retry on the next call
    return p;
  }

  /** createChildToken: inherits the parent's policies, lives maxLeaseTtlSeconds, not renewable. */
  private async createChildToken(s: VaultSettings, namespace: string): Promise<string> {
    const ttl = `${s.maxLeaseTtlSeconds}s`;
    try {
      const { body } = await this.request("POST", "auth/token/create", {
        skipCheck: true,
        rawNamespace: namespace,
        body: { display_name: s.tokenName, ttl, explicit_max_ttl: ttl, renewable: false },
      });
      const token = (body?.auth as Record<string, unknown> | undefined)?.client_token;
      if (typeof token !== "string" || token === "") throw new Error("Vault returned no token");
      return token;
    } catch (e) {
      throw new Error(`failed to create limited child token: ${(e as Error).message}`, {
        cause: e,
      });
    }
  }
}

// ---- provider configuration ----------------------------------------------------------------

let config: Props = {};

/** Go's strconv.ParseBool, which the provider applies to booleans given as text. */
function goBool(text: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  return undefined;
}

/** A boolean input (stack config and explicit providers send text), else the env var, else false. */
function configBool(key: string, env: string): boolean {
  const value = reveal(config[key]);
  if (typeof value === "boolean") return value;
  if (typeof value === "string" && value !== "") {
    const b = goBool(value);
    if (b === undefined) throw new Error(`vault:${key}: ${JSON.stringify(value)} is not a boolean`);
    return b;
  }
  return goBool(process.env[env] ?? "") ?? false;
}

/** A whole-seconds input; 0 or unset falls back to the env var, then to `fallback`. */
function configSeconds(key: string, env: string, fallback: number): number {
  const value = reveal(config[key]);
  const n = typeof value === "string" && value !== "" ? Number(value) : value;
  if (typeof n === "number" && Number.isInteger(n) && n !== 0) return n;
  const e = Number(process.env[env] ?? "");
  return process.env[env] && Number.isInteger(e) ? e : fallback;
}

function settings(): VaultSettings {
  const c = (k: string) => str(config[k]) ?? "";
  let token = c("token") || process.env.VAULT_TOKEN || "";
  if (token === "") {
    try {
      token = readFileSync(path.join(os.homedir(), ".vault-token"), "utf8").trim();
    } catch {
      token = "";
    }
  }
  return {
    address: c("address") || process.env.VAULT_ADDR || "",
    token,
    namespace: c("namespace") || process.env.VAULT_NAMESPACE || "",
    skipChildToken: configBool("skipChildToken", "TERRAFORM_VAULT_SKIP_CHILD_TOKEN"),
    maxLeaseTtlSeconds: configSeconds("maxLeaseTtlSeconds", "TERRAFORM_VAULT_MAX_TTL", 1200),
    tokenName: c("tokenName") || process.env.VAULT_TOKEN_NAME || "terraform",
  };
}

const client = new VaultClient(settings);

// ---- vault_policy --------------------------------------------------------------------------

const policyRules: Record<string, PropRule> = {
  name: { forceNew: true },
  namespace: { forceNew: true, equal: sdkV2Equal },
  policy: { equal: sdkV2Equal },
};

/** The bridge's auto-name: `<resource name>-<7 hex>`, from the engine's seed when it gives one. */
function autoName(args: CheckArgs): string {
  const seed =
    args.randomSeed.length > 0
      ? args.randomSeed
      : createHash("sha256").update(String(Math.random())).digest();
  const hex = createHash("sha256").update(seed).update(args.urn).digest("hex").slice(0, 7);
  return `${args.name}-${hex}`;
}

async function readPolicy(name: string, namespace: unknown): Promise<string> {
  try {
    const { body } = await client.request("GET", `sys/policies/acl/${encodeURIComponent(name)}`, {
      namespace: str(namespace),
    });
    const data = body?.data as Record<string, unknown> | undefined;
    if (typeof data?.policy !== "string") throw new Error("no policy found in response");
    return data.policy;
  } catch (e) {
    // The Go client's GetPolicy answers "" for a 404: the real provider then stores policy "".
    if (e instanceof VaultApiError && e.status === 404) return "";
    throw new Error(`error reading from Vault: ${(e as Error).message}`, { cause: e });
  }
}

async function writePolicy(inputs: Props): Promise<{ id: string; outs: Props }> {
  const name = str(inputs.name) ?? "";
  try {
    await client.request("PUT", `sys/policies/acl/${encodeURIComponent(name)}`, {
      body: { policy: str(inputs.policy) ?? "" },
      namespace: str(inputs.namespace),
    });
  } catch (e) {
    throw new Error(`error writing to Vault: ${(e as Error).message}`, { cause: e });
  }
  const policy = await readPolicy(name, inputs.namespace);
  return {
    id: name,
    outs: compact({
      name: inputs.name,
      namespace: inputs.namespace,
      policy: keepSecretness(inputs.policy, policy),
    }),
  };
}

const policyHandler: ResourceHandler = {
  check: (args) => {
    const news = { ...args.news };
    const failures = [];
    if (news.name === undefined) news.name = args.olds.name ?? autoName(args);
    if (news.policy === undefined)
      failures.push({ property: "policy", reason: "Missing required argument" });
    const ns = str(news.namespace);
    if (ns !== undefined && /^\/|\/$/.test(ns)) {
      failures.push({
        property: "namespace",
        reason: `invalid value "${ns}": leading or trailing slashes`,
      });
    }
    return { inputs: news, failures };
  },
  diff: ({ olds, news }) => planDiff(olds, news, policyRules),
  create: ({ inputs }) => writePolicy(inputs),
  update: async ({ news }) => ({ outs: (await writePolicy(news)).outs }),
  read: async ({ id, state, inputs }) => {
    const policy = await readPolicy(id, state.namespace);
    const outs = compact({ ...state, name: id, policy: keepSecretness(state.policy, policy) });
    return { id, outs, inputs: compact({ ...inputs, name: outs.name, policy: outs.policy }) };
  },
  delete: async ({ id, state }) => {
    try {
      await client.request("DELETE", `sys/policies/acl/${encodeURIComponent(id)}`, {
        namespace: str(state.namespace),
      });
    } catch (e) {
      throw new Error(`error deleting from Vault: ${(e as Error).message}`, { cause: e });
    }
  },
};

// ---- vault_token ---------------------------------------------------------------------------

const forceNew: PropRule = { forceNew: true, equal: sdkV2Equal };
const forceNewComputed: PropRule = { forceNew: true, equal: sdkV2Equal, whenAbsent: "state" };
const updatable: PropRule = { equal: sdkV2Equal };

const sameSet = (a: unknown, b: unknown) =>
  sdkV2Equal(a, b) ||
  sameValue([...new Set(strList(a) ?? [])].sort(), [...new Set(strList(b) ?? [])].sort());

const tokenRules: Record<string, PropRule> = {
  roleName: forceNew,
  policies: { forceNew: true, equal: sameSet },
  noParent: forceNewComputed,
  noDefaultPolicy: forceNew,
  renewable: forceNewComputed,
  ttl: forceNew,
  explicitMaxTtl: forceNew,
  wrappingTtl: updatable,
  displayName: { forceNew: true, equal: sdkV2Equal, whenAbsent: { default: "token" } },
  numUses: forceNewComputed,
  period: forceNew,
  renewMinLease: updatable,
  renewIncrement: updatable,
  metadata: forceNew,
  namespace: forceNew,
};

/** Go's `t.Format(time.RFC3339)` of a parsed RFC 3339 time: seconds precision, "Z" for UTC. */
function rfc3339Seconds(t: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(t);
  if (!m) throw new Error(`error parsing issue_time: ${JSON.stringify(t)}`);
  return m[1] + (m[2] === "+00:00" || m[2] === "-00:00" ? "Z" : m[2]);
}

/** Seconds between two RFC 3339 times with nanoseconds, truncated like Go's int(d.Seconds()). */
function secondsBetween(from: string, to: string): number {
  const parse = (t: string) => {
    const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(t);
    if (!m) throw new Error(`error parsing expire_time: ${JSON.stringify(t)}`);
    const whole = BigInt(Date.parse(m[1] + m[3]) / 1000);
    const nanos = BigInt((m[2] ?? "").padEnd(9, "0").slice(0, 9) || "0");
    return whole * 1_000_000_000n + nanos;
  };
  return Number((parse(to) - parse(from)) / 1_000_000_000n);
}

/** tokenRead: lookup-accessor, or `undefined` when Vault no longer knows the accessor. */
async function readToken(accessor: string, state: Props): Promise<Props | undefined> {
  let data: Record<string, unknown>;
  try {
    const { body } = await client.request("POST", "auth/token/lookup-accessor", {
      body: { accessor },
      namespace: str(state.namespace),
    });
    data = (body?.data ?? {}) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof VaultApiError) return undefined; // "Token not found, removing from state"
    throw e;
  }
  const issue = String(data.issue_time ?? "");
  const expire = data.expire_time;
  if (typeof expire !== "string") throw new Error(`error expire_time is ${describeType(expire)}`);
  const policies = ((data.policies as string[] | null) ?? []).filter((p) => p !== "default");
  return compact({
    ...state,
    policies: keepSecretness(state.policies, policies),
    noParent: data.orphan,
    renewable: data.renewable,
    displayName: keepSecretness(
      state.displayName,
      String(data.display_name ?? "").replace(/^token-/, ""),
    ),
    numUses: data.num_uses,
    leaseStarted: rfc3339Seconds(issue),
    leaseDuration: secondsBetween(issue, expire),
    metadata:
      data.meta && Object.keys(data.meta).length > 0
        ? keepSecretness(state.metadata, data.meta)
        : undefined,
  });
}

function describeType(v: unknown): string {
  return v === null ? "<nil>" : typeof v;
}

const tokenHandler: ResourceHandler = {
  check: ({ news }) => {
    const inputs = { ...news };
    if (inputs.displayName === undefined) inputs.displayName = "token"; // schema Default
    const failures = [];
    const ns = str(inputs.namespace);
    if (ns !== undefined && /^\/|\/$/.test(ns)) {
      failures.push({
        property: "namespace",
        reason: `invalid value "${ns}": leading or trailing slashes`,
      });
    }
    return { inputs, failures };
  },
  diff: ({ olds, news }) => planDiff(olds, news, tokenRules),
  create: async ({ inputs }) => {
    const role = str(inputs.roleName) ?? "";
    const policies = strList(inputs.policies) ?? [];
    const renewable = bool(inputs.renewable);
    const metadata = strMap(inputs.metadata);
    // api.TokenCreateRequest as the Go client marshals it (omitempty fields left out).
    const body = compact({
      policies: policies.length > 0 ? [...new Set(policies)] : undefined,
      meta: metadata && Object.keys(metadata).length > 0 ? metadata : undefined,
      ttl: str(inputs.ttl) || undefined,
      explicit_max_ttl: str(inputs.explicitMaxTtl) || undefined,
      period: str(inputs.period) || undefined,
      no_parent: bool(inputs.noParent) || undefined,
      no_default_policy: bool(inputs.noDefaultPolicy) || undefined,
      display_name: str(inputs.displayName) ?? "",
      num_uses: num(inputs.numUses) ?? 0,
      renewable,
      type: "",
      entity_alias: "",
    });
    const wrapTtl = str(inputs.wrappingTtl) || undefined;
    let resp: Record<string, unknown> | undefined;
    try {
      resp = (
        await client.request(
          "POST",
          role ? `auth/token/create/${encodeURIComponent(role)}` : "auth/token/create",
          { body, namespace: str(inputs.namespace), wrapTtl },
        )
      ).body;
    } catch (e) {
      const what = role ? `error creating token with role "${role}"` : "error creating token";
      throw new Error(`${what}: ${(e as Error).message}`, { cause: e });
    }
    const wrap = resp?.wrap_info as Record<string, string> | undefined;
    const auth = resp?.auth as Record<string, string> | undefined;
    const accessor = wrapTtl ? wrap?.wrapped_accessor : auth?.accessor;
    if (!accessor) throw new Error("error creating token: Vault returned no accessor");
    const created: Props = { ...inputs };
    if (wrapTtl) {
      created.wrappedToken = secret(wrap?.token);
      created.wrappingAccessor = secret(wrap?.accessor);
    } else {
      created.clientToken = secret(auth?.client_token);
    }
    const outs = await readToken(accessor, created);
    if (!outs) {
      throw Object.assign(new Error(`token ${accessor} vanished right after it was created`), {
        id: accessor,
      });
    }
    return { id: accessor, outs };
  },
  read: async ({ id, state, inputs }) => {
    const outs = await readToken(id, state);
    if (!outs) return undefined;
    const newInputs = { ...inputs };
    for (const k of ["policies", "noParent", "renewable", "displayName", "numUses", "metadata"]) {
      if (k in inputs) newInputs[k] = outs[k];
    }
    return { id, outs, inputs: compact(newInputs) };
  },
  // tokenUpdate does nothing: only wrappingTtl / renewMinLease / renewIncrement can change.
  update: async ({ olds, news }) => {
    const outs = { ...olds };
    for (const k of ["wrappingTtl", "renewMinLease", "renewIncrement"]) outs[k] = news[k];
    return { outs: compact(outs) };
  },
  delete: async ({ id, state }) => {
    try {
      await client.request("POST", "auth/token/revoke-accessor", {
        body: { accessor: id },
        namespace: str(state.namespace),
      });
      // Vault answers 200 + warning "No token found with this accessor" for an unknown one.
    } catch (e) {
      if (
        e instanceof VaultApiError &&
        e.status === 400 &&
        /token not found|invalid accessor/i.test(e.message)
      ) {
        return;
      }
      throw new Error(`error deleting token "${id}": ${(e as Error).message}`, { cause: e });
    }
  },
};

export const vaultProvider = {
  name: "vault",
  version: VAULT_VERSION,
  resources: {
    "vault:index/policy:Policy": policyHandler,
    "vault:index/token:Token": tokenHandler,
  },
  configure(c: Props): void {
    config = c;
  },
};

if (require.main === module) main(vaultProvider);
