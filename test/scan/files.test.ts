import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { applyBaseline, baselineFingerprints, loadBaseline } from "../../lib/scan/baseline";
import { FINGERPRINT_SCHEME } from "../../lib/scan/fingerprint";
import { scanPaths } from "../../lib/scan/scanner";
import { parseAddedLines, scanStaged } from "../../lib/scan/staged";
import { bytePath } from "../../lib/scan/paths";
import { walkFiles } from "../../lib/scan/walk";
import { credentialMakers, rng, writeFiles } from "./corpus";
import { tempDir } from "./helpers";

const m = credentialMakers(rng(21));

async function walked(dir: string): Promise<string[]> {
  const out: string[] = [];
  for await (const f of walkFiles([dir])) {
    out.push(path.relative(dir, f.path).split(path.sep).join("/"));
  }
  return out;
}

describe("scan: walking files with .gitignore", () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir("walk")));
  afterEach(() => cleanup());

  it("honours nested .gitignore files, negation, ignored directories and .git/info/exclude", async () => {
    mkdirSync(path.join(dir, ".git", "info"), { recursive: true });
    writeFiles(dir, {
      ".git/info/exclude": "local.env\n",
      ".git/config": "[core]\n",
      ".gitignore": "*.log\nbuild/\n.env*\n!.env.example\n",
      "a.ts": "",
      "debug.log": "",
      "local.env": "",
      ".env": "",
      ".env.example": "",
      "build/out.js": "",
      "pkg/.gitignore": "generated/\n!keep.log\n",
      "pkg/keep.log": "",
      "pkg/other.log": "",
      "pkg/generated/x.ts": "",
      "pkg/src/y.ts": "",
    });
    assert.deepEqual(await walked(dir), [
      ".env.example",
      ".gitignore",
      "a.ts",
      "pkg/.gitignore",
      "pkg/keep.log",
      "pkg/src/y.ts",
    ]);
  });

  it("applies the repository's .gitignore when scanning a subdirectory, and scans named files anyway", async () => {
    mkdirSync(path.join(dir, ".git"));
    writeFiles(dir, { ".gitignore": "secrets.txt\n", "sub/secrets.txt": "", "sub/ok.txt": "" });
    assert.deepEqual(await walked(path.join(dir, "sub")), ["ok.txt"]);
    const named: string[] = [];
    for await (const f of walkFiles([path.join(dir, "sub", "secrets.txt")]))
      named.push(path.basename(f.path));
    assert.deepEqual(named, ["secrets.txt"]);
  });

  it("skips binary (by content), minified and oversized files and counts them", async () => {
    const token = m.githubClassic();
    writeFileSync(
      path.join(dir, "blob.dat"),
      Buffer.concat([Buffer.from([0, 1, 2]), Buffer.from(token)]),
    );
    writeFileSync(
      path.join(dir, "logo.png"),
      Buffer.concat([Buffer.from([0x89, 0x50, 0, 0]), Buffer.from(token)]),
    );
    writeFileSync(path.join(dir, "bundle.min.js"), `var a="${token}";${"x=1;".repeat(100_000)}`);
    writeFileSync(path.join(dir, "huge.txt"), `t=${token}\n${"y\n".repeat(600_000)}`);
    writeFileSync(path.join(dir, "ok.env"), `T=${token}\n`);
    const result = await scanPaths([dir], { cwd: dir, maxFileSize: 1024 * 1024 });
    assert.deepEqual(
      result.findings.map((f) => f.file),
      ["ok.env"],
    );
    assert.deepEqual(result.stats.skipped, { binary: 2, large: 1, minified: 1 });
    assert.equal(result.stats.files, 1);
  });

  it("fails with the file's name when a path does not exist", async () => {
    await assert.rejects(scanPaths(["nope"], { cwd: dir }), /nope: no such file or directory/);
  });
});

describe("scan: baselines suppress by fingerprint", () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir("baseline")));
  afterEach(() => cleanup());

  it("keeps suppressing a known secret after the code moves to another file and line", async () => {
    const known = m.stripe();
    writeFiles(dir, { "src/pay.ts": `export const key = "${known}";\n` });
    const first = await scanPaths([dir], { cwd: dir });
    assert.equal(first.findings.length, 1);
    const baseline = path.join(dir, "..", `${path.basename(dir)}.baseline.json`);
    const scheme = { scheme: FINGERPRINT_SCHEME };
    writeFileSync(baseline, JSON.stringify({ findings: first.findings, fingerprints: scheme }));

    // Move: new file name, new line, different surrounding code.
    renameSync(path.join(dir, "src", "pay.ts"), path.join(dir, "src", "billing.ts"));
    writeFileSync(
      path.join(dir, "src", "billing.ts"),
      `// billing\n\n\nconst cfg = {\n  stripe: '${known}',\n};\n`,
    );
    const fresh = m.githubClassic();
    writeFiles(dir, { "src/new.ts": `const t = "${fresh}";\n` });
    const moved = await scanPaths([dir], { cwd: dir });
    assert.equal(moved.findings.length, 2);
    const { findings, suppressed } = applyBaseline(moved.findings, loadBaseline(baseline));
    assert.equal(suppressed, 1);
    assert.deepEqual(
      findings.map((f) => [f.file, f.rule]),
      [["src/new.ts", "github-token"]],
    );
  });

  it("does not suppress a different secret on the baselined line", async () => {
    writeFiles(dir, { ".env": `STRIPE=${m.stripe()}\n` });
    const before = await scanPaths([dir], { cwd: dir });
    writeFiles(dir, { ".env": `STRIPE=${m.stripe()}\n` });
    const after = await scanPaths([dir], { cwd: dir });
    const known = baselineFingerprints(
      { findings: before.findings, fingerprints: { scheme: FINGERPRINT_SCHEME } },
      "b.json",
    );
    assert.equal(known.current.size, 1);
    assert.equal(applyBaseline(after.findings, known).findings.length, 1);
  });

  it("reads SARIF output as a baseline too, and names the problem in a bad one", () => {
    const result = { partialFingerprints: { "tokenguard/v2": "def", "tokenguard/v1": "abc" } };
    const sarif = { runs: [{ properties: { fingerprintKeyId: "0123" }, results: [result] }] };
    const known = baselineFingerprints(sarif, "b.sarif");
    assert.deepEqual([...known.current], ["def"]);
    assert.deepEqual([...known.legacy], ["abc"]);
    assert.equal(known.keyId, "0123");
    assert.throws(
      () => baselineFingerprints({ findings: [{}] }, "b.json"),
      /findings\[0\]\.fingerprint must be a string/,
    );
    assert.throws(() => baselineFingerprints([], "b.json"), /tokenguard scan --format json/);
    assert.throws(
      () => loadBaseline(path.join(dir, "missing.json")),
      /missing\.json: cannot be read \(ENOENT\)/,
    );
    const token = m.githubClassic();
    writeFileSync(path.join(dir, "bad.json"), `{"findings": [${token}]}`);
    assert.throws(
      () => loadBaseline(path.join(dir, "bad.json")),
      (e: Error) =>
        /is not JSON \(JSON does not parse( at character \d+)?\)$/.test(e.message) &&
        !e.message.includes(token.slice(0, 6)),
    );
  });
});

describe("scan --staged: what the next commit adds", function () {
  this.timeout(30000);
  let dir: string;
  let cleanup: () => void;
  const git = (...args: string[]) =>
    execFileSync(
      "git",
      [
        "-c",
        "user.email=t@example.org",
        "-c",
        "user.name=t",
        "-c",
        "commit.gpgsign=false",
        ...args,
      ],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
  beforeEach(() => {
    ({ dir, cleanup } = tempDir("staged"));
    git("init", "-q", "-b", "main");
  });
  afterEach(() => cleanup());

  it("sees staged content only: not unstaged edits, untracked files or committed lines", async () => {
    const committed = m.githubClassic();
    const staged = m.stripe();
    const unstaged = m.npm();
    const untracked = m.slack();
    writeFiles(dir, { "app.env": `OLD=${committed}\n` });
    git("add", "app.env");
    git("commit", "-q", "-m", "init");
    writeFiles(dir, {
      "app.env": `OLD=${committed}\nNEW=${staged}\n`,
      "odd name.env": `N=${m.pulumi()}\n`,
    });
    git("add", "app.env", "odd name.env");
    // After staging: the working tree changes again, and an untracked file appears.
    writeFiles(dir, {
      "app.env": `OLD=${committed}\nNEW=${staged}\nLATER=${unstaged}\n`,
      "new.env": `U=${untracked}\n`,
    });
    const result = await scanStaged({ cwd: dir });
    assert.deepEqual(
      result.findings.map((f) => [f.file, f.line, f.rule]),
      [
        ["app.env", 2, "stripe-key"],
        ["odd name.env", 1, "pulumi-access-token"],
      ],
    );
  });

  it("scans staged files whatever their names' bytes (non-UTF-8, a newline), and reports binaries as skipped", async () => {
    const weird = Buffer.concat([
      Buffer.from(`${dir}/k`),
      Buffer.from([0xff]),
      Buffer.from(".env"),
    ]);
    writeFileSync(weird, `T=${m.githubClassic()}\n`);
    writeFiles(dir, { "line\nbreak.env": `T=${m.stripe()}\n` });
    writeFileSync(path.join(dir, "blob.bin"), Buffer.from([0, 1, 2, 3]));
    git("add", "-A");
    const result = await scanStaged({ cwd: dir });
    assert.deepEqual(
      result.findings.map((f) => [f.file, f.rule]),
      [
        ["k\\xff.env", "github-token"],
        ["line\nbreak.env", "stripe-key"],
      ],
    );
    assert.deepEqual(
      result.skippedFiles.map((s) => [s.file, s.reason]),
      [["blob.bin", "binary"]],
    );
  });

  it("reports paths relative to the working directory inside the repository", async () => {
    writeFiles(dir, { "svc/a/.env": `T=${m.githubClassic()}\n` });
    git("add", ".");
    const result = await scanStaged({ cwd: path.join(dir, "svc") });
    assert.deepEqual(
      result.findings.map((f) => f.file),
      ["a/.env"],
    );
  });

  it("fails clearly outside a git repository", async () => {
    const outside = tempDir("nogit");
    try {
      await assert.rejects(
        scanStaged({ cwd: outside.dir }),
        /git rev-parse failed: .*not a git repository/i,
      );
    } finally {
      outside.cleanup();
    }
  });

  it("parses added line ranges from a zero-context diff", () => {
    const diff = [
      "diff --git a/x b/x",
      "--- a/x",
      "+++ b/x",
      "@@ -1,0 +2,3 @@",
      "@@ -9 +12 @@",
      "+++ /dev/null",
      '+++ "b/t\\303\\251st\\tx"',
      "@@ -0,0 +1 @@",
    ].join("\n");
    const added = parseAddedLines(diff);
    assert.deepEqual([...(added.get(bytePath("x")) ?? [])], [2, 3, 4, 12]);
    assert.deepEqual([...(added.get(bytePath("tést\tx")) ?? [])], [1]);
  });
});
