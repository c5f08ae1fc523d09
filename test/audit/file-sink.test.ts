import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { verifyLedgerText } from "../../lib/audit/chain";
import { RECORD_VERSION, type RecordBody } from "../../lib/audit/record";
import { fileSink } from "../../lib/audit/sinks/file";
import { isLedgerError } from "../../lib/audit/sinks/types";
import { bodyAt, buildLedger, ledgerText, tempDir } from "./fixtures";

const REPO = path.resolve(__dirname, "../..");

/** A decide() that always appends `body`. */
const always = (body: RecordBody) => () => ({ append: body });

describe("audit/sinks/file", () => {
  let t: ReturnType<typeof tempDir>;
  beforeEach(() => (t = tempDir()));
  afterEach(() => t.cleanup());

  it("creates the file (and missing directories) and appends one canonical line per record", async () => {
    const file = path.join(t.dir, "nested", "dir", "ledger.jsonl");
    const sink = fileSink({ kind: "file", path: file });
    const a = await sink.append(always(bodyAt(0)));
    const b = await sink.append(always(bodyAt(1)));
    assert.equal(a.appended, true);
    assert.equal(b.record.seq, 2);
    assert.equal(b.record.prevHash, a.record.hash);
    const text = readFileSync(file, "utf8");
    assert.equal(text.split("\n").length, 3);
    assert.equal(verifyLedgerText(text).intact, true);
    assert.equal(existsSync(`${file}.lock`), false, "the lock is released");
    assert.deepEqual(
      (await sink.read()).map((s) => s.where),
      ["line 1", "line 2"],
    );
  });

  it("appends nothing when decide finds the record already there", async () => {
    const file = path.join(t.dir, "ledger.jsonl");
    const sink = fileSink({ kind: "file", path: file });
    const first = await sink.append(always(bodyAt(0)));
    const again = await sink.append((records) => ({ existing: records[0] }));
    assert.equal(again.appended, false);
    assert.equal(again.record.hash, first.record.hash);
    assert.equal(readFileSync(file, "utf8").split("\n").length, 2);
  });

  it("refuses to extend a chain that does not verify", async () => {
    const file = path.join(t.dir, "ledger.jsonl");
    writeFileSync(file, ledgerText(buildLedger(3)).replace('"team-orders"', '"team-evil"'));
    const before = readFileSync(file, "utf8");
    await assert.rejects(
      fileSink({ kind: "file", path: file }).append(always(bodyAt(9))),
      (e: Error) =>
        isLedgerError(e) &&
        /fails verification at line 2 \(seq 2\): does not match its own hash/.test(e.message) &&
        /tokenguard audit verify/.test(e.message),
    );
    assert.equal(readFileSync(file, "utf8"), before);
  });

  it("refuses to append after an interrupted write (no newline at the end)", async () => {
    const file = path.join(t.dir, "ledger.jsonl");
    writeFileSync(file, ledgerText(buildLedger(2)).slice(0, -20));
    await assert.rejects(
      fileSink({ kind: "file", path: file }).append(always(bodyAt(9))),
      /fails verification at line 2/,
    );
  });

  it("fails with the reason when the directory cannot be created", async () => {
    writeFileSync(path.join(t.dir, "blocked"), "a file where a directory should be");
    const file = path.join(t.dir, "blocked", "ledger.jsonl");
    await assert.rejects(
      fileSink({ kind: "file", path: file }).append(always(bodyAt(0))),
      /cannot create the ledger's directory for .*blocked\/ledger\.jsonl: (ENOTDIR|EEXIST)/,
    );
  });

  it("fails with the reason when the ledger cannot be opened", async () => {
    const file = path.join(t.dir, "ledger.jsonl");
    mkdirSync(file);
    await assert.rejects(
      fileSink({ kind: "file", path: file }).append(always(bodyAt(0))),
      /cannot open the ledger .*ledger\.jsonl for appending: EISDIR/,
    );
    assert.equal(existsSync(`${file}.lock`), false, "the lock is released after a failure");
  });

  it("fails when the write itself fails (a full device), leaving nothing behind", async () => {
    const file = path.join(t.dir, "ledger.jsonl");
    symlinkSync("/dev/full", file);
    await assert.rejects(
      fileSink({ kind: "file", path: file }).append(always(bodyAt(0))),
      /cannot write to the ledger .*: ENOSPC/,
    );
  });

  it("breaks a lock left by a dead process, and waits for a live one, then names it", async () => {
    const file = path.join(t.dir, "ledger.jsonl");
    const dead = spawn(process.execPath, ["-e", ""]);
    await new Promise((r) => dead.on("exit", r));
    writeFileSync(`${file}.lock`, `${dead.pid} ${os.hostname()} ${Date.now()} abcd\n`);
    const appended = await fileSink({ kind: "file", path: file }).append(always(bodyAt(0)));
    assert.equal(appended.record.seq, 1);

    writeFileSync(`${file}.lock`, `${process.pid} ${os.hostname()} ${Date.now()} abcd\n`);
    const started = Date.now();
    await assert.rejects(
      fileSink({ kind: "file", path: file }, { timeoutMs: 300 }).append(always(bodyAt(1))),
      new RegExp(`locked by process ${process.pid} on ${os.hostname()}.*delete that file`),
    );
    assert.ok(Date.now() - started >= 300);
    assert.equal(readFileSync(`${file}.lock`, "utf8").startsWith(`${process.pid} `), true);
  });

  it("breaks a lock from another host once it is older than staleMs", async () => {
    const file = path.join(t.dir, "ledger.jsonl");
    writeFileSync(`${file}.lock`, `1 some-other-host ${Date.now() - 5000} abcd\n`);
    const appended = await fileSink({ kind: "file", path: file }, { staleMs: 1000 }).append(
      always(bodyAt(0)),
    );
    assert.equal(appended.appended, true);
  });

  it("two processes appending at once never interleave or fork the chain", async function () {
    this.timeout(120_000);
    const file = path.join(t.dir, "ledger.jsonl");
    const perWriter = 150;
    const startAt = Date.now() + 4000; // both are up (ts-node) before either starts
    const run = (writer: string) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(
          process.execPath,
          [
            "-r",
            "ts-node/register/transpile-only",
            path.join(__dirname, "workers", "append.ts"),
            file,
            writer,
            String(perWriter),
            String(startAt),
          ],
          { cwd: REPO, stdio: ["ignore", "ignore", "pipe"] },
        );
        let err = "";
        child.stderr.on("data", (d) => (err += d));
        child.on("exit", (code) => (code === 0 ? resolve(writer) : reject(new Error(err))));
      });
    await Promise.all([run("writer-a"), run("writer-b")]);
    const v = verifyLedgerText(readFileSync(file, "utf8"));
    assert.equal(v.intact, true, v.firstBad?.reason);
    assert.equal(v.records.length, 2 * perWriter);
    for (const writer of ["writer-a", "writer-b"]) {
      const gens = v.records.filter((r) => r.token === writer).map((r) => r.generation);
      assert.deepEqual(
        gens,
        Array.from({ length: perWriter }, (_, i) => i),
        `${writer}'s records are all there, once each, in its order`,
      );
    }
    // They really did run at the same time: the writers' records interleave in the ledger.
    const switches = v.records.filter((r, i) => i > 0 && r.token !== v.records[i - 1].token);
    assert.ok(switches.length > 2, `only ${switches.length} switches between writers`);
  });

  it("writes records with the current schema version", async () => {
    const file = path.join(t.dir, "ledger.jsonl");
    const { record } = await fileSink({ kind: "file", path: file }).append(always(bodyAt(0)));
    assert.equal(record.v, RECORD_VERSION);
  });
});
