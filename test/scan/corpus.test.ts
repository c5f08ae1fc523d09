import { strict as assert } from "node:assert";
import * as path from "node:path";
import { scanContent, scanPaths, type ScanResult } from "../../lib/scan/scanner";
import { lookAlikeCorpus, plantedCorpus, writeFiles, type Corpus } from "./corpus";
import { tempDir } from "./helpers";

const key = (f: { file: string; line: number; rule: string }) => `${f.file}:${f.line} ${f.rule}`;

describe("scan: the planted-credential corpus", function () {
  this.timeout(60000);
  let corpus: Corpus;
  let result: ScanResult;
  let dir: string;
  let cleanup: () => void;

  before(async () => {
    ({ dir, cleanup } = tempDir("corpus"));
    corpus = plantedCorpus();
    writeFiles(dir, corpus.files);
    result = await scanPaths([dir], { cwd: dir });
  });
  after(() => cleanup());

  it("plants every credential class the issue lists", () => {
    const classes = new Set(corpus.planted.map((p) => p.cls));
    for (const cls of [
      "aws",
      "github-classic",
      "github-fine-grained",
      "github-oauth",
      "github-app",
      "gitlab",
      "slack",
      "stripe",
      "vault",
      "pulumi",
      "npm",
      "google",
      "sendgrid",
      "twilio",
      "openai",
      "anthropic",
      "private-key",
      "gcp-service-account",
      "url-password",
      "generic",
      "tokenguard",
      "pulumi-config",
    ]) {
      assert.ok(classes.has(cls), `no planted ${cls} credential`);
    }
    assert.ok(corpus.planted.length >= 40, `only ${corpus.planted.length} planted`);
  });

  it("finds every planted credential, with the expected rule, on its line (recall = 100%)", () => {
    const found = new Set(result.findings.map(key));
    const missed = corpus.planted.filter((p) => !found.has(key(p))).map(key);
    assert.deepEqual(missed, []);
  });

  it("reports nothing that was not planted (no false positives among realistic files)", () => {
    const planted = new Set(corpus.planted.map(key));
    const extra = result.findings.filter((f) => !planted.has(key(f))).map(key);
    assert.deepEqual(extra, []);
  });

  it("reports each planted credential once", () => {
    const keys = result.findings.map(key);
    assert.equal(new Set(keys).size, keys.length, "duplicate findings for one credential");
  });

  it("gives distinct credentials distinct fingerprints, and never the value", () => {
    const fps = result.findings.map((f) => f.fingerprint);
    assert.equal(new Set(fps).size, fps.length);
    const text = JSON.stringify(result);
    for (const p of corpus.planted) assert.ok(!text.includes(p.value), `${key(p)} leaked`);
  });
});

describe("scan: recall and precision hold for other random draws of the corpus", function () {
  this.timeout(120000);
  it("seeds 1000..1011: every planted credential found with its rule, nothing else", async () => {
    const problems: string[] = [];
    for (let seed = 1000; seed < 1012; seed++) {
      const corpus = plantedCorpus(seed);
      const found: string[] = [];
      for (const [name, text] of Object.entries(corpus.files)) {
        for (const f of await scanContent(text, name)) found.push(key(f));
      }
      const want = corpus.planted.map(key);
      for (const w of want) if (!found.includes(w)) problems.push(`seed ${seed}: missed ${w}`);
      for (const f of found) if (!want.includes(f)) problems.push(`seed ${seed}: extra ${f}`);
    }
    assert.deepEqual(problems, []);
  });
});

describe("scan: the look-alike corpus stays silent", function () {
  this.timeout(60000);
  let dir: string;
  let cleanup: () => void;
  let files: Record<string, string>;
  before(() => {
    ({ dir, cleanup } = tempDir("lookalike"));
    files = lookAlikeCorpus();
    writeFiles(dir, files);
  });
  after(() => cleanup());

  it("has zero findings: examples, placeholders, references, hashes, UUIDs, integrity, data URIs", async () => {
    const result = await scanPaths([dir], { cwd: dir });
    assert.deepEqual(result.findings.map(key), []);
    assert.equal(result.stats.files, Object.keys(files).length);
  });

  it("is not trivially silent: secretlint's preset alone reports several of these files", async () => {
    // The noise filters are what keep them quiet, not an absence of credential-shaped text.
    const { lintSource } = await import("@secretlint/core");
    const { creator } = await import("@secretlint/secretlint-rule-preset-recommend");
    const config = {
      rules: [{ id: "@secretlint/secretlint-rule-preset-recommend", rule: creator }],
    };
    const reported: string[] = [];
    for (const [name, content] of Object.entries(files)) {
      if (name.includes("allowed")) continue; // real tokens, silenced by allow comments
      const r = await lintSource({
        source: { filePath: name, content, ext: path.extname(name), contentType: "text" },
        options: { config, maskSecrets: true },
      });
      if (r.messages.length > 0) reported.push(name);
    }
    assert.ok(reported.length >= 3, `secretlint reports only ${reported.join(", ")}`);
  });
});
