/**
 * `tokenguard usage` against the real engine and a real Vault (vault server -dev) with two file
 * audit devices: one logging accessors in clear (hmac_accessor=false), one HMAC'ing them (the
 * default). A ScopedToken declares three scopes; the test reads a secret (scope 1), lists a folder
 * (scope 2), never touches scope 3, and is refused a path it lacks. `usage` reports exactly that
 * from either log, and its proposed scopes pass `tokenguard check` and, deployed, still allow what
 * was used and refuse what was dropped.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { UsageReport } from "../../lib/usage/model";
import {
  newStack,
  run,
  startDevVault,
  tempProgram,
  type DevVault,
  type Stack,
  type TempProgram,
} from "./harness";

const REPO = path.resolve(__dirname, "../..");
const DECLARED = [
  "secret/data/app/*:read",
  "secret/metadata/app/*:list",
  "secret/data/billing/*:read",
];

const PROGRAM = `import * as fs from "fs";
import { ScopedToken } from "tokenguard";

const token = new ScopedToken("app-reader", {
  backend: "vault",
  scopes: JSON.parse(fs.readFileSync("scopes.json", "utf8")),
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  owner: "team-app",
  purpose: "usage e2e: reads the app's secrets",
});
export const value = token.value;
export const tokenId = token.tokenId;
`;

function tokenguard(args: string[], env: NodeJS.ProcessEnv) {
  return run(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", path.join(REPO, "lib/cli/main.ts"), ...args],
    { cwd: REPO, env, allowFail: true, timeoutMs: 600_000 },
  );
}

describe("e2e: tokenguard usage on a real Vault's audit logs, both accessor modes", function () {
  this.timeout(1_800_000);
  let vault: DevVault;
  let prog: TempProgram;
  let stack: Stack;
  let logs: string;
  let exportFile: string;
  let since: string;
  let token = "";
  let accessor = "";
  /** The environment without Vault credentials (clear mode needs none). */
  const bare: NodeJS.ProcessEnv = { ...process.env, VAULT_ADDR: "", VAULT_TOKEN: "" };

  before(async () => {
    vault = await startDevVault();
    logs = await fs.promises.mkdtemp(path.join(os.tmpdir(), "tg-usage-audit-"));
    for (const [device, options] of [
      ["clear", { file_path: path.join(logs, "clear.log"), hmac_accessor: "false" }],
      ["hashed", { file_path: path.join(logs, "hashed.log") }],
    ] as const) {
      const r = await vault.api("POST", `sys/audit/${device}`, { body: { type: "file", options } });
      assert.equal(r.status, 204, `enable audit device ${device}: ${JSON.stringify(r.body)}`);
    }
    for (const p of ["secret/data/app/web/db", "secret/data/prod/db", "secret/data/billing/card"]) {
      const w = await vault.api("POST", p, { body: { data: { password: "not-a-real-secret-1" } } });
      assert.equal(w.status, 200, `seeding ${p}`);
    }
    prog = await tempProgram({ "index.ts": PROGRAM, "scopes.json": JSON.stringify(DECLARED) });
    stack = await newStack(prog.dir, { env: vault.env, secrets: [vault.token] });
    // The token must outlive the run (docs/rules.md#vault-provider-child-token).
    await stack.setConfig("vault:skipChildToken", "true");
    await stack.up();
    const out = await stack.outputs({ showSecrets: true });
    token = String(out.value);
    accessor = String(out.tokenId);

    const as = (method: string, p: string) => vault.api(method, p, { token });
    assert.equal((await as("GET", "secret/data/app/web/db")).status, 200, "scope 1 used");
    assert.equal((await as("LIST", "secret/metadata/app")).status, 200, "scope 2 used");
    assert.equal((await as("GET", "secret/data/prod/db")).status, 403, "a path it lacks");

    const state = await stack.exportState();
    exportFile = path.join(logs, "export.json");
    await fs.promises.writeFile(exportFile, JSON.stringify(state));
    const component = (state.deployment.resources ?? []).find(
      (r) => r.type === "tokenguard:index:ScopedToken",
    );
    // The window starts when the token was declared: its whole life is evidence.
    since = String(component?.created);
    assert.match(since, /^\d{4}-\d{2}-\d{2}T/, "state records when the ScopedToken was created");
  });

  after(async () => {
    if (stack) {
      await stack.destroy().catch(() => undefined);
      await stack.cleanup();
    }
    await prog?.remove();
    await vault?.stop();
    if (logs) await fs.promises.rm(logs, { recursive: true, force: true });
  });

  const usage = (log: string, env: NodeJS.ProcessEnv) =>
    tokenguard(
      [
        "usage",
        "--stack-export",
        exportFile,
        "--vault-audit",
        path.join(logs, log),
        "--since",
        since,
        "--format",
        "json",
      ],
      env,
    );

  /** Exactly what the test did, whichever log it came from. */
  function assertFindings(report: UsageReport): void {
    const [t] = report.tokens;
    assert.equal(report.tokens.length, 1);
    assert.equal(
      t.judged,
      true,
      `evidence from ${t.evidenceFrom}, window from ${report.windowStart}`,
    );
    assert.deepEqual(
      t.scopes.map((s) => [s.scope, s.status, s.used.map((u) => `${u.what}×${u.count}`)]),
      [
        ["secret/data/app/*:read", "used", ["read×1"]],
        ["secret/metadata/app/*:list", "used", ["list×1"]],
        ["secret/data/billing/*:read", "unused", []],
      ],
    );
    assert.deepEqual(t.unusedScopes, ["secret/data/billing/*:read"]);
    assert.deepEqual(
      t.denied.map((d) => [d.operation, d.path, d.count, d.needs]),
      [["read", "secret/data/prod/db", 1, "secret/data/prod/db:read"]],
    );
    assert.deepEqual(t.proposed, ["secret/data/app/web/db:read", "secret/metadata/app/:list"]);
  }

  it("the two devices wrote the accessor in clear and HMAC'd, as configured", async () => {
    const clear = await fs.promises.readFile(path.join(logs, "clear.log"), "utf8");
    const hashed = await fs.promises.readFile(path.join(logs, "hashed.log"), "utf8");
    assert.ok(clear.includes(`"accessor":"${accessor}"`));
    assert.ok(!hashed.includes(accessor), "the default device HMACs accessors");
    assert.ok(
      !clear.includes(token) && !hashed.includes(token),
      "Vault never logs a token in clear",
    );
  });

  it("accessors in clear: usage reports the two scopes used, the unused one, the denied path; exit 1", async () => {
    const r = await usage("clear.log", bare);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as UsageReport;
    assert.equal(report.sources[0].accessors, "clear");
    assertFindings(report);
    assert.deepEqual(
      report.tokens[0].matched,
      { accessor: 3, policy: 0 },
      "the three requests the test made",
    );
    for (const secret of [token, accessor]) assert.ok(!(r.stdout + r.stderr).includes(secret));
  });

  it("HMAC'd accessors: hashed through sys/audit-hash with VAULT_ADDR/VAULT_TOKEN; the same findings", async () => {
    const r = await usage("hashed.log", { ...process.env, ...vault.env });
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as UsageReport;
    assert.equal(report.sources[0].accessors, "hmac");
    assert.match(report.sources[0].hashing ?? "", /sys\/audit-hash .*devices: .*hashed/);
    assertFindings(report);
    assert.equal(report.tokens[0].matched?.policy, 0, "all matched by the hashed accessor");
    for (const secret of [token, accessor, vault.token])
      assert.ok(!(r.stdout + r.stderr).includes(secret));
  });

  it("HMAC'd accessors without Vault credentials: matched by the token's own policy and name, and says so", async () => {
    const r = await usage("hashed.log", bare);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as UsageReport;
    assert.match(report.sources[0].hashing ?? "", /not set/);
    assertFindings(report);
    assert.equal(report.tokens[0].matched?.accessor, 0);
  });

  it("the proposed scopes pass tokenguard check and, deployed, allow what was used and nothing dropped", async () => {
    const r = await usage("clear.log", bare);
    const proposed = (JSON.parse(r.stdout) as UsageReport).tokens[0].proposed;
    await fs.promises.writeFile(path.join(prog.dir, "scopes.json"), JSON.stringify(proposed));
    const check = await tokenguard(["check", prog.dir, "--stack", stack.name], process.env);
    assert.equal(check.code, 0, `${check.stdout}\n${check.stderr}`);
    await stack.up();
    const as = async (method: string, p: string) => (await vault.api(method, p, { token })).status;
    assert.equal(await as("GET", "secret/data/app/web/db"), 200);
    assert.equal(await as("LIST", "secret/metadata/app"), 200);
    assert.equal(await as("GET", "secret/data/billing/card"), 403, "the unused scope is gone");
    assert.equal(await as("GET", "secret/data/app/other"), 403, "the glob is narrowed");
  });
});
