/**
 * Skipping is decided by content, never by name, and every skipped file is reported with its
 * reason in text, json and sarif. (A text file named creds.db was skipped unread; a 370 KB .js
 * whose first line was long was judged minified and skipped whole.)
 */
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { classify, scanPaths } from "../../lib/scan/scanner";
import { sarifValidator } from "../helpers/sarif";
import { credentialMakers, rng } from "./corpus";
import { runCli, tempDir } from "./helpers";

const m = credentialMakers(rng(2024));

describe("scan: skipping by content, reported", () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir("skips")));
  afterEach(() => cleanup());

  it("scans text files whatever their extension (creds.db, deploy.bin, logo.png)", async () => {
    for (const name of ["creds.db", "deploy.bin", "logo.png", "archive.zip", "k.sqlite"]) {
      writeFileSync(path.join(dir, name), `token: ${m.githubClassic()}\n`);
    }
    const result = await scanPaths([dir], { cwd: dir });
    assert.deepEqual(result.findings.map((f) => f.file).sort(), [
      "archive.zip",
      "creds.db",
      "deploy.bin",
      "k.sqlite",
      "logo.png",
    ]);
    assert.deepEqual(result.skippedFiles, []);
  });

  it("judges minified over the whole file: a 370 KB .js with one 70 KB line is scanned", async () => {
    const longLine = `const data = "${"ab".repeat(35_000)}";`;
    const body = Array.from({ length: 8_000 }, (_, i) => `export const v${i} = ${i} * 2; // row`);
    const secretLine = `const token = "${m.githubClassic()}";`;
    const text = [longLine, ...body.slice(0, 4000), secretLine, ...body.slice(4000)].join("\n");
    assert.ok(text.length > 370_000, String(text.length));
    writeFileSync(path.join(dir, "app.js"), text);
    assert.equal(classify(Buffer.from(text)), "text");
    const result = await scanPaths([dir], { cwd: dir });
    assert.deepEqual(
      result.findings.map((f) => [f.file, f.line]),
      [["app.js", 4002]],
    );
  });

  it("still skips a real bundle, a file with NUL bytes and an oversized file — each reported", async () => {
    const token = m.githubClassic();
    writeFileSync(path.join(dir, "bundle.js"), `var a="${token}";${"x=1;".repeat(100_000)}`);
    writeFileSync(
      path.join(dir, "blob.txt"),
      Buffer.concat([Buffer.from([0, 1]), Buffer.from(token)]),
    );
    writeFileSync(path.join(dir, "huge.env"), `T=${token}\n${"y\n".repeat(600_000)}`);
    const result = await scanPaths([dir], { cwd: dir, maxFileSize: 1024 * 1024 });
    assert.deepEqual(result.findings, []);
    assert.deepEqual(
      result.skippedFiles.map((s) => [s.file, s.reason]),
      [
        ["blob.txt", "binary"],
        ["bundle.js", "minified"],
        ["huge.env", "large"],
      ],
    );
    for (const s of result.skippedFiles) assert.ok(s.detail.length > 10, s.detail);
    assert.deepEqual(result.stats.skipped, { binary: 1, large: 1, minified: 1 });
  });

  describe("reported in every format", () => {
    beforeEach(() => {
      writeFileSync(path.join(dir, "blob.bin"), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]));
      writeFileSync(path.join(dir, "ok.env"), `T=${m.npm()}\n`);
    });

    it("json: skippedFiles with file, reason and detail", async () => {
      const doc = JSON.parse((await runCli(["scan", "--format", "json"], dir)).stdout);
      assert.deepEqual(doc.skippedFiles, [
        { file: "blob.bin", reason: "binary", detail: doc.skippedFiles[0].detail },
      ]);
      assert.match(doc.skippedFiles[0].detail, /NUL/);
    });

    it("text: one line per skipped file, before the summary", async () => {
      const run = await runCli(["scan"], dir);
      const lines = run.stdout.trimEnd().split("\n");
      assert.match(lines.at(-2)!, /^blob\.bin {2}skipped \(binary: /);
      assert.match(lines.at(-1)!, /skipped 1 binary/);
    });

    it("sarif: a notification per skipped file, still a valid log", async () => {
      const run = await runCli(["scan", "--format", "sarif"], dir);
      const log = JSON.parse(run.stdout);
      const validate = sarifValidator();
      assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 3)));
      const notes = log.runs[0].invocations[0].toolExecutionNotifications;
      assert.equal(notes.length, 1);
      assert.equal(notes[0].locations[0].physicalLocation.artifactLocation.uri, "blob.bin");
      assert.equal(notes[0].descriptor.id, "skipped-binary");
      assert.match(notes[0].message.text, /skipped \(binary: /);
      assert.equal(log.runs[0].invocations[0].executionSuccessful, true);
    });
  });
});
