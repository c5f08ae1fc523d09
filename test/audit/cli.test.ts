import { strict as assert } from "node:assert";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { ledgerProvider, type LedgerEntryOutputs } from "../../lib/audit/provider";
import { formatHead } from "../../lib/audit/record";
import { buildLedger, entryInputs, ledgerText, tempDir, tokenValue, URN } from "./fixtures";
import { runCli } from "../helpers/cli";

const p = ledgerProvider as Required<typeof ledgerProvider>;

describe("tokenguard audit (CLI)", () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  const write = (name: string, text: string) => {
    const file = path.join(t.dir, name);
    writeFileSync(file, text);
    return file;
  };

  describe("verify", () => {
    it("exit 0 for an intact chain, printing its head", async () => {
      const ledger = buildLedger(5);
      const file = write("l.jsonl", ledgerText(ledger));
      const run = await runCli(["audit", "verify", file]);
      assert.equal(run.code, 0, run.stderr);
      assert.equal(run.stdout, `${file}: intact, 5 records, head 5:${ledger[4].hash}\n`);
    });

    it("exit 1 for a tampered chain, naming the first bad record (text and json)", async () => {
      const text = ledgerText(buildLedger(5));
      const lines = text.split("\n");
      lines[2] = lines[2].replace('"token-2"', '"token-9"');
      const file = write("l.jsonl", lines.join("\n"));
      const run = await runCli(["audit", "verify", file]);
      assert.equal(run.code, 1);
      assert.match(run.stdout, /TAMPERED at line 3 \(seq 3\) does not match its own hash/);
      assert.match(run.stdout, /records 1\.\.2 verify \(head 2:[0-9a-f]{64}\)/);

      const json = await runCli(["audit", "verify", file, "--format", "json"]);
      assert.equal(json.code, 1);
      const doc = JSON.parse(json.stdout);
      assert.deepEqual(Object.keys(doc).sort(), [
        "firstBad",
        "head",
        "intact",
        "ledger",
        "records",
        "verified",
      ]);
      assert.equal(doc.intact, false);
      assert.equal(doc.records, 5);
      assert.equal(doc.verified, 2);
      assert.deepEqual(
        { where: doc.firstBad.where, seq: doc.firstBad.seq },
        { where: "line 3", seq: 3 },
      );
      assert.match(doc.firstBad.reason, /does not match its own hash/);
    });

    it("json for an intact chain: intact, counts, head, no firstBad", async () => {
      const ledger = buildLedger(2);
      const file = write("l.jsonl", ledgerText(ledger));
      const run = await runCli(["audit", "verify", file, "--format", "json"]);
      assert.equal(run.code, 0);
      assert.deepEqual(JSON.parse(run.stdout), {
        ledger: file,
        intact: true,
        records: 2,
        verified: 2,
        head: formatHead({ seq: 2, hash: ledger[1].hash }),
        firstBad: null,
      });
    });

    it("exit 2 when the ledger cannot be read", async () => {
      const missing = await runCli(["audit", "verify", path.join(t.dir, "nope.jsonl")]);
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /cannot read the ledger .*nope\.jsonl: ENOENT/);
      mkdirSync(path.join(t.dir, "dir.jsonl"));
      const dir = await runCli(["audit", "verify", path.join(t.dir, "dir.jsonl")]);
      assert.equal(dir.code, 2);
      assert.match(dir.stderr, /EISDIR/);
    });

    it("--expect-head catches records cut off the end; a malformed head is a usage error", async () => {
      const ledger = buildLedger(6);
      const head = formatHead({ seq: 6, hash: ledger[5].hash });
      const file = write("l.jsonl", ledgerText(ledger.slice(0, 4)));
      assert.equal(
        (await runCli(["audit", "verify", file])).code,
        0,
        "invisible without the anchor",
      );
      const run = await runCli(["audit", "verify", file, "--expect-head", head]);
      assert.equal(run.code, 1);
      assert.match(run.stdout, /records 5\.\.6 were cut off the end/);
      const whole = write("w.jsonl", ledgerText(ledger));
      assert.equal((await runCli(["audit", "verify", whole, "--expect-head", head])).code, 0);
      const bad = await runCli(["audit", "verify", whole, "--expect-head", "6"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--expect-head: expected head must look like "<seq>:<64 hex hash>"/);
    });

    it("refuses --format sarif", async () => {
      const file = write("l.jsonl", "");
      const run = await runCli(["audit", "verify", file, "--format", "sarif"]);
      assert.equal(run.code, 2);
      assert.match(run.stderr, /--format must be text or json/);
    });
  });

  describe("show", () => {
    /** A ledger made by the provider: orders-api rotates g7 -> g8, billing issued then revoked. */
    async function history(): Promise<string> {
      const file = path.join(t.dir, "ledger.jsonl");
      const sink = { kind: "file" as const, path: file };
      const make = async (inputs: ReturnType<typeof entryInputs>) => {
        const r = await p.create(inputs);
        return { id: r.id, outs: r.outs as LedgerEntryOutputs };
      };
      const g7 = await make(entryInputs(sink, 7));
      await make(entryInputs(sink, 8));
      await p.delete(g7.id, g7.outs);
      const billing = await make(
        entryInputs(sink, 1, {
          tokenUrn: `${URN}-billing`,
          token: "billing",
          owner: "team-billing",
        }),
      );
      await p.delete(billing.id, billing.outs);
      return file;
    }

    it("prints a timeline per token", async () => {
      const file = await history();
      const run = await runCli(["audit", "show", file]);
      assert.equal(run.code, 0, run.stderr);
      const blocks = run.stdout.trim().split("\n\n");
      assert.equal(blocks.length, 2);
      assert.match(blocks[0], /^orders-api {2}tgtest\/unit {2}urn:pulumi:/);
      assert.deepEqual(
        blocks[0]
          .split("\n")
          .slice(1)
          .map((l) => l.trim().split(/\s+/).slice(0, 4).join(" ")),
        [
          `#1 ${JSON.parse(readFileSync(file, "utf8").split("\n")[0]).time} issued g7`,
          expect(file, 2, "rotated-in g8"),
          expect(file, 3, "retired g7"),
        ],
      );
      assert.match(blocks[1], /^billing /);
      assert.match(blocks[1], /revoked {5}g1/);
    });

    it("filters by token name or URN, owner and time, and prints json", async () => {
      const file = await history();
      const byName = await runCli([
        "audit",
        "show",
        file,
        "--token",
        "billing",
        "--format",
        "json",
      ]);
      const doc = JSON.parse(byName.stdout);
      assert.equal(doc.intact, true);
      assert.deepEqual(
        doc.tokens.map((tl: { token: string; records: { event: string }[] }) => [
          tl.token,
          tl.records.map((r) => r.event),
        ]),
        [["billing", ["issued", "revoked"]]],
      );
      const byUrn = JSON.parse(
        (await runCli(["audit", "show", file, "--token", URN, "--format", "json"])).stdout,
      );
      assert.deepEqual(
        byUrn.tokens.map((tl: { token: string }) => tl.token),
        ["orders-api"],
      );
      const byOwner = JSON.parse(
        (await runCli(["audit", "show", file, "--owner", "team-billing", "--format", "json"]))
          .stdout,
      );
      assert.deepEqual(
        byOwner.tokens.map((tl: { token: string }) => tl.token),
        ["billing"],
      );
      const future = await runCli(["audit", "show", file, "--since", "2999-01-01T00:00:00Z"]);
      assert.equal(future.stdout, "no records match\n");
      const recent = JSON.parse(
        (await runCli(["audit", "show", file, "--since", "1h", "--format", "json"])).stdout,
      );
      assert.equal(recent.tokens.length, 2);
      const past = JSON.parse(
        (
          await runCli([
            "audit",
            "show",
            file,
            "--until",
            "2000-01-01T00:00:00Z",
            "--format",
            "json",
          ])
        ).stdout,
      );
      assert.deepEqual(past.tokens, []);
      const bad = await runCli(["audit", "show", file, "--since", "yesterday"]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /--since: "yesterday" is neither an RFC 3339 time/);
    });

    it("shows only the verified part of a tampered ledger and exits 1", async () => {
      const file = await history();
      const lines = readFileSync(file, "utf8").split("\n");
      lines[3] = lines[3].replace('"billing"', '"billinG"');
      writeFileSync(file, lines.join("\n"));
      const run = await runCli(["audit", "show", file]);
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /does not verify at line 4 \(seq 4\).*only the 3 records before it are shown/,
      );
      assert.doesNotMatch(run.stdout, /billin/);
    });
  });

  it("never prints a token: only fingerprints", async () => {
    const file = path.join(t.dir, "ledger.jsonl");
    const sink = { kind: "file" as const, path: file };
    const g7 = await p.create(entryInputs(sink, 7));
    await p.delete(g7.id, g7.outs as LedgerEntryOutputs);
    const outputs = [
      await runCli(["audit", "verify", file]),
      await runCli(["audit", "verify", file, "--format", "json"]),
      await runCli(["audit", "show", file]),
      await runCli(["audit", "show", file, "--format", "json"]),
    ];
    for (const run of outputs) {
      assert.equal(run.code, 0, run.stderr);
      assert.ok(!`${run.stdout}${run.stderr}`.includes(tokenValue("g7")));
    }
    assert.ok(!readFileSync(file, "utf8").includes(tokenValue("g7")));
  });
});

/** The first four columns of record `seq`'s timeline line. */
function expect(file: string, seq: number, eventAndGen: string): string {
  const r = JSON.parse(readFileSync(file, "utf8").split("\n")[seq - 1]);
  return `#${seq} ${r.time} ${eventAndGen}`;
}
