import { strict as assert } from "node:assert";
import { argumentIssues, declarationOf, isReference } from "../../lib/schema/args";
import { closest } from "../../lib/schema/errors";
import { RESOURCE_REFERENCE } from "../../lib/schema/scopes";

const base = {
  backend: "vault",
  scopes: ["secret/data/ci/*:read"],
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  owner: "team-platform",
  purpose: "CI",
};
const lines = (args: unknown) => argumentIssues(args).map((i) => `${i.field}: ${i.message}`);

describe("schema/args: everything but the declaration, strictly", () => {
  it("accepts every documented field and option", () => {
    assert.deepEqual(
      lines({
        ...base,
        policyFile: "p.yaml",
        vault: { policyName: "ci", namespace: "ns", orphan: true },
      }),
      [],
    );
    assert.deepEqual(
      lines({ ...base, backend: "random", random: { bytes: 64, prefix: "acme_" } }),
      [],
    );
    assert.deepEqual(
      lines({
        ...base,
        backend: "aws-secret",
        aws: { secretName: "a/b", recoveryWindowInDays: 7, exposeValue: true, bytes: 48 },
      }),
      [],
    );
    assert.deepEqual(
      lines({ ...base, backend: "aws-iam", aws: { userName: "u", path: "/tg/" } }),
      [],
    );
  });

  it("refuses a misspelt field with the closest known name", () => {
    assert.deepEqual(lines({ ...base, rotaton: {} }), [
      "rotaton: unknown field; did you mean rotation?",
    ]);
    assert.deepEqual(lines({ ...base, ownr: "x" }), ["ownr: unknown field; did you mean owner?"]);
    assert.deepEqual(lines({ ...base, alarm: {} }), ["alarm: unknown field; did you mean alert?"]);
    assert.deepEqual(lines({ ...base, verfy: false }), [
      "verfy: unknown field; did you mean verify?",
    ]);
    assert.deepEqual(lines({ ...base, vault: { orphn: true } }), [
      "vault.orphn: unknown field; did you mean orphan?",
    ]);
  });

  it("takes a backend's block only for that backend", () => {
    assert.deepEqual(lines({ ...base, random: { bytes: 64 } }), [
      'random: holds options of another backend than "vault"; remove it',
    ]);
    // aws-secret options are not aws-iam options.
    assert.deepEqual(lines({ ...base, backend: "aws-iam", aws: { secretName: "x" } }), [
      "aws.secretName: unknown field",
    ]);
  });

  it("names each bad option with its value and the fix", () => {
    assert.deepEqual(lines({ ...base, backend: "random", random: { bytes: 16 } }), [
      "random.bytes: 16 is not between 32 and 512; use at least 32 bytes of entropy",
    ]);
    assert.deepEqual(lines({ ...base, vault: { policyName: "root" } }), [
      'vault.policyName: "root" is a built-in Vault policy; choose another name',
    ]);
    assert.deepEqual(lines({ ...base, vault: "ci" }), ["vault: must be an object of options"]);
    assert.deepEqual(lines({ ...base, vault: { namespace: 7 } }), [
      "vault.namespace: must be a string or a resource output",
    ]);
    assert.deepEqual(lines("vault"), [
      ": the arguments must be an object like { backend, scopes, ttl, rotation, owner, purpose }",
    ]);
  });

  it("marks references in aws scopes and keeps other values as given", () => {
    const output = { __pulumiOutput: true };
    assert.ok(isReference(output));
    assert.ok(isReference(Promise.resolve("x")));
    assert.ok(!isReference("arn:aws:s3:::b"));
    const decl = declarationOf("t", {
      backend: "aws-iam",
      scopes: [{ actions: ["s3:GetObject"], resources: [output, "arn:aws:s3:::b/*"] }],
      ttl: 7,
    });
    assert.deepEqual(decl.scopes, [
      { actions: ["s3:GetObject"], resources: [RESOURCE_REFERENCE, "arn:aws:s3:::b/*"] },
    ]);
    assert.equal(decl.ttl, 7, "a wrong type is kept for the parser to refuse by name");
  });

  it("suggests only close names", () => {
    assert.equal(closest("rotaton", ["rotation", "owner"]), "rotation");
    assert.equal(closest("TTL", ["ttl"]), "ttl");
    assert.equal(closest("alert", ["rotation", "owner", "ttl"]), undefined);
  });
});
