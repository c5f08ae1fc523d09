/**
 * test/helpers/moto-setup.sh is safe to run concurrently: two installs at once into the same empty
 * cache both succeed and leave a working moto_server, and a later run reuses it. (It once deleted
 * and recreated one shared venv, so parallel test runs broke each other.) Installs moto for real,
 * twice (a minute or two on two cores), so it runs with the e2e suite.
 */
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const SCRIPT = path.join(__dirname, "..", "helpers", "moto-setup.sh");

/** Whether some venv under `dir` (up to two levels down) has a moto_server entry point yet. */
function entryPointUnder(dir: string): boolean {
  const venvs = (d: string) => {
    try {
      return readdirSync(d, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => path.join(d, e.name));
    } catch {
      return []; // removed meanwhile
    }
  };
  for (const a of [dir, ...venvs(dir)]) {
    for (const v of [a, ...(a === dir ? [] : venvs(a))]) {
      if (existsSync(path.join(v, "bin", "moto_server"))) return true;
    }
  }
  return false;
}

function setup(env: NodeJS.ProcessEnv): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", [SCRIPT], { env });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("close", (code) => resolve({ code, out: out.trim(), err }));
  });
}

describe("test helper: moto-setup.sh", function () {
  this.timeout(600_000);
  let home: string;
  before(() => (home = mkdtempSync(path.join(os.tmpdir(), "tg-moto-"))));
  after(() => rmSync(home, { recursive: true, force: true }));

  it("two overlapping runs both succeed and leave a working moto_server; a third reuses it", async () => {
    // Both the current and the former variable point into the fresh cache.
    const env = {
      ...process.env,
      TOKENGUARD_MOTO_HOME: home,
      TOKENGUARD_MOTO_VENV: path.join(home, "venv"),
    };
    // The second run starts while the first is still installing; the first's server must work
    // the moment the first returns, while the second still runs, and afterwards.
    const works = (bin: string) => {
      const help = spawnSync(bin, ["--help"], { encoding: "utf8" });
      assert.equal(help.status, 0, `${bin} --help: ${help.stderr}`);
    };
    const first = setup(env);
    // pip writes the moto_server entry point near the end of its install: start the second run
    // then, while the first is about to finish.
    while (!entryPointUnder(home)) await new Promise((r) => setTimeout(r, 100));
    const second = setup(env);
    const a = await first;
    assert.equal(a.code, 0, a.err);
    works(a.out);
    const b = await second;
    assert.equal(b.code, 0, b.err);
    works(b.out);
    works(a.out);
    const runs = [a, b];
    const started = Date.now();
    const again = await setup(env);
    assert.equal(again.code, 0, again.err);
    assert.equal(again.out, runs[1].out);
    assert.ok(Date.now() - started < 10_000, "an installed venv is reused, not rebuilt");
    works(a.out);
  });
});
