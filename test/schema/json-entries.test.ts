import { strict as assert } from "node:assert";
import fc from "fast-check";
import { JsonObject, parseJsonEntries, type JsonValue } from "../../lib/schema/json-entries";

/** Back to what JSON.parse gives (the last of a repeated key wins). */
function plain(value: JsonValue): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (!(value instanceof JsonObject)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of value.entries)
    Object.defineProperty(out, k, {
      value: plain(v),
      enumerable: true,
      configurable: true,
      writable: true,
    });
  return out;
}

describe("schema/json-entries parseJsonEntries", () => {
  it("keeps every repeated key, in order (HCL v1's JSON parser, which Vault reads policies with, does)", () => {
    const doc = parseJsonEntries('{"a":1,"b":{"c":true},"a":[null,"x\\u0041"]}') as JsonObject;
    assert.deepEqual(
      doc.entries.map(([k]) => k),
      ["a", "b", "a"],
    );
    assert.deepEqual(doc.entries[2][1], [null, "xA"]);
  });

  it("reads every JSON document as JSON.parse does, and refuses what it refuses", () => {
    fc.assert(
      fc.property(fc.json(), (text) => {
        assert.deepEqual(plain(parseJsonEntries(text)), JSON.parse(text));
      }),
      { numRuns: 500 },
    );
    for (const bad of [
      "",
      "{",
      '{"a":}',
      "[1,]",
      "01",
      '"\\x41"',
      "tru",
      "{} {}",
      "\u00a0{}",
      "NaN",
    ]) {
      assert.throws(() => JSON.parse(bad), SyntaxError, bad);
      assert.throws(() => parseJsonEntries(bad), /at position \d+/, bad);
    }
  });
});
