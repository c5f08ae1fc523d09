import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { canonicalJson } from "../../lib/audit/canonical";
import { parseHead, verifyChain, verifyLedgerText, splitLedgerText } from "../../lib/audit/chain";
import {
  EMPTY_HEAD,
  GENESIS_HASH,
  formatHead,
  recordHash,
  sealRecord,
  serializeRecord,
} from "../../lib/audit/record";
import { bodyAt, buildLedger, ledgerText } from "./fixtures";

describe("audit/canonical", () => {
  it("sorts keys, drops undefined, keeps arrays in order, no whitespace", () => {
    assert.equal(
      canonicalJson({ b: 1, a: [3, "x", null, true], c: undefined, é: { z: 0, y: "\n" } }),
      '{"a":[3,"x",null,true],"b":1,"é":{"y":"\\n","z":0}}',
    );
  });
  it("refuses what a record never holds", () => {
    assert.throws(() => canonicalJson(1.5), /not a safe integer/);
    assert.throws(() => canonicalJson(new Date()), /cannot serialize/);
  });
});

describe("audit/chain", () => {
  it("links each record to the previous one's hash, starting from 64 zeros", () => {
    const ledger = buildLedger(3);
    assert.equal(ledger[0].prevHash, GENESIS_HASH);
    assert.equal(ledger[0].seq, 1);
    assert.equal(ledger[1].prevHash, ledger[0].hash);
    assert.equal(ledger[2].prevHash, ledger[1].hash);
    assert.deepEqual(
      ledger.map((r) => r.seq),
      [1, 2, 3],
    );
  });

  it("hashes the canonical serialization of the record without its hash", () => {
    const r = sealRecord(bodyAt(0), EMPTY_HEAD);
    const { hash, ...rest } = r;
    const expected = createHash("sha256").update(canonicalJson(rest)).digest("hex");
    assert.equal(hash, expected);
    assert.equal(recordHash(r), expected);
    assert.equal(serializeRecord(r), canonicalJson(r));
  });

  it("verifies an intact ledger and reports its head", () => {
    const ledger = buildLedger(5);
    const v = verifyLedgerText(ledgerText(ledger));
    assert.equal(v.intact, true);
    assert.equal(v.records.length, 5);
    assert.deepEqual(v.head, { seq: 5, hash: ledger[4].hash });
  });

  it("treats an empty ledger as intact with the genesis head", () => {
    const v = verifyLedgerText("");
    assert.equal(v.intact, true);
    assert.deepEqual(v.head, EMPTY_HEAD);
  });

  const text = ledgerText(buildLedger(4));
  const lines = splitLedgerText(text).map((s) => s.text);
  const cases: [string, string[], number, RegExp][] = [
    ["a line that is not JSON", [lines[0], "{oops", lines[2]], 1, /is not JSON/],
    [
      "a record missing a field",
      [lines[0], JSON.stringify({ ...JSON.parse(lines[1]), owner: undefined, seq: undefined })],
      1,
      /is not a ledger record/,
    ],
    [
      "non-canonical bytes",
      [lines[0], JSON.stringify(JSON.parse(lines[1]), null, 1).replace(/\n/g, "")],
      1,
      /canonical form/,
    ],
    ["a deleted record", [lines[0], lines[2], lines[3]], 1, /has seq 3 where seq 2 belongs/],
    [
      "an edited record",
      [lines[0], lines[1].replace('"team-', '"evil-')],
      1,
      /does not match its own hash/,
    ],
  ];
  for (const [what, input, index, reason] of cases) {
    it(`names the first bad record: ${what}`, () => {
      const v = verifyChain(input.map((t, i) => ({ text: t, where: `line ${i + 1}` })));
      assert.equal(v.intact, false);
      assert.equal(v.firstBad?.index, index);
      assert.equal(v.firstBad?.where, `line ${index + 1}`);
      assert.match(v.firstBad?.reason ?? "", reason);
      assert.equal(v.records.length, index, "the records before the break are returned");
    });
  }

  it("flags an unterminated last line as an interrupted append", () => {
    const v = verifyLedgerText(text.slice(0, -1));
    assert.equal(v.intact, false);
    assert.equal(v.firstBad?.index, 3);
    assert.match(v.firstBad?.reason ?? "", /interrupted/);
  });

  it("checks the chain reaches an anchored head (truncation, rewrite)", () => {
    const ledger = buildLedger(6);
    const anchor = { seq: 6, hash: ledger[5].hash };
    assert.equal(verifyLedgerText(ledgerText(ledger), anchor).intact, true);
    const cut = verifyLedgerText(ledgerText(ledger.slice(0, 4)), anchor);
    assert.equal(cut.intact, false);
    assert.equal(cut.firstBad?.index, 4);
    assert.match(cut.firstBad?.reason ?? "", /records 5\.\.6 were cut off the end/);
    // Appends after the anchor are fine.
    assert.equal(
      verifyLedgerText(ledgerText(ledger), { seq: 3, hash: ledger[2].hash }).intact,
      true,
    );
  });

  it("parses and formats heads", () => {
    const h = { seq: 12, hash: "a".repeat(64) };
    assert.deepEqual(parseHead(formatHead(h)), h);
    assert.throws(() => parseHead("12"), /<seq>:<64 hex hash>/);
  });

  it("checks a record's seq against the seq its location names (S3 keys)", () => {
    const ledger = buildLedger(2);
    const v = verifyChain(
      ledger.map((r, i) => ({ text: serializeRecord(r), where: `k${i}`, seqFromLocation: i + 5 })),
    );
    assert.equal(v.firstBad?.index, 0);
    assert.match(v.firstBad?.reason ?? "", /not the seq its name says/);
  });
});
