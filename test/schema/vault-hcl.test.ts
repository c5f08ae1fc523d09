import { strict as assert } from "node:assert";
import {
  parseVaultPolicy,
  renderVaultPolicy,
  VaultPolicyParseError,
} from "../../lib/schema/vault-hcl";
import { judgeVaultPolicyDocument } from "../../lib/rules/raw-vault";
import { resolvePolicy } from "../../lib/schema/policy-file";
import { POLICY_CASES } from "./vault-policy-cases";

describe("schema/vault-hcl parseVaultPolicy", () => {
  it("reads HCL path blocks with comments, trailing commas and the legacy policy shorthand", () => {
    const doc = `# a comment
path "secret/data/ci/*" {
  capabilities = ["read", "list",]   // trailing comma
}
/* a block
   comment */
path "auth/token/create" {
  capabilities = ["create", "update"]
  allowed_parameters = { "ttl" = ["1h"], "*" = [] }
  min_wrapping_ttl = "1s"
}
path "secret/legacy" { policy = "write" }
`;
    assert.deepEqual(parseVaultPolicy(doc), [
      { path: "secret/data/ci/*", capabilities: ["read", "list"], line: 2 },
      { path: "auth/token/create", capabilities: ["create", "update"], line: 7 },
      {
        path: "secret/legacy",
        capabilities: ["create", "read", "update", "delete", "list"],
        line: 12,
      },
    ]);
  });

  it("reads the JSON form, stripping a leading slash as Vault does", () => {
    const doc = JSON.stringify({
      path: { "sys/*": { capabilities: ["sudo"] }, "/secret/a": { policy: "read" } },
    });
    assert.deepEqual(parseVaultPolicy(doc), [
      { path: "sys/*", capabilities: ["sudo"], line: 1 },
      { path: "secret/a", capabilities: ["read", "list"], line: 1 },
    ]);
  });

  it("reads back exactly what renderVaultPolicy writes", () => {
    const scopes = [
      { path: "secret/data/a/*", capabilities: ["read", "list"] },
      { path: "kv/b", capabilities: ["create", "update"] },
    ];
    const text = renderVaultPolicy(scopes, "generated");
    assert.deepEqual(
      parseVaultPolicy(text).map(({ path, capabilities }) => ({ path, capabilities })),
      scopes,
    );
  });

  it("judges an escalation hidden behind a repeated JSON key (JSON.parse would keep the last)", () => {
    const doc =
      '{"path":{"auth/token/create":{"capabilities":["update"]},"auth/token/create":{"capabilities":["read"]}}}';
    const findings = judgeVaultPolicyDocument(doc, resolvePolicy({}, "p.yaml"), "legacy");
    assert.match(
      findings.map((f) => f.message).join("\n"),
      /privilege escalation: vault token-create/,
    );
  });

  it("judges an escalation spelt with HCL escapes (\\x65, \\U, octal decode as in HCL v1)", () => {
    for (const spelt of ["cr\\x65ate", "cr\\U00000065ate", "cr\\145ate"]) {
      const doc = `path "auth/token/${spelt}" {\n  capabilities = ["update"]\n}`;
      const findings = judgeVaultPolicyDocument(doc, resolvePolicy({}, "p.yaml"), "legacy");
      assert.match(findings.map((f) => f.message).join("\n"), /vault token-create\)/, spelt);
    }
  });

  it("refuses JSON that JSON.parse refuses, naming where", () => {
    for (const doc of [
      '{"path":{"a":{"capabilities":["read",]}}}',
      '{"path":{}} x',
      "{'path':{}}",
      '{"path":{"a":01}}',
    ]) {
      assert.throws(
        () => parseVaultPolicy(doc),
        /line 1: JSON does not parse: .* at position \d+/,
        doc,
      );
    }
    assert.throws(() => parseVaultPolicy(`{"path":${"[".repeat(5000)}`), /nested too deep/);
  });

  for (const c of POLICY_CASES) {
    const refused = (c.ours ?? c.vault) === "refuse";
    it(`${refused ? "refuses" : "reads"} ${c.name} (${c.source})`, () => {
      if (refused) {
        assert.throws(
          () => parseVaultPolicy(c.doc),
          (e: unknown) => e instanceof VaultPolicyParseError && (c.error ?? /./).test(e.message),
        );
        return;
      }
      const read = parseVaultPolicy(c.doc).map(({ path, capabilities }) => ({
        path,
        capabilities,
      }));
      assert.deepEqual(read, c.paths);
    });
  }
});
