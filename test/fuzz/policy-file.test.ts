/**
 * Fuzzing the policy file: any YAML text parses into a policy or is refused with a PolicyFileError
 * naming the file — never a raw error. And whatever ceilings a file allows, the component's
 * schedule stays printable (no "Invalid time value").
 */
import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import fc from "fast-check";
import { stringify } from "yaml";
import { ScopedToken } from "../../lib/scoped-token";
import { parsePolicyText, PolicyFileError } from "../../lib/schema/policy-file";
import { promiseOf, reset } from "../helpers/mocks";

const value = fc.oneof(
  fc.constantFrom("30d", "768h", "5000w", "forever", "0s", "", "*", "sys/*", "iam:*"),
  fc.string(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.constantFrom("*", "sudo", "read", "s3:GetObject", "sys/*"), { maxLength: 3 }),
);
const backend = fc.dictionary(
  fc.constantFrom(
    "maxTtl",
    "maxRotation",
    "requireRotation",
    "forbiddenCapabilities",
    "forbiddenPaths",
    "forbiddenActions",
    "allowActions",
    "maxTTL",
  ),
  value,
  { maxKeys: 4 },
);
const document = fc.record(
  {
    version: fc.oneof(fc.constant(1), value),
    defaults: fc.oneof(
      fc.dictionary(
        fc.constantFrom("requireRotation", "requireOwner", "requirePurpose", "x"),
        value,
      ),
      value,
    ),
    backends: fc.oneof(
      fc.dictionary(fc.constantFrom("vault", "random", "aws-iam", "aws-secret", "ldap"), backend),
      value,
    ),
    tokens: fc.oneof(
      fc.dictionary(
        fc.string({ maxLength: 6 }),
        fc.dictionary(
          fc.constantFrom("maxTtl", "allowedScopes", "approvedWidening", "y"),
          fc.oneof(
            value,
            fc.array(
              fc.dictionary(
                fc.constantFrom("scope", "ttl", "rotation", "ownerRemoved", "reason", "z"),
                value,
              ),
              { maxLength: 2 },
            ),
          ),
        ),
      ),
      value,
    ),
  },
  { requiredKeys: [] },
);

describe("fuzz: the policy file parses or is refused naming the file — never a crash", () => {
  it("holds for arbitrary documents and for arbitrary text", () => {
    const check = (text: string) => {
      try {
        parsePolicyText(text, "fuzz.yaml");
      } catch (e) {
        assert.ok(
          e instanceof PolicyFileError,
          `${(e as Error)?.stack ?? String(e)}\n--- for:\n${text}`,
        );
        assert.match(e.message, /^fuzz\.yaml is not a valid tokenguard policy file:/);
      }
    };
    fc.assert(
      fc.property(document, (doc) => check(stringify(doc))),
      { numRuns: 500, seed: 20261129 },
    );
    fc.assert(fc.property(fc.string({ maxLength: 200 }), check), { numRuns: 500, seed: 20261129 });
  });

  it("keeps every instant printable whatever ceiling a file allows", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "tg-fuzz-policy-"));
    const file = path.join(dir, "tokenguard.policy.yaml");
    writeFileSync(file, "backends:\n  random:\n    maxTtl: 5000w\n    maxRotation: 4000w\n");
    reset({ policyFile: file, now: "2026-06-01T00:00:00Z" });
    const token = new ScopedToken("long", {
      backend: "random",
      scopes: ["orders:read"],
      ttl: "5000w",
      rotation: { every: "4000w", overlap: "1d" },
      owner: "team-a",
      purpose: "fuzz",
    });
    const expires = await promiseOf(pulumi.output(token.expiresAt));
    assert.match(String(expires), /^\d{4}-\d\d-\d\dT/);
    assert.throws(
      () => parsePolicyText("backends:\n  random:\n    maxTtl: 99999999w\n", "big.yaml"),
      /longer than 100 years/,
    );
  });
});
