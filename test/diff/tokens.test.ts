/**
 * What a review reads from a stack export (lib/diff/records, tokens, aws-tokens): ScopedTokens
 * through their summary, and the raw token resources the pack judges — Vault tokens and policies,
 * IAM principals holding access keys, their policies and keys, token secrets and their rotation.
 * Secret, unknown or unreadable values are never read; they are named as not compared. What it
 * prints from state is escaped.
 */
import { strict as assert } from "node:assert";
import pc from "picocolors";
import type { DiffResult } from "../../lib/diff/diff";
import { formatText } from "../../lib/diff/format";
import { formatMarkdown } from "../../lib/diff/markdown";
import { recordsOfExport } from "../../lib/diff/records";
import { reviewWidenings, unapproved } from "../../lib/rules/approvals";
import { compareTokens } from "../../lib/rules/token-diff";
import { DEFAULT_POLICY } from "../../lib/schema/policy-file";
import { tokenFacts } from "../../lib/diff/tokens";
import { parseStackExport } from "../../lib/scan/state";
import { UNKNOWN } from "../../lib/wire";
import {
  raw,
  scopedToken,
  secret,
  shownSecret,
  stackExport,
  type Resource,
} from "../report/exports";

const factsOf = (...resources: Resource[]) =>
  tokenFacts(recordsOfExport(parseStackExport(JSON.stringify(stackExport(resources)), "test")));

const iamPolicy = (actions: string[], resource = "arn:aws:s3:::acme/*") =>
  JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Action: actions, Resource: resource }],
  });

const ci = {
  name: "ci",
  backend: "vault" as const,
  scopes: ["secret/data/ci/*:read"],
  ttl: "31d",
  rotation: { every: "30d", overlap: "1d" },
  owner: "team-ci",
  generation: 27,
  rotatesAt: "2026-03-31T00:00:00Z",
  expiresAt: "2026-04-01T00:00:00Z",
  children: [{ n: 27, created: "2026-03-01T00:00:00Z" }],
};

describe("diff: tokens read from an export", () => {
  it("a ScopedToken through its summary; its own children are not tokens of their own", () => {
    const [t, ...rest] = factsOf(...scopedToken(ci));
    assert.deepEqual(
      rest,
      [],
      "the generation's vault.Token and the vault.Policy are the component's",
    );
    assert.equal(t.key, "tokenguard:index:ScopedToken::ci");
    assert.deepEqual(t.grants, {
      grammar: "vault",
      allow: [{ path: "secret/data/ci/*", capabilities: ["read"] }],
    });
    assert.deepEqual(
      [t.ttl?.seconds, t.every?.text, t.overlap?.text, t.owner, t.generation, t.managed],
      [31 * 86400, "30d", "1d", "team-ci", 27, true],
    );
  });

  it("a summary whose declaration does not parse is not compared, and says why", () => {
    const [t] = factsOf(...scopedToken({ ...ci, scopes: ["/secret:read"] }));
    assert.equal(t.grants, undefined);
    assert.match(t.unknown[0].why, /the declaration does not parse .*starts with "\/"/);
  });

  it("a vault.Token: the policies it attaches and how long it can live", () => {
    const token = (inputs: Record<string, unknown>) =>
      factsOf(raw("vault:index/token:Token", "legacy", { inputs, outputs: {} }))[0];
    const bounded = token({
      policies: ["ci-read"],
      explicitMaxTtl: "768h",
      metadata: { owner: "o" },
    });
    assert.deepEqual(bounded.grants, { grammar: "name", allow: ["ci-read"] });
    assert.deepEqual([bounded.ttl?.text, bounded.owner], ["32d", "o"]);
    assert.equal(token({ policies: [], ttl: "1h" }).ttl?.seconds, Infinity, "renewable: unbounded");
    assert.equal(token({ policies: [], ttl: "1h", renewable: false }).ttl?.text, "1h");
    assert.equal(
      token({ policies: [], period: "1h" }).ttl?.text,
      "unbounded (periodic, no explicitMaxTtl)",
    );
    assert.equal(token({ policies: [], noParent: true }).settings?.orphan, "yes");
  });

  it("a vault.Policy: its path blocks, deny included; a secret, unknown or broken document is not read", () => {
    const policy = (doc: unknown) =>
      factsOf(raw("vault:index/policy:Policy", "p", { inputs: { name: "p", policy: doc } }))[0];
    const read = policy(
      'path "a/*" { capabilities = ["read"] }\npath "a/b" { capabilities = ["deny"] }',
    );
    assert.deepEqual(read.grants, {
      grammar: "vault",
      allow: [
        { path: "a/*", capabilities: ["read"] },
        { path: "a/b", capabilities: ["deny"] },
      ],
    });
    assert.match(policy(secret("doc")).unknown[0].why, /a secret: never read/);
    assert.match(policy(UNKNOWN).unknown[0].why, /unknown until pulumi up/);
    assert.match(policy("path {").unknown[0].why, /policy does not parse: line 1/);
  });

  it("IAM: a principal holding an access key, with its inline and attached in-stack policies", () => {
    const facts = factsOf(
      raw("aws:iam/user:User", "bot", {
        inputs: { name: "bot" },
        outputs: { name: "bot", arn: "arn:aws:iam::1:user/bot" },
      }),
      raw("aws:iam/accessKey:AccessKey", "bot-key", {
        inputs: { user: "bot" },
        outputs: { secret: secret("k") },
      }),
      raw("aws:iam/userPolicy:UserPolicy", "bot-inline", {
        inputs: { user: "bot", policy: iamPolicy(["s3:GetObject"]) },
      }),
      raw("aws:iam/policy:Policy", "shared", {
        inputs: { policy: iamPolicy(["sqs:SendMessage"], "arn:aws:sqs:eu-west-1:1:q") },
        outputs: { arn: "arn:aws:iam::1:policy/shared" },
      }),
      raw("aws:iam/userPolicyAttachment:UserPolicyAttachment", "bot-shared", {
        inputs: { user: "bot", policyArn: "arn:aws:iam::1:policy/shared" },
      }),
      raw("aws:iam/userPolicyAttachment:UserPolicyAttachment", "bot-admin", {
        inputs: { user: "bot", policyArn: "arn:aws:iam::aws:policy/AdministratorAccess" },
      }),
      raw("aws:iam/user:User", "human", { inputs: { name: "human" } }),
    );
    assert.deepEqual(
      facts.map((f) => `${f.name} ${f.grants?.grammar}`),
      ["bot aws", "bot-key name", "bot-admin name"],
      "a user without a key is not a token principal",
    );
    assert.deepEqual(
      facts[0].grants?.allow.map((s) => JSON.stringify(s)),
      [
        JSON.stringify({ actions: ["s3:GetObject"], resources: ["arn:aws:s3:::acme/*"] }),
        JSON.stringify({ actions: ["sqs:SendMessage"], resources: ["arn:aws:sqs:eu-west-1:1:q"] }),
      ],
    );
    assert.deepEqual(facts[1].grants?.allow, ["bot"]);
    assert.deepEqual(facts[2].grants?.allow, ["arn:aws:iam::aws:policy/AdministratorAccess"]);
  });

  it("IAM: an inactive key opens nothing; an unreadable policy leaves the principal not compared", () => {
    const facts = factsOf(
      raw("aws:iam/user:User", "bot", { inputs: { name: "bot" } }),
      raw("aws:iam/accessKey:AccessKey", "bot-key", {
        inputs: { user: "bot", status: "Inactive" },
      }),
      raw("aws:iam/userPolicy:UserPolicy", "bot-inline", { inputs: { user: "bot", policy: "{" } }),
    );
    assert.match(facts[0].unknown[0].why, /policy "bot-inline": the document is not JSON/);
    assert.deepEqual(facts[1].grants?.allow, []);
  });

  it("a secret holding a token, and how often a SecretRotation rotates it", () => {
    const facts = factsOf(
      raw("aws:secretsmanager/secret:Secret", "api-token", {
        inputs: { name: "api-token", tags: { owner: "o" } },
      }),
      raw("aws:secretsmanager/secretRotation:SecretRotation", "api-token-rotation", {
        inputs: { secretId: "api-token-id", rotationRules: { automaticallyAfterDays: 30 } },
      }),
      raw("aws:secretsmanager/secret:Secret", "unrotated-api-key", { inputs: {} }),
      raw("aws:secretsmanager/secret:Secret", "logo", { inputs: {} }),
    );
    assert.deepEqual(
      facts.map((f) => [f.name, f.every?.text, f.owner]),
      [
        ["api-token", "30d", "o"],
        ["unrotated-api-key", undefined, undefined],
      ],
    );
  });

  it("skips resources pending deletion or read from elsewhere, and never reads a shown secret", () => {
    const value = "tg_shown-secret-value-0123456789abcdef";
    const facts = factsOf(
      raw("vault:index/token:Token", "old", { inputs: { policies: ["a"] }, delete: true }),
      raw("vault:index/token:Token", "read", { inputs: { policies: ["b"] }, external: true }),
      raw("vault:index/token:Token", "live", {
        inputs: { policies: shownSecret(["c"]), metadata: { owner: shownSecret(value) } },
        outputs: { clientToken: shownSecret(value) },
      }),
    );
    assert.deepEqual(
      facts.map((f) => f.name),
      ["live"],
    );
    assert.ok(!JSON.stringify(facts).includes(value));
    assert.match(facts[0].unknown[0].why, /policies: a secret/);
  });
});

describe("diff: what it prints from state is escaped", () => {
  it("a token name or scope with terminal escapes or line breaks cannot forge lines", () => {
    const ESC = "\u001b";
    const evil = `x${ESC}[2J\n~ forged  ScopedToken (vault)  changed`;
    const added = tokenFacts(
      recordsOfExport(
        parseStackExport(
          JSON.stringify(
            stackExport([
              raw("vault:index/token:Token", evil, {
                inputs: { policies: [`ops\n    + root  [widening: needs approval]`] },
              }),
            ]),
          ),
          "test",
        ),
      ),
    );
    const changes = reviewWidenings(compareTokens([], added), DEFAULT_POLICY, false);
    const result: DiffResult = {
      project: "orders",
      stack: "prod",
      projectDir: "/nowhere",
      against: { source: "deployed.json", missing: false },
      policy: DEFAULT_POLICY.source,
      changes,
      unchanged: 0,
      unapproved: unapproved(changes),
      locations: new Map(),
    };
    const text = formatText(result, pc.createColors(false));
    const md = formatMarkdown(result);
    // eslint-disable-next-line no-control-regex -- the characters under test
    const raw_ = /[\u0000-\u0009\u000b-\u001f\u007f]/;
    for (const out of [text, md]) {
      assert.doesNotMatch(out, raw_);
      assert.ok(!out.split("\n").some((l) => l.startsWith("~ forged")), out);
      assert.ok(!out.split("\n").some((l) => l.startsWith("    + root")), out);
    }
    assert.match(text, /\+ x\\x1b\[2J\\n~ forged {2}ScopedToken/);
  });
});
