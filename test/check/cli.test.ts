/**
 * `tokenguard check` as users run it: exit codes for clean, violating and broken programs, the JSON
 * and SARIF contracts (validated against their schemas), the text layout, --config, and no secret
 * in any output.
 */
import { strict as assert } from "node:assert";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import Ajv from "ajv";
import type * as Sarif from "sarif";
import pc from "picocolors";
import { CHECK_JSON_SCHEMA, formatText, toJson, toSarif } from "../../lib/check/format";
import { runCheck } from "../../lib/check/check";
import { RULES } from "../../lib/rules/catalog";
import { runCli, spawnCli, tempDir } from "../scan/helpers";
import { sarifValidator } from "../helpers/sarif";
import { FIXTURES, PACK_DIR, ROOT } from "./helpers";

const fixture = (name: string) => path.join(FIXTURES, name);
const validateJson = new Ajv({ allErrors: true, strict: false }).compile(CHECK_JSON_SCHEMA);
const validateSarif = sarifValidator();

/** Line of the first `new X("<name>"` in a fixture's program. */
function lineOf(file: string, name: string): number {
  const lines = readFileSync(file, "utf8").split("\n");
  return lines.findIndex((l) => l.includes(`("${name}"`)) + 1;
}

describe("tokenguard check (CLI)", function () {
  this.timeout(180_000);

  describe("exit codes", () => {
    it("0 for a clean program", async () => {
      const run = await runCli(["check", fixture("clean"), "--format", "json"], ROOT);
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(JSON.parse(run.stdout), { resources: 3, violations: [] });
    });

    it("1 for mandatory violations (a real process: the exit status itself)", () => {
      const run = spawnCli(["check", "test/check/fixtures/violating"], ROOT);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, /2 mandatory violations and 2 advisory: the preview would fail/);
      assert.equal(run.stderr, "", "no progress line when stderr is not a terminal");
    });

    it("1 with every declaration ScopedToken refuses, each at its `new` call", async () => {
      const dir = fixture("refused");
      const file = path.join(dir, "index.ts");
      const json = await runCli(["check", dir, "--format", "json"], ROOT);
      assert.equal(json.code, 1, json.stderr);
      const doc = JSON.parse(json.stdout) as {
        violations: { policy: string; urn: string; message: string }[];
      };
      assert.ok(validateJson(doc), JSON.stringify(validateJson.errors));
      assert.deepEqual(
        doc.violations.map((v: { policy: string; urn: string; message: string }) => [
          v.policy,
          v.urn.split("::").pop(),
          v.message,
        ]),
        [
          [
            "token-least-privilege",
            "everything",
            'scopes[0]: verb "*" grants every action; name the verb',
          ],
          ["token-arguments-valid", "misspelt", "random.byte: unknown field; did you mean bytes?"],
        ],
      );
      const sarif = await runCli(["check", dir, "--format", "sarif"], ROOT);
      assert.equal(sarif.code, 1, sarif.stderr);
      const log = JSON.parse(sarif.stdout) as Sarif.Log;
      assert.ok(validateSarif(log), JSON.stringify(validateSarif.errors));
      const lines = log.runs[0].results!.map(
        (r) => r.locations![0].physicalLocation!.region!.startLine,
      );
      assert.deepEqual(lines.sort(), [lineOf(file, "everything"), lineOf(file, "misspelt")].sort());
    });

    it("2 with complete JSON and SARIF when the program cannot run", async () => {
      const json = await runCli(["check", fixture("throws-plain"), "--format", "json"], ROOT);
      assert.equal(json.code, 2);
      const doc = JSON.parse(json.stdout) as { error: string };
      assert.ok(validateJson(doc), JSON.stringify(validateJson.errors));
      assert.match(doc.error, /^the program failed:\nregion is not set/);
      const sarif = await runCli(["check", fixture("throws-plain"), "--format", "sarif"], ROOT);
      assert.equal(sarif.code, 2);
      const log = JSON.parse(sarif.stdout) as Sarif.Log;
      assert.ok(validateSarif(log), JSON.stringify(validateSarif.errors));
      assert.equal(log.runs[0].invocations?.[0].executionSuccessful, false);
      assert.deepEqual(log.runs[0].results, []);
    });

    it("2 with the message and the line that threw for a plain error, no stack-trace wall", async () => {
      const run = await runCli(["check", fixture("throws-plain")], ROOT);
      assert.equal(run.code, 2);
      const file = path.join(fixture("throws-plain"), "index.ts");
      assert.equal(
        run.stderr,
        `tokenguard: the program failed:\nregion is not set: add aws:region to the stack config\n    at requireRegion (${file}:3:22)\n`,
      );
      assert.doesNotMatch(run.stderr, /node_modules|node:internal/);
    });

    it("2 for what preview refuses before running: no project, missing config, bad flags", async () => {
      const { dir, cleanup } = tempDir("check-empty");
      try {
        const none = await runCli(["check", dir], ROOT);
        assert.equal(none.code, 2);
        assert.match(none.stderr, /has no Pulumi\.yaml: pass the directory of a Pulumi project/);
      } finally {
        cleanup();
      }
      const consumer = await runCli(["check", "examples/aws-service-key/consumer"], ROOT);
      assert.equal(consumer.code, 2);
      assert.match(
        consumer.stderr,
        /stack "dev" is missing configuration value "tokenguard-aws-service-key-consumer:producer"/,
      );
      const format = await runCli(["check", fixture("clean"), "--format", "xml"], ROOT);
      assert.equal(format.code, 2);
      assert.match(format.stderr, /--format must be one of text, json, sarif \(got "xml"\)/);
      const pack = await runCli(
        ["check", fixture("clean"), "--policy-pack", fixture("clean")],
        ROOT,
      );
      assert.equal(pack.code, 2);
      assert.match(
        pack.stderr,
        /the policy pack failed: .*clean is not a policy pack: it has no PulumiPolicy.yaml/,
      );
    });
  });

  describe("outputs", () => {
    it("json: exactly the contract, validated against its schema", async () => {
      const run = await runCli(["check", fixture("violating"), "--format", "json"], ROOT);
      assert.equal(run.code, 1, run.stderr);
      const doc = JSON.parse(run.stdout);
      assert.ok(validateJson(doc), JSON.stringify(validateJson.errors));
      assert.equal(doc.resources, 6);
      assert.deepEqual(
        doc.violations.map((v: { policy: string; level: string; urn: string }) => [
          v.policy,
          v.level,
          v.urn,
        ]),
        [
          [
            "random-token-strength",
            "mandatory",
            "urn:pulumi:dev::check-violating::random:index/randomPassword:RandomPassword::session-token",
          ],
          [
            "token-max-ttl",
            "mandatory",
            "urn:pulumi:dev::check-violating::tokenguard:index:ScopedToken::too-long",
          ],
          [
            "token-ownership",
            "advisory",
            "urn:pulumi:dev::check-violating::tokenguard:index:ScopedToken::nobody",
          ],
          [
            "token-ownership",
            "advisory",
            "urn:pulumi:dev::check-violating::tokenguard:index:ScopedToken::nobody",
          ],
        ],
      );
      // The schema is strict: an extra field or a bad level fails it.
      assert.equal(validateJson({ ...doc, extra: 1 }), false);
      assert.equal(
        validateJson({ resources: 1, violations: [{ ...doc.violations[0], level: "fatal" }] }),
        false,
      );
    });

    it("sarif: valid SARIF 2.1.0, one rule per policy, URN and the `new` call as locations", async () => {
      const run = await runCli(["check", fixture("violating"), "--format", "sarif"], ROOT);
      assert.equal(run.code, 1, run.stderr);
      const log = JSON.parse(run.stdout);
      const validate = sarifValidator();
      assert.ok(validate(log), JSON.stringify(validate.errors?.slice(0, 5)));
      const sarifRun = log.runs[0];
      assert.deepEqual(
        sarifRun.tool.driver.rules.map((r: { id: string }) => r.id),
        Object.keys(RULES),
      );
      const maxTtl = sarifRun.tool.driver.rules.find(
        (r: { id: string }) => r.id === "token-max-ttl",
      );
      assert.equal(maxTtl.fullDescription.text, RULES["token-max-ttl"].description);
      assert.equal(maxTtl.help.text, RULES["token-max-ttl"].remediation);
      assert.equal(maxTtl.defaultConfiguration.level, "error");
      assert.equal(maxTtl.properties["security-severity"], "8.0");
      assert.equal(sarifRun.results.length, 4);
      const file = path.join(fixture("violating"), "index.ts");
      const result = sarifRun.results.find((r: { ruleId: string }) => r.ruleId === "token-max-ttl");
      assert.equal(result.level, "error");
      assert.equal(sarifRun.tool.driver.rules[result.ruleIndex].id, "token-max-ttl");
      assert.deepEqual(result.locations[0].physicalLocation, {
        artifactLocation: { uri: "test/check/fixtures/violating/index.ts", uriBaseId: "%SRCROOT%" },
        region: { startLine: lineOf(file, "too-long"), startColumn: 1 },
      });
      assert.deepEqual(result.locations[0].logicalLocations, [
        {
          fullyQualifiedName:
            "urn:pulumi:dev::check-violating::tokenguard:index:ScopedToken::too-long",
          name: "too-long",
          kind: "resource",
        },
      ]);
      const advisory = sarifRun.results.filter(
        (r: { ruleId: string }) => r.ruleId === "token-ownership",
      );
      assert.deepEqual(
        advisory.map((r: { level: string }) => r.level),
        ["warning", "warning"],
      );
      assert.match(result.partialFingerprints["tokenguard/check/v1"], /^[0-9a-f]{32}$/);
    });

    it("text: the pack, then each violation by level as `pulumi preview` lays them out", async () => {
      const run = await runCli(["check", fixture("violating")], ROOT);
      assert.equal(run.code, 1, run.stderr);
      const file = "test/check/fixtures/violating/index.ts";
      const text = run.stdout;
      assert.match(
        text,
        /^tokenguard check check-violating \(stack dev\): 6 resources, offline preview\n/,
      );
      assert.match(
        text,
        /\nPolicies:\n {4}❌ tokenguard@v0\.1\.0 \(local: policy-packs\/tokenguard\)\n/,
      );
      const max = text.indexOf(
        "- [mandatory] [severity: high]  token-max-ttl  (tokenguard:index:ScopedToken: too-long)",
      );
      const owner = text.indexOf(
        "- [advisory] [severity: low]  token-ownership  (tokenguard:index:ScopedToken: nobody)",
      );
      assert.ok(max > 0 && owner > max, "mandatory before advisory");
      assert.ok(
        text.includes(
          `          ${RULES["token-max-ttl"].description}\n          ttl 120d exceeds the ceiling of 90d`,
        ),
      );
      assert.ok(text.includes(`          at ${file}:${lineOf(file, "too-long")}:1\n`));
      assert.ok(!text.includes("\u001b["), "no color when stdout is not a terminal");
    });

    it("--config changes levels and properties, and is validated like preview's", async () => {
      const { dir, cleanup } = tempDir("check-config");
      try {
        const good = path.join(dir, "good.json");
        writeFileSync(
          good,
          JSON.stringify({
            "token-ownership": "disabled",
            "token-max-ttl": "advisory",
            "random-token-strength": { minBytes: 16, enforcementLevel: "mandatory" },
          }),
        );
        const run = await runCli(
          ["check", fixture("violating"), "--config", good, "--format", "json"],
          ROOT,
        );
        const doc = JSON.parse(run.stdout);
        // 16 characters of 83 give 12.8 bytes: still below 16; max-ttl now advisory, ownership off.
        assert.deepEqual(
          doc.violations.map((v: { policy: string; level: string }) => `${v.policy} ${v.level}`),
          ["random-token-strength mandatory", "token-max-ttl advisory"],
        );
        assert.equal(run.code, 1);
        writeFileSync(good, JSON.stringify({ all: "advisory" }));
        assert.equal(
          (await runCli(["check", fixture("violating"), "--config", good], ROOT)).code,
          0,
        );

        const bad = path.join(dir, "bad.json");
        writeFileSync(bad, JSON.stringify({ "random-token-strength": { minBytes: 8 } }));
        const refused = await runCli(["check", fixture("violating"), "--config", bad], ROOT);
        assert.equal(refused.code, 2);
        assert.match(
          refused.stderr,
          /does not match the pack's config schema:\n {2}random-token-strength: minBytes: must be >= 16/,
        );
        writeFileSync(bad, JSON.stringify({ "token-max-tll": "advisory" }));
        const typo = await runCli(["check", fixture("violating"), "--config", bad], ROOT);
        assert.equal(typo.code, 2);
        assert.match(typo.stderr, /"token-max-tll" is not a policy of this pack/);
      } finally {
        cleanup();
      }
    });

    it("shows a progress line on stderr only on a terminal, and clears it", async () => {
      const stderr = process.stderr as { isTTY?: boolean };
      const was = stderr.isTTY;
      stderr.isTTY = true;
      try {
        const run = await runCli(["check", fixture("clean"), "--format", "json"], ROOT);
        assert.equal(run.code, 0);
        assert.match(
          run.stderr,
          /running the program under Pulumi's mocks… \d+ resources registered/,
        );
        assert.ok(run.stderr.endsWith("\r\u001b[K"), "the line is cleared before the verdict");
        assert.deepEqual(JSON.parse(run.stdout).violations, []);
      } finally {
        stderr.isTTY = was;
      }
    });

    it("runs JavaScript programs through package.json main, as the language host does", async () => {
      const run = await runCli(["check", fixture("javascript"), "--format", "json"], ROOT);
      assert.equal(run.code, 1, run.stderr);
      assert.deepEqual(
        JSON.parse(run.stdout).violations.map((v: { policy: string; urn: string }) => [
          v.policy,
          v.urn,
        ]),
        [
          [
            "random-token-strength",
            "urn:pulumi:dev::check-javascript::random:index/randomPassword:RandomPassword::api-token",
          ],
        ],
      );
    });
  });

  describe("secrets", () => {
    const PLANTED = [
      "tg-planted-program-secret-7c1d5e9a3b",
      "tg-planted-config-default-4f2a9e61d0",
      "tg-planted-ciphertext-0b8d2c77aa19",
      "tg-planted-provider-token-5e03b1",
    ];

    it("the pack sees secrets (wrapped) and unknowns; check prints none of them in any format", async () => {
      // The analyzed view carries the program's secrets, as the engine's would, so the test can fail.
      const result = await runCheck({ dir: fixture("secrets"), policyPack: PACK_DIR });
      const view = JSON.stringify(result.view);
      assert.ok(view.includes(PLANTED[0]) && view.includes(PLANTED[1]));
      // Secure stack values are never decrypted or carried: they are unknown.
      assert.ok(!view.includes(PLANTED[2]) && !view.includes(PLANTED[3]));
      assert.deepEqual(
        result.violations.map((v) => `${v.policy} ${v.level} ${v.urn.split("::").pop()}`),
        ["vault-token-must-expire mandatory legacy", "vault-token-must-expire advisory later"],
      );
      assert.match(result.violations[1].message, /explicitMaxTtl can't be known during preview/);

      // Every output format of that verdict, and the real command's stdout and stderr.
      const rendered = [
        formatText(result, pc.createColors(true)),
        JSON.stringify(toJson(result)),
        JSON.stringify(toSarif(result, "0.0.0")),
      ];
      const run = await runCli(["check", fixture("secrets")], ROOT);
      assert.equal(run.code, 1, run.stderr);
      for (const out of [...rendered, run.stdout, run.stderr]) {
        for (const secret of PLANTED) assert.ok(!out.includes(secret), secret);
      }
      assert.equal(run.stdout, formatText(result, pc.createColors(false), ROOT));
    });
  });
});
