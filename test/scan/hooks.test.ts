import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { stackExport, scopedToken } from "../report/exports";
import { credentialMakers, rng, writeFiles } from "./corpus";
import { ROOT, runCli, tempDir } from "./helpers";

const m = credentialMakers(rng(51));
const CI = path.join(ROOT, "examples", "ci");

/** The arguments after `tokenguard` in a command line. */
function tokenguardArgs(command: string): string[] {
  const words = command.trim().split(/\s+/);
  return words.slice(words.indexOf("tokenguard") + 1);
}

describe("examples/ci: the pre-commit hooks and the CI workflow run as written", function () {
  this.timeout(30000);
  let dir: string;
  let cleanup: () => void;
  const git = (...args: string[]) =>
    execFileSync("git", ["-c", "user.email=t@example.org", "-c", "user.name=t", ...args], {
      cwd: dir,
      encoding: "utf8",
    });
  beforeEach(() => {
    ({ dir, cleanup } = tempDir("hooks"));
    git("init", "-q", "-b", "main");
  });
  afterEach(() => cleanup());

  it("each hook definition refuses a commit adding a credential and passes a clean one", async () => {
    const hooks = (
      parse(readFileSync(path.join(CI, "pre-commit-hooks.yaml"), "utf8")) as {
        id: string;
        entry: string;
      }[]
    ).filter((h) => h.id.startsWith("tokenguard-scan")); // tokenguard-check: test/check
    assert.deepEqual(
      hooks.map((h) => h.id),
      ["tokenguard-scan", "tokenguard-scan-baseline"],
    );
    writeFiles(dir, { "README.md": "# app\n", ".tokenguard-baseline.json": '{"findings":[]}' });
    git("add", ".");
    for (const hook of hooks) {
      const clean = await runCli(tokenguardArgs(hook.entry), dir);
      assert.equal(clean.code, 0, `${hook.id}: ${clean.stderr}${clean.stdout}`);
    }
    writeFiles(dir, { "deploy.sh": `export GITHUB_TOKEN=${m.githubClassic()}\n` });
    git("add", "deploy.sh");
    for (const hook of hooks) {
      const dirty = await runCli(tokenguardArgs(hook.entry), dir);
      assert.equal(dirty.code, 1, hook.id);
      assert.match(dirty.stdout, /deploy\.sh:1:\d+ +critical github-token/);
    }
  });

  it("the local pre-commit config and the plain git hook run the same scan", () => {
    const config = parse(readFileSync(path.join(CI, "pre-commit-config.yaml"), "utf8")) as {
      repos: { hooks: { entry: string }[] }[];
    };
    const script = readFileSync(path.join(CI, "pre-commit"), "utf8");
    const scriptLine = script.split("\n").find((l) => l.startsWith("exec "))!;
    assert.deepEqual(tokenguardArgs(config.repos[0].hooks[0].entry), ["scan", "--staged"]);
    assert.deepEqual(tokenguardArgs(scriptLine), ["scan", "--staged"]);
  });

  it("every tokenguard command of the CI workflow succeeds on a clean project", async () => {
    const workflow = parse(readFileSync(path.join(CI, "scan.yml"), "utf8")) as {
      jobs: Record<string, { steps: { run?: string }[] }>;
    };
    const commands = Object.values(workflow.jobs)
      .flatMap((job) => job.steps.map((s) => s.run ?? ""))
      .flatMap((run) => run.split("\n"))
      .filter((line) => /^npx tokenguard /.test(line.trim()))
      .map((line) => line.replace(/\$baseline/, "").replace(/>.*$/, ""));
    assert.equal(commands.length, 3);
    writeFiles(dir, { "src/app.ts": "export const x = process.env.API_TOKEN;\n" });
    const healthy = scopedToken({
      name: "orders-api",
      backend: "random",
      scopes: ["orders:read"],
      ttl: "31d",
      rotation: { every: "30d", overlap: "1d", anchor: "2026-01-01T00:00:00Z" },
      owner: "team-orders",
      purpose: "storefront",
      generation: 2,
      rotatesAt: "2026-04-01T00:00:00Z",
      expiresAt: "2026-04-02T00:00:00Z",
      children: [{ n: 2, created: "2026-03-02T00:00:00Z" }],
    });
    writeFileSync(path.join(dir, "export.json"), JSON.stringify(stackExport(healthy)));
    for (const command of commands) {
      const args = tokenguardArgs(command);
      const pinned = args[0] === "report" ? [...args, "--now", "2026-03-05T12:00:00Z"] : args;
      const run = await runCli(pinned, dir);
      assert.equal(run.code, 0, `${command}: ${run.stderr}${run.stdout}`);
    }
  });
});
