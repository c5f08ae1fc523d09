/** The ledger entry's dynamic provider, called directly against a temp file ledger. */
import { strict as assert } from "node:assert";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { verifyLedgerText } from "../../lib/audit/chain";
import { fingerprintOf, keyIdOf } from "../../lib/audit/fingerprint";
import {
  ledgerProvider,
  type LedgerEntryInputs,
  type LedgerEntryOutputs,
} from "../../lib/audit/provider";
import type { SinkSpec } from "../../lib/audit/sinks";
import { entryInputs, LEDGER_KEY, tempDir, tokenValue } from "./fixtures";

const p = ledgerProvider as Required<typeof ledgerProvider>;

async function create(
  inputs: LedgerEntryInputs,
): Promise<{ id: string; outs: LedgerEntryOutputs }> {
  const r = await p.create(inputs);
  return { id: r.id, outs: r.outs as LedgerEntryOutputs };
}

function ledgerOf(file: string) {
  const v = verifyLedgerText(readFileSync(file, "utf8"));
  assert.equal(v.intact, true, v.firstBad?.reason);
  return v.records;
}

describe("audit/provider (ledger entry lifecycle)", () => {
  let t: ReturnType<typeof tempDir>;
  let file: string;
  let sink: SinkSpec;
  beforeEach(() => {
    t = tempDir();
    file = path.join(t.dir, "ledger.jsonl");
    sink = { kind: "file", path: file };
  });
  afterEach(() => t.cleanup());

  it("create records `issued` with every field, and returns the record's seq and hash", async () => {
    const before = Date.now();
    const { id, outs } = await create(entryInputs(sink, 7));
    const [r] = ledgerOf(file);
    assert.equal(r.event, "issued");
    assert.equal(r.seq, 1);
    assert.equal(r.entry, id);
    assert.equal(r.project, "tgtest");
    assert.equal(r.stack, "unit");
    assert.equal(r.token, "orders-api");
    assert.match(r.tokenUrn, /::orders-api$/);
    assert.equal(r.generation, 7);
    assert.equal(r.backend, "random");
    assert.deepEqual(r.scopes, ["orders:read", "orders:list"]);
    assert.equal(r.ttl, "31d");
    assert.equal(r.owner, "team-orders");
    assert.equal(r.fingerprint, fingerprintOf(LEDGER_KEY, tokenValue("g7")));
    assert.equal(r.keyId, keyIdOf(LEDGER_KEY));
    assert.ok(Date.parse(r.time) >= before - 1000 && Date.parse(r.time) <= Date.now());
    assert.equal(r.actor.name.length > 0, true);
    assert.deepEqual(
      { seq: outs.seq, hash: outs.hash, event: outs.event, entry: outs.entry },
      { seq: 1, hash: r.hash, event: "issued", entry: id },
    );
  });

  it("takes the actor from the CI environment", async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      GITHUB_ACTIONS: "true",
      GITHUB_ACTOR: "octocat",
      GITHUB_SERVER_URL: "https://github.example",
      GITHUB_REPOSITORY: "acme/infra",
      GITHUB_RUN_ID: "42",
    });
    delete process.env.TOKENGUARD_ACTOR;
    try {
      await create(entryInputs(sink, 7));
    } finally {
      for (const k of [
        "GITHUB_ACTIONS",
        "GITHUB_ACTOR",
        "GITHUB_SERVER_URL",
        "GITHUB_REPOSITORY",
        "GITHUB_RUN_ID",
      ]) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
    assert.deepEqual(ledgerOf(file)[0].actor, {
      name: "octocat",
      source: "github-actions",
      run: "https://github.example/acme/infra/actions/runs/42",
    });
  });

  it("a rotation: new generation rotated-in, old retired after the overlap, destroy revokes", async () => {
    const g7 = await create(entryInputs(sink, 7));
    const g8 = await create(entryInputs(sink, 8));
    await p.delete(g7.id, g7.outs);
    await p.delete(g8.id, g8.outs);
    assert.deepEqual(
      ledgerOf(file).map((r) => `${r.event} g${r.generation}`),
      ["issued g7", "rotated-in g8", "retired g7", "revoked g8"],
    );
  });

  it("a retried create or delete appends nothing twice (convergence)", async () => {
    const a = await create(entryInputs(sink, 7));
    const b = await create(entryInputs(sink, 7)); // the engine never heard of the first
    assert.equal(b.id, a.id);
    assert.equal(b.outs.seq, a.outs.seq);
    await p.delete(a.id, a.outs);
    await p.delete(a.id, a.outs);
    assert.deepEqual(
      ledgerOf(file).map((r) => r.event),
      ["issued", "revoked"],
    );
  });

  it("fail-closed: an unwritable ledger fails create with a clear error; a rerun converges", async () => {
    writeFileSync(path.join(t.dir, "blocked"), "");
    const blocked: SinkSpec = { kind: "file", path: path.join(t.dir, "blocked", "ledger.jsonl") };
    const inputs = entryInputs(blocked, 7);
    await assert.rejects(create(inputs), (e: Error) => {
      assert.match(
        e.message,
        /could not record the issue of token "orders-api" generation 7 in .*blocked\/ledger\.jsonl: cannot create the ledger's directory .*ENOTDIR/,
      );
      assert.match(e.message, /value is withheld until the ledger records it \(fail-closed\)/);
      assert.ok(!e.message.includes(tokenValue("g7")));
      return true;
    });
    rmSync(path.join(t.dir, "blocked")); // the sink recovers
    await create(inputs);
    await create(inputs);
    const records = verifyLedgerText(readFileSync(blocked.path, "utf8")).records;
    assert.deepEqual(
      records.map((r) => `${r.event} g${r.generation}`),
      ["issued g7"],
    );
  });

  it("fail-closed on delete: the error says the entry stays; a rerun records the close once", async () => {
    const g7 = await create(entryInputs(sink, 7));
    rmSync(file);
    writeFileSync(file, "not a ledger\n");
    await assert.rejects(
      p.delete(g7.id, g7.outs),
      /entry stays in the stack until its record is written/,
    );
    rmSync(file);
    await p.delete(g7.id, g7.outs);
    await p.delete(g7.id, g7.outs);
    assert.deepEqual(
      ledgerOf(file).map((r) => r.event),
      ["revoked"],
    );
  });

  it("update records `amended` when recorded facts change, nothing otherwise", async () => {
    const g7 = await create(entryInputs(sink, 7));
    const same = await p.update(g7.id, g7.outs, entryInputs(sink, 7));
    assert.equal((same.outs as LedgerEntryOutputs).seq, 1);
    const news = entryInputs(sink, 7, { scopes: ["orders:read"], owner: "team-storefront" });
    const changed = await p.update(g7.id, g7.outs, news);
    assert.equal((changed.outs as LedgerEntryOutputs).event, "amended");
    const records = ledgerOf(file);
    assert.deepEqual(
      records.map((r) => r.event),
      ["issued", "amended"],
    );
    assert.deepEqual(records[1].scopes, ["orders:read"]);
    assert.equal(records[1].entry, g7.id);
  });

  it("update to a new sink opens the credential there", async () => {
    const g7 = await create(entryInputs(sink, 7));
    const other: SinkSpec = { kind: "file", path: path.join(t.dir, "other.jsonl") };
    const moved = await p.update(g7.id, g7.outs, entryInputs(other, 7));
    assert.equal((moved.outs as LedgerEntryOutputs).event, "issued");
    assert.equal(ledgerOf(other.path).length, 1);
    assert.equal(ledgerOf(file).length, 1, "the old ledger is left as it was");
  });

  it("diff: a new credential replaces; a new key or new facts update; nothing else churns", async () => {
    const g7 = await create(entryInputs(sink, 7));
    const diff = (news: LedgerEntryInputs) => p.diff(g7.id, g7.outs, news);
    assert.deepEqual(await diff(entryInputs(sink, 7)), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });
    assert.deepEqual(
      (await diff(entryInputs(sink, 7, { fingerprint: fingerprintOf(LEDGER_KEY, "other") })))
        .replaces,
      ["fingerprint"],
    );
    const rekeyed = await diff(
      entryInputs(sink, 7, {
        fingerprint: fingerprintOf(`${LEDGER_KEY}-2`, tokenValue("g7")),
        keyId: keyIdOf(`${LEDGER_KEY}-2`),
      }),
    );
    assert.deepEqual([rekeyed.changes, rekeyed.replaces], [true, []]);
    assert.deepEqual((await diff(entryInputs(sink, 8))).replaces, ["generation", "fingerprint"]);
    assert.deepEqual((await diff(entryInputs(sink, 7, { ttl: "40d" }))).changes, true);
    assert.deepEqual(
      (await diff(entryInputs({ kind: "file", path: "elsewhere.jsonl" }, 7))).changes,
      true,
    );
  });

  it("resolves a relative ledger path against the working directory (the project)", async () => {
    const cwd = process.cwd();
    process.chdir(t.dir);
    try {
      await create(entryInputs({ kind: "file", path: "audit/ledger.jsonl" }, 7));
    } finally {
      process.chdir(cwd);
    }
    assert.equal(ledgerOf(path.join(t.dir, "audit", "ledger.jsonl")).length, 1);
  });
});
