/**
 * How the e2e suite picks its engine: a part on PATH is used as is, a missing one comes from the
 * rig, a rig bin dir on PATH never counts as real, and TOKENGUARD_E2E_ENGINE=rig takes all from
 * the rig. Resolved in a child process with a made-up PATH (empty executables stand in for both).
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { PARTS } from "./toolchain";

const EXES = PARTS.map((p) => p.exe);

function dirWith(root: string, name: string, exes: readonly string[], marker = false): string {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  for (const exe of exes) fs.writeFileSync(path.join(dir, exe), "#!/bin/sh\n", { mode: 0o755 });
  if (marker) fs.writeFileSync(path.join(dir, ".tokenguard-rig"), "parts: all\n");
  return dir;
}

interface Resolved {
  readonly path: string;
  readonly parts: Record<string, { exe: string; real: boolean }>;
  readonly line: string;
}

function resolve(env: Record<string, string>): Resolved {
  const script =
    'const t = require("./test/e2e/toolchain").toolchain(); process.stdout.write(JSON.stringify({ path: t.path, parts: t.parts, line: t.describe() }));';
  const r = spawnSync(
    process.execPath,
    ["-r", require.resolve("ts-node/register/transpile-only"), "-e", script],
    {
      cwd: path.resolve(__dirname, "../.."),
      encoding: "utf8",
      env: { ...process.env, TOKENGUARD_E2E_ENGINE: "", ...env },
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Resolved;
}

describe("e2e toolchain: real parts from PATH, the rig for the rest", () => {
  let root: string;
  let rig: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "tg-toolchain-"));
    rig = dirWith(root, "rig-bin", EXES, true);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it("uses what PATH has and takes only the rest from the rig, which comes last on PATH", () => {
    const real = dirWith(root, "real", [
      "pulumi",
      "pulumi-language-nodejs",
      "pulumi-resource-random",
    ]);
    const t = resolve({
      PATH: `${real}${path.delimiter}/usr/bin:/bin`,
      TOKENGUARD_ENGINE_BIN: rig,
    });
    assert.equal(t.parts.pulumi.exe, path.join(real, "pulumi"));
    assert.equal(t.parts["random provider"].exe, path.join(real, "pulumi-resource-random"));
    assert.equal(t.parts["vault provider"].exe, path.join(rig, "pulumi-resource-vault"));
    assert.equal(t.parts["vault server"].real, false);
    const dirs = t.path.split(path.delimiter);
    assert.equal(
      dirs[0],
      path.dirname(process.execPath),
      "Node >= 22 first, for the language host",
    );
    assert.ok(dirs.indexOf(real) < dirs.indexOf(rig) && dirs.at(-1) === rig);
    assert.equal(
      t.line,
      `e2e engine: pulumi: PATH (${real}/pulumi), language host: PATH (${real}/pulumi-language-nodejs), random provider: PATH (${real}/pulumi-resource-random), vault provider: rig, aws provider: rig, vault server: rig; rig bin dir ${rig}`,
    );
  });

  it("never mistakes a rig bin dir on PATH for a real installation", () => {
    const old = dirWith(root, "old-rig", EXES, true);
    const t = resolve({ PATH: `${old}${path.delimiter}/usr/bin:/bin`, TOKENGUARD_ENGINE_BIN: rig });
    assert.ok(Object.values(t.parts).every((p) => !p.real && p.exe.startsWith(rig)));
    assert.ok(!t.path.split(path.delimiter).includes(old), "dropped from PATH");
  });

  it("TOKENGUARD_E2E_ENGINE=rig takes every part from the rig", () => {
    const real = dirWith(root, "real-too", EXES);
    const t = resolve({
      PATH: `${real}${path.delimiter}/usr/bin:/bin`,
      TOKENGUARD_ENGINE_BIN: rig,
      TOKENGUARD_E2E_ENGINE: "rig",
    });
    assert.ok(Object.values(t.parts).every((p) => !p.real));
    assert.equal(t.path.split(path.delimiter)[0], rig, "the rig wins over PATH for the plugins");
    assert.match(t.line, /^e2e engine: pulumi: rig, language host: rig, /);
  });
});
