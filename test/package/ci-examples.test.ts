/**
 * Every workflow and hook in examples/ci, run unchanged in a user's repository: a fresh project
 * outside this repository that installed tokenguard from its tarball, a git work tree, a Pulumi
 * project in infra/, the real engine on a local backend.
 */
import { strict as assert } from "node:assert";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import type * as Sarif from "sarif";
import { parse } from "yaml";
import { newStack, startDevVault, type DevVault, type Stack } from "../e2e/harness";
import { sarifValidator } from "../helpers/sarif";
import {
  freshProject,
  pulumiYaml,
  REPO,
  testedVersion,
  VERSION,
  type FreshProject,
} from "./project";
import { runJob } from "./workflows";

const CI = path.join(REPO, "examples/ci");
const FINGERPRINT_KEY = randomBytes(32).toString("hex");
const token = (name: string, scope: string) => `new ScopedToken(${JSON.stringify(name)}, {
  backend: "random",
  scopes: [${JSON.stringify(scope)}],
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  owner: "team-orders",
  purpose: "examples/ci test",
});
`;
const program = (...tokens: string[]) =>
  `import { ScopedToken } from "tokenguard";\n\n${tokens.join("\n")}`;

/**
 * The GitHub CLI as the runner has it, standing in for the issues API: every call is logged (one
 * line each), `issue create` opens issue 7, `issue close` closes it, `issue list` prints the open
 * one's number, `--body-file` contents are kept for the test to read.
 */
async function fakeGh(dir: string) {
  const bin = path.join(dir, ".fake-gh");
  const log = path.join(bin, "calls.log");
  await mkdir(bin, { recursive: true });
  const script = `#!/usr/bin/env bash
set -eo pipefail
echo "$*" >> "${log}"
state="${bin}/open"
for ((i = 1; i <= $#; i++)); do
  if [ "\${!i}" = "--body-file" ]; then j=$((i + 1)); cp "\${!j}" "${bin}/body.md"; fi
done
case "$1 $2" in
  "issue list") if [ -f "$state" ]; then cat "$state"; fi ;;
  "issue create") echo 7 > "$state"; echo "https://github.example/acme/infra/issues/7" ;;
  "issue close") rm -f "$state" ;;
esac
`;
  await writeFile(path.join(bin, "gh"), script, { mode: 0o755 });
  const read = (f: string) => (existsSync(f) ? readFileSync(f, "utf8") : "");
  let seen = 0;
  return {
    bin,
    calls: () => {
      const all = read(log).split("\n").filter(Boolean);
      const fresh = all.slice(seen);
      seen = all.length;
      return fresh;
    },
    body: () => read(path.join(bin, "body.md")),
  };
}

describe("examples/ci: each workflow and hook, unchanged, in a user's repository", function () {
  this.timeout(1_800_000);
  let project: FreshProject;
  let stack: Stack;
  /** usage.yml's Vault, started by its test. */
  let vault: DevVault | undefined;
  /** What a runner's env and secrets would hold, for a local backend. */
  let env: NodeJS.ProcessEnv;
  /** A stand-in `gh` CLI: logs each call, keeps one issue (number 7) open or closed. */
  let gh: { bin: string; calls: () => string[]; body: () => string };

  before(async () => {
    project = await freshProject({
      tokenguard: VERSION,
      "@pulumi/pulumi": testedVersion("@pulumi/pulumi"),
      "@pulumi/random": testedVersion("@pulumi/random"),
      "@pulumi/vault": testedVersion("@pulumi/vault"),
      typescript: testedVersion("typescript"),
    });
    await project.write({
      "infra/Pulumi.yaml": pulumiYaml("infra"),
      "infra/index.ts": program(token("orders-api", "orders:read")),
      ".gitignore": "node_modules/\n",
    });
    await project.sh(
      "git init -q && git add -A && git -c user.name=t -c user.email=t@e commit -qm init",
    );
    gh = await fakeGh(project.dir);
    // "prod", as the workflows name it: each test stack has a backend of its own.
    stack = await newStack(path.join(project.dir, "infra"), { name: "prod" });
    env = {
      ...stack.env,
      PATH: `${path.join(project.dir, "node_modules/.bin")}${path.delimiter}${stack.env.PATH}`,
    };
  });

  after(async () => {
    await stack?.destroy().catch(() => undefined);
    await stack?.cleanup();
    await vault?.stop();
    await project?.remove();
  });

  const expressions = (extra: Record<string, string> = {}) => ({
    "matrix.project": "infra",
    "matrix.stack": "prod",
    "secrets.PULUMI_ACCESS_TOKEN": "",
    "secrets.VAULT_ADDR": "",
    "secrets.VAULT_TOKEN": "",
    // A repository secret as scan.yml's steps read it (step env is expanded like the rest).
    "secrets.TOKENGUARD_FINGERPRINT_KEY": FINGERPRINT_KEY,
    ...extra,
  });

  it("check-pr.yml: passes a clean change, fails a violating one with valid SARIF", async () => {
    const file = path.join(CI, "check-pr.yml");
    // The project was installed from its lock already: that stands in for the `npm ci` step.
    const skipInstall = (s: { run?: string }) => s.run === "npm ci";
    const clean = await runJob(file, "check", {
      cwd: project.dir,
      expressions: expressions(),
      env,
      skip: skipInstall,
    });
    assert.equal(clean.failed, undefined, JSON.stringify(clean.failed));
    assert.equal(clean.outputs.check?.code, "0");
    await project.write({
      "infra/index.ts": program(
        token("orders-api", "orders:read"),
        token("everything", "orders:*"),
      ),
    });
    const bad = await runJob(file, "check", {
      cwd: project.dir,
      expressions: expressions(),
      env,
      skip: skipInstall,
    });
    assert.equal(bad.outputs.check?.code, "1");
    assert.match(bad.failed?.stdout ?? "", /mandatory policy violations/);
    const log = JSON.parse(
      readFileSync(path.join(project.dir, "tokenguard-check.sarif"), "utf8"),
    ) as Sarif.Log;
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors));
    assert.match(bad.summary, /token-least-privilege/);
    await project.write({ "infra/index.ts": program(token("orders-api", "orders:read")) });
  });

  /** rotate.yml as the runner runs it, with `gh` standing in for GitHub's issues API. */
  const rotate = async () => {
    const r = await runJob(path.join(CI, "rotate.yml"), "rotate", {
      cwd: project.dir,
      expressions: expressions({ "github.token": "gh-test-token" }),
      // The workflow's STACK is an organisation's ("my-org/prod"); a local backend's is "prod".
      env: { ...env, STACK: "prod", PATH: `${gh.bin}${path.delimiter}${env.PATH}` },
      skip: (s) => s.run === "npm ci",
    });
    return { ...r, gh: gh.calls() };
  };

  it("rotate.yml: exports, checks, runs pulumi up and finds nothing overdue (no issue)", async () => {
    const r = await rotate();
    assert.equal(r.failed, undefined, JSON.stringify(r.failed));
    assert.ok(r.steps.some((s) => /pulumi up/.test(s.step) && s.code === 0));
    const inventory = JSON.parse(readFileSync(path.join(project.dir, "inventory.json"), "utf8"));
    assert.equal(inventory.tokens.length, 1);
    assert.deepEqual(
      r.gh.filter((c) => !c.startsWith("issue list")),
      [],
      "no issue opened",
    );
  });

  it("rotate.yml: when rotation stops, the dead-man's switch opens an issue, updates it, closes it once healthy", async () => {
    // Rotation "stops": the stack's clock is held 40 days back, so every up leaves the token that
    // was due long ago in place — as a scheduled up that keeps failing would.
    const past = new Date(Date.now() - 40 * 86400_000).toISOString().replace(/\.\d+Z$/, "Z");
    await stack.setConfig("tokenguard:now", past);
    try {
      const first = await rotate();
      assert.match(first.failed?.step ?? "", /overdue|dead-man/);
      const create = first.gh.find((c) => c.startsWith("issue create"));
      assert.ok(create, first.gh.join("\n"));
      assert.match(create, /--title tokenguard: rotation stopped in prod/);
      assert.match(
        gh.body(),
        /\*\*orders-api\*\* \(random, owner team-orders\): rotation overdue since/,
      );
      const again = await rotate();
      assert.ok(
        again.gh.some((c) => c.startsWith("issue comment 7")),
        again.gh.join("\n"),
      );
      assert.ok(!again.gh.some((c) => c.startsWith("issue create")), "the open issue is updated");
    } finally {
      await stack.pulumi(["config", "rm", "tokenguard:now"]);
    }
    const healthy = await rotate();
    assert.equal(healthy.failed, undefined, JSON.stringify(healthy.failed));
    assert.ok(
      healthy.gh.some((c) => c.startsWith("issue close 7")),
      healthy.gh.join("\n"),
    );
  });

  it("check-pr.yml diff: no change passes; a gained scope fails with a bold gain in the comment text", async () => {
    const file = path.join(CI, "check-pr.yml");
    // Skipped: `npm ci` (the project is installed from its lock already) and the comment step,
    // which needs GitHub's API (gh api on the pull request); test/check/ci-examples.test.ts holds
    // that step to one comment found by its marker and edited in place.
    const skip = (s: { run?: string }) => s.run === "npm ci" || /gh api/.test(s.run ?? "");
    await project.write({ "infra/index.ts": program(token("orders-api", "orders:read")) });
    await stack.up();
    // The workflow's STACK is an organisation's ("my-org/prod"); a local backend's is "prod".
    const job = () =>
      runJob(file, "diff", {
        cwd: project.dir,
        expressions: expressions(),
        env: { ...env, STACK: "prod" },
        skip,
      });
    const same = await job();
    assert.equal(same.failed, undefined, JSON.stringify(same.failed));
    assert.equal(same.outputs.diff?.code, "0");
    assert.match(
      same.steps[0].stderr,
      /reading the deployed tokens with `pulumi stack export --stack prod`/,
    );
    assert.match(
      same.summary,
      /^✅ \*\*tokenguard diff\*\* `infra` \(stack `prod`\) against `prod`: no token changes/,
    );

    await project.write({ "infra/index.ts": program(token("orders-api", "orders:write")) });
    const wider = await job();
    assert.equal(wider.outputs.diff?.code, "1");
    assert.match(wider.failed?.stdout ?? "", /a token widens without approval/);
    const md = readFileSync(path.join(project.dir, "tokenguard-diff.md"), "utf8");
    assert.match(md, /^❌ .*1 widening needs approval$/m);
    assert.match(
      md,
      /\| \*\*gains\*\* \| {2}\| \*\*`orders:write`\*\* \| ❌ \*\*needs approval\*\* \|/,
    );
    assert.match(md, /\| loses \| `orders:read` \|/);
    assert.equal(wider.summary, md, "the run's summary holds the same review");
    await project.write({ "infra/index.ts": program(token("orders-api", "orders:read")) });
  });

  it("scan.yml: the source scan is clean (node_modules skipped) and the state scan and report pass", async () => {
    const file = path.join(CI, "scan.yml");
    const skip = (s: { run?: string }) => s.run === "npm ci";
    const source = await runJob(file, "source", {
      cwd: project.dir,
      expressions: expressions(),
      env,
      skip,
    });
    assert.equal(source.failed, undefined, JSON.stringify(source.failed));
    const sarif = JSON.parse(
      readFileSync(path.join(project.dir, "tokenguard.sarif"), "utf8"),
    ) as Sarif.Log;
    assert.deepEqual(sarif.runs[0].results, []);
    const state = await runJob(file, "state", {
      cwd: path.join(project.dir, "infra"),
      expressions: expressions(),
      env,
      skip,
    });
    assert.equal(state.failed, undefined, JSON.stringify(state.failed));
  });

  it("pre-commit hooks: a staged credential is refused, a clean commit passes", async () => {
    const hook = path.join(CI, "pre-commit");
    const config = parse(readFileSync(path.join(CI, "pre-commit-config.yaml"), "utf8")) as {
      repos: { hooks: { id: string; entry: string }[] }[];
    };
    const entries = config.repos.flatMap((r) => r.hooks);
    await project.write({ "infra/notes.md": "nothing to see\n" });
    await project.sh("git add infra/notes.md");
    assert.equal((await project.sh(`sh '${hook}'`, { env, allowFail: true })).code, 0);
    // Each hook from the directory it expects: the check hook from the Pulumi project ("."), as in
    // a repository whose root is the project.
    for (const { id, entry } of entries) {
      const cwd = id === "tokenguard-check" ? "infra" : ".";
      assert.equal((await project.sh(entry, { env, cwd, allowFail: true })).code, 0, entry);
    }
    // A freshly generated key that guards nothing: a true positive whatever the detectors' tuning.
    const { privateKey } = generateKeyPairSync("ed25519");
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    await project.write({ "infra/deploy-key.pem": pem });
    await project.sh("git add infra/deploy-key.pem");
    const refused = await project.sh(`sh '${hook}'`, { env, allowFail: true });
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stdout, /private-key/);
    const scanEntry = entries.find((e) => e.id === "tokenguard-scan")!;
    assert.equal((await project.sh(scanEntry.entry, { env, allowFail: true })).code, 1);
    await project.sh("git rm -q --cached infra/deploy-key.pem && rm infra/deploy-key.pem");
  });

  it("usage.yml: fails with the review comment while a token carries an unused scope, passes once it is dropped", async () => {
    vault = await startDevVault();
    // The audit device writes where the workflow expects the logs (a runner would fetch them there).
    const logFile = path.join(project.dir, "vault-audit", "vault_audit.log");
    const enabled = await vault.api("POST", "sys/audit/file", {
      body: { type: "file", options: { file_path: logFile } },
    });
    assert.equal(enabled.status, 204);
    const seeded = await vault.api("POST", "secret/data/orders/db", {
      body: { data: { pw: "x1" } },
    });
    assert.equal(seeded.status, 200);
    const vaultToken = (scopes: string[]) => `new ScopedToken("orders-reader", {
  backend: "vault",
  scopes: ${JSON.stringify(scopes)},
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  owner: "team-orders",
  purpose: "examples/ci usage test",
});
export const ordersReader = r.value;
`;
    const write = (scopes: string[]) =>
      project.write({ "infra/index.ts": program(`const r = ${vaultToken(scopes)}`) });
    await write(["secret/data/orders/*:read", "secret/data/billing/*:read"]);
    await stack.setConfig("vault:address", vault.address);
    await stack.setConfig("vault:token", vault.token, { secret: true });
    // As a user must (docs/rules.md#vault-provider-child-token): the token outlives the run.
    await stack.setConfig("vault:skipChildToken", "true");
    await stack.up();
    const issued = String((await stack.outputs({ showSecrets: true })).ordersReader);
    const read = await vault.api("GET", "secret/data/orders/db", { token: issued });
    assert.equal(read.status, 200);
    const created = (await stack.exportState()).deployment.resources?.find(
      (r) => r.type === "tokenguard:index:ScopedToken" && r.urn.endsWith("::orders-reader"),
    )?.created;
    const job = () =>
      runJob(path.join(CI, "usage.yml"), "usage", {
        cwd: project.dir,
        expressions: expressions({
          "secrets.VAULT_AUDIT_HASH_TOKEN": vault!.token,
          "secrets.VAULT_ADDR": vault!.address,
        }),
        // The window starts when the token was declared, so its whole life is the evidence.
        env: { ...env, STACK: "prod", SINCE: String(created) },
        // Not run here: npm ci (the project is installed) and the issue step (GitHub's API).
        skip: (s) => s.run === "npm ci" || /gh issue/.test(s.run ?? ""),
      });
    const flagged = await job();
    assert.equal(flagged.outputs.usage?.code, "1", JSON.stringify(flagged.failed));
    assert.match(flagged.summary, /carry scopes unused since/);
    assert.match(flagged.summary, /secret\/data\/billing\/\*:read` \| unused/);
    assert.match(flagged.summary, /"secret\/data\/orders\/db:read",/);
    assert.ok(!flagged.summary.includes(issued) && !flagged.summary.includes(vault.token));

    await write(["secret/data/orders/*:read"]);
    await stack.up();
    const clean = await job();
    assert.equal(clean.failed, undefined, JSON.stringify(clean.failed));
    assert.equal(clean.outputs.usage?.code, "0");
    assert.match(clean.summary, /no leftover privileges/);

    // --aws needs the optional peer, which a user installs only for it: one line names it.
    const noSdk = await project.sh("npx --no-install tokenguard usage infra --stack prod --aws", {
      env,
      allowFail: true,
    });
    assert.equal(noSdk.code, 2, noSdk.stdout + noSdk.stderr);
    assert.match(
      noSdk.stderr,
      /needs the npm package @aws-sdk\/client-iam.*npm install @aws-sdk\/client-iam/,
    );
  });
});
