/**
 * The argument reference and the types cannot drift: docs/arguments.md is generated from the TSDoc
 * of lib/scoped-token-args.ts, and the interfaces name exactly the fields the schema accepts.
 */
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { argumentsDoc, interfaceFields, TARGET } from "../scripts/arguments-doc";
import { ARGUMENT_FIELDS, optionNames } from "../lib/schema/args";
import { ALERT_OPTIONS, verifyOptionNames } from "../lib/schema/canary";

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
    const bounds = fields.get("ProbeArgs")!;
    assert.deepEqual(
      sorted([...fields.get("VaultVerifyArgs")!, ...bounds]),
      sorted(verifyOptionNames("vault")),
    );
    assert.deepEqual(sorted(bounds), sorted(verifyOptionNames("aws-iam")));
    for (const backend of ["random", "aws-secret"] as const) {
      assert.deepEqual(
        sorted([...fields.get("HttpVerifyArgs")!, ...bounds]),
        sorted(verifyOptionNames(backend)),
      );
    }
    assert.deepEqual(sorted(fields.get("AlertArgs")!), sorted(ALERT_OPTIONS));
  });
});
