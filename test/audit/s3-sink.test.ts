/** The S3 sink (Object Lock, conditional writes) against a real moto server. Needs moto: fails if absent. */
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as path from "node:path";
import {
  CreateBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { verifyChain } from "../../lib/audit/chain";
import {
  ledgerProvider,
  type LedgerEntryInputs,
  type LedgerEntryOutputs,
} from "../../lib/audit/provider";
import type { LedgerRecord } from "../../lib/audit/record";
import { openSink, parseSinkSpec, type SinkSpec } from "../../lib/audit/sinks";
import { startMoto, type MotoServer } from "../helpers/moto";
import { entryInputs, tempDir } from "./fixtures";
import { runCli } from "../helpers/cli";

const REPO = path.resolve(__dirname, "../..");
const p = ledgerProvider as Required<typeof ledgerProvider>;

/** Runs create g7, create g8, delete g7, delete g8 against a sink; returns the records. */
async function rotationAndDestroy(sink: SinkSpec): Promise<LedgerRecord[]> {
  const make = async (g: number) => {
    const r = await p.create(entryInputs(sink, g));
    return { id: r.id, outs: r.outs as LedgerEntryOutputs };
  };
  const g7 = await make(7);
  const g8 = await make(8);
  await p.delete(g7.id, g7.outs);
  await p.delete(g8.id, g8.outs);
  const v = verifyChain(await openSink(sink).read());
  assert.equal(v.intact, true, v.firstBad?.reason);
  return v.records;
}

/** What two ledgers must agree on: everything but when, who and the hashes. */
const factsOnly = (records: LedgerRecord[]) =>
  records.map(({ time: _t, actor: _a, hash: _h, prevHash: _p, ...rest }) => rest);

describe("audit/sinks/s3 (moto server)", function () {
  this.timeout(120_000);
  let moto: MotoServer;
  let s3: S3Client;
  const savedEnv = { ...process.env };

  before(async () => {
    moto = await startMoto();
    Object.assign(process.env, moto.env);
    s3 = new S3Client({ endpoint: moto.endpoint, forcePathStyle: true, region: "us-east-1" });
    await s3.send(
      new CreateBucketCommand({ Bucket: "ledger-locked", ObjectLockEnabledForBucket: true }),
    );
    await s3.send(
      new CreateBucketCommand({ Bucket: "ledger-default", ObjectLockEnabledForBucket: true }),
    );
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: "ledger-default",
        ObjectLockConfiguration: {
          ObjectLockEnabled: "Enabled",
          Rule: { DefaultRetention: { Mode: "GOVERNANCE", Days: 30 } },
        },
      }),
    );
    await s3.send(new CreateBucketCommand({ Bucket: "ledger-plain" }));
  });

  after(async () => {
    for (const k of Object.keys(moto?.env ?? {})) {
      if (savedEnv[k] === undefined) delete process.env[k];
      else process.env[k] = savedEnv[k];
    }
    await moto?.stop();
  });

  const spec = (location: string, retention?: string): SinkSpec =>
    parseSinkSpec(location, { endpoint: moto.endpoint, retention });

  it("receives the same records as the file sink, one locked object per record", async () => {
    const sink = spec("s3://ledger-locked/prod/tokens", "compliance:400d");
    const fromS3 = await rotationAndDestroy(sink);
    const t = tempDir();
    try {
      const fromFile = await rotationAndDestroy({
        kind: "file",
        path: path.join(t.dir, "l.jsonl"),
      });
      assert.deepEqual(factsOnly(fromS3), factsOnly(fromFile));
    } finally {
      t.cleanup();
    }
    assert.deepEqual(
      fromS3.map((r) => `${r.event} g${r.generation}`),
      ["issued g7", "rotated-in g8", "retired g7", "revoked g8"],
    );
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: "ledger-locked", Prefix: "prod/tokens/" }),
    );
    assert.deepEqual(
      listed.Contents?.map((o) => o.Key),
      [1, 2, 3, 4].map((n) => `prod/tokens/${String(n).padStart(12, "0")}.json`),
    );
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: "ledger-locked", Key: "prod/tokens/000000000001.json" }),
    );
    assert.equal(head.ObjectLockMode, "COMPLIANCE");
    const verify = await runCli([
      "audit",
      "verify",
      "s3://ledger-locked/prod/tokens",
      "--endpoint",
      moto.endpoint,
    ]);
    assert.equal(verify.code, 0, verify.stderr);
    assert.match(verify.stdout, /intact, 4 records, head 4:[0-9a-f]{64}/);
    const days = (Number(head.ObjectLockRetainUntilDate) - Date.now()) / 86_400_000;
    assert.ok(days > 399 && days <= 400, `retained for ${days} days`);
  });

  it("uses the bucket's default retention when none is configured", async () => {
    const records = await rotationAndDestroy(spec("s3://ledger-default/l"));
    assert.equal(records.length, 4);
    const head = await s3.send(
      new HeadObjectCommand({ Bucket: "ledger-default", Key: "l/000000000001.json" }),
    );
    assert.equal(head.ObjectLockMode, "GOVERNANCE");
  });

  it("refuses a bucket without Object Lock, or without any retention, and writes nothing", async () => {
    await assert.rejects(
      p.create(entryInputs(spec("s3://ledger-plain/l"), 1)),
      /ledger-plain (has no Object Lock configuration|does not have Object Lock enabled).*value is withheld/s,
    );
    await assert.rejects(
      p.create(entryInputs(spec("s3://ledger-locked/none"), 1)),
      /ledger-locked has no default retention.*tokenguard:ledgerRetention/s,
    );
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: "ledger-plain" }));
    assert.equal(listed.KeyCount ?? 0, 0);
  });

  it("refuses a record that would not verify (generation -17) and writes nothing", async () => {
    const sink = spec("s3://ledger-default/invalid");
    await assert.rejects(
      p.create(entryInputs(sink, -17)),
      /refusing to append an invalid record.*generation: .*nothing was written/s,
    );
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: "ledger-default", Prefix: "invalid/" }),
    );
    assert.equal(listed.KeyCount ?? 0, 0);
    await p.create(entryInputs(sink, 1));
    const v = verifyChain(await openSink(sink).read());
    assert.equal(v.intact, true, v.firstBad?.reason);
    assert.equal(v.records.length, 1);
  });

  it("fails closed when S3 is unreachable, and converges once it is back", async () => {
    const down: SinkSpec = {
      kind: "s3",
      bucket: "ledger-locked",
      prefix: "flaky/",
      endpoint: "http://127.0.0.1:9", // nothing listens on the discard port
      retention: { mode: "GOVERNANCE", seconds: 86_400 },
    };
    const inputs: LedgerEntryInputs = entryInputs(down, 3);
    await assert.rejects(
      p.create(inputs),
      /could not record the issue .*s3:\/\/ledger-locked\/flaky\/.*withheld/s,
    );
    const up = { ...inputs, sink: { ...down, endpoint: moto.endpoint } };
    await p.create(up);
    await p.create(up);
    const v = verifyChain(await openSink(up.sink).read());
    assert.deepEqual(
      v.records.map((r) => r.event),
      ["issued"],
    );
  });

  it("detects a record overwritten in place (verify reads the chain's current objects)", async () => {
    const sink = spec("s3://ledger-locked/tamper", "governance:1d");
    await rotationAndDestroy(sink);
    const key = "tamper/000000000002.json";
    const stored = await openSink(sink).read();
    await s3.send(
      new PutObjectCommand({
        Bucket: "ledger-locked",
        Key: key,
        Body: stored[1].text.replace('"team-orders"', '"team-evil"'),
      }),
    );
    const v = verifyChain(await openSink(sink).read());
    assert.equal(v.intact, false);
    assert.equal(v.firstBad?.where, `s3://ledger-locked/${key}`);
    const run = await runCli([
      "audit",
      "verify",
      "s3://ledger-locked/tamper",
      "--endpoint",
      moto.endpoint,
    ]);
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      /TAMPERED at s3:\/\/ledger-locked\/tamper\/000000000002\.json \(seq 2\)/,
    );
  });

  it("two processes appending at once never fork the chain (conditional writes)", async () => {
    const location = "s3://ledger-locked/race";
    const perWriter = 25;
    const startAt = Date.now() + 4000;
    const run = (writer: string) =>
      new Promise<void>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            "-r",
            "ts-node/register/transpile-only",
            path.join(__dirname, "workers", "append.ts"),
            location,
            writer,
            String(perWriter),
            String(startAt),
          ],
          {
            cwd: REPO,
            stdio: ["ignore", "ignore", "pipe"],
            env: {
              ...process.env,
              ...moto.env,
              TG_S3_ENDPOINT: moto.endpoint,
              TG_S3_RETENTION: "governance:1d",
            },
          },
        );
        let err = "";
        child.stderr.on("data", (d) => (err += d));
        child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(err))));
      });
    await Promise.all([run("writer-a"), run("writer-b")]);
    const v = verifyChain(await openSink(spec(location)).read());
    assert.equal(v.intact, true, v.firstBad?.reason);
    assert.equal(v.records.length, 2 * perWriter);
    for (const writer of ["writer-a", "writer-b"]) {
      assert.deepEqual(
        v.records.filter((r) => r.token === writer).map((r) => r.generation),
        Array.from({ length: perWriter }, (_, i) => i),
      );
    }
  });
});
