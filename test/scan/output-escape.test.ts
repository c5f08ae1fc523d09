/**
 * Scan output cannot be forged or hijacked by what it prints: a file name with a newline cannot
 * print a fake finding line, and terminal escapes in names, URNs or property paths are shown
 * escaped — in text, json and sarif, and on the progress line.
 */
import { strict as assert } from "node:assert";
import { writeFileSync } from "node:fs";
import * as path from "node:path";
import pc from "picocolors";
import { progressMeter } from "../../lib/cli/scan";
import { formatText } from "../../lib/scan/format";
import type { ScanFinding } from "../../lib/scan/findings";
import { sarifValidator } from "../helpers/sarif";
import { credentialMakers, rng } from "./corpus";
import { runCli, tempDir } from "./helpers";

const m = credentialMakers(rng(404));
const ESC = "\u001b";
// eslint-disable-next-line no-control-regex -- the characters under test
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e]/;

describe("scan: output escapes what it prints", () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir("escape")));
  afterEach(() => cleanup());

  const forged = `x\nfake.ts:1:1  critical github-token  forged finding\n${ESC}[2J.env`;

  it("text: a newline in a file name cannot print a fake finding line; ANSI escapes are shown", async () => {
    writeFileSync(path.join(dir, forged), `T=${m.githubClassic()}\n`);
    const run = await runCli(["scan"], dir);
    assert.equal(run.code, 1, run.stderr);
    const lines = run.stdout.trimEnd().split("\n");
    assert.equal(lines.length, 2, run.stdout);
    assert.ok(
      lines[0].startsWith(
        "x\\nfake.ts:1:1  critical github-token  forged finding\\n\\x1b[2J.env:1:3 ",
      ),
    );
    assert.doesNotMatch(run.stdout, RAW_CONTROL);
  });

  it("json keeps the name (JSON escapes it); sarif percent-encodes it in the URI", async () => {
    writeFileSync(path.join(dir, forged), `T=${m.githubClassic()}\n`);
    const json = await runCli(["scan", "--format", "json"], dir);
    assert.equal(JSON.parse(json.stdout).findings[0].file, forged);
    assert.doesNotMatch(json.stdout, RAW_CONTROL);
    const sarif = await runCli(["scan", "--format", "sarif"], dir);
    assert.doesNotMatch(sarif.stdout, RAW_CONTROL);
    const log = JSON.parse(sarif.stdout);
    assert.ok(sarifValidator()(log));
    const uri = log.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri;
    assert.equal(decodeURIComponent(uri), forged);
    assert.doesNotMatch(uri, /[\s#?]/);
  });

  it("stack-export findings: URN and property path are escaped in text and sarif messages", async () => {
    const urn = `urn:pulumi:prod::app::random:index/randomPassword:RandomPassword::db${ESC}[31m`;
    const exp = {
      version: 3,
      deployment: {
        resources: [
          {
            urn,
            type: "random:index/randomPassword:RandomPassword",
            outputs: { [`note\n${ESC}[2J`]: m.githubClassic(), result: m.password() },
          },
        ],
      },
    };
    writeFileSync(path.join(dir, "export.json"), JSON.stringify(exp));
    for (const format of ["text", "sarif"]) {
      const run = await runCli(["scan", "--stack-export", "export.json", "--format", format], dir);
      assert.equal(run.code, 1, run.stderr);
      assert.doesNotMatch(run.stdout, RAW_CONTROL, format);
      if (format === "text") assert.match(run.stdout, /db\\x1b\[31m outputs\.result/);
    }
  });

  it("report's table escapes names from state too", async () => {
    const exp = {
      version: 3,
      deployment: {
        resources: [
          {
            urn: `urn:pulumi:prod::app::vault:index/token:Token::ci${ESC}[2J\nfake  ok`,
            type: "vault:index/token:Token",
            custom: true,
            inputs: { ttl: "1h", policies: ["ci"] },
            outputs: {},
          },
        ],
      },
    };
    writeFileSync(path.join(dir, "export.json"), JSON.stringify(exp));
    const run = await runCli(
      [
        "report",
        "--stack-export",
        "export.json",
        "--format",
        "table",
        "--now",
        "2026-01-01T00:00:00Z",
      ],
      dir,
    );
    assert.doesNotMatch(run.stdout, RAW_CONTROL, run.stdout);
    assert.match(run.stdout, /ci\\x1b\[2J\\nfake/);
  });

  it("formatText escapes each field it is given", () => {
    const f: ScanFinding = {
      rule: "github-token",
      severity: "critical",
      file: `a\r\u202eb.ts`,
      line: 1,
      column: 1,
      endLine: 1,
      endColumn: 2,
      fingerprint: "0".repeat(32),
    };
    const text = formatText([f], {}, pc.createColors(false));
    assert.match(text, /^a\\r\\u202eb\.ts:1:1 /);
  });

  it("the progress line escapes the file name", () => {
    const written: string[] = [];
    let now = 0;
    const meter = progressMeter(
      {
        isTTY: true,
        columns: 80,
        write: ((s: string) => written.push(s) > 0) as NodeJS.WriteStream["write"],
      },
      () => now,
    );
    now = 2000;
    const stats = { files: 1, bytes: 1, skipped: { binary: 0, large: 0, minified: 0 } };
    meter.update!(stats, `evil${ESC}]0;title\u0007.ts`);
    assert.equal(written.length, 1);
    assert.ok(!written[0].slice(1).includes(ESC) && !written[0].includes("\u0007"), written[0]);
  });
});
