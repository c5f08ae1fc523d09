/**
 * An append never turns a valid chain invalid: the sink checks the sealed record the way
 * `audit verify` will before writing it. And a chain with a bad tail is recovered as
 * "Recovering from a bad tail" in docs/ledger.md says.
 */
import { strict as assert } from "node:assert";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { verifyLedgerText } from "../../lib/audit/chain";
import { sealRecord, type RecordBody } from "../../lib/audit/record";
import { fileSink } from "../../lib/audit/sinks/file";
import { isLedgerError } from "../../lib/audit/sinks/types";
import { bodyAt, buildLedger, ledgerText, tempDir } from "./fixtures";
import { runCli } from "../helpers/cli";

const always = (body: RecordBody) => () => ({ append: body });

/** Ways a record body can be wrong, as a writer bug or a bad input would make it. */
const BAD: Record<string, (b: RecordBody) => RecordBody> = {
  "negative generation": (b) => ({ ...b, generation: -17 }),
  "fractional generation": (b) => ({ ...b, generation: 1.5 }),
  "empty owner": (b) => ({ ...b, owner: "" }),
  "bad time": (b) => ({ ...b, time: "yesterday" }),
  "bad expiresAt": (b) => ({ ...b, expiresAt: "+275760-09-13T00:00:00.001Z" }),
  "unknown event": (b) => ({ ...b, event: "stolen" as RecordBody["event"] }),
  "short fingerprint": (b) => ({ ...b, fingerprint: "abc" }),
  "extra field": (b) => ({ ...b, secret: "x" }) as RecordBody,
  "NaN generation": (b) => ({ ...b, generation: Number.NaN }),
};

describe("audit: appends keep the chain valid", () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  for (const [what, spoil] of Object.entries(BAD)) {
    it(`file sink: refuses a record with ${what}, naming the field, and writes nothing`, async () => {
      const file = path.join(t.dir, "ledger.jsonl");
      writeFileSync(file, ledgerText(buildLedger(2)));
      const before = readFileSync(file, "utf8");
      const sink = fileSink({ kind: "file", path: file });
      await assert.rejects(
        sink.append(always(spoil(bodyAt(2)))),
        (e: Error) =>
          isLedgerError(e) &&
          /refusing to append an invalid record/.test(e.message) &&
          /nothing was written/.test(e.message),
      );
      assert.equal(readFileSync(file, "utf8"), before);
      const next = await sink.append(always(bodyAt(2)));
      assert.equal(next.record.seq, 3);
      assert.equal(verifyLedgerText(readFileSync(file, "utf8")).intact, true);
    });
  }

  it("names the bad field in the message", async () => {
    const file = path.join(t.dir, "ledger.jsonl");
    await assert.rejects(
      fileSink({ kind: "file", path: file }).append(always(BAD["negative generation"](bodyAt(0)))),
      /generation/,
    );
  });

  it("property: any sequence of appends, good or bad, leaves a chain that verifies", async () => {
    const spoilers = Object.values(BAD);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(50), fc.option(fc.nat(spoilers.length - 1))), {
          minLength: 1,
          maxLength: 8,
        }),
        async (steps) => {
          const file = path.join(t.dir, `p-${Math.random().toString(36).slice(2)}.jsonl`);
          const sink = fileSink({ kind: "file", path: file });
          let good = 0;
          for (const [i, bad] of steps) {
            const body = bad === null ? bodyAt(i) : spoilers[bad](bodyAt(i));
            try {
              await sink.append(always(body));
              good++;
            } catch (e) {
              if (!isLedgerError(e) || bad === null) throw e;
            }
            const text = good ? readFileSync(file, "utf8") : "";
            const v = verifyLedgerText(text);
            assert.equal(v.intact, true, v.firstBad?.reason);
            assert.equal(v.records.length, good);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  describe("recovering from a bad tail (docs/ledger.md)", () => {
    /** Two good records, then what an older writer or a crash left behind. */
    const TAILS: Record<string, (good: string) => string> = {
      "a record an older version wrote with generation -17": (good) => {
        const ledger = buildLedger(2);
        const bad = sealRecord({ ...bodyAt(2), generation: -17 }, ledger[1]);
        return `${good}${JSON.stringify(bad)}\n`;
      },
      "an interrupted append": (good) => `${good}{"v":1,"seq":3,"ti`,
      "a hand-edited line": (good) => `${good}not json\n`,
    };

    for (const [what, tail] of Object.entries(TAILS)) {
      it(`recovers from ${what}: verify names it, keep the lines before it, append again`, async () => {
        const file = path.join(t.dir, "tokens.jsonl");
        writeFileSync(file, tail(ledgerText(buildLedger(2))));
        const sink = fileSink({ kind: "file", path: file });
        await assert.rejects(sink.append(always(bodyAt(2))), /fails verification at line 3/);

        // 1. verify names the first bad record and the verified head
        const verify = await runCli(["audit", "verify", file, "--format", "json"]);
        assert.equal(verify.code, 1);
        const doc = JSON.parse(verify.stdout);
        assert.equal(doc.firstBad.where, "line 3");
        // 2. keep the evidence, then keep only the lines before the bad one (`head -n 2`)
        copyFileSync(file, `${file}.bad`);
        const kept = readFileSync(`${file}.bad`, "utf8").split("\n").slice(0, 2);
        writeFileSync(file, `${kept.join("\n")}\n`);
        // 3. verify again: intact, with the head verify printed before
        const again = await runCli(["audit", "verify", file, "--expect-head", doc.head]);
        assert.equal(again.code, 0, again.stdout);
        // 4. appends work again and continue the chain
        const next = await sink.append(always(bodyAt(2)));
        assert.equal(next.record.seq, 3);
        assert.equal(verifyLedgerText(readFileSync(file, "utf8")).intact, true);
      });
    }
  });
});
