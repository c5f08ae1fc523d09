import { strict as assert } from "node:assert";
import {
  parseVaultPolicy,
  renderVaultPolicy,
  VaultPolicyParseError,
} from "../../lib/schema/vault-hcl";

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

  it("reads the JSON form", () => {
    const doc = JSON.stringify({
      path: { "sys/*": { capabilities: ["sudo"] }, "secret/a": [{ policy: "read" }] },
    });
    assert.deepEqual(parseVaultPolicy(doc), [
      { path: "sys/*", capabilities: ["sudo"], line: 1 },
      { path: "secret/a", capabilities: ["read", "list"], line: 1 },
    ]);
  });

  it("reads heredoc strings and the older `path = { ... }` object form", () => {
    const doc = `path = {\n  "secret/x" = { capabilities = ["read"] }\n}\nname = <<EOT\nreader\nEOT\n`;
    assert.deepEqual(parseVaultPolicy(doc), [
      { path: "secret/x", capabilities: ["read"], line: 1 },
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

  for (const [doc, message] of [
    ['path "x" {\n  capabilities = \n}', /line 3: expected a value, found "}"/],
    [
      'path "x" {\n  capabilities = ["read"]\n',
      /line 3: expected "}": close the block with } \(the document ends early\)/,
    ],
    [
      'path "x" { capabilities = "read" }',
      /line 1: capabilities of path "x" must be a list of strings/,
    ],
    [
      'path "x" { policy = "admin" }',
      /policy of path "x" must be one of deny, read, write, sudo, list/,
    ],
    [
      'paths "x" { capabilities = ["read"] }',
      /line 1: unknown key "paths"; a policy holds path blocks only/,
    ],
    ['path "x" {\n capabilities = ["read]\n}', /line 2: a string is not closed on its line/],
    ["{ not json", /line 1: JSON does not parse/],
    ['path "a" "b" { capabilities = [] }', /write a path block as path "<path>"/],
  ] as const) {
    it(`refuses ${JSON.stringify(doc.slice(0, 32))}, naming the line`, () => {
      assert.throws(
        () => parseVaultPolicy(doc),
        (e: unknown) => e instanceof VaultPolicyParseError && message.test(e.message),
      );
    });
  }
});
