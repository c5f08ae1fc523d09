/**
 * Scan fingerprints are keyed with a secret per repository, so a published SARIF file does not
 * let anyone test guesses: a dictionary attack on the fingerprint of "Summer2024!" fails without
 * the key (and, as a control, succeeds with it). Baselines keep working, old ones included.
 */
import { strict as assert } from "node:assert";
import { createHmac } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { ROOT, runCli, tempDir } from "./helpers";

const WEAK = "Summer2024!";
/** A small dictionary with the password in it, as an attacker would try. */
const DICTIONARY = ["password", "Welcome1!", "Winter2023!", "Spring2024!", WEAK, "Autumn2024!"];
/** The public key fingerprints were made with before (anyone could read it in the source). */
const OLD_PUBLIC_KEY = "tokenguard/scan/fingerprint/v1";

const hmac = (key: string, ...parts: string[]) =>
  createHmac("sha256", key).update(parts.join("\0")).digest("hex").slice(0, 32);

/** Every way an attacker without the key could compute a fingerprint of `word`. */
function guesses(rule: string, word: string): string[] {
  const keys = [OLD_PUBLIC_KEY, "", "tokenguard", "tokenguard/scan/v2"];
  return keys.flatMap((k) => [hmac(k, rule, word), hmac(k, "tokenguard/scan/v2", rule, word)]);
}

describe("scan: fingerprint keys", function () {
  this.timeout(60_000);
  let dir: string;
  let cleanup: () => void;
  const saved = { key: process.env.TOKENGUARD_FINGERPRINT_KEY, ci: process.env.CI };
  beforeEach(() => {
    ({ dir, cleanup } = tempDir("fpkey"));
    delete process.env.TOKENGUARD_FINGERPRINT_KEY;
    delete process.env.CI;
    writeFileSync(path.join(dir, "app.env"), `DB_PASSWORD=${WEAK}\n`);
  });
  afterEach(() => {
    for (const [k, v] of [
      ["TOKENGUARD_FINGERPRINT_KEY", saved.key],
      ["CI", saved.ci],
    ] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    cleanup();
  });

  const sarifResult = async () => {
    const run = await runCli(["scan", "--format", "sarif"], dir);
    assert.equal(run.code, 1, run.stderr);
    const log = JSON.parse(run.stdout);
    const [result] = log.runs[0].results;
    assert.ok(result, "the weak password is a finding");
    return { log, result, stderr: run.stderr };
  };

  it("a dictionary attack on a SARIF fingerprint of Summer2024! fails without the key", async () => {
    const { log, result } = await sarifResult();
    const fp: string = result.partialFingerprints["tokenguard/v2"];
    assert.match(fp, /^[0-9a-f]{32}$/);
    assert.equal(
      result.partialFingerprints["tokenguard/v1"],
      undefined,
      "no public-key fingerprint",
    );
    const hit = DICTIONARY.find((w) => guesses(result.ruleId, w).includes(fp));
    assert.equal(hit, undefined, "the fingerprint gave the password away");
    assert.ok(!JSON.stringify(log).includes(WEAK));

    // Control: with the key (which never leaves the repository) the same attack succeeds.
    const key = readFileSync(path.join(dir, ".tokenguard", "fingerprint.key"), "utf8").trim();
    const withKey = DICTIONARY.find(
      (w) => hmac(key, "tokenguard/scan/v2", result.ruleId, w) === fp,
    );
    assert.equal(withKey, WEAK);
  });

  it("creates the key once, git-ignored, and keeps fingerprints stable across runs", async () => {
    const first = await sarifResult();
    assert.match(first.stderr, /created \.tokenguard\/fingerprint\.key/);
    const keyFile = path.join(dir, ".tokenguard", "fingerprint.key");
    assert.ok(existsSync(keyFile));
    assert.equal(readFileSync(path.join(dir, ".tokenguard", ".gitignore"), "utf8"), "*\n");
    const second = await sarifResult();
    assert.doesNotMatch(second.stderr, /created/);
    assert.deepEqual(second.result.partialFingerprints, first.result.partialFingerprints);
    assert.equal(second.log.runs[0].results.length, 1, "the key file itself is not scanned");
  });

  it("uses TOKENGUARD_FINGERPRINT_KEY when set (CI), and refuses a short one", async () => {
    process.env.TOKENGUARD_FINGERPRINT_KEY = "k".repeat(40);
    const { result } = await sarifResult();
    assert.equal(
      result.partialFingerprints["tokenguard/v2"],
      hmac("k".repeat(40), "tokenguard/scan/v2", result.ruleId, WEAK),
    );
    assert.ok(!existsSync(path.join(dir, ".tokenguard")), "no key file when the variable is set");
    process.env.TOKENGUARD_FINGERPRINT_KEY = "short";
    const run = await runCli(["scan"], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /TOKENGUARD_FINGERPRINT_KEY must be at least 32 characters/);
  });

  it("in CI without a key: a one-off key and a warning; a keyed baseline is refused clearly", async () => {
    process.env.CI = "true";
    const { result, stderr } = await sarifResult();
    assert.match(stderr, /one-off key/);
    assert.ok(!existsSync(path.join(dir, ".tokenguard")));
    const hit = DICTIONARY.find((w) =>
      guesses(result.ruleId, w).includes(result.partialFingerprints["tokenguard/v2"]),
    );
    assert.equal(hit, undefined);

    delete process.env.CI;
    const baseline = path.join(dir, "..", `${path.basename(dir)}-b.json`);
    writeFileSync(baseline, (await runCli(["scan", "--format", "json"], dir)).stdout);
    rmSync(path.join(dir, ".tokenguard"), { recursive: true }); // a fresh CI checkout
    process.env.CI = "true";
    const run = await runCli(["scan", "--baseline", baseline], dir);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /made with fingerprint key [0-9a-f]{16}.*TOKENGUARD_FINGERPRINT_KEY/);
  });

  it("examples/ci/scan.yml gives every scan step the key from a CI secret", () => {
    const wf = parse(readFileSync(path.join(ROOT, "examples", "ci", "scan.yml"), "utf8"));
    const steps = Object.values(wf.jobs as Record<string, { steps: Record<string, unknown>[] }>)
      .flatMap((job) => job.steps)
      .filter((step) => /tokenguard scan/.test(String(step.run ?? "")));
    assert.equal(steps.length, 2);
    for (const step of steps) {
      const env = step.env as Record<string, string> | undefined;
      assert.equal(env?.TOKENGUARD_FINGERPRINT_KEY, "${{ secrets.TOKENGUARD_FINGERPRINT_KEY }}");
    }
  });

  describe("baselines", () => {
    it("a json baseline records the scheme and key id, and suppresses on the next run", async () => {
      const first = JSON.parse((await runCli(["scan", "--format", "json"], dir)).stdout);
      assert.equal(first.fingerprints.scheme, "tokenguard/v2");
      assert.match(first.fingerprints.keyId, /^[0-9a-f]{16}$/);
      const baseline = path.join(dir, "..", `${path.basename(dir)}-b.json`);
      writeFileSync(baseline, JSON.stringify(first));
      const run = await runCli(["scan", "--baseline", baseline], dir);
      assert.equal(run.code, 0, run.stdout);
    });

    it("an old baseline (public-key fingerprints) still suppresses, with a warning to regenerate it", async () => {
      const old = {
        findings: [
          { rule: "generic-secret", fingerprint: hmac(OLD_PUBLIC_KEY, "generic-secret", WEAK) },
        ],
      };
      const baseline = path.join(dir, "..", `${path.basename(dir)}-old.json`);
      writeFileSync(baseline, JSON.stringify(old));
      const run = await runCli(["scan", "--baseline", baseline], dir);
      assert.equal(run.code, 0, run.stdout);
      assert.match(run.stderr, /old public scheme.*regenerate/);
      const sarifOld = {
        runs: [
          { results: [{ partialFingerprints: { "tokenguard/v1": old.findings[0].fingerprint } }] },
        ],
      };
      writeFileSync(baseline, JSON.stringify(sarifOld));
      assert.equal((await runCli(["scan", "--baseline", baseline], dir)).code, 0);
    });

    it("finds the repository's key from a subdirectory of a git work tree", async () => {
      mkdirSync(path.join(dir, ".git"));
      mkdirSync(path.join(dir, "sub"));
      writeFileSync(path.join(dir, "sub", "x.env"), `DB_PASSWORD=${WEAK}\n`);
      await runCli(["scan", "--format", "json"], path.join(dir, "sub"));
      assert.ok(existsSync(path.join(dir, ".tokenguard", "fingerprint.key")));
      assert.ok(!existsSync(path.join(dir, "sub", ".tokenguard")));
    });
  });
});
