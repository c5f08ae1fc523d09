/**
 * `tokenguard diff` against a stack the real engine deployed (a Vault token against a real Vault
 * dev server, two random tokens): the program is then edited in each way a review must catch —
 * a widened and a narrowed scope, an added and a removed token, a longer ttl, a slower rotation, a
 * removed owner, a new `every` that renumbers generations — and diff's verdict (exit code) and text
 * are held for each, with approvals from the policy file and --allow-widening, the JSON against its
 * schema, valid SARIF at each `new` call, and the export run by diff itself.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import type * as Sarif from "sarif";
import { DIFF_JSON_SCHEMA } from "../../lib/diff/json-schema";
import { sarifValidator } from "../helpers/sarif";
import {
  engineBin,
  fingerprint,
  newStack,
  run,
  startDevVault,
  tempProgram,
  type DevVault,
  type Stack,
  type TempProgram,
} from "./harness";

const REPO = path.resolve(__dirname, "../..");
const CLI = path.join(REPO, "dist/lib/cli/main.js");
const NOW = "2026-03-10T12:00:00Z";

type Decl = Record<string, unknown>;
const common = {
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  owner: "team-platform",
  purpose: "diff e2e",
};
const BASE: Record<string, Decl> = {
  "ci-deploy": { backend: "vault", scopes: ["secret/data/ci/*:read"], ...common },
  "orders-api": { backend: "random", scopes: ["orders:read"], ...common },
  billing: { backend: "random", scopes: ["billing:read"], ...common },
};
const HEADER = ['const { ScopedToken } = require("tokenguard");', "const t = {};"];

/** The program: one `new ScopedToken` per line after HEADER; the values as a (secret) output. */
function programText(tokens: Record<string, Decl>): string {
  const lines = Object.entries(tokens).map(
    ([name, args]) =>
      `t[${JSON.stringify(name)}] = new ScopedToken(${JSON.stringify(name)}, ${JSON.stringify(args)});`,
  );
  const output = "exports.values = Object.values(t).map((x) => x.value);";
  return [...HEADER, ...lines, output, ""].join("\n");
}

/** Line of `new ScopedToken("<name>"` in the program. */
const lineOf = (tokens: Record<string, Decl>, name: string) =>
  HEADER.length + Object.keys(tokens).indexOf(name) + 1;

const edit = (name: string, change: Decl, from = BASE) => ({
  ...from,
  [name]: { ...from[name], ...change },
});

describe("e2e: tokenguard diff against a deployed stack", function () {
  this.timeout(900_000);
  let vault: DevVault;
  let prog: TempProgram;
  let stack: Stack;
  let exportFile: string;
  const validateJson = new Ajv({ allErrors: true, strict: false }).compile(DIFF_JSON_SCHEMA);

  before(async () => {
    const bin = engineBin();
    vault = await startDevVault({ bin });
    prog = await tempProgram({ "index.js": programText(BASE) }, { name: "diffprog" });
    stack = await newStack(prog.dir, { bin, env: vault.env, secrets: [vault.token] });
    await stack.setConfig("vault:skipChildToken", "true");
    await stack.setConfig("tokenguard:now", NOW);
    await stack.up();
    const state = await stack.pulumi(["stack", "export"]);
    exportFile = path.join(prog.dir, "..", "deployed.json");
    await fs.promises.writeFile(exportFile, state.stdout);
  });

  after(async () => {
    await stack?.destroy().catch(() => undefined);
    await stack?.cleanup();
    await vault?.stop();
    await prog?.remove();
  });

  /** `tokenguard diff` (the built CLI) on the program as `tokens`, against the deployed export. */
  async function diff(tokens: Record<string, Decl>, ...flags: string[]) {
    await fs.promises.writeFile(path.join(prog.dir, "index.js"), programText(tokens));
    const args = [CLI, "diff", prog.dir, "--stack", stack.name, ...flags];
    if (!flags.includes("--against")) args.push("--against", exportFile);
    return run(process.execPath, args, { cwd: prog.dir, allowFail: true });
  }

  it("an unchanged program: exit 0, no token changes", async () => {
    const r = await diff(BASE);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no token changes \(3 tokens unchanged\); no widening/);
  });

  it("a broader path glob and an added label are gains: exit 1, each needs approval", async () => {
    const tokens = edit(
      "orders-api",
      { scopes: ["orders:read", "orders:write"] },
      edit("ci-deploy", { scopes: ["secret/data/*:read"] }),
    );
    const r = await diff(tokens);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /~ ci-deploy {2}ScopedToken \(vault\) {2}changed/);
    assert.match(r.stdout, /\+ secret\/data\/\*:read {2}\[widening: needs approval\]/);
    assert.match(r.stdout, /\+ orders:write {2}\[widening: needs approval\]/);
    assert.doesNotMatch(
      r.stdout,
      /- secret\/data\/ci/,
      "the old glob is covered by the new one: nothing lost",
    );
    assert.match(r.stdout, /3 tokens: 2 changed, 1 unchanged; 2 widenings need approval/);
  });

  it("a narrower glob is a loss only: exit 0", async () => {
    const r = await diff(edit("ci-deploy", { scopes: ["secret/data/ci/app/*:read"] }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /- secret\/data\/ci\/\*:read/);
    assert.doesNotMatch(r.stdout, /\+ /);
    assert.match(r.stdout, /1 changed, 2 unchanged; no widening/);
  });

  it("an added token gains its scopes (exit 1); a removed one only loses", async () => {
    const rest = Object.fromEntries(Object.entries(BASE).filter(([name]) => name !== "billing"));
    const tokens = { ...rest, reports: { backend: "random", scopes: ["reports:read"], ...common } };
    const r = await diff(tokens);
    assert.equal(r.code, 1, r.stderr);
    assert.match(
      r.stdout,
      /\+ reports {2}ScopedToken \(random\) {2}added[^\n]*\n {4}\+ reports:read {2}\[widening: needs approval\]/,
    );
    assert.match(
      r.stdout,
      /- billing {2}ScopedToken \(random\) {2}removed[^\n]*\n {4}- billing:read\n/,
    );
    const json = await diff(tokens, "--format", "json");
    const doc = JSON.parse(json.stdout);
    assert.ok(validateJson(doc), JSON.stringify(validateJson.errors));
    assert.deepEqual(doc.summary, {
      added: 1,
      removed: 1,
      changed: 0,
      unchanged: 2,
      widenings: 1,
      unapproved: 1,
    });
  });

  it("a longer ttl, a slower rotation and a removed owner each widen", async () => {
    const ttl = await diff(edit("orders-api", { ttl: "45d" }));
    assert.equal(ttl.code, 1);
    assert.match(ttl.stdout, /ttl 31d → 45d {2}\[widening: needs approval\]/);
    const slower = await diff(
      edit("orders-api", { ttl: "41d", rotation: { every: "40d", overlap: "1d" } }),
    );
    assert.equal(slower.code, 1);
    assert.match(slower.stdout, /rotation\.every 30d → 40d {2}\[widening: needs approval\]/);
    const ownerless = { ...BASE.billing, owner: undefined }; // JSON leaves it out
    const owner = await diff({ ...BASE, billing: ownerless });
    assert.equal(owner.code, 1);
    assert.match(owner.stdout, /owner team-platform → none {2}\[widening: needs approval\]/);
  });

  it("a new `every` renumbers the generation: called out, not a widening when faster", async () => {
    const r = await diff(edit("orders-api", { rotation: { every: "20d", overlap: "1d" } }));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /rotation\.every 30d → 20d\n/);
    assert.match(
      r.stdout,
      /generation (\d+) → (\d+): rotation schedule changed \(every\/anchor\): the next pulumi up replaces the credential/,
    );
    const [, before, after] = /generation (\d+) → (\d+)/.exec(r.stdout)!;
    assert.notEqual(before, after);
  });

  it("approvals in tokenguard.policy.yaml (with a reason) and --allow-widening let widenings through", async () => {
    const tokens = edit("ci-deploy", { scopes: ["secret/data/*:read"], ttl: "32d" });
    const policy = path.join(prog.dir, "tokenguard.policy.yaml");
    await fs.promises.writeFile(
      policy,
      [
        "tokens:",
        "  ci-deploy:",
        "    approvedWidening:",
        '      - scope: "secret/data/*:read,list"',
        '        reason: "CI reads shared deploy settings (PLAT-7)"',
        "",
      ].join("\n"),
    );
    try {
      const partly = await diff(tokens);
      assert.equal(partly.code, 1, "the ttl is not approved");
      assert.match(
        partly.stdout,
        /\+ secret\/data\/\*:read {2}\[widening, approved \(tokens\.ci-deploy\.approvedWidening\[0\]\): CI reads shared deploy settings \(PLAT-7\)\]/,
      );
      assert.match(partly.stdout, /ttl 31d → 32d {2}\[widening: needs approval\]/);
      await fs.promises.appendFile(
        policy,
        '      - ttl: "32d"\n        reason: "one more day for the monthly batch"\n',
      );
      const approved = await diff(tokens);
      assert.equal(approved.code, 0, approved.stdout + approved.stderr);
      assert.match(approved.stdout, /2 widenings, all approved/);
    } finally {
      await fs.promises.rm(policy);
    }
    const flagged = await diff(tokens, "--allow-widening");
    assert.equal(flagged.code, 0);
    assert.match(flagged.stdout, /approved by --allow-widening/);
  });

  it("markdown is a PR comment, SARIF marks each widening at its `new` call", async () => {
    const tokens = edit("ci-deploy", { scopes: ["secret/data/*:read"] });
    const md = await diff(tokens, "--format", "markdown");
    assert.equal(md.code, 1);
    const [first] = md.stdout.split("\n");
    assert.match(
      first,
      /^❌ \*\*tokenguard diff\*\* `diffprog` .*: 3 tokens: 1 changed, 2 unchanged; 1 widening needs approval$/,
    );
    assert.match(
      md.stdout,
      /\| \*\*gains\*\* \| {2}\| \*\*`secret\/data\/\*:read`\*\* \| ❌ \*\*needs approval\*\* \|/,
    );
    const sarif = await diff(tokens, "--format", "sarif");
    const log = JSON.parse(sarif.stdout) as Sarif.Log;
    const validate = sarifValidator();
    assert.ok(validate(log), JSON.stringify(validate.errors));
    const [result] = log.runs[0].results!;
    assert.equal(result.ruleId, "token-access-gained");
    assert.equal(
      result.locations![0].physicalLocation!.region!.startLine,
      lineOf(tokens, "ci-deploy"),
    );
  });

  it("without --against it runs pulumi stack export itself and says so; a stack that does not exist is all new", async () => {
    await fs.promises.writeFile(path.join(prog.dir, "index.js"), programText(BASE));
    const env = stack.env;
    const own = await run(process.execPath, [CLI, "diff", ".", "--stack", stack.name], {
      cwd: prog.dir,
      env,
      allowFail: true,
    });
    assert.equal(own.code, 0, own.stderr);
    assert.match(
      own.stderr,
      new RegExp(`reading the deployed tokens with \`pulumi stack export --stack ${stack.name}\``),
    );
    assert.match(own.stdout, /no token changes/);
    const fresh = await run(
      process.execPath,
      [CLI, "diff", ".", "--stack", "never-deployed", "--format", "json"],
      { cwd: prog.dir, env, allowFail: true },
    );
    assert.equal(fresh.code, 1, fresh.stderr);
    assert.match(
      fresh.stderr,
      /stack "never-deployed" does not exist: every declared token is new/,
    );
    const doc = JSON.parse(fresh.stdout);
    assert.equal(doc.summary.added, 3);
    assert.equal(doc.against.missing, true);
  });

  it("never prints a secret, even from an export made with --show-secrets", async () => {
    const shown = await stack.pulumi(["stack", "export", "--show-secrets"]);
    const out = await stack.outputs({ showSecrets: true });
    const values = (out.values as string[]).filter((v) => typeof v === "string");
    assert.equal(values.length, 3, "each token's value is in the shown export");
    const file = path.join(prog.dir, "..", "shown.json");
    await fs.promises.writeFile(file, shown.stdout);
    try {
      for (const format of ["text", "json", "markdown", "sarif"]) {
        const r = await diff(
          edit("ci-deploy", { scopes: ["secret/data/*:read"] }),
          "--against",
          file,
          "--format",
          format,
        );
        for (const v of [...values, vault.token]) {
          assert.ok(
            !(r.stdout + r.stderr).includes(v),
            `${format} output holds a secret (${fingerprint(v)})`,
          );
        }
      }
    } finally {
      await fs.promises.rm(file);
    }
  });
});

/**
 * A raw vault.Policy whose deny block is removed: diff reports the read it gives back under the
 * block that now governs those paths, and the real Vault agrees once the change is deployed.
 */
describe("e2e: tokenguard diff on a Vault policy, held to what Vault then allows", function () {
  this.timeout(900_000);
  let vault: DevVault;
  let prog: TempProgram;
  let stack: Stack;

  const program = (withDeny: boolean) => {
    const blocks = [
      'path "secret/data/*" { capabilities = ["read"] }',
      ...(withDeny ? ['path "secret/data/prod/*" { capabilities = ["deny"] }'] : []),
    ];
    return [
      'const vault = require("@pulumi/vault");',
      `const policy = new vault.Policy("ops", { name: "ops", policy: ${JSON.stringify(blocks.join("\n"))} });`,
      'const token = new vault.Token("ops-token", { policies: ["ops"], explicitMaxTtl: "1h", renewable: false, metadata: { owner: "team-ops" } }, { dependsOn: [policy] });',
      "exports.token = token.clientToken;",
      "",
    ].join("\n");
  };

  before(async () => {
    const bin = engineBin();
    vault = await startDevVault({ bin });
    prog = await tempProgram({ "index.js": program(true) }, { name: "opsprog" });
    stack = await newStack(prog.dir, { bin, env: vault.env, secrets: [vault.token] });
    await stack.setConfig("vault:skipChildToken", "true");
    await stack.up();
  });

  after(async () => {
    await stack?.destroy().catch(() => undefined);
    await stack?.cleanup();
    await vault?.stop();
    await prog?.remove();
  });

  it("a deny block removed gains the broader block's read where it denied, as Vault then allows", async () => {
    const token = String((await stack.outputs({ showSecrets: true })).token);
    const readProd = () => vault.api("GET", "secret/data/prod/db", { token });
    assert.equal((await readProd()).status, 403, `denied before (${fingerprint(token)})`);

    await fs.promises.writeFile(path.join(prog.dir, "index.js"), program(false));
    const r = await run(
      process.execPath,
      [CLI, "diff", prog.dir, "--stack", stack.name, "--format", "json"],
      { cwd: prog.dir, env: stack.env, allowFail: true },
    );
    assert.equal(r.code, 1, r.stderr);
    const [ops] = JSON.parse(r.stdout).tokens;
    assert.equal(ops.name, "ops");
    assert.deepEqual(ops.gained, [{ scope: "secret/data/*:read", example: "secret/data/prod/" }]);
    assert.equal(ops.widenings[0].approval, null);

    await stack.up();
    assert.notEqual((await readProd()).status, 403, "Vault now lets the token read there");
  });
});
