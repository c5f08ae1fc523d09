/**
 * What `tokenguard scan` reads in hostile or careless trees: files git tracks though .gitignore
 * names them, vendored and VCS folders, non-UTF-8 file names, trees deeper than PATH_MAX.
 */
import { strict as assert } from "node:assert";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { scanPaths } from "../../lib/scan/scanner";
import { credentialMakers, rng, writeFiles } from "./corpus";
import { runCli, tempDir } from "./helpers";

const m = credentialMakers(rng(1515));

function git(dir: string, ...args: string[]): string {
  return execFileSync(
    "git",
    [
      "-c",
      "user.email=t@example.com",
      "-c",
      "user.name=t",
      "-c",
      "init.defaultBranch=main",
      ...args,
    ],
    { cwd: dir, encoding: "utf8" },
  );
}

const filesOf = (r: { findings: { file: string }[] }) =>
  [...new Set(r.findings.map((f) => f.file))].sort();

describe("scan: what it reads", () => {
  let dir: string;
  let cleanup: () => void;
  beforeEach(() => ({ dir, cleanup } = tempDir("tree")));
  afterEach(() => cleanup());

  describe("inside a git work tree, tracked files are always scanned", () => {
    beforeEach(() => git(dir, "init", "-q"));

    it("a file committed before .gitignore named it", async () => {
      writeFiles(dir, { "creds.env": `TOKEN=${m.githubClassic()}\n`, "app.ts": "export {};\n" });
      git(dir, "add", "-A");
      git(dir, "commit", "-qm", "one");
      writeFiles(dir, { ".gitignore": "creds.env\n" });
      const result = await scanPaths([dir], { cwd: dir });
      assert.deepEqual(filesOf(result), ["creds.env"]);
    });

    it("a PR that adds an ignore line for a committed directory, and a staged-only file", async () => {
      writeFiles(dir, {
        "deploy/keys.txt": `key = "${m.stripe()}"\n`,
        "src/a.ts": "export {};\n",
      });
      git(dir, "add", "-A");
      git(dir, "commit", "-qm", "one");
      writeFiles(dir, { ".gitignore": "deploy/\n*.local\n", "staged.local": `T=${m.npm()}\n` });
      git(dir, "add", "-f", "staged.local");
      writeFiles(dir, { "untracked.local": `T=${m.npm()}\n` });
      const result = await scanPaths([dir], { cwd: dir });
      assert.deepEqual(filesOf(result), ["deploy/keys.txt", "staged.local"]);
    });

    it("the same when scanning a subdirectory, and untracked ignored files stay unread", async () => {
      writeFiles(dir, { "sub/old.env": `T=${m.gitlab()}\n` });
      git(dir, "add", "-A");
      git(dir, "commit", "-qm", "one");
      writeFiles(dir, { ".gitignore": "*.env\n", "sub/new.env": `T=${m.gitlab()}\n` });
      const result = await scanPaths([path.join(dir, "sub")], { cwd: dir });
      assert.deepEqual(filesOf(result), ["sub/old.env"]);
      assert.equal(result.stats.files, 1);
    });

    it("untracked files that are not ignored are scanned too", async () => {
      writeFiles(dir, { ".gitignore": "build/\n", "new.ts": `const t = "${m.npm()}";\n` });
      const result = await scanPaths([dir], { cwd: dir });
      assert.deepEqual(filesOf(result), ["new.ts"]);
    });
  });

  describe("vendored and VCS folders", () => {
    const vendored = () => ({
      "app.ts": `const t = "${m.githubClassic()}";\n`,
      "node_modules/pkg/index.js": `module.exports = "${m.githubClassic()}";\n`,
      "lib/node_modules/dep/x.js": `x = "${m.githubClassic()}";\n`,
      ".hg/store/data": `token=${m.githubClassic()}\n`,
      ".svn/pristine/f": `token=${m.githubClassic()}\n`,
    });

    it("skips node_modules, .hg and .svn without a .gitignore; --include-vendored scans them", async () => {
      writeFiles(dir, vendored());
      assert.deepEqual(filesOf(await scanPaths([dir], { cwd: dir })), ["app.ts"]);
      const all = await scanPaths([dir], { cwd: dir, includeVendored: true });
      assert.deepEqual(filesOf(all), [
        ".hg/store/data",
        ".svn/pristine/f",
        "app.ts",
        "lib/node_modules/dep/x.js",
        "node_modules/pkg/index.js",
      ]);
    });

    it("the CLI: skipped by default, --include-vendored scans them", async () => {
      writeFiles(dir, vendored());
      const plain = JSON.parse((await runCli(["scan", "--format", "json"], dir)).stdout);
      assert.deepEqual(filesOf(plain), ["app.ts"]);
      const all = JSON.parse(
        (await runCli(["scan", "--format", "json", "--include-vendored"], dir)).stdout,
      );
      assert.equal(filesOf(all).length, 5);
    });

    it("in git: tracked vendored files are scanned; untracked ones only with the flag", async () => {
      git(dir, "init", "-q");
      writeFiles(dir, { "node_modules/kept/index.js": `t = "${m.stripe()}";\n` });
      git(dir, "add", "-A");
      git(dir, "commit", "-qm", "vendored on purpose");
      writeFiles(dir, { "node_modules/fresh/index.js": `t = "${m.stripe()}";\n` });
      writeFiles(dir, {
        ".git/config-extra": `url = https://u:${m.githubClassic()}@example.com\n`,
      });
      assert.deepEqual(filesOf(await scanPaths([dir], { cwd: dir })), [
        "node_modules/kept/index.js",
      ]);
      const all = await scanPaths([dir], { cwd: dir, includeVendored: true });
      assert.deepEqual(filesOf(all), [
        ".git/config-extra",
        "node_modules/fresh/index.js",
        "node_modules/kept/index.js",
      ]);
    });
  });

  describe("file names are bytes", () => {
    const weird = Buffer.from([0x63, 0x72, 0x65, 0x64, 0xff, 0xfe, 0x2e, 0x65, 0x6e, 0x76]); // "cred\xff\xfe.env"

    const plant = (root: string) => {
      writeFileSync(Buffer.concat([Buffer.from(`${root}/`), weird]), `T=${m.githubClassic()}\n`);
      writeFiles(root, { "ok.env": `T=${m.githubClassic()}\n` });
    };

    it("a non-UTF-8 name is scanned and shown with \\x escapes (plain directory)", async () => {
      plant(dir);
      const run = await runCli(["scan", "--format", "json"], dir);
      assert.equal(run.code, 1, run.stderr);
      assert.deepEqual(filesOf(JSON.parse(run.stdout)), ["cred\\xff\\xfe.env", "ok.env"]);
    });

    it("the same inside git, tracked or untracked", async () => {
      git(dir, "init", "-q");
      mkdirSync(path.join(dir, "t"));
      plant(path.join(dir, "t"));
      git(dir, "add", "t");
      git(dir, "commit", "-qm", "weird");
      mkdirSync(path.join(dir, "u"));
      plant(path.join(dir, "u"));
      const run = await runCli(["scan", "--format", "json"], dir);
      assert.equal(run.code, 1, run.stderr);
      assert.deepEqual(filesOf(JSON.parse(run.stdout)), [
        "t/cred\\xff\\xfe.env",
        "t/ok.env",
        "u/cred\\xff\\xfe.env",
        "u/ok.env",
      ]);
      const text = await runCli(["scan"], dir);
      assert.match(text.stdout, /^t\/cred\\xff\\xfe\.env:1:3 /m);
    });
  });

  describe("a tree deeper than PATH_MAX", function () {
    this.timeout(120_000);
    let deep: string;
    beforeEach(() => {
      ({ dir: deep } = tempDir("deep"));
      // Built with relative steps in a child process (the kernel refuses an absolute path that
      // long, but not a chdir one level down).
      const script = `
        const fs = require("node:fs");
        const [top, mid, bottom] = process.argv.slice(1);
        fs.writeFileSync("top.env", "T=" + top + "\\n");
        for (let i = 1; i <= 2100; i++) {
          fs.mkdirSync("a");
          process.chdir("a");
          if (i === 10) fs.writeFileSync("mid.env", "T=" + mid + "\\n");
        }
        fs.writeFileSync("bottom.env", "T=" + bottom + "\\n");`;
      const made = spawnSync(process.execPath, ["-e", script, m.npm(), m.npm(), m.npm()], {
        cwd: deep,
      });
      assert.equal(made.status, 0, String(made.stderr));
    });
    afterEach(() => spawnSync("rm", ["-rf", deep]));

    it("scans what can be read and reports what cannot, clearly; no raw ENAMETOOLONG", async () => {
      for (const gitMode of [false, true]) {
        if (gitMode) git(deep, "init", "-q");
        const run = await runCli(["scan", "--format", "json"], deep);
        assert.equal(run.code, 1, `${gitMode}: ${run.stderr}`);
        const doc = JSON.parse(run.stdout);
        const found = filesOf(doc);
        assert.ok(
          found.includes("top.env") && found.some((f) => f.endsWith("/mid.env")),
          found.join(),
        );
        const unread = doc.skippedFiles.filter(
          (s: { reason: string }) => s.reason === "unreadable",
        );
        assert.ok(unread.length >= 1, JSON.stringify(doc.skippedFiles).slice(0, 400));
        assert.match(unread[0].detail, /path is too long/);
        assert.doesNotMatch(run.stderr, /ENAMETOOLONG:/);
      }
    });

    it("with nothing found, a scan that could not read everything exits 2 and says so", async () => {
      spawnSync("bash", ["-c", "rm top.env a/a/a/a/a/a/a/a/a/a/mid.env"], { cwd: deep });
      const run = await runCli(["scan"], deep);
      assert.equal(run.code, 2, run.stdout);
      assert.match(run.stdout, /skipped .*unreadable: path is too long/);
      assert.match(run.stderr, /could not read 1 path/);
    });
  });
});
