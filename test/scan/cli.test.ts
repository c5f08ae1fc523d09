import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { progressMeter } from "../../lib/cli/scan";
import { sarifValidator } from "../helpers/sarif";
import { lookAlikeCorpus, plantedCorpus, writeFiles, type Corpus } from "./corpus";
import { revealing, runCli, spawnCli, tempDir } from "./helpers";

describe("tokenguard scan (CLI)", function () {
  this.timeout(60000);
  let corpus: Corpus;
  let dir: string;
  let cleanup: () => void;
  before(() => {
    ({ dir, cleanup } = tempDir("cli"));
    corpus = plantedCorpus(31);
    writeFiles(dir, corpus.files);
  });
  after(() => cleanup());

  const assertNoSecret = (run: { stdout: string; stderr: string }) => {
    for (const p of corpus.planted) {
      for (const piece of revealing(p.value)) {
        assert.ok(
          !run.stdout.includes(piece) && !run.stderr.includes(piece),
          `${p.file}:${p.line} leaked`,
        );
      }
    }
  };

  it("json: the contract shape, exit 1, every planted credential, no secret", async () => {
    const run = await runCli(["scan", "--format", "json"], dir);
    assert.equal(run.code, 1, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.findings.length, corpus.planted.length);
    for (const f of doc.findings) {
      assert.equal(typeof f.rule, "string");
      assert.equal(typeof f.file, "string");
      assert.ok(
        Number.isInteger(f.line) && f.line > 0 && Number.isInteger(f.column) && f.column > 0,
      );
      assert.match(f.fingerprint, /^[0-9a-f]{32}$/);
    }
    assertNoSecret(run);
  });

  it("text and sarif carry no secret either", async () => {
    for (const format of ["text", "sarif"]) {
      const run = await runCli(["scan", "--format", format], dir);
      assert.equal(run.code, 1);
      assertNoSecret(run);
    }
  });

  it("text names each finding's place, rule and fingerprint, then a summary", async () => {
    const run = await runCli(["scan", ".env"], dir);
    assert.equal(run.code, 1);
    const lines = run.stdout.trim().split("\n");
    assert.equal(lines.length, 6);
    assert.match(
      lines[0],
      /^\.env:4:\d+ +high +aws-access-key-id {2}AWS access key ID; fingerprint [0-9a-f]{32}$/,
    );
    assert.match(
      lines.at(-1)!,
      /^5 credential findings in 1 file \(\d+ bytes\): 3 critical, 2 high$/,
    );
    const ESC = String.fromCharCode(27);
    assert.ok(!run.stdout.includes(ESC), "colors off when stdout is not a terminal");
  });

  it("sarif validates against the official SARIF 2.1.0 schema", async () => {
    const run = await runCli(["scan", "--format", "sarif"], dir);
    const log: {
      runs: {
        tool: { driver: { rules: { id: string }[] } };
        results: {
          ruleId: string;
          ruleIndex: number;
          partialFingerprints: Record<string, string>;
          locations: { physicalLocation: { region: { startLine: number } } }[];
        }[];
      }[];
    } = JSON.parse(run.stdout);
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
    const results = log.runs[0].results;
    assert.equal(results.length, corpus.planted.length);
    const rules = log.runs[0].tool.driver.rules.map((r) => r.id);
    for (const r of results) {
      assert.equal(rules[r.ruleIndex], r.ruleId);
      assert.match(r.partialFingerprints["tokenguard/v2"], /^[0-9a-f]{32}$/);
      assert.ok(r.locations[0].physicalLocation.region.startLine >= 1);
    }
  });

  it("the schema check is real: a broken log fails it", () => {
    const validate = sarifValidator();
    assert.ok(!validate({ version: "2.1.0", runs: [{ tool: { driver: {} } }] }));
    assert.ok(!validate({ version: "2.0.0", runs: [] }));
  });

  it("a json baseline from an earlier run makes the same tree clean (exit 0)", async () => {
    const first = await runCli(["scan", "--format", "json"], dir);
    const baseline = path.join(dir, "..", `${path.basename(dir)}-baseline.json`);
    writeFileSync(baseline, first.stdout);
    const second = await runCli(["scan", "--format", "json", "--baseline", baseline], dir);
    assert.equal(second.code, 0, second.stderr);
    const doc = JSON.parse(second.stdout);
    assert.deepEqual(doc.findings, []);
    assert.equal(doc.suppressed, corpus.planted.length);
  });

  it("exit 0 and a clean summary on the look-alike corpus", async () => {
    const other = tempDir("cli-clean");
    try {
      writeFiles(other.dir, lookAlikeCorpus(5));
      const run = await runCli(["scan"], other.dir);
      assert.equal(run.code, 0, run.stdout);
      assert.match(run.stdout, /^no credentials found in \d+ files/);
    } finally {
      other.cleanup();
    }
  });

  it("exit 2 with a one-line reason for bad input", async () => {
    const cases: [string[], RegExp][] = [
      [["scan", "--format", "xml"], /--format must be one of text, json, sarif \(got "xml"\)/],
      [["scan", "--baseline", "nope.json"], /--baseline nope\.json: cannot be read \(ENOENT\)/],
      [["scan", "missing-dir"], /missing-dir: no such file or directory/],
      [
        ["scan", "--stack-export", ".env"],
        /\.env is not a pulumi stack export:\n {2}JSON does not parse/,
      ],
      [["scan", "--max-file-size", "zero"], /--max-file-size must be a positive number of MiB/],
      [
        ["scan", "--staged", "--stack-export", "x.json"],
        /--staged and --stack-export scan different things/,
      ],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args, dir);
      assert.equal(run.code, 2, args.join(" "));
      assert.match(run.stderr, message);
    }
  });

  it("runs as a real process: exit codes, and a stack export on stdin", () => {
    const run = spawnCli(["scan", "--format", "json", "app/settings.py"], dir);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(
      JSON.parse(run.stdout).findings.length,
      corpus.planted.filter((p) => p.file === "app/settings.py").length,
    );
    assertNoSecret(run);
    const clean = spawnCli(
      ["scan", "--stack-export", "-"],
      dir,
      JSON.stringify({ version: 3, deployment: { resources: [] } }),
    );
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /no credentials found/);
  });
});

describe("tokenguard scan: the progress line", () => {
  const stream = (isTTY: boolean) => {
    const written: string[] = [];
    return {
      written,
      isTTY,
      columns: 40,
      write: ((s: string) => written.push(s) > 0) as NodeJS.WriteStream["write"],
    };
  };
  const stats = { files: 1200, bytes: 52_400_000, skipped: { binary: 0, large: 0, minified: 0 } };

  it("appears on a terminal once a scan has run a second, on stderr's one line, and is cleared", () => {
    let now = 0;
    const tty = stream(true);
    const meter = progressMeter(tty, () => now);
    meter.update!(stats, "src/a.ts");
    assert.deepEqual(tty.written, [], "nothing in the first second");
    now = 1500;
    meter.update!(stats, "src/a.ts");
    now = 1550;
    meter.update!(stats, "src/b.ts"); // throttled: 10 updates a second at most
    assert.equal(tty.written.length, 1);
    assert.equal(tty.written[0], `\r${"scanning 1200 files, 52.4 MB  src/a.ts".padEnd(39)}`);
    meter.done();
    assert.equal(tty.written[1], `\r${" ".repeat(39)}\r`);
  });

  it("never appears when stderr is not a terminal", () => {
    const pipe = stream(false);
    const meter = progressMeter(pipe);
    assert.equal(meter.update, undefined);
    meter.done();
    assert.deepEqual(pipe.written, []);
  });
});
