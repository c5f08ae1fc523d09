import { strict as assert } from "node:assert";
import fc from "fast-check";
import { decodeBytes, escapeControls } from "../lib/escape";

describe("escape", () => {
  it("escapes controls, separators and bidi overrides; keeps other text", () => {
    assert.equal(
      escapeControls("a\nb\r\tc\u001b[31m\u0007\u007f\u0085\u2028\u202ez\u2066é日本"),
      "a\\nb\\r\\tc\\x1b[31m\\x07\\x7f\\x85\\u2028\\u202ez\\u2066é日本",
    );
  });

  it("property: the result never holds a character that moves, colours or breaks a line", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary" }), (s) => {
        assert.doesNotMatch(
          escapeControls(s),
          // eslint-disable-next-line no-control-regex -- the characters under test
          /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/,
        );
      }),
    );
  });

  it("decodes UTF-8 and writes each byte of an invalid sequence as \\xNN", () => {
    assert.equal(decodeBytes(Buffer.from("plain/é.txt")), "plain/é.txt");
    assert.equal(decodeBytes(Buffer.from([0x61, 0xff, 0x62, 0xc3, 0x41])), "a\\xffb\\xc3A");
    assert.equal(decodeBytes(Buffer.from([0xe6, 0x97, 0xa5, 0xe6, 0x97])), "日\\xe6\\x97");
    assert.equal(decodeBytes(Buffer.from([0xed, 0xa0, 0x80])), "\\xed\\xa0\\x80", "a surrogate");
  });
});
