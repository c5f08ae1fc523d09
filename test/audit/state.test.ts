import { strict as assert } from "node:assert";
import { EMPTY_HEAD, sealRecord, type LedgerRecord } from "../../lib/audit/record";
import { decide, entryIdOf, type CredentialFacts, type Intent } from "../../lib/audit/state";
import { facts, URN } from "./fixtures";

const actor = { name: "tester", source: "local" };

/** Plays intents against an in-memory ledger, the way a sink would. */
class Ledger {
  readonly records: LedgerRecord[] = [];
  play(intent: Intent, f: CredentialFacts): { event: string; appended: boolean } {
    const d = decide(this.records, intent, f, actor, "2026-01-05T00:00:00.000Z");
    if ("existing" in d) return { event: d.existing.event, appended: false };
    this.records.push(sealRecord(d.append, this.records.at(-1) ?? EMPTY_HEAD));
    return { event: d.append.event, appended: true };
  }
  events(): string[] {
    return this.records.map((r) => `${r.event} g${r.generation}`);
  }
}

const gen = (g: number, over: Partial<CredentialFacts> = {}) =>
  facts({ generation: g, entry: entryIdOf(URN, g, `${g}`.padStart(64, "0")), ...over });

describe("audit/state: what each lifecycle step records", () => {
  it("first generation: issued; a later one while it is open: rotated-in", () => {
    const l = new Ledger();
    assert.deepEqual(l.play("open", gen(7)), { event: "issued", appended: true });
    assert.deepEqual(l.play("open", gen(8)), { event: "rotated-in", appended: true });
  });

  it("the old generation deleted while the new one is open: retired; the last one deleted: revoked", () => {
    const l = new Ledger();
    l.play("open", gen(7));
    l.play("open", gen(8));
    assert.equal(l.play("close", gen(7)).event, "retired");
    assert.equal(l.play("close", gen(8)).event, "revoked");
    assert.deepEqual(l.events(), ["issued g7", "rotated-in g8", "retired g7", "revoked g8"]);
  });

  it("destroy during an overlap (newest closed first, as the entry dependency orders it): both revoked", () => {
    const l = new Ledger();
    l.play("open", gen(7));
    l.play("open", gen(8));
    assert.equal(l.play("close", gen(8)).event, "revoked");
    assert.equal(l.play("close", gen(7)).event, "revoked");
  });

  it("a run that skipped generations: the new one is rotated-in over the stale one, which is retired", () => {
    const l = new Ledger();
    l.play("open", gen(3));
    assert.equal(l.play("open", gen(9)).event, "rotated-in");
    assert.equal(l.play("close", gen(3)).event, "retired");
  });

  it("tokens are independent: another token's open generation changes nothing", () => {
    const l = new Ledger();
    l.play("open", gen(7));
    const other = gen(8, { tokenUrn: `${URN}-other`, token: "other" });
    assert.equal(l.play("open", other).event, "issued");
    assert.equal(l.play("close", gen(7)).event, "revoked");
  });

  it("is idempotent: a retried open or close appends nothing", () => {
    const l = new Ledger();
    l.play("open", gen(7));
    assert.deepEqual(l.play("open", gen(7)), { event: "issued", appended: false });
    l.play("close", gen(7));
    assert.deepEqual(l.play("close", gen(7)), { event: "revoked", appended: false });
    assert.equal(l.records.length, 2);
  });

  it("re-opens a closed credential (the ledger was detached and attached again)", () => {
    const l = new Ledger();
    l.play("open", gen(7));
    l.play("close", gen(7));
    assert.deepEqual(l.play("open", gen(7)), { event: "issued", appended: true });
  });

  it("amend: records changed facts once; unchanged facts append nothing", () => {
    const l = new Ledger();
    l.play("open", gen(7));
    assert.deepEqual(l.play("amend", gen(7)), { event: "issued", appended: false });
    const changed = gen(7, { scopes: ["orders:read"], owner: "team-storefront" });
    assert.deepEqual(l.play("amend", changed), { event: "amended", appended: true });
    assert.deepEqual(l.play("amend", changed), { event: "amended", appended: false });
    assert.deepEqual(l.records.at(-1)?.scopes, ["orders:read"]);
    assert.equal(l.records.at(-1)?.owner, "team-storefront");
  });

  it("amend of a credential this ledger does not know opens it (a new sink)", () => {
    const l = new Ledger();
    assert.deepEqual(l.play("amend", gen(7)), { event: "issued", appended: true });
  });

  it("close of a credential this ledger never saw is still recorded", () => {
    const l = new Ledger();
    assert.deepEqual(l.play("close", gen(7)), { event: "revoked", appended: true });
  });

  it("entry ids are stable for the same credential and differ otherwise", () => {
    assert.equal(entryIdOf(URN, 1, "a".repeat(64)), entryIdOf(URN, 1, "a".repeat(64)));
    assert.notEqual(entryIdOf(URN, 1, "a".repeat(64)), entryIdOf(URN, 2, "a".repeat(64)));
    assert.notEqual(entryIdOf(URN, 1, "a".repeat(64)), entryIdOf(URN, 1, "b".repeat(64)));
    assert.match(entryIdOf(URN, 1, "a".repeat(64)), /^[0-9a-f]{16}$/);
  });
});
