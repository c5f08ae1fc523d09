/**
 * The review of one token (lib/rules/token-diff) and its approvals (lib/rules/approvals): which
 * changes widen (access gained, a longer or removed ttl, a slower or removed rotation, a removed
 * owner) and which do not, renumbered generations, added and removed tokens; and the
 * `approvedWidening` entries of the policy file, read strictly and applied up to their bounds.
 */
import { strict as assert } from "node:assert";
import { ApprovalError, reviewWidenings, unapproved } from "../../lib/rules/approvals";
import type { Grants } from "../../lib/rules/scope-diff";
import { compareToken, compareTokens, type TokenFacts } from "../../lib/rules/token-diff";
import { parsePolicyText, PolicyFileError } from "../../lib/schema/policy-file";

const span = (text: string, days: number) => ({ text, seconds: days * 86400 });
const vault = (...paths: string[]): Grants => ({
  grammar: "vault",
  allow: paths.map((p) => ({ path: p, capabilities: ["read"] })),
});

function token(over: Partial<TokenFacts> = {}): TokenFacts {
  return {
    key: "tokenguard:index:ScopedToken::ci",
    name: "ci",
    type: "tokenguard:index:ScopedToken",
    urn: "urn:pulumi:dev::p::tokenguard:index:ScopedToken::ci",
    managed: true,
    backend: "vault",
    grants: vault("secret/ci/*"),
    ttl: span("31d", 31),
    every: span("30d", 30),
    overlap: span("1d", 1),
    owner: "team-a",
    purpose: "ci",
    generation: 27,
    unknown: [],
    ...over,
  };
}

const widenings = (before: TokenFacts | undefined, after: TokenFacts | undefined) =>
  compareToken(before, after)?.widenings.map((w) => w.kind) ?? [];

describe("token diff: what widens a token", () => {
  it("nothing changed is no change, even when the generation moved on by time alone", () => {
    assert.equal(compareToken(token(), token({ generation: 28 })), undefined);
  });

  it("a longer ttl, a slower rotation and a removed owner widen; the reverse does not", () => {
    assert.deepEqual(widenings(token(), token({ ttl: span("45d", 45) })), ["ttl"]);
    assert.deepEqual(widenings(token(), token({ every: span("40d", 40) })), ["rotation"]);
    assert.deepEqual(widenings(token(), token({ owner: undefined })), ["owner"]);
    assert.deepEqual(widenings(token({ ttl: span("45d", 45) }), token()), []);
    assert.deepEqual(widenings(token({ every: span("40d", 40) }), token()), []);
    assert.deepEqual(widenings(token({ owner: undefined }), token()), []);
    assert.deepEqual(widenings(token(), token({ owner: "team-b", purpose: "other" })), []);
  });

  it("no ttl or no rotation any more is unbounded: a widening", () => {
    assert.deepEqual(widenings(token(), token({ ttl: undefined })), ["ttl"]);
    const noRotation = compareToken(token(), token({ every: undefined, overlap: undefined }))!;
    assert.deepEqual(
      noRotation.fields.map((f) => [f.field, f.before, f.after, f.widening]),
      [
        ["rotation.every", "30d", undefined, "rotation"],
        ["rotation.overlap", "1d", undefined, undefined],
      ],
    );
  });

  it("a new every or anchor that moves the generation number is called out as renumbering", () => {
    const faster = compareToken(token(), token({ every: span("20d", 20), generation: 40 }))!;
    assert.deepEqual(faster.renumbered, { before: 27, after: 40 });
    assert.deepEqual(faster.widenings, []);
    const anchored = compareToken(
      token(),
      token({ anchor: "2026-01-01T00:00:00Z", generation: 3 }),
    );
    assert.deepEqual(anchored?.renumbered, { before: 27, after: 3 });
  });

  it("an added token gains every scope (widening) and shows its settings; a removed one only loses", () => {
    const added = compareToken(undefined, token())!;
    assert.equal(added.change, "added");
    assert.deepEqual(
      added.widenings.map((w) => w.gain?.scope),
      ["secret/ci/*:read"],
    );
    assert.deepEqual(
      added.fields.map((f) => f.field),
      ["ttl", "rotation.every", "rotation.overlap", "owner", "purpose"],
    );
    const removed = compareToken(token(), undefined)!;
    assert.deepEqual([removed.change, removed.widenings, removed.lost.length], ["removed", [], 1]);
  });

  it("fields that cannot be read are not compared, and say why", () => {
    const unknown = [{ field: "scopes", why: "unknown until pulumi up" }];
    const c = compareToken(token(), token({ grants: undefined, unknown }))!;
    assert.deepEqual([c.gained, c.lost, c.unknown], [[], [], unknown]);
  });

  it("compares by identity, in declared order, removed tokens last", () => {
    const a = token();
    const b = token({ key: "k2", name: "b", grants: vault("x/*") });
    const c = token({ key: "k3", name: "c" });
    const changes = compareTokens([a, b], [c, { ...a, ttl: span("40d", 40) }]);
    assert.deepEqual(
      changes.map((x) => `${x.name} ${x.change}`),
      ["c added", "ci changed", "b removed"],
    );
  });
});

const policy = (yaml: string) => parsePolicyText(yaml, "tokenguard.policy.yaml");

describe("token diff: approvals (tokens.<name>.approvedWidening)", () => {
  const change = compareTokens(
    [token()],
    [token({ grants: vault("secret/*"), ttl: span("60d", 60), owner: undefined })],
  );

  it("each widening needs approval by default", () => {
    const reviewed = reviewWidenings(change, policy("{}"), false);
    assert.equal(unapproved(reviewed), 3);
  });

  it("an approval covers a widening up to its bound, with its reason", () => {
    const file = policy(
      [
        "tokens:",
        "  ci:",
        "    approvedWidening:",
        '      - { scope: "secret/*:read,list", reason: "reads shared settings" }',
        '      - { ttl: "45d", reason: "too short" }',
        "      - { ownerRemoved: true, reason: team dissolved }",
      ].join("\n"),
    );
    const [c] = reviewWidenings(change, file, false);
    assert.deepEqual(
      c.widenings.map((w) => [w.kind, w.approval?.entry, w.approval?.reason]),
      [
        ["access", 0, "reads shared settings"],
        ["ttl", undefined, undefined],
        ["owner", 2, "team dissolved"],
      ],
    );
    const narrower = policy(
      'tokens: { ci: { approvedWidening: [{ scope: "secret/ci/x/*:read", reason: r }] } }',
    );
    assert.equal(reviewWidenings(change, narrower, false)[0].widenings[0].approval, undefined);
  });

  it("--allow-widening approves what no entry does", () => {
    const reviewed = reviewWidenings(change, policy("{}"), true);
    assert.equal(unapproved(reviewed), 0);
    assert.ok(reviewed[0].widenings.every((w) => w.approval?.by === "flag"));
  });

  it("a scope approval in another grammar is an error naming the entry", () => {
    const wrong = policy(
      'tokens: { ci: { approvedWidening: [{ scope: "orders read", reason: r }] } }',
    );
    assert.throws(
      () => reviewWidenings(change, wrong, true),
      (e: unknown) =>
        e instanceof ApprovalError &&
        /tokens\.ci\.approvedWidening\[0\]\.scope: .*no capabilities/.test(e.message),
    );
  });

  it("the policy file reads approvals strictly: a reason, exactly one kind, known keys", () => {
    const refused = (entry: string, pattern: RegExp) =>
      assert.throws(
        () => policy(`tokens: { ci: { approvedWidening: [${entry}] } }`),
        (e: unknown) => e instanceof PolicyFileError && pattern.test(e.message),
        entry,
      );
    refused('{ scope: "a/*:read" }', /approvedWidening\[0\]\.reason: reason is required/);
    refused('{ scope: "a/*:read", reason: " " }', /reason must not be empty/);
    refused(
      '{ ttl: "2d", rotation: "3d", reason: r }',
      /names exactly one of .* \(this one names ttl and rotation; split it\)/,
    );
    refused("{ reason: r }", /names exactly one of scope, ttl, rotation, ownerRemoved/);
    refused(
      '{ ttl: "forever", reason: r }',
      /approvedWidening\[0\]\.ttl: "forever" is not a duration/,
    );
    refused(
      '{ scop: "a:read", reason: r }',
      /approvedWidening\[0\]\.scop: unknown field; did you mean scope\?/,
    );
    refused("{ ownerRemoved: false, reason: r }", /ownerRemoved must be true/);
  });
});
