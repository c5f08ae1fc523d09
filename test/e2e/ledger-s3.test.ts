/**
 * The ledger's S3 sink under the real engine: the quickstart stack with `tokenguard:ledger` set to
 * an Object Lock bucket on moto's S3 server (127.0.0.1), and the same stack's ledger on a local
 * file: up, a rotation past the overlap, destroy. Both sinks receive the same records, the S3
 * objects are locked, and `tokenguard audit verify` passes on both.
 */
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  CreateBucketCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectLockConfigurationCommand,
  S3Client,
} from "@aws-sdk/client-s3";
import { formatInstant } from "../../lib/rotation/clock";
import { generation, jitteredAnchor } from "../../lib/rotation/schedule";
import { startMoto, type MotoServer } from "../helpers/moto";
import { newStack, run, type Stack } from "./harness";

const REPO = path.resolve(__dirname, "../..");
const DAY = 86400;

/** What two ledgers of the same history share: order, events, tokens, generations. */
function history(records: Record<string, unknown>[]): string[] {
  return records.map((r) => `${r.seq} ${r.event} ${r.token} g${r.generation}`);
}

async function runLifecycle(stack: Stack, ledger: string, extra: Record<string, string>) {
  const anchor = jitteredAnchor(`tokenguard-quickstart/${stack.name}/orders-api`, 30 * DAY);
  const at = (n: number, offset: number) =>
    formatInstant(
      generation({ every: 30 * DAY, overlap: DAY, ttl: 31 * DAY, anchor }, n).start + offset,
    );
  for (const [k, v] of Object.entries(extra)) await stack.setConfig(k, v);
  await stack.setConfig("tokenguard:ledger", ledger);
  await stack.setConfig("tokenguard:now", at(50, 10 * DAY));
  await stack.up();
  await stack.setConfig("tokenguard:now", at(51, 3600));
  await stack.up();
  await stack.setConfig("tokenguard:now", at(51, DAY + 60));
  await stack.up();
  await stack.destroy();
}

describe("e2e: the ledger's S3 sink (moto) receives the same records as the file sink", function () {
  this.timeout(1_800_000);
  let moto: MotoServer;
  let s3: S3Client;
  let dir: string;
  const stacks: Stack[] = [];
  const key = randomBytes(32).toString("hex");

  before(async () => {
    moto = await startMoto();
    s3 = new S3Client({
      endpoint: moto.endpoint,
      forcePathStyle: true,
      region: "us-east-1",
      credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
    });
    await s3.send(
      new CreateBucketCommand({ Bucket: "tg-ledger", ObjectLockEnabledForBucket: true }),
    );
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: "tg-ledger",
        ObjectLockConfiguration: {
          ObjectLockEnabled: "Enabled",
          Rule: { DefaultRetention: { Mode: "COMPLIANCE", Days: 30 } },
        },
      }),
    );
    dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "tg-ledger-"));
  });

  after(async () => {
    for (const s of stacks) {
      await s.destroy().catch(() => undefined);
      await s.cleanup();
    }
    await moto?.stop();
    if (dir) await fs.promises.rm(dir, { recursive: true, force: true });
  });

  it("up, rotation and destroy land in both sinks as the same history", async () => {
    // Each stack pins its own clock to the same generations of its own schedule.
    const fileStack = await newStack(REPO, { secrets: [key] });
    stacks.push(fileStack);
    await fileStack.setConfig("tokenguard:ledgerKey", key, { secret: true });
    await runLifecycle(fileStack, path.join(dir, "tokens.jsonl"), {});

    const s3Stack = await newStack(REPO, { env: moto.env, secrets: [key] });
    stacks.push(s3Stack);
    await s3Stack.setConfig("tokenguard:ledgerKey", key, { secret: true });
    await runLifecycle(s3Stack, "s3://tg-ledger/quickstart/", {
      "tokenguard:ledgerEndpoint": moto.endpoint,
      "tokenguard:ledgerRegion": "us-east-1",
    });

    const fileRecords = (await fs.promises.readFile(path.join(dir, "tokens.jsonl"), "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: "tg-ledger", Prefix: "quickstart/" }),
    );
    const keys = (listed.Contents ?? []).map((o) => o.Key as string).sort();
    const s3Records: Record<string, unknown>[] = [];
    for (const k of keys) {
      const o = await s3.send(new GetObjectCommand({ Bucket: "tg-ledger", Key: k }));
      s3Records.push(
        JSON.parse(await (o.Body as { transformToString(): Promise<string> }).transformToString()),
      );
      const head = await s3.send(new HeadObjectCommand({ Bucket: "tg-ledger", Key: k }));
      assert.equal(head.ObjectLockMode, "COMPLIANCE", `${k} is locked`);
    }
    assert.deepEqual(
      fileRecords.map((r) => `${r.event} g${r.generation}`),
      ["issued g50", "rotated-in g51", "retired g50", "revoked g51"],
    );
    // The two stacks issue different tokens (so different fingerprints): the history is the same.
    assert.deepEqual(history(s3Records), history(fileRecords));
    for (const r of s3Records) assert.match(String(r.fingerprint), /^[0-9a-f]{64}$/);

    const cli = (args: string[]) =>
      run(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join(REPO, "lib/cli/main.ts"), ...args],
        {
          cwd: REPO,
          env: { ...process.env, ...moto.env },
          allowFail: true,
        },
      );
    const vf = await cli(["audit", "verify", path.join(dir, "tokens.jsonl")]);
    assert.equal(vf.code, 0, vf.stderr);
    const vs = await cli([
      "audit",
      "verify",
      "s3://tg-ledger/quickstart/",
      "--endpoint",
      moto.endpoint,
      "--region",
      "us-east-1",
    ]);
    assert.equal(vs.code, 0, vs.stderr);
  });
});
