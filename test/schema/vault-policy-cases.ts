/**
 * Vault policy documents and what Vault's own parser does with them: the cases follow Vault's
 * parser tests (vault/policy_test.go: TestPolicy_Parse, ParseBadRoot, ParseBadPath, ParseBadPolicy,
 * ParseBadWrapping, ParseBadCapabilities), its parser (vault/policy.go: parsePaths,
 * validateParameter, the control-group subset check) and the documented policy syntax
 * (https://developer.hashicorp.com/vault/docs/concepts/policies), in our own words and values.
 * test/schema/vault-hcl.test.ts holds tokenguard's parser to them; test/e2e/vault-policy-parser
 * holds each `vault` verdict to a real Vault server.
 */

export interface PolicyCase {
  readonly name: string;
  readonly doc: string;
  /** What Vault 1.21 does with the document. */
  readonly vault: "accept" | "refuse";
  /** What tokenguard does, when it is deliberately stricter than Vault (default: as Vault). */
  readonly ours?: "refuse";
  /** For a refusal: what tokenguard's message must say. */
  readonly error?: RegExp;
  /** For an acceptance: the path blocks tokenguard reads. */
  readonly paths?: readonly { path: string; capabilities: readonly string[] }[];
  readonly source: string;
}

const POLICY_TEST = "vault/policy_test.go";
const POLICY_GO = "vault/policy.go";
const DOCS = "https://developer.hashicorp.com/vault/docs/concepts/policies";

export const POLICY_CASES: readonly PolicyCase[] = [
  {
    name: "a full document: name, deny-all, legacy shorthands, wrapping TTLs as number and string",
    doc: `# team policy
name = "team-dev"
path "*" { policy = "deny" }
path "staging/*" { policy = "write" }
path "prod/build-info" { policy = "read" }
path "/shared/config" {
  policy = "read"
  min_wrapping_ttl = 120
  max_wrapping_ttl = "2h"
}
path "shared/config" {
  capabilities = ["create", "update"]
  min_wrapping_ttl = "120s"
  max_wrapping_ttl = 7200
}`,
    vault: "accept",
    paths: [
      { path: "*", capabilities: ["deny"] },
      { path: "staging/*", capabilities: ["create", "read", "update", "delete", "list"] },
      { path: "prod/build-info", capabilities: ["read", "list"] },
      { path: "shared/config", capabilities: ["read", "list"] },
      { path: "shared/config", capabilities: ["create", "update"] },
    ],
    source: `${POLICY_TEST} TestPolicy_Parse`,
  },
  {
    name: "parameter constraints: allowed, denied, required, values of several types",
    doc: `path "kv/app" {
  capabilities = ["create", "update"]
  allowed_parameters = { "colour" = ["red", "blue"], "size" = [3, 5], "*" = [] }
  denied_parameters = { "admin" = [true], "owner" = [] }
  required_parameters = ["colour"]
}`,
    vault: "accept",
    paths: [{ path: "kv/app", capabilities: ["create", "update"] }],
    source: `${POLICY_TEST} TestPolicy_Parse; ${DOCS}#parameter-constraints`,
  },
  {
    name: "an unknown top-level key",
    doc: `name = "x"\nlabel = "y"\npath "a" { capabilities = ["read"] }`,
    vault: "refuse",
    error: /line 2: unknown key "label"/,
    source: `${POLICY_TEST} TestPolicy_ParseBadRoot`,
  },
  {
    name: "a misspelt key in a path block",
    doc: `path "a" {\n  capabilities = ["read"]\n  capabilties = ["list"]\n}`,
    vault: "refuse",
    error: /line 1: path "a": "capabilties" is not a key of a path block/,
    source: `${POLICY_TEST} TestPolicy_ParseBadPath`,
  },
  {
    name: "an unknown legacy policy value",
    doc: `path "a" { policy = "admin" }`,
    vault: "refuse",
    error: /path "a": policy must be one of deny, read, write, sudo/,
    source: `${POLICY_TEST} TestPolicy_ParseBadPolicy`,
  },
  {
    name: "the legacy value list, which Vault never had",
    doc: `path "a" { policy = "list" }`,
    vault: "refuse",
    error: /policy must be one of/,
    source: `${POLICY_GO} parsePaths`,
  },
  {
    name: "max_wrapping_ttl below min_wrapping_ttl",
    doc: `path "a" {\n  policy = "read"\n  min_wrapping_ttl = 600\n  max_wrapping_ttl = 60\n}`,
    vault: "refuse",
    error: /max_wrapping_ttl is less than min_wrapping_ttl/,
    source: `${POLICY_TEST} TestPolicy_ParseBadWrapping`,
  },
  {
    name: "a wrapping TTL that is not a duration",
    doc: `path "a" {\n  capabilities = ["read"]\n  min_wrapping_ttl = "later"\n}`,
    vault: "refuse",
    error: /min_wrapping_ttl "later" is not a duration/,
    source: `${POLICY_GO} parsePaths (ParseDurationSecond)`,
  },
  {
    name: "wrapping TTLs in Go units and days",
    doc: `path "a" {\n  capabilities = ["read"]\n  min_wrapping_ttl = "1h30m"\n  max_wrapping_ttl = "1d"\n}`,
    vault: "accept",
    paths: [{ path: "a", capabilities: ["read"] }],
    source: `${POLICY_GO} parsePaths (ParseDurationSecond)`,
  },
  {
    name: "a week, which Go durations do not know",
    doc: `path "a" {\n  capabilities = ["read"]\n  max_wrapping_ttl = "2w"\n}`,
    vault: "refuse",
    error: /max_wrapping_ttl "2w" is not a duration/,
    source: `${POLICY_GO} parsePaths (ParseDurationSecond)`,
  },
  {
    name: "an unknown capability",
    doc: `path "a" { capabilities = ["read", "destroy"] }`,
    vault: "refuse",
    error: /capability "destroy" is not one Vault knows/,
    source: `${POLICY_TEST} TestPolicy_ParseBadCapabilities`,
  },
  {
    name: "a capability in the wrong case",
    doc: `path "a" { capabilities = ["List"] }`,
    vault: "refuse",
    error: /capability "List" is not one Vault knows/,
    source: `${POLICY_GO} parsePaths`,
  },
  {
    name: "root as a capability",
    doc: `path "a" { capabilities = ["root"] }`,
    vault: "refuse",
    error: /capability "root" is not one Vault knows/,
    source: `${POLICY_GO} parsePaths`,
  },
  {
    name: "a capability with a space",
    doc: `path "a" { capabilities = ["read "] }`,
    vault: "refuse",
    error: /capability "read " is not one Vault knows/,
    source: `${POLICY_GO} parsePaths`,
  },
  {
    name: "capabilities as a string, not a list",
    doc: `path "a" { capabilities = "read" }`,
    vault: "refuse",
    error: /capabilities must be a list/,
    source: `${DOCS}#capabilities`,
  },
  {
    name: "capabilities set twice in one block",
    doc: `path "a" {\n  capabilities = ["read"]\n  capabilities = ["list"]\n}`,
    vault: "refuse",
    error: /line 3: "capabilities" is set twice/,
    source: `${POLICY_GO} (HCL decoding)`,
  },
  {
    name: "the newer capabilities subscribe and recover, and subscribe_event_types",
    doc: `path "sys/events/subscribe/kv*" {\n  capabilities = ["read", "subscribe"]\n  subscribe_event_types = ["kv*"]\n}\npath "kv/data/x" { capabilities = ["recover"] }`,
    vault: "accept",
    paths: [
      { path: "sys/events/subscribe/kv*", capabilities: ["read", "subscribe"] },
      { path: "kv/data/x", capabilities: ["recover"] },
    ],
    source: `${DOCS}#capabilities`,
  },
  {
    name: "deny with other capabilities grants nothing",
    doc: `path "a" { capabilities = ["deny", "update"] }`,
    vault: "accept",
    paths: [{ path: "a", capabilities: ["deny"] }],
    source: `${POLICY_GO} parsePaths (deny wins)`,
  },
  {
    name: "name written as a block",
    doc: `name { }\npath "a" { capabilities = ["read"] }`,
    vault: "refuse",
    error: /line 1: name must be a string/,
    source: `${POLICY_GO} (Policy.Name is a string)`,
  },
  {
    name: "a segment wildcard followed by a glob",
    doc: `path "kv/+*" { capabilities = ["read"] }`,
    vault: "refuse",
    error: /path "kv\/\+\*": "\+\*" is not a wildcard Vault allows/,
    source: `${POLICY_GO} parsePaths`,
  },
  {
    name: "the older object form path = { ... }",
    doc: `path = {\n  "kv/x" = { capabilities = ["read"] }\n}`,
    vault: "refuse",
    error: /write a path block as path "<path>"/,
    source: `${POLICY_GO} parsePaths (CheckHCLKeys)`,
  },
  {
    name: "JSON: paths as an object",
    doc: JSON.stringify({ path: { "kv/a": { capabilities: ["read"] } } }),
    vault: "accept",
    paths: [{ path: "kv/a", capabilities: ["read"] }],
    source: `${DOCS}#policy-syntax`,
  },
  {
    name: "JSON: a list of path objects",
    doc: JSON.stringify({
      path: [{ "kv/a": { policy: "read" } }, { "kv/b": { capabilities: ["list"] } }],
    }),
    vault: "accept",
    paths: [
      { path: "kv/a", capabilities: ["read", "list"] },
      { path: "kv/b", capabilities: ["list"] },
    ],
    source: `${DOCS}#policy-syntax`,
  },
  {
    name: "JSON: a path's rules as a list",
    doc: JSON.stringify({ path: { "kv/a": [{ capabilities: ["read"] }] } }),
    vault: "refuse",
    error: /path "kv\/a": the rules of a path must be a block/,
    source: `${POLICY_GO} parsePaths`,
  },
  {
    name: "JSON: a misspelt key",
    doc: JSON.stringify({ path: { "kv/a": { capability: ["read"] } } }),
    vault: "refuse",
    error: /"capability" is not a key of a path block/,
    source: `${POLICY_TEST} TestPolicy_ParseBadPath`,
  },
  {
    name: "JSON: an unknown top-level key",
    doc: JSON.stringify({ paths: { "kv/a": { capabilities: ["read"] } } }),
    vault: "refuse",
    error: /unknown key "paths"/,
    source: `${POLICY_TEST} TestPolicy_ParseBadRoot`,
  },
  {
    name: "JSON's colon in HCL",
    doc: `path "a" { capabilities: ["read"] }`,
    vault: "refuse",
    error: /unexpected character ":"/,
    source: `${DOCS}#policy-syntax`,
  },
  {
    name: "a parameter constraint that is not a list",
    doc: `path "a" {\n  capabilities = ["update"]\n  denied_parameters = { "owner" = "root" }\n}`,
    vault: "refuse",
    error: /denied_parameters: "owner" must be a list of values/,
    source: `${POLICY_GO} (map of lists)`,
  },
  {
    name: "required_parameters as a string",
    doc: `path "a" {\n  capabilities = ["update"]\n  required_parameters = "owner"\n}`,
    vault: "refuse",
    error: /required_parameters must be a list/,
    source: `${DOCS}#required_parameters`,
  },
  {
    name: "a parameter key with a wildcard in the middle (tokenguard follows Vault's newer check)",
    doc: `path "a" {\n  capabilities = ["update"]\n  allowed_parameters = { "team*" = [] }\n}`,
    vault: "accept",
    ours: "refuse",
    error: /key "team\*" wildcards only as "\*" or at the tail/,
    source: `${POLICY_GO} validateParameter (after 1.21)`,
  },
  {
    name: "a control group without factors",
    doc: `path "a" {\n  capabilities = ["read"]\n  control_group = { ttl = "4h" }\n}`,
    vault: "refuse",
    error: /control_group has no factor/,
    source: `${POLICY_GO} parsePaths (control groups)`,
  },
  {
    name: "a control group factor needing no approvals",
    doc: `path "a" {\n  capabilities = ["read"]\n  control_group { factor "leads" { identity { group_names = ["leads"] approvals = 0 } } }\n}`,
    vault: "refuse",
    error: /needs group_ids or group_names and approvals > 0/,
    source: `${POLICY_GO} parsePaths (control groups)`,
  },
  {
    name: "a control group controlling a capability the path does not grant",
    doc: `path "a" {\n  capabilities = ["read"]\n  control_group = { factor "leads" { identity { group_names = ["leads"] approvals = 2 }\n    controlled_capabilities = ["delete"] } }\n}`,
    vault: "refuse",
    error: /controlled_capabilities must be among the path's capabilities/,
    source: `${POLICY_GO} ControlledCapabilityPolicySubsetError`,
  },
  {
    name: "a working control group",
    doc: `path "a" {\n  capabilities = ["read"]\n  control_group = { factor "leads" { identity { group_names = ["leads"] approvals = 2 } } }\n}`,
    vault: "accept",
    paths: [{ path: "a", capabilities: ["read"] }],
    source: `${POLICY_GO} parsePaths (control groups)`,
  },
  {
    name: "comments, trailing commas, heredoc name, templated and globbed paths",
    doc: `# hash\n// slashes\n/* block\n comment */\nname = <<EOT\nteam\nEOT\npath "kv/data/{{identity.entity.id}}/*" { capabilities = ["read", "list",] }\npath "kv/+/config" { capabilities = ["read"] }`,
    vault: "accept",
    paths: [
      { path: "kv/data/{{identity.entity.id}}/*", capabilities: ["read", "list"] },
      { path: "kv/+/config", capabilities: ["read"] },
    ],
    source: `${DOCS}#templated-policies`,
  },
  {
    name: "an unclosed block",
    doc: `path "a" {\n  capabilities = ["read"]\n`,
    vault: "refuse",
    error: /line 3: expected "}": close the block with } \(the document ends early\)/,
    source: `${DOCS}#policy-syntax`,
  },
  {
    name: "an empty document",
    doc: "",
    vault: "refuse",
    error: /the policy is empty/,
    source:
      "https://developer.hashicorp.com/vault/api-docs/system/policies#create-update-acl-policy",
  },
  {
    name: "a document of blanks and comments, which grants nothing",
    doc: "  \n# nothing here yet\n",
    vault: "accept",
    paths: [],
    source:
      "https://developer.hashicorp.com/vault/api-docs/system/policies#create-update-acl-policy",
  },
  // JSON keeps a repeated key: Vault's HCL v1 JSON parser reads every one, and its ACL merges the
  // blocks of one path (Vault 1.21.1, run: each of the first three documents minted a child token).
  {
    name: "JSON: a path given twice (both blocks read)",
    doc: '{"path":{"auth/token/create":{"capabilities":["update"]},"auth/token/create":{"capabilities":["read"]}}}',
    vault: "accept",
    paths: [
      { path: "auth/token/create", capabilities: ["update"] },
      { path: "auth/token/create", capabilities: ["read"] },
    ],
    source: `${POLICY_GO} parsePaths (HCL v1 JSON), vault/acl.go NewACL`,
  },
  {
    name: "JSON: capabilities given twice in one block (both lists read)",
    doc: '{"path":{"auth/token/create":{"capabilities":["update"],"capabilities":["read"]}}}',
    vault: "accept",
    paths: [{ path: "auth/token/create", capabilities: ["update", "read"] }],
    source: `${POLICY_GO} parsePaths (HCL v1 JSON)`,
  },
  {
    name: 'JSON: "path" given twice at the top (both objects read)',
    doc: '{"path":{"auth/token/create":{"capabilities":["update"]}},"path":{"kv/app":{"capabilities":["read"]}}}',
    vault: "accept",
    paths: [
      { path: "auth/token/create", capabilities: ["update"] },
      { path: "kv/app", capabilities: ["read"] },
    ],
    source: `${POLICY_GO} parsePaths (HCL v1 JSON)`,
  },
  {
    name: "JSON: policy given twice in one block (tokenguard cannot tell which Vault keeps)",
    doc: '{"path":{"kv/app":{"policy":"read","policy":"write"}}}',
    vault: "accept",
    ours: "refuse",
    error: /path "kv\/app": "policy" is given twice; give it once/,
    source: `${POLICY_GO} parsePaths (HCL v1 JSON)`,
  },
  // HCL v1 decodes a quoted string's escapes (its scanner, then Go's strconv.Unquote) before
  // Vault reads the path (Vault 1.21.1, run: the \\x65 document minted a child token).
  {
    name: "HCL: hex, long-unicode and octal escapes in a path",
    doc: 'path "auth/token/cr\\x65ate" { capabilities = ["update"] }\npath "auth/token/cr\\U00000065ate-orphan" { capabilities = ["update"] }\npath "kv/\\141pp\\u002fx\\t" { capabilities = ["read"] }',
    vault: "accept",
    paths: [
      { path: "auth/token/create", capabilities: ["update"] },
      { path: "auth/token/create-orphan", capabilities: ["update"] },
      { path: "kv/app/x\t", capabilities: ["read"] },
    ],
    source: "HCL v1 scanner (scanEscape) and Go strconv.Unquote",
  },
  {
    name: "HCL: an unknown escape in a path",
    doc: 'path "kv/\\q" { capabilities = ["read"] }',
    vault: "refuse",
    error: /unknown escape "\\q" in a string; write \\\\ for a backslash/,
    source: "HCL v1 scanner (scanEscape: illegal char escape)",
  },
  {
    name: "HCL: a byte escape that is not a character on its own",
    doc: 'path "kv/caf\\xe9" { capabilities = ["read"] }',
    vault: "accept",
    ours: "refuse",
    error: /escape "\\xe9" is not a character Vault reads as text/,
    source: "Go strconv.Unquote (\\x is one byte)",
  },
  {
    name: "HCL: a heredoc as a block label",
    doc: 'path <<EOF\nauth/token/create\nEOF\n{ capabilities = ["update"] }',
    vault: "refuse",
    error: /expected "\{": after "path" write "=" and a value, or a block/,
    source: "HCL v1 parser (objectKey: a HEREDOC is not a key)",
  },
  {
    name: 'HCL: "${" in a string, which Vault reads on past the quote and into the next block',
    doc: 'path "auth/token/create" { comment = "${{" } path "kv/a" { comment = "}}" capabilities = ["update"] }',
    vault: "accept",
    ours: "refuse",
    error: /a string holds "\$\{": Vault reads it as an interpolation/,
    source: "HCL v1 scanner (scanString: an interpolation runs until its braces balance)",
  },
  {
    name: "HCL: a heredoc's closing name with a blank after it does not close it",
    doc: 'path "auth/token/create" {\n  comment = <<EOF\nx\nEOF  \n}\npath "kv/a" {\n  comment = <<EOF\ny\nEOF\n  capabilities = ["update"]\n}\n',
    vault: "accept",
    paths: [{ path: "auth/token/create", capabilities: ["update"] }],
    source: "HCL v1 scanner (scanHeredoc: the closing line is white space, then the name)",
  },
  {
    name: "HCL: a heredoc closes on its name followed by carriage returns",
    doc: 'path "kv/a" {\n  capabilities = ["read"]\n  comment = <<EOF\nx\nEOF\r\r\n}\npath "auth/token/create" { capabilities = ["update"] }\n',
    vault: "accept",
    paths: [
      { path: "kv/a", capabilities: ["read"] },
      { path: "auth/token/create", capabilities: ["update"] },
    ],
    source: "HCL v1 scanner (scanHeredoc: the name, then any carriage returns, ends the line)",
  },
  {
    name: "HCL: a heredoc closes on its name after a form feed",
    doc: 'path "kv/a" {\n  capabilities = ["read"]\n  comment = <<EOF\n\fEOF\n}\npath "auth/token/create" { capabilities = ["update"] }\n',
    vault: "accept",
    paths: [
      { path: "kv/a", capabilities: ["read"] },
      { path: "auth/token/create", capabilities: ["update"] },
    ],
    source: "HCL v1 scanner (scanHeredoc: leading white space includes \\f and \\v)",
  },
];
