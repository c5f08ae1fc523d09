import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";

const PACK = path.resolve(__dirname, "../../policy-packs/tokenguard");

/**
 * The pack's entry (policy-packs/tokenguard/index.js) in a scratch repository layout, loading a
 * one-line index.ts that prints what it was compiled from.
 */
function scratchPack() {
  const root = mkdtempSync(path.join(tmpdir(), "tg-pack-entry-"));
  const dir = path.join(root, "policy-packs", "p");
  mkdirSync(path.join(dir, "node_modules"), { recursive: true });
  for (const dep of ["typescript", "ts-node"]) {
    symlinkSync(path.join(PACK, "node_modules", dep), path.join(dir, "node_modules", dep));
  }
  copyFileSync(path.join(PACK, "index.js"), path.join(dir, "index.js"));
  copyFileSync(path.join(PACK, "tsconfig.json"), path.join(dir, "tsconfig.json"));
  const source = (word: string) =>
    writeFileSync(
      path.join(dir, "index.ts"),
      `const word: string = "${word}";\nconsole.log(word);\n`,
    );
  const run = () => {
    const r = spawnSync(process.execPath, [path.join(dir, "index.js")], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  const cached = () => readdirSync(path.join(dir, "node_modules", ".cache", "tokenguard-pack"));
  return { root, source, run, cached };
}

describe("policy pack entry (index.js)", () => {
  it("caches the transpiled pack by content and never serves an edited file stale", () => {
    const pack = scratchPack();
    try {
      pack.source("first");
      assert.equal(pack.run(), "first");
      assert.equal(pack.cached().length, 1);
      assert.equal(pack.run(), "first", "a cache hit runs the same code");
      assert.equal(pack.cached().length, 1, "a hit adds nothing");
      pack.source("second");
      assert.equal(pack.run(), "second", "an edited source is compiled again");
      assert.equal(pack.cached().length, 2);
    } finally {
      rmSync(pack.root, { recursive: true, force: true });
    }
  });
});
