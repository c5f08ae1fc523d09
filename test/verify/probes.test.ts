/**
 * The canary probes against real parts: the user probe against a local HTTP server, the aws-iam
 * probe against moto's STS and IAM (an access key moto issued must answer as its own user), the
 * retry plan, and the verification provider as the engine stores and runs it (serialized, in a
 * fresh process) recording `verified` in a file ledger. (The Vault probe runs against a real Vault
 * in test/e2e/canary-vault.test.ts.)
 */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { verifyLedgerText } from "../../lib/audit/chain";
import { decideVerified } from "../../lib/audit/verified";
import { probePlan, worstCaseMs } from "../../lib/rotation/backoff";
import { tryAwsIam, tryHttp, type ProbeRequest } from "../../lib/verify/probes";
import { verificationProvider } from "../../lib/verify/provider";
import { runProbe } from "../../lib/verify/run";
import { facts, tempDir, tokenValue } from "../audit/fixtures";
import { startMoto, type MotoServer } from "../helpers/moto";

const REPO = path.resolve(__dirname, "../..");

/** A port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = http.createServer();
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** Runs node with `args` without blocking this process (which serves the probe's HTTP service). */
function node(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, args, opts);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** A service that accepts exactly `accepted` as a bearer token (or in X-Api-Key), and echoes refusals. */
async function service(accepted: () => string) {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    const given = req.headers["x-api-key"] ?? req.headers.authorization?.replace(/^Bearer /, "");
    seen.push(String(req.url));
    if (req.url === "/slow") return void setTimeout(() => res.end("late"), 3000);
    const ok = given === accepted();
    res.writeHead(ok ? 200 : 401, { "content-type": "text/plain" });
    // A careless service that echoes the token it refused: the probe must not repeat it.
    res.end(ok ? "ok" : `unknown token ${String(given)}`);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

describe("verify: the user probe against a local HTTP service", () => {
  let svc: Awaited<ReturnType<typeof service>>;
  let current = tokenValue("g1");
  before(async () => (svc = await service(() => current)));
  after(() => svc.close());

  const req = (over: Partial<Extract<ProbeRequest, { kind: "http" }>> = {}) => ({
    kind: "http" as const,
    url: `${svc.url}/healthz?check=1`,
    header: "Authorization",
    ...over,
  });

  it("passes when the service accepts the new token, fails naming the status otherwise", async () => {
    assert.deepEqual(await tryHttp(req(), current, 2000), { ok: true, answer: "accepted (200)" });
    const wrong = tokenValue("g2");
    const refused = await tryHttp(req(), wrong, 2000);
    assert.equal(refused.ok, false);
    assert.match(refused.answer, /^401 \(expected 2xx\): unknown token <sha256:[0-9a-f]{12}>$/);
    assert.ok(!refused.answer.includes(wrong), "the refused token is not repeated");
    const custom = await tryHttp(req({ header: "X-Api-Key", expectStatus: [401] }), wrong, 2000);
    assert.deepEqual(custom, { ok: true, answer: "accepted (401)" });
  });

  it("reports an unreachable service and a timeout in words", async () => {
    const down = await tryHttp(
      req({ url: `http://127.0.0.1:${await closedPort()}/h` }),
      current,
      2000,
    );
    assert.deepEqual(down, { ok: false, answer: "unreachable: ECONNREFUSED" });
    const slow = await tryHttp(req({ url: `${svc.url}/slow` }), current, 500);
    assert.deepEqual(slow, { ok: false, answer: "no answer within 0.5s (timed out)" });
  });

  it("retries per the plan until the service picks the token up, within the bound", async () => {
    const plan = probePlan("random", { attempts: 4, backoff: "1s" });
    assert.deepEqual(plan.delaysMs, [1000, 2000, 4000]);
    assert.equal(worstCaseMs(plan), 4 * 10_000 + 7000);
    current = tokenValue("old");
    const waits: number[] = [];
    const outcome = await runProbe(
      (t) => tryHttp(req(), tokenValue("g3"), t),
      plan,
      async (ms) => {
        waits.push(ms);
        if (waits.length === 2) current = tokenValue("g3"); // the service reloads
      },
    );
    assert.equal(outcome.ok, true);
    assert.equal(outcome.attempts, 3);
    assert.deepEqual(waits, [1000, 2000]);
    const never = await runProbe(
      (t) => tryHttp(req(), "nope-token", t),
      plan,
      async () => {},
    );
    assert.equal(never.ok, false);
    assert.equal(never.attempts, 4, "bounded: exactly the planned tries");
  });

  it("the pause doubles up to 30s, or the first pause when longer", () => {
    assert.deepEqual(
      probePlan("aws-iam").delaysMs,
      [1, 2, 4, 8, 16, 30, 30].map((s) => s * 1000),
    );
    assert.deepEqual(
      probePlan("vault", { attempts: 3, backoff: "45s" }).delaysMs,
      [45_000, 45_000],
    );
    assert.equal(probePlan("vault", { timeout: "2s" }).timeoutMs, 2000);
  });
});

/** moto's query API, unsigned (moto does not check signatures): enough to set up IAM. */
async function iam(moto: MotoServer, params: Record<string, string>): Promise<string> {
  const resp = await fetch(moto.endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      authorization:
        "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0",
    },
    body: new URLSearchParams({ ...params, Version: "2010-05-08" }).toString(),
  });
  const text = await resp.text();
  assert.equal(resp.status, 200, text);
  return text;
}

const tag = (xml: string, name: string) =>
  new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1] ?? "";

describe("verify: the aws-iam probe against moto (sts:GetCallerIdentity with the new key)", function () {
  this.timeout(120_000);
  let moto: MotoServer;
  const saved = process.env.AWS_ENDPOINT_URL;
  let userArn: string;

  before(async () => {
    moto = await startMoto();
    process.env.AWS_ENDPOINT_URL = moto.endpoint;
    userArn = tag(
      await iam(moto, { Action: "CreateUser", UserName: "tg-unit-svc", Path: "/tokenguard/p/" }),
      "Arn",
    );
  });
  after(async () => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL;
    else process.env.AWS_ENDPOINT_URL = saved;
    await moto?.stop();
  });

  const probe = (accessKeyId: string, arn = userArn) => ({
    kind: "aws-iam" as const,
    accessKeyId,
    userArn: arn,
    region: "us-east-1",
  });

  it("passes with a key of the token's user, answering as that user", async () => {
    const key = await iam(moto, { Action: "CreateAccessKey", UserName: "tg-unit-svc" });
    const r = await tryAwsIam(probe(tag(key, "AccessKeyId")), tag(key, "SecretAccessKey"), 5000);
    assert.deepEqual(r, { ok: true, answer: `answered as ${userArn}` });
  });

  it("fails when the key answers as someone else, naming both identities", async () => {
    const key = await iam(moto, { Action: "CreateAccessKey", UserName: "tg-unit-svc" });
    const other = "arn:aws:iam::123456789012:user/tokenguard/p/another";
    const r = await tryAwsIam(
      probe(tag(key, "AccessKeyId"), other),
      tag(key, "SecretAccessKey"),
      5000,
    );
    assert.deepEqual(r, {
      ok: false,
      answer: `answered as ${userArn}, not the token's user ${other}`,
    });
  });

  it("retries while the new key is not yet known (eventual consistency), then passes", async () => {
    await iam(moto, { Action: "CreateUser", UserName: "late" });
    let key = "";
    let secret = "";
    const lateArn = "arn:aws:iam::123456789012:user/late";
    const outcome = await runProbe(
      (t) => tryAwsIam(probe(key || "AKIAUNKNOWN000000000", lateArn), secret || "x", t),
      probePlan("aws-iam", { attempts: 5, backoff: "1s" }),
      async () => {
        if (!key) {
          const k = await iam(moto, { Action: "CreateAccessKey", UserName: "late" });
          [key, secret] = [tag(k, "AccessKeyId"), tag(k, "SecretAccessKey")];
        }
      },
    );
    assert.equal(outcome.ok, true, outcome.answer);
    assert.equal(outcome.attempts, 2);
  });

  it("reports an unreachable STS endpoint without the secret key", async () => {
    try {
      process.env.AWS_ENDPOINT_URL = `http://127.0.0.1:${await closedPort()}`;
      const r = await tryAwsIam(probe("AKIAX"), "very-secret-key-material", 3000);
      assert.deepEqual(r, { ok: false, answer: "unreachable: ECONNREFUSED" });
    } finally {
      process.env.AWS_ENDPOINT_URL = moto.endpoint;
    }
  });
});

const HOST = `
const fs = require("fs");
const requireFromString = require(process.env.TG_RFS);
const provider = requireFromString(fs.readFileSync(process.env.TG_PROVIDER, "utf8")).handler();
(async () => {
  const ok = await provider.create(JSON.parse(process.env.TG_OK));
  let failure = "create did not fail";
  try { await provider.create(JSON.parse(process.env.TG_BAD)); } catch (e) { failure = e.message; }
  process.stdout.write(JSON.stringify([ok.outs, failure]));
})().catch((e) => { process.stderr.write(String(e && e.stack)); process.exit(1); });
`;

describe("verify/provider, serialized as the engine stores and runs it", () => {
  let t: ReturnType<typeof tempDir>;
  let svc: Awaited<ReturnType<typeof service>>;
  const good = tokenValue("g7");
  beforeEach(async () => {
    t = tempDir();
    svc = await service(() => good);
  });
  afterEach(async () => {
    t.cleanup();
    await svc.close();
  });

  it("passes and records `verified` (never the token), or fails with the probe's answer", async function () {
    this.timeout(60_000);
    const serialized = await pulumi.runtime.serializeFunction(() => verificationProvider, {
      allowSecrets: true,
    });
    assert.equal(serialized.containsSecrets, false);
    const providerFile = path.join(t.dir, "provider.js");
    writeFileSync(providerFile, serialized.text);
    const sink = { kind: "file" as const, path: "ledger/tokens.jsonl" };
    const inputs = (credential: string) => ({
      token: "orders-api",
      generation: 7,
      request: { kind: "http", url: `${svc.url}/healthz`, header: "Authorization" },
      plan: { attempts: 2, delaysMs: [10], timeoutMs: 2000 },
      credential,
      ledger: { sink, facts: facts() },
    });
    const rfs = require.resolve("require-from-string", {
      paths: [path.dirname(require.resolve("@pulumi/pulumi/package.json"))],
    });
    const run = await node(["-e", HOST], {
      cwd: t.dir,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        NODE_PATH: path.join(REPO, "node_modules"),
        TG_RFS: rfs,
        TG_PROVIDER: providerFile,
        TG_OK: JSON.stringify(inputs(good)),
        TG_BAD: JSON.stringify({ ...inputs(tokenValue("wrong")), ledger: undefined }),
      },
    });
    assert.equal(run.status, 0, run.stderr);
    const [outs, failure] = JSON.parse(run.stdout);
    assert.equal(outs.answer, "accepted (200)");
    assert.equal(outs.credential, undefined, "the outputs hold no credential");
    assert.match(outs.credentialHash, /^[0-9a-f]{64}$/);
    assert.match(
      failure,
      /^tokenguard canary: token "orders-api" generation 7 failed its probe \(GET http:\/\/127\.0\.0\.1:\d+\/healthz\): 401 \(expected 2xx\): unknown token <sha256:[0-9a-f]{12}> — after 2 tries in \d+\.\ds\. Its value is not released and nothing is retired in this update/,
    );
    assert.ok(!failure.includes(tokenValue("wrong")));
    const text = readFileSync(path.join(t.dir, "ledger", "tokens.jsonl"), "utf8");
    const v = verifyLedgerText(text);
    assert.equal(v.intact, true, v.firstBad?.reason);
    assert.deepEqual(
      v.records.map((r) => [r.event, r.probe?.kind, r.probe?.answer, r.probe?.attempts]),
      [["verified", "http", "accepted (200)", 1]],
    );
    assert.ok(!text.includes(good), "the ledger holds no token");
  });

  it("decides `verified` idempotently: the same probe already recorded appends nothing", () => {
    const probe = {
      kind: "http",
      target: "GET https://svc/h",
      answer: "accepted (200)",
      attempts: 1,
      ms: 3,
    };
    const actor = { name: "ci", source: "env" };
    const first = decideVerified([], facts(), probe, actor, "2026-01-01T00:00:00Z");
    assert.ok("append" in first && first.append.event === "verified");
    const recorded = {
      ...(first as { append: object }).append,
      seq: 1,
      prevHash: "0".repeat(64),
      hash: "a".repeat(64),
    };
    const again = decideVerified(
      [recorded as never],
      facts(),
      probe,
      actor,
      "2026-01-01T00:01:00Z",
    );
    assert.ok("existing" in again);
  });
});
