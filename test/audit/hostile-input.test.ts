/**
 * `tokenguard audit` under hostile input: anchors that say nothing, records whose fields carry
 * terminal escapes or line breaks. Records here are well-formed and chained (anyone who can write
 * the ledger can append such records); what they hold must not take over the reader's terminal.
 */
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { formatHead, sealRecord, EMPTY_HEAD } from "../../lib/audit/record";
import { bodyAt, buildLedger, ledgerText, tempDir } from "./fixtures";
import { runCli } from "../helpers/cli";

const ESC = "\u001b";

describe("tokenguard audit: hostile input", () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  const write = (name: string, text: string) => {
    const file = path.join(t.dir, name);
    writeFileSync(file, text);
    return file;
  };

  describe("verify --expect-head", () => {
    const file = () => write("l.jsonl", ledgerText(buildLedger(3)));

    for (const [what, head] of [
      ["seq 0 with any hash", `0:${"ab".repeat(32)}`],
      ["seq 0 with the genesis hash", `0:${"0".repeat(64)}`],
      ["seq with a sign", `+3:${"ab".repeat(32)}`],
      ["seq past 2^53", `9007199254740993:${"ab".repeat(32)}`],
      ["upper-case hash", `3:${"AB".repeat(32)}`],
      ["short hash", "3:abcdef"],
      ["no colon", "3"],
      ["empty", ""],
    ]) {
      it(`refuses ${what} with exit 2 and a message naming the flag`, async () => {
        const run = await runCli(["audit", "verify", file(), "--expect-head", head]);
        assert.equal(run.code, 2, `${head}: ${run.stdout}`);
        assert.equal(run.stdout, "");
        assert.match(run.stderr, /--expect-head/);
        assert.match(run.stderr, /<seq>:<64 hex/);
      });
    }

    it("says why seq 0 is refused: it anchors nothing", async () => {
      const run = await runCli(["audit", "verify", file(), "--expect-head", `0:${"0".repeat(64)}`]);
      assert.match(run.stderr, /seq must be 1 or more/);
    });

    it("still takes a real head", async () => {
      const ledger = buildLedger(3);
      const f = write("ok.jsonl", ledgerText(ledger));
      const head = formatHead({ seq: 3, hash: ledger[2].hash });
      assert.equal((await runCli(["audit", "verify", f, "--expect-head", head])).code, 0);
    });

    it("does not echo control characters from a malformed head", async () => {
      const run = await runCli(["audit", "verify", file(), "--expect-head", `1:${ESC}[2J\nfake`]);
      assert.equal(run.code, 2);
      assert.ok(!run.stderr.includes(ESC));
      assert.equal(run.stderr.trimEnd().split("\n").length, 1, run.stderr);
    });
  });

  describe("show", () => {
    /** A chained ledger whose first record's text fields carry escapes and a forged line. */
    function hostileLedger(): string {
      const body = {
        ...bodyAt(0),
        token: `orders${ESC}[31mRED${ESC}[0m`,
        owner: "team\n  #99 2026-01-01T00:00:00Z  revoked    g0  forged",
        actor: { name: `mallory${ESC}]0;pwned\u0007`, source: "local\r" },
        scopes: ["orders:read\u009b2J", "orders:\u202elist"],
      };
      const record = sealRecord(body, EMPTY_HEAD);
      return write("h.jsonl", ledgerText([record]));
    }

    it("escapes control characters in every field it prints (text)", async () => {
      const file = hostileLedger();
      const run = await runCli(["audit", "show", file]);
      assert.equal(run.code, 0, run.stderr);
      for (const ch of [ESC, "\r", "\u0007", "\u009b", "\u202e"]) {
        assert.ok(!run.stdout.includes(ch), `raw ${JSON.stringify(ch)} printed`);
      }
      const lines = run.stdout.trimEnd().split("\n");
      assert.equal(lines.length, 2, "a header and one record line: no forged line");
      assert.match(lines[0], /^orders\\x1b\[31mRED\\x1b\[0m {2}/);
      assert.match(lines[1], /owner team\\n {2}#99/);
      assert.match(lines[1], /by mallory\\x1b\]0;pwned\\x07 \(local\\r\)/);
      assert.match(lines[1], /scopes orders:read\\x9b2J,orders:\\u202elist/);
    });

    it("json keeps the values (JSON escapes them itself)", async () => {
      const file = hostileLedger();
      const run = await runCli(["audit", "show", file, "--format", "json"]);
      assert.ok(!run.stdout.includes(ESC));
      assert.equal(JSON.parse(run.stdout).tokens[0].token, `orders${ESC}[31mRED${ESC}[0m`);
    });

    it("verify escapes the ledger's name it prints (intact and tampered)", async () => {
      const ledger = ledgerText(buildLedger(2));
      const intact = await runCli(["audit", "verify", write(`ok${ESC}[2J\n.jsonl`, ledger)]);
      assert.equal(intact.code, 0, intact.stderr);
      assert.ok(!intact.stdout.includes(ESC));
      assert.match(intact.stdout, /ok\\x1b\[2J\\n\.jsonl: intact/);
      const text = ledger.replace(/"team-orders"/, '"team-evil"');
      const run = await runCli(["audit", "verify", write(`b${ESC}[2J.jsonl`, text)]);
      assert.equal(run.code, 1);
      assert.ok(!run.stdout.includes(ESC));
    });
  });
});
