import { strict as assert } from "node:assert";
import { SCOPED_TOKEN_TYPE } from "../../lib/rules/ownership";
import { alphabetSize, entropyBytes, RANDOM_TYPES } from "../../lib/rules/raw-random";
import { randomTokenStrength } from "../../lib/policy/random";
import { runResource, UNKNOWN, urnFor } from "./harness";

const run = (
  type: string,
  name: string,
  props: Record<string, unknown>,
  config: object = {},
  parent?: string,
) => runResource(randomTokenStrength, { type, name, props, parent }, config);

describe("policy pack: random-token-strength", () => {
  it("computes entropy per resource type", () => {
    assert.equal(entropyBytes(RANDOM_TYPES.bytes, { length: 32 }), 32);
    assert.equal(entropyBytes(RANDOM_TYPES.id, { byteLength: 8 }), 8);
    // 26 + 26 + 10 + 21 default specials
    assert.equal(alphabetSize({}), 83);
    assert.equal(alphabetSize({ special: false }), 62);
    assert.equal(alphabetSize({ special: true, overrideSpecial: "!!-_" }), 65);
    assert.equal(alphabetSize({ number: false, special: false, upper: false }), 26);
    assert.equal(
      entropyBytes(RANDOM_TYPES.string, { length: 43, special: false }),
      (43 * Math.log2(62)) / 8,
    );
  });

  it("passes RandomBytes exactly at 32 bytes and flags 31", async () => {
    assert.deepEqual((await run(RANDOM_TYPES.bytes, "api-token", { length: 32 })).violations, []);
    assert.deepEqual((await run(RANDOM_TYPES.bytes, "api-token", { length: 31 })).violations, [
      "length 31 gives 31 bytes of entropy, below 32; set length >= 32",
    ]);
  });

  it("flags a short RandomId", async () => {
    const out = await run(RANDOM_TYPES.id, "session-key", { byteLength: 8 });
    assert.deepEqual(out.violations, [
      "byteLength 8 gives 8 bytes of entropy, below 32; set byteLength >= 32",
    ]);
  });

  it("flags a short RandomPassword and names the length that suffices", async () => {
    const out = await run(RANDOM_TYPES.password, "webhookSecret", { length: 16 });
    assert.deepEqual(out.violations, [
      "length 16 over an alphabet of 83 characters gives 12.8 bytes (102 bits) of entropy, below 32 bytes; set length >= 41",
    ]);
    assert.deepEqual(
      (await run(RANDOM_TYPES.password, "webhookSecret", { length: 41 })).violations,
      [],
    );
  });

  it("flags a RandomString with every class turned off", async () => {
    const props = { length: 64, lower: false, upper: false, numeric: false, special: false };
    const out = await run(RANDOM_TYPES.string, "api-key", props);
    assert.match(out.violations[0], /every character class is turned off/);
  });

  it("does not apply to random resources whose name says no token", async () => {
    const out = await run(RANDOM_TYPES.string, "bucket-suffix", { length: 6 });
    assert.deepEqual(out.violations, []);
    assert.ok(out.notApplicable);
  });

  it("always judges a ScopedToken's children, which pass at the default 32 bytes", async () => {
    const parent = urnFor({ type: SCOPED_TOKEN_TYPE, name: "orders" });
    assert.deepEqual(
      (await run(RANDOM_TYPES.bytes, "orders-g3", { length: 32 }, {}, parent)).violations,
      [],
    );
    assert.equal(
      (await run(RANDOM_TYPES.bytes, "orders-g3", { length: 16 }, {}, parent)).violations.length,
      1,
    );
  });

  it("takes minBytes and nameWords from config", async () => {
    const config = { minBytes: 16, nameWords: ["suffix"] };
    assert.deepEqual(
      (await run(RANDOM_TYPES.bytes, "api-token", { length: 16 }, config)).notApplicable !==
        undefined,
      true,
    );
    assert.deepEqual(
      (await run(RANDOM_TYPES.bytes, "bucket-suffix", { length: 16 }, config)).violations,
      [],
    );
    assert.equal(
      (await run(RANDOM_TYPES.bytes, "bucket-suffix", { length: 15 }, config)).violations.length,
      1,
    );
  });

  it("says it cannot know when the length is unknown at preview", async () => {
    const out = await run(RANDOM_TYPES.bytes, "api-token", { length: UNKNOWN });
    assert.match(out.unknown ?? "", /can't be known during preview/);
  });
});
