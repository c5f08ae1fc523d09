/**
 * Property: verify detects every single-record edit, deletion, insertion, reordering and
 * truncation of a generated ledger, and names the first bad record. Without an anchor, exactly
 * the changes at the very end (cutting records off, rewriting the last one) go unseen — the
 * documented limit that `--expect-head` closes.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { verifyChain, type StoredRecord } from "../../lib/audit/chain";
import {
  recordHash,
  sealRecord,
  serializeRecord,
  type ChainHead,
  type LedgerRecord,
} from "../../lib/audit/record";
import { bodyAt, buildLedger } from "./fixtures";

type Mutation =
  | { kind: "edit"; at: number; field: EditField; rehash: boolean }
  | { kind: "byte"; at: number; offset: number; char: string }
  | { kind: "delete"; at: number }
  | { kind: "duplicate"; at: number; of: number }
  | { kind: "forge"; at: number }
  | { kind: "swap"; i: number; j: number }
  | { kind: "truncate"; keep: number };

const EDIT_FIELDS = ["owner", "generation", "scopes", "time", "event", "fingerprint"] as const;
type EditField = (typeof EDIT_FIELDS)[number];

function edited(r: LedgerRecord, field: EditField): LedgerRecord {
  switch (field) {
    case "owner":
      return { ...r, owner: `${r.owner ?? ""}x` };
    case "generation":
      return { ...r, generation: r.generation + 1 };
    case "scopes":
      return { ...r, scopes: [...r.scopes, "orders:write"] };
    case "time":
      return { ...r, time: new Date(Date.parse(r.time) + 1000).toISOString() };
    case "event":
      return { ...r, event: r.event === "revoked" ? "issued" : "revoked" };
    case "fingerprint":
      return { ...r, fingerprint: r.fingerprint.replace(/^./, (c) => (c === "0" ? "1" : "0")) };
  }
}

/** Applies a mutation; returns the stored texts and the index verify must name. */
function apply(
  ledger: LedgerRecord[],
  m: Mutation,
): { texts: string[]; expected: number; atTail: boolean } {
  const texts = ledger.map(serializeRecord);
  const n = ledger.length;
  switch (m.kind) {
    case "edit": {
      let r = edited(ledger[m.at], m.field);
      if (m.rehash) r = { ...r, hash: recordHash(r) };
      texts[m.at] = serializeRecord(r);
      // A rehashed record is self-consistent: its successor's link is what breaks.
      if (!m.rehash) return { texts, expected: m.at, atTail: false };
      return { texts, expected: m.at === n - 1 ? m.at : m.at + 1, atTail: m.at === n - 1 };
    }
    case "byte": {
      const t = texts[m.at];
      const offset = m.offset % t.length;
      const char = m.char === t[offset] ? (m.char === "a" ? "b" : "a") : m.char;
      texts[m.at] = t.slice(0, offset) + char + t.slice(offset + 1);
      return { texts, expected: m.at, atTail: false };
    }
    case "delete":
      texts.splice(m.at, 1);
      return { texts, expected: m.at, atTail: m.at === n - 1 };
    case "duplicate":
      texts.splice(m.at, 0, texts[m.of]);
      // A copy of record k placed right before it passes; the original then fails.
      return { texts, expected: m.of === m.at ? m.at + 1 : m.at, atTail: false };
    case "forge": {
      // A well-formed record chained after record at-1: it passes, its successor does not.
      const prev: ChainHead = m.at === 0 ? { seq: 0, hash: "0".repeat(64) } : ledger[m.at - 1];
      texts.splice(m.at, 0, serializeRecord(sealRecord(bodyAt(1000 + m.at), prev)));
      return { texts, expected: m.at + 1, atTail: false };
    }
    case "swap":
      [texts[m.i], texts[m.j]] = [texts[m.j], texts[m.i]];
      return { texts, expected: m.i, atTail: false };
    case "truncate":
      texts.splice(m.keep);
      return { texts, expected: m.keep, atTail: true };
  }
}

const stored = (texts: string[]): StoredRecord[] =>
  texts.map((text, i) => ({ text, where: `line ${i + 1}` }));

function mutationFor(n: number): fc.Arbitrary<Mutation> {
  const at = fc.integer({ min: 0, max: n - 1 });
  const options: fc.Arbitrary<Mutation>[] = [
    fc.record({
      kind: fc.constant("edit" as const),
      at,
      field: fc.constantFrom(...EDIT_FIELDS),
      rehash: fc.boolean(),
    }),
    fc.record({
      kind: fc.constant("byte" as const),
      at,
      offset: fc.nat(),
      char: fc.constantFrom("a", "0", "9", "f", "{", '"', ",", " ", "\\", "Z"),
    }),
    fc.record({ kind: fc.constant("delete" as const), at }),
    fc.record({
      kind: fc.constant("duplicate" as const),
      at: fc.integer({ min: 0, max: n }),
      of: at,
    }),
    fc.record({ kind: fc.constant("forge" as const), at }),
  ];
  if (n >= 2) {
    options.push(
      fc
        .tuple(at, at)
        .filter(([i, j]) => i !== j)
        .map(([i, j]) => ({ kind: "swap" as const, i: Math.min(i, j), j: Math.max(i, j) })),
      fc.integer({ min: 0, max: n - 1 }).map((keep) => ({ kind: "truncate" as const, keep })),
    );
  }
  return fc.oneof(...options);
}

describe("audit/verify detects tampering (property)", () => {
  const scenario = fc
    .integer({ min: 1, max: 24 })
    .chain((n) => fc.tuple(fc.constant(n), mutationFor(n)));

  it("names the first bad record of every single mutation, given the anchored head", () => {
    fc.assert(
      fc.property(scenario, ([n, m]) => {
        const ledger = buildLedger(n);
        const anchor = { seq: n, hash: ledger[n - 1].hash };
        const { texts, expected } = apply(ledger, m);
        const v = verifyChain(stored(texts), anchor);
        assert.equal(v.intact, false, `${JSON.stringify(m)} went unnoticed`);
        assert.equal(v.firstBad?.index, expected, `${JSON.stringify(m)}: ${v.firstBad?.reason}`);
        if (expected < texts.length) assert.equal(v.firstBad?.where, `line ${expected + 1}`);
        else assert.match(v.firstBad?.reason ?? "", /cut off the end/);
      }),
      { numRuns: 600 },
    );
  });

  it("without an anchor, sees everything but changes confined to the end", () => {
    fc.assert(
      fc.property(scenario, ([n, m]) => {
        const ledger = buildLedger(n);
        const { texts, expected, atTail } = apply(ledger, m);
        const v = verifyChain(stored(texts));
        if (atTail) {
          assert.equal(v.intact, true, "a cut or rewritten end cannot be seen from the file alone");
        } else {
          assert.equal(v.intact, false, `${JSON.stringify(m)} went unnoticed`);
          assert.equal(v.firstBad?.index, expected);
        }
      }),
      { numRuns: 600 },
    );
  });

  it("leaves an untouched ledger intact", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 40 }), (n) => {
        assert.equal(verifyChain(stored(buildLedger(n).map(serializeRecord))).intact, true);
      }),
    );
  });
});
