/** Pulumi.yaml and Pulumi.<stack>.yaml, resolved as the Node language host receives them. */
import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UNKNOWN } from "../../lib/check/analyzer-client";
import { DEFAULT_STACK, loadProject, ProjectError } from "../../lib/check/project";

describe("check: reading the project and the stack config", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "tokenguard-project-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  };

  it("runs `main` from its own directory, as the engine does (pwd = main's dir)", () => {
    write("Pulumi.yaml", "name: app\nruntime: nodejs\nmain: src/stack/index.ts\n");
    write("src/stack/index.ts", "");
    const p = loadProject(dir);
    assert.equal(p.name, "app");
    assert.equal(p.stack, DEFAULT_STACK);
    assert.equal(p.programDir, path.join(dir, "src/stack"));
    assert.equal(p.entry, "index.ts");
    assert.equal(p.typescript, true);
  });

  it('a directory `main`, or none, runs the package entry point (".")', () => {
    write(
      "Pulumi.yaml",
      "name: app\nruntime: { name: nodejs, options: { typescript: false, nodeargs: '--max-old-space-size=512 --no-warnings' } }\nmain: app/\n",
    );
    mkdirSync(path.join(dir, "app"));
    const p = loadProject(dir);
    assert.equal(p.programDir, path.join(dir, "app"));
    assert.equal(p.entry, ".");
    assert.equal(p.typescript, false);
    assert.deepEqual(p.nodeargs, ["--max-old-space-size=512", "--no-warnings"]);
  });

  it("merges project config defaults and the stack file; secure values stay unknown and secret", () => {
    write(
      "Pulumi.yaml",
      [
        "name: app",
        "runtime: nodejs",
        "config:",
        "  region: eu-west-1", // bare key: the project's namespace
        "  tokenguard:enforcement: advisory",
        "  retries:",
        "    type: integer",
        "    default: 3",
        "  apiKey:",
        "    type: string",
        "    secret: true",
        "",
      ].join("\n"),
    );
    write(
      "Pulumi.prod.yaml",
      [
        "config:",
        "  app:region: us-east-1",
        "  app:apiKey:",
        "    secure: v1:AAAAciphertext",
        "  app:tags:",
        "    team: platform",
        "  vault:config:address: http://127.0.0.1:8200", // the old "ns:config:key" form
        "",
      ].join("\n"),
    );
    const p = loadProject(dir, "prod");
    assert.deepEqual(p.config, {
      "app:apiKey": UNKNOWN,
      "app:region": "us-east-1",
      "app:retries": "3",
      "app:tags": '{"team":"platform"}',
      "tokenguard:enforcement": "advisory",
      "vault:address": "http://127.0.0.1:8200",
    });
    assert.deepEqual(p.secretKeys, ["app:apiKey"]);
    assert.equal(p.stackFile, path.join(dir, "Pulumi.prod.yaml"));
    assert.ok(!JSON.stringify(p).includes("ciphertext"), "secure values are never carried");
  });

  it("refuses what preview would refuse, naming the file, the field and the fix", () => {
    assert.throws(
      () => loadProject(dir),
      (e: Error) => {
        assert.ok(e instanceof ProjectError);
        assert.match(e.message, /has no Pulumi\.yaml: pass the directory of a Pulumi project/);
        return true;
      },
    );
    write("Pulumi.yaml", "name: app\nruntime: python\n");
    assert.throws(
      () => loadProject(dir),
      /runtime is "python"; tokenguard check runs nodejs programs/,
    );
    write("Pulumi.yaml", "runtime: nodejs\n");
    assert.throws(() => loadProject(dir), /Pulumi\.yaml: name: /);
    write("Pulumi.yaml", "name: app\nruntime: nodejs\nmain: nowhere.ts\n");
    assert.throws(() => loadProject(dir), /main "nowhere\.ts" does not exist/);
    write("Pulumi.yaml", "name: app\nruntime: nodejs\nconfig:\n  producer:\n    type: string\n");
    assert.throws(
      () => loadProject(dir, "ci"),
      /stack "ci" is missing configuration value "app:producer" \(declared in Pulumi\.yaml without a default\): set it in Pulumi\.ci\.yaml/,
    );
    write("Pulumi.ci.yaml", "config:\n  app:producer: org/p/s\n");
    assert.equal(loadProject(dir, "ci").config["app:producer"], "org/p/s");
    write("Pulumi.ci.yaml", "config: [1, 2\n");
    assert.throws(() => loadProject(dir, "ci"), /Pulumi\.ci\.yaml: not valid YAML/);
  });
});
