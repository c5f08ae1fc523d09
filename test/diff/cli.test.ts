/**
 * `tokenguard diff` as users run it, on a fixture program (ScopedTokens, a raw Vault token and
 * policy, an IAM user with a key and a policy) against hand-made exports of its deployed stack:
 * exit codes, the text, JSON (against its schema), Markdown and SARIF (valid, each widening at its
 * `new` call), stdin, and exit 2 naming the problem for a corrupt export, another project's export
 * or an approval that cannot be read.
 */
import { strict as assert } from "node:assert";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import pc from "picocolors";
import type * as Sarif from "sarif";
import { runDiff, type DiffResult } from "../../lib/diff/diff";
import { formatText } from "../../lib/diff/format";
import { toJson } from "../../lib/diff/json";
import { DIFF_JSON_SCHEMA } from "../../lib/diff/json-schema";
import { formatMarkdown } from "../../lib/diff/markdown";
import { toSarif } from "../../lib/diff/sarif";
import { ApprovalError } from "../../lib/rules/approvals";
import { ROOT, runCli, spawnCli, tempDir } from "../helpers/cli";
import { sarifValidator } from "../helpers/sarif";
import { deployed, FIXTURE, README_SAMPLE } from "./exports";

const validateJson = new Ajv({ allErrors: true, strict: false }).compile(DIFF_JSON_SCHEMA);
const PROGRAM = path.join(ROOT, FIXTURE, "index.ts");

/** Line of `new X("<name>"` in the fixture. */
const lineOf = (name: string) =>
  readFileSync(PROGRAM, "utf8")
    .split("\n")
    .findIndex((l) => l.includes(`("${name}"`)) + 1;

/**
 * The deployed stack before this change: narrower scopes, a deny block, a shorter ttl, one more
 * token, no owner.
 */
const OLDER = {
  ordersScopes: ["orders:read"],
  ordersOwner: null,
  ciScopes: ["secret/data/ci/*:read"],
  ciTtl: "20d",
  legacyCaps: ["read"],
  legacyDeny: true,
  legacyPolicies: ["legacy", "ci-read"],
  botActions: ["s3:GetObject"],
  retired: true,
};

describe("tokenguard diff (CLI)", function () {
  this.timeout(180_000);
  let scratch: ReturnType<typeof tempDir>;
  const write = (name: string, text: string) => {
    const file = path.join(scratch.dir, name);
    writeFileSync(file, text);
    return file;
  };

  before(() => {
    scratch = tempDir("diff");
  });
  after(() => scratch.cleanup());

  it("0 when what is deployed is what the program declares", async () => {
    const r = await runCli(["diff", FIXTURE, "--against", write("same.json", deployed())], ROOT);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /no token changes \(6 tokens unchanged\); no widening\n$/);
  });

  describe("against an older deployment", () => {
    let result: DiffResult;
    let file: string;

    before(async () => {
      file = write("older.json", deployed(OLDER));
      result = await runDiff({ dir: path.join(ROOT, FIXTURE), against: file });
    });

    it("exit 1 with every widening and loss, in the program's order", async () => {
      const r = await runCli(["diff", FIXTURE, "--against", file], ROOT);
      assert.equal(r.code, 1, r.stderr);
      const text = formatText(result, pc.createColors(false), ROOT);
      assert.equal(r.stdout, text);
      assert.deepEqual(
        text.split("\n").filter((l) => /^[~+-] /.test(l)),
        [
          `~ orders-api  ScopedToken (random)  changed  at ${FIXTURE}/index.ts:${lineOf("orders-api")}:1`,
          `~ ci-deploy  ScopedToken (vault)  changed  at ${FIXTURE}/index.ts:${lineOf("ci-deploy")}:1`,
          `~ legacy-policy  vault:index/policy:Policy  changed  at ${FIXTURE}/index.ts:${lineOf("legacy-policy")}:1`,
          `~ legacy-token  vault:index/token:Token  changed  at ${FIXTURE}/index.ts:${lineOf("legacy-token")}:1`,
          `~ deploy-bot  aws:iam/user:User  changed  at ${FIXTURE}/index.ts:${lineOf("deploy-bot")}:1`,
          "- old-reports  ScopedToken (random)  removed",
        ],
      );
      for (const line of [
        "    + orders:write  [widening: needs approval]",
        "    owner none → team-orders",
        "    + secret/data/*:read  [widening: needs approval]",
        "    ttl 20d → 31d  [widening: needs approval]",
        "    + secret/data/legacy/*:read,list (now reaches secret/data/legacy/admin/)  [widening: needs approval]",
        "    - ci-read",
        "    + s3:PutObject on arn:aws:s3:::acme-artifacts/*  [widening: needs approval]",
        "    - reports:read",
        "7 tokens: 5 changed, 1 removed, 1 unchanged; 5 widenings need approval",
      ]) {
        assert.ok(text.split("\n").includes(line), `${line}\n---\n${text}`);
      }
    });

    it("--allow-widening: exit 0, each widening still listed as approved by the flag", async () => {
      const r = await runCli(["diff", FIXTURE, "--against", file, "--allow-widening"], ROOT);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.match(/\[widening, approved by --allow-widening\]/g)?.length, 5);
      assert.match(r.stdout, /5 widenings, all approved/);
    });

    it("json: stable, documented by its schema", () => {
      const doc = toJson(result, ROOT);
      assert.ok(validateJson(doc), JSON.stringify(validateJson.errors));
      assert.deepEqual(doc.summary, {
        added: 0,
        removed: 1,
        changed: 5,
        unchanged: 1,
        widenings: 5,
        unapproved: 5,
      });
      assert.deepEqual(doc.tokens.find((t) => t.name === "legacy-policy")!.gained, [
        { scope: "secret/data/legacy/*:read,list", example: "secret/data/legacy/admin/" },
      ]);
      const ci = doc.tokens.find((t) => t.name === "ci-deploy")!;
      assert.deepEqual(ci.gained, [{ scope: "secret/data/*:read" }]);
      assert.deepEqual(ci.fields, [{ field: "ttl", before: "20d", after: "31d", widening: "ttl" }]);
      assert.deepEqual(ci.location, {
        file: `${FIXTURE}/index.ts`,
        line: lineOf("ci-deploy"),
        column: 1,
      });
      assert.deepEqual(
        ci.widenings.map((w) => [w.kind, w.scope ?? w.field, w.approval]),
        [
          ["access", "secret/data/*:read", null],
          ["ttl", "ttl", null],
        ],
      );
    });

    it("markdown: a one-line verdict on top, one table per changed token, gains in bold", () => {
      const md = formatMarkdown(result, ROOT);
      const lines = md.split("\n");
      assert.match(
        lines[0],
        /^❌ \*\*tokenguard diff\*\* `orders` \(stack `dev`\) against `prod`: 7 tokens: .*5 widenings need approval$/,
      );
      assert.equal(md.match(/^#### /gm)?.length, 6);
      assert.equal(md.match(/^\| Change \| Before \| After \| Review \|$/gm)?.length, 6);
      assert.ok(lines.includes("| **gains** |  | **`orders:write`** | ❌ **needs approval** |"));
      assert.ok(lines.includes("| **ttl** | `20d` | **`31d`** | ❌ **needs approval** |"));
      assert.ok(lines.includes("| loses | `ci-read` |  |  |"));
      assert.ok(
        lines.includes(
          "| **gains** |  | **`secret/data/legacy/*:read,list`** (now reaches `secret/data/legacy/admin/`) | ❌ **needs approval** |",
        ),
        md,
      );
      assert.ok(lines.includes("| owner | none | `team-orders` |  |"), "not a widening: not bold");
    });

    it("sarif: valid, one result per widening at its `new` call", () => {
      const log = toSarif(result, "0.0.0", ROOT);
      const validate = sarifValidator();
      assert.ok(validate(log), JSON.stringify(validate.errors));
      const results = log.runs[0].results as Sarif.Result[];
      assert.deepEqual(
        results.map((r) => [
          r.ruleId,
          r.level,
          r.locations![0].physicalLocation!.region!.startLine,
        ]),
        [
          ["token-access-gained", "error", lineOf("orders-api")],
          ["token-access-gained", "error", lineOf("ci-deploy")],
          ["token-ttl-longer", "error", lineOf("ci-deploy")],
          ["token-access-gained", "error", lineOf("legacy-policy")],
          ["token-access-gained", "error", lineOf("deploy-bot")],
        ],
      );
      assert.equal(
        results[0].locations![0].physicalLocation!.artifactLocation!.uri,
        `${FIXTURE}/index.ts`,
      );
    });
  });

  it("README.md's sample is this code's output for the change it describes", async () => {
    const dir = path.join(ROOT, FIXTURE);
    const policy = write("readme-policy.yaml", README_SAMPLE.policy);
    const result = await runDiff({
      dir,
      against: write("readme.json", deployed(README_SAMPLE.deployed)),
      project: (p) => ({ ...p, config: { ...p.config, "tokenguard:policyFile": policy } }),
    });
    const sample = formatMarkdown(result, dir).trimEnd();
    assert.ok(readFileSync(path.join(ROOT, "README.md"), "utf8").includes(sample), sample);
    assert.ok(
      readFileSync(path.join(ROOT, "README.md"), "utf8").includes(
        README_SAMPLE.policy.split("\n")[4].trim(),
      ),
    );
  });

  it("reads the export from stdin with -", () => {
    const r = spawnCli(["diff", FIXTURE, "--against", "-", "--format", "json"], ROOT, deployed());
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).against.source, "<stdin>");
  });

  it("2 for a corrupt export, naming it, with a complete JSON document", async () => {
    const file = write("corrupt.json", '{"version": 3, "deployment": ');
    const r = await runCli(["diff", FIXTURE, "--against", file, "--format", "json"], ROOT);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /corrupt\.json is not a pulumi stack export:\n {2}JSON does not parse/);
    const doc = JSON.parse(r.stdout);
    assert.ok(validateJson(doc), JSON.stringify(validateJson.errors));
    assert.deepEqual(doc.tokens, []);
    const shapeless = await runCli(
      ["diff", FIXTURE, "--against", write("x.json", '{"version":3}')],
      ROOT,
    );
    assert.equal(shapeless.code, 2);
    assert.match(
      shapeless.stderr,
      /deployment is missing: is this the output of `pulumi stack export`\?/,
    );
  });

  it("2 for another project's export, naming both projects", async () => {
    const other = deployed().replaceAll("::orders::", "::payments::");
    const r = await runCli(["diff", FIXTURE, "--against", write("other.json", other)], ROOT);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /other\.json is an export of project "payments", but the program is project "orders"/,
    );
  });

  it("2 for an approval whose scope is not of its token's grammar, naming the entry", async () => {
    const policy = write(
      "policy.yaml",
      'tokens:\n  orders-api:\n    approvedWidening:\n      - { scope: "secret/*:read", reason: wrong grammar }\n',
    );
    await assert.rejects(
      runDiff({
        dir: path.join(ROOT, FIXTURE),
        against: write("older2.json", deployed(OLDER)),
        project: (p) => ({ ...p, config: { ...p.config, "tokenguard:policyFile": policy } }),
      }),
      (e: unknown) =>
        e instanceof ApprovalError &&
        /tokens\.orders-api\.approvedWidening\[0\]\.scope: .*a label scope, like "orders:read"/.test(
          e.message,
        ),
    );
  });
});
