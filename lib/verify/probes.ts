/**
 * The canary probes: one try each, with a new credential, answering whether it works. They run in
 * the verification's dynamic provider (./provider.ts), so they import nothing from @pulumi/pulumi
 * and return plain data. No answer ever holds the credential: bodies are cut short and the
 * credential is replaced by a fingerprint wherever a service echoes it.
 */
import { createHash } from "node:crypto";

/** What a probe asks, without the credential (this is what the state and the ledger keep). */
export type ProbeRequest =
  | {
      readonly kind: "vault";
      readonly address: string;
      readonly namespace?: string;
      readonly path: string;
      readonly capability: "read" | "list";
    }
  | {
      readonly kind: "aws-iam";
      readonly accessKeyId: string;
      readonly userArn: string;
      readonly region: string;
    }
  | {
      readonly kind: "http";
      readonly url: string;
      readonly header: string;
      readonly expectStatus?: readonly number[];
    };

/** One try's outcome: whether the credential worked, and the service's answer in words. */
export interface TryResult {
  readonly ok: boolean;
  readonly answer: string;
}

/** The request in words, for messages and the ledger (a URL without its query). */
export function probeTarget(req: ProbeRequest): string {
  switch (req.kind) {
    case "vault":
      return `${req.capability === "list" ? "LIST" : "GET"} ${req.path} on ${req.address}`;
    case "aws-iam":
      return `sts:GetCallerIdentity as ${req.accessKeyId}`;
    case "http": {
      const u = new URL(req.url);
      return `GET ${u.origin}${u.pathname}`;
    }
  }
}

/** `text` with the credential replaced by its fingerprint, cut to `max` characters. */
export function scrub(text: string, credential: string, max = 200): string {
  const fp = `<sha256:${createHash("sha256").update(credential).digest("hex").slice(0, 12)}>`;
  const clean = credential.length >= 4 ? text.split(credential).join(fp) : text;
  const flat = clean.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** Why a request did not get an answer (refused connection, timeout), in a few words. */
export function networkFailure(e: unknown, timeoutMs: number): string {
  const err = e as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError" || err?.name === "AbortError") {
    return `no answer within ${timeoutMs / 1000}s (timed out)`;
  }
  return `unreachable: ${err?.cause?.code ?? err?.cause?.message ?? err?.message ?? String(e)}`;
}

function vaultErrors(body: string): string[] {
  try {
    const parsed = JSON.parse(body) as { errors?: unknown };
    return Array.isArray(parsed.errors) ? parsed.errors.map(String) : [];
  } catch {
    return [];
  }
}

/** Reads Vault's answer: authorised (200/204, or 404 with no errors: no data there) or not. */
export function judgeVaultAnswer(
  status: number,
  body: string,
  req: Extract<ProbeRequest, { kind: "vault" }>,
): TryResult {
  const errors = vaultErrors(body);
  const said = errors
    .join("; ")
    .replace(/\s+/g, " ")
    .replace(/\d+ errors? occurred: /, "");
  if (status === 200 || status === 204) return { ok: true, answer: `authorised (${status})` };
  if (status === 404 && errors.length === 0) {
    return {
      ok: true,
      answer: "authorised (404: no data at the path, which the probe needs none of)",
    };
  }
  if (status === 403 && /invalid token/.test(said)) {
    return { ok: false, answer: "403 invalid token: Vault does not know the new token" };
  }
  if (status === 403) {
    return {
      ok: false,
      answer: `403 permission denied: the token's policy does not grant ${req.capability} on ${req.path}`,
    };
  }
  return { ok: false, answer: `${status}${said ? ` ${said}` : ""}` };
}

/** One request with the new Vault token. */
export async function tryVault(
  req: Extract<ProbeRequest, { kind: "vault" }>,
  token: string,
  timeoutMs: number,
): Promise<TryResult> {
  if (req.address === "") {
    return {
      ok: false,
      answer:
        "no Vault address to probe: set verify.address, config vault:address or VAULT_ADDR (as the vault provider gets it)",
    };
  }
  const base = req.address.replace(/\/+$/, "");
  const url = `${base}/v1/${req.path.replace(/^\/+/, "")}${req.capability === "list" ? "?list=true" : ""}`;
  const headers: Record<string, string> = { "X-Vault-Token": token };
  if (req.namespace) headers["X-Vault-Namespace"] = req.namespace;
  try {
    const resp = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    const result = judgeVaultAnswer(resp.status, await resp.text(), req);
    return { ...result, answer: scrub(result.answer, token) };
  } catch (e) {
    return { ok: false, answer: scrub(networkFailure(e, timeoutMs), token) };
  }
}

/** One GET of the user's service with the new token. */
export async function tryHttp(
  req: Extract<ProbeRequest, { kind: "http" }>,
  token: string,
  timeoutMs: number,
): Promise<TryResult> {
  const value = req.header.toLowerCase() === "authorization" ? `Bearer ${token}` : token;
  try {
    const resp = await fetch(req.url, {
      headers: { [req.header]: value },
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = await resp.text();
    const expected = req.expectStatus;
    const ok = expected ? expected.includes(resp.status) : resp.status >= 200 && resp.status < 300;
    const want = expected ? expected.join(" or ") : "2xx";
    return {
      ok,
      answer: ok
        ? `accepted (${resp.status})`
        : scrub(`${resp.status} (expected ${want})${body ? `: ${body}` : ""}`, token),
    };
  } catch (e) {
    return { ok: false, answer: scrub(networkFailure(e, timeoutMs), token) };
  }
}

/** The AWS SDK's STS client, an optional peer loaded only when an aws-iam probe runs. */
async function stsModule(): Promise<typeof import("@aws-sdk/client-sts")> {
  try {
    return await import("@aws-sdk/client-sts");
  } catch (e) {
    if ((e as { code?: string }).code === "MODULE_NOT_FOUND") {
      throw new Error(
        "the aws-iam probe needs the npm package @aws-sdk/client-sts, which is not installed; install it beside your program (npm install @aws-sdk/client-sts), or declare verify: false",
        { cause: e },
      );
    }
    throw e;
  }
}

/**
 * sts:GetCallerIdentity signed with the new key only (never the ambient credentials); it must name
 * the token's own user. The endpoint follows the SDK's own settings (AWS_ENDPOINT_URL_STS, …).
 */
export async function tryAwsIam(
  req: Extract<ProbeRequest, { kind: "aws-iam" }>,
  secretAccessKey: string,
  timeoutMs: number,
): Promise<TryResult> {
  const sts = await stsModule();
  const client = new sts.STSClient({
    region: req.region,
    credentials: { accessKeyId: req.accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });
  try {
    const out = await client.send(new sts.GetCallerIdentityCommand({}), {
      abortSignal: AbortSignal.timeout(timeoutMs),
    });
    if (out.Arn === req.userArn) return { ok: true, answer: `answered as ${out.Arn}` };
    return {
      ok: false,
      answer: `answered as ${out.Arn ?? "no identity"}, not the token's user ${req.userArn}`,
    };
  } catch (e) {
    const err = e as { name?: string; message?: string; code?: string };
    const network =
      err.name === "TimeoutError" || err.name === "AbortError" || /^E[A-Z]+$/.test(err.code ?? "");
    const answer = network
      ? networkFailure(
          { name: err.name, message: err.message, cause: { code: err.code } },
          timeoutMs,
        )
      : `${err.name}: ${err.message}`;
    return { ok: false, answer: scrub(answer, secretAccessKey) };
  } finally {
    client.destroy();
  }
}
