/**
 * The argument reference and the types cannot drift: docs/arguments.md is generated from the TSDoc
 * of lib/scoped-token-args.ts, and the interfaces name exactly the fields the schema accepts.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { argumentsDoc, interfaceFields, TARGET } from "../scripts/arguments-doc";
import { ARGUMENT_FIELDS, optionNames } from "../lib/schema/args";
import { RULES } from "../lib/rules/catalog";
import * as path from "node:path";

describe("docs/arguments.md and the argument types", () => {
  it("docs/arguments.md is what `npm run docs` generates from the TSDoc", () => {
    const normalize = (s: string) => s.replace(/\s+/g, " ").trim();
    assert.equal(
      normalize(readFileSync(TARGET, "utf8")),
      normalize(argumentsDoc()),
      "run npm run docs",
    );
  });

  it("the types declare exactly the fields and options the schema accepts", () => {
    const fields = interfaceFields();
    const sorted = (xs: readonly string[]) => [...new Set(xs)].sort();
    const topLevel = [
      ...fields.get("ScopedTokenCommonArgs")!,
      ...["Vault", "Random", "AwsIam", "AwsSecret"].flatMap((b) =>
        fields.get(`${b}ScopedTokenArgs`)!,
      ),
    ];
    assert.deepEqual(sorted(topLevel), sorted(ARGUMENT_FIELDS));
    assert.deepEqual(sorted(fields.get("VaultBackendArgs")!), sorted(optionNames("vault")));
    assert.deepEqual(sorted(fields.get("RandomBackendArgs")!), sorted(optionNames("random")));
    assert.deepEqual(sorted(fields.get("AwsIamBackendArgs")!), sorted(optionNames("aws-iam")));
    assert.deepEqual(
      sorted([...fields.get("AwsSecretBackendArgs")!, ...fields.get("RandomBackendArgs")!]),
      sorted(optionNames("aws-secret")),
    );
  });

  it("docs/rules.md has a section for every rule (each policy's url points at one) and its level", () => {
    const text = readFileSync(path.join(__dirname, "..", "docs", "rules.md"), "utf8");
    for (const [name, rule] of Object.entries(RULES)) {
      assert.match(text, new RegExp(`^## ${name}$`, "m"), `## ${name}`);
      assert.match(text, new RegExp(`^\\| \`${name}\` \\| ${rule.level} \\|`, "m"), `${name} row`);
    }
  });
});
