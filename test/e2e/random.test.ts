/**
 * The quickstart (random backend) under the real engine: up, a rotation, destroy; and the consumer
 * example receiving the token through a StackReference, as a secret. No token in any state or
 * output in plaintext at any step.
 */
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { jitteredAnchor, generation } from "../../lib/rotation/schedule";
import { formatInstant } from "../../lib/rotation/clock";
import { tokenHash } from "../../lib/token-hash";
import { fingerprint, newStack, type Stack } from "./harness";
import { assertNoPlaintextTokens, inventoryOf } from "./state-checks";

const REPO = path.resolve(__dirname, "../..");
const DAY = 86400;

describe("e2e: the quickstart stack (random backend) and its StackReference consumer", function () {
  this.timeout(900_000);
  let producer: Stack;
  let consumer: Stack | undefined;
  const issued: string[] = [];
  /** Instants relative to orders-api's jittered schedule on this stack (every 30d, overlap 1d). */
  let at: (n: number, offsetSeconds: number) => string;

  before(async () => {
    producer = await newStack(REPO);
    const anchor = jitteredAnchor(`tokenguard-quickstart/${producer.name}/orders-api`, 30 * DAY);
    at = (n, offset) =>
      formatInstant(
        generation({ every: 30 * DAY, overlap: DAY, ttl: 31 * DAY, anchor }, n).start + offset,
      );
  });

  after(async () => {
    for (const s of [consumer, producer]) {
      if (!s) continue;
      await s.destroy().catch(() => undefined);
      await s.cleanup();
    }
  });

  it("up issues one generation; value is a secret output, hash and id are not", async () => {
    await producer.setConfig("tokenguard:now", at(40, 10 * DAY));
    await producer.up();
    const plain = await producer.outputs();
    assert.equal(plain.ordersToken, "[secret]");
    assert.equal(plain.ordersTokenGeneration, 40);
    const shown = await producer.outputs({ showSecrets: true });
    const token = String(shown.ordersToken);
    issued.push(token);
    assert.match(token, /^tg_[A-Za-z0-9_-]{43}$/, `token shape (${fingerprint(token)})`);
    assert.equal(plain.ordersTokenHash, tokenHash(token));
    assert.equal(plain.ordersTokenId, `tg_${tokenHash(token).slice(0, 16)}`);
    assert.equal(shown.ordersTokenPrevious, null, "no previous generation outside an overlap");
    await assertNoPlaintextTokens(producer, issued);
  });

  it("the consumer receives the token through a StackReference, as a secret", async () => {
    // Same backend, home and passphrase as the producer: a StackReference reads the producer's state.
    consumer = await newStack(path.join(REPO, "examples/consumer"), {
      env: {
        PULUMI_BACKEND_URL: String(producer.env.PULUMI_BACKEND_URL),
        PULUMI_HOME: String(producer.env.PULUMI_HOME),
        PULUMI_CONFIG_PASSPHRASE: String(producer.env.PULUMI_CONFIG_PASSPHRASE),
      },
    });
    await consumer.setConfig("producer", `organization/tokenguard-quickstart/${producer.name}`);
    await consumer.up();
    const plain = await consumer.outputs();
    assert.equal(plain.appEnvironment, "[secret]");
    assert.equal(plain.tokenMatchesPublishedHash, true);
    const shown = await consumer.outputs({ showSecrets: true });
    const env = JSON.parse(String(shown.appEnvironment)) as Record<string, string>;
    assert.ok(
      env.ORDERS_API_TOKEN === issued[0],
      "the consumer holds the producer's current token",
    );
    await assertNoPlaintextTokens(consumer, issued);
  });

  it("rotation: inside the overlap both generations live, after it only the new one", async () => {
    await producer.setConfig("tokenguard:now", at(41, 6 * 3600));
    await producer.up();
    const during = await producer.outputs({ showSecrets: true });
    const next = String(during.ordersToken);
    issued.push(next);
    assert.notEqual(next, issued[0], "a new generation is a new token");
    const previous = during.ordersTokenPrevious as { value: string; generation: number };
    assert.equal(previous.generation, 40);
    assert.ok(previous.value === issued[0], "the previous generation is still the old token");
    const inventory = await inventoryOf(producer, at(41, 6 * 3600));
    const entry = inventory.tokens.find((t) => t.name === "orders-api");
    assert.deepEqual(
      entry?.generations.map((g) => g.n),
      [40, 41],
    );
    assert.deepEqual(entry?.flags, []);
    await assertNoPlaintextTokens(producer, issued);

    await producer.setConfig("tokenguard:now", at(41, DAY + 60));
    await producer.up();
    const after = await producer.outputs({ showSecrets: true });
    assert.ok(after.ordersToken === next, "the current token is unchanged after the overlap");
    assert.equal(after.ordersTokenPrevious, null, "no previous generation after the overlap");
    const state = await producer.exportState();
    const children = (state.deployment.resources ?? []).filter((r) =>
      /::orders-api-g\d+$/.test(r.urn),
    );
    assert.deepEqual(
      children.map((r) => r.urn.split("::").pop()),
      ["orders-api-g41"],
    );
    await assertNoPlaintextTokens(producer, issued);
  });

  it("report flags the token once its rotation is overdue", async () => {
    const late = await inventoryOf(producer, at(42, 3 * DAY));
    const entry = late.tokens.find((t) => t.name === "orders-api");
    assert.ok(
      entry?.flags.some((f) => f.flag === "rotation-overdue"),
      JSON.stringify(entry?.flags),
    );
  });

  it("destroy removes every generation", async () => {
    await consumer?.destroy();
    await producer.destroy();
    const state = await producer.exportState();
    assert.deepEqual(
      (state.deployment.resources ?? []).map((r) => r.type),
      [],
      "nothing is left in the state",
    );
  });
});
