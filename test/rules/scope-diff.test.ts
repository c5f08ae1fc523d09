/**
 * Access gained and lost (lib/rules/scope-diff), judged by what the grants reach: the cases the
 * issue names (a broader glob, a prefix wildcard, an added action, an ARN widened to a wildcard,
 * a narrower glob), conditions and denies, and properties over random grants of every grammar — a
 * diff with itself is empty, gains one way are losses the other, adding grants never loses.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { diffGrants, type Grants } from "../../lib/rules/scope-diff";
import type { AwsScope } from "../../lib/schema/scopes";

const vault = (...scopes: string[]): Grants => ({
  grammar: "vault",
  allow: scopes.map((s) => {
    const [path, caps] = s.split(":");
    return { path, capabilities: caps.split(",") };
  }),
  deny: [],
});
const aws = (...allow: AwsScope[]): Grants => ({ grammar: "aws", allow, deny: [] });
const texts = (d: ReturnType<typeof diffGrants>) => ({
  gained: d.gained.map((c) => `${c.deny ? "deny " : ""}${c.scope}`),
  lost: d.lost.map((c) => `${c.deny ? "deny " : ""}${c.scope}`),
});

describe("scope diff: what a change of grants gains and loses", () => {
  it("the issue's example: ci/*:read to *:read,update gains both on every secret", () => {
    assert.deepEqual(
      texts(diffGrants(vault("secret/data/ci/*:read"), vault("secret/data/*:read,update"))),
      { gained: ["secret/data/*:read,update"], lost: [] },
    );
  });

  it("a prefix wildcard and a segment wildcard gain though the text looks alike; a narrower glob loses", () => {
    assert.deepEqual(texts(diffGrants(vault("secret/ci/app:read"), vault("secret/ci/app*:read"))), {
      gained: ["secret/ci/app*:read"],
      lost: [],
    });
    assert.deepEqual(
      texts(diffGrants(vault("secret/ci/app/db:read"), vault("secret/ci/+/db:read"))).gained,
      ["secret/ci/+/db:read"],
    );
    assert.deepEqual(texts(diffGrants(vault("secret/ci/*:read"), vault("secret/ci/app/*:read"))), {
      gained: [],
      lost: ["secret/ci/*:read"],
    });
  });

  it("merges a path's capabilities, and counts one reached by two grants as held", () => {
    const before = vault("secret/a/*:read", "secret/*:list");
    assert.deepEqual(texts(diffGrants(before, vault("secret/a/x:read,list,delete"))), {
      gained: ["secret/a/x:delete"],
      lost: ["secret/a/*:read", "secret/*:list"],
    });
  });

  it("aws: an added action, an action wildcard and an ARN widened to a wildcard are gains", () => {
    const base = { actions: ["s3:GetObject"], resources: ["arn:aws:s3:::acme/reports/*"] };
    const d = (after: AwsScope) => texts(diffGrants(aws(base), aws(after)));
    assert.deepEqual(d({ ...base, actions: ["s3:GetObject", "s3:PutObject"] }).gained, [
      "s3:PutObject on arn:aws:s3:::acme/reports/*",
    ]);
    assert.deepEqual(d({ ...base, actions: ["s3:Get*"] }).gained, [
      "s3:Get* on arn:aws:s3:::acme/reports/*",
    ]);
    assert.deepEqual(d({ ...base, resources: ["arn:aws:s3:::acme/*"] }), {
      gained: ["s3:GetObject on arn:aws:s3:::acme/*"],
      lost: [],
    });
    assert.deepEqual(d({ ...base, actions: ["S3:GETOBJECT"] }), { gained: [], lost: [] });
  });

  it("aws: a condition dropped gains, a condition added loses; statements combine per resource", () => {
    const open = { actions: ["s3:GetObject"], resources: ["arn:aws:s3:::acme/*"] };
    const vpc = { ...open, conditions: { StringEquals: { "aws:SourceVpc": "vpc-1" } } };
    assert.deepEqual(texts(diffGrants(aws(vpc), aws(open))), {
      gained: ["s3:GetObject on arn:aws:s3:::acme/*"],
      lost: [],
    });
    assert.deepEqual(texts(diffGrants(aws(open), aws(vpc))), {
      gained: [],
      lost: ["s3:GetObject on arn:aws:s3:::acme/*"],
    });
    const split = aws(open, { ...open, actions: ["s3:PutObject"] });
    const merged = aws({ ...open, actions: ["s3:GetObject", "s3:PutObject"] });
    assert.deepEqual(texts(diffGrants(split, merged)), { gained: [], lost: [] });
  });

  it("a deny removed is a gain, a deny added a loss", () => {
    const deny = (paths: string[]): Grants => ({
      grammar: "vault",
      allow: [{ path: "secret/*", capabilities: ["read"] }],
      deny: paths.map((path) => ({ path, capabilities: ["deny"] })),
    });
    assert.deepEqual(texts(diffGrants(deny(["secret/prod/*"]), deny([]))), {
      gained: ["deny secret/prod/*:deny"],
      lost: [],
    });
    assert.deepEqual(texts(diffGrants(deny([]), deny(["secret/prod/*"]))).lost, [
      "deny secret/prod/*:deny",
    ]);
  });

  it("labels and names; a new token gains all, a removed one loses all; another grammar replaces", () => {
    const label = (...s: string[]): Grants => ({
      grammar: "label",
      allow: s.map((x) => ({ resource: x.split(":")[0], verb: x.split(":")[1] })),
    });
    assert.deepEqual(texts(diffGrants(label("orders:read"), label("orders:*"))).gained, [
      "orders:*",
    ]);
    assert.deepEqual(texts(diffGrants(undefined, label("a:read"))), {
      gained: ["a:read"],
      lost: [],
    });
    assert.deepEqual(texts(diffGrants(label("a:read"), undefined)), {
      gained: [],
      lost: ["a:read"],
    });
    const names = (...n: string[]): Grants => ({ grammar: "name", allow: n });
    assert.deepEqual(texts(diffGrants(names("ci-read"), names("ci-read", "root"))).gained, [
      "root",
    ]);
    assert.deepEqual(texts(diffGrants(label("a:read"), vault("a/*:read"))), {
      gained: ["a/*:read"],
      lost: ["a:read"],
    });
  });
});

// ------------------------------------------------------------------------------- properties

const vaultPath = fc
  .array(fc.constantFrom("secret", "data", "ci", "+", "app"), { minLength: 1, maxLength: 3 })
  .chain((segs) => fc.constantFrom(segs.join("/"), `${segs.join("/")}/*`, `${segs.join("/")}*`));
const caps = fc.subarray(["read", "list", "update", "delete"], { minLength: 1 });
const vaultGrants: fc.Arbitrary<Grants> = fc.record({
  grammar: fc.constant("vault" as const),
  allow: fc.array(fc.record({ path: vaultPath, capabilities: caps }), { maxLength: 3 }),
  deny: fc.array(fc.record({ path: vaultPath, capabilities: fc.constant(["deny"]) }), {
    maxLength: 1,
  }),
});
const awsScope: fc.Arbitrary<AwsScope> = fc.record(
  {
    actions: fc.subarray(["s3:GetObject", "s3:Get*", "s3:PutObject", "sqs:*", "*"], {
      minLength: 1,
    }),
    resources: fc.subarray(["arn:aws:s3:::a/*", "arn:aws:s3:::a/b/*", "arn:aws:s3:::*", "*"], {
      minLength: 1,
    }),
    conditions: fc.constantFrom({ Bool: { "aws:SecureTransport": "true" } }),
  },
  { requiredKeys: ["actions", "resources"] },
);
const awsGrants: fc.Arbitrary<Grants> = fc.record({
  grammar: fc.constant("aws" as const),
  allow: fc.array(awsScope, { maxLength: 3 }),
  deny: fc.array(awsScope, { maxLength: 1 }),
});
const labelGrants: fc.Arbitrary<Grants> = fc.record({
  grammar: fc.constant("label" as const),
  allow: fc.array(
    fc.record({
      resource: fc.constantFrom("orders", "billing", "*"),
      verb: fc.constantFrom("read", "write", "*"),
    }),
    { maxLength: 3 },
  ),
});
const nameGrants: fc.Arbitrary<Grants> = fc.record({
  grammar: fc.constant("name" as const),
  allow: fc.subarray(["ci-read", "root", "deploy"]),
});
const grants = fc.oneof(vaultGrants, awsGrants, labelGrants, nameGrants);
const sameGrammar = fc.oneof(
  fc.tuple(vaultGrants, vaultGrants),
  fc.tuple(awsGrants, awsGrants),
  fc.tuple(labelGrants, labelGrants),
  fc.tuple(nameGrants, nameGrants),
);

/** `a` with `b`'s grants added (same grammar). */
function union(a: Grants, b: Grants): Grants {
  const both = { ...a, allow: [...a.allow, ...b.allow] } as Grants;
  return both;
}

describe("scope diff: properties", () => {
  it("a diff of grants with themselves is empty", () => {
    fc.assert(
      fc.property(grants, (g) =>
        assert.deepEqual(texts(diffGrants(g, g)), { gained: [], lost: [] }),
      ),
      { numRuns: 300 },
    );
  });

  it("gains(a → b) are losses(b → a), in either grammar", () => {
    fc.assert(
      fc.property(fc.oneof(sameGrammar, fc.tuple(grants, grants)), ([a, b]) => {
        assert.deepEqual(texts(diffGrants(a, b)).gained, texts(diffGrants(b, a)).lost);
      }),
      { numRuns: 300 },
    );
  });

  it("adding grants never loses access, and what is gained is exactly what was not held", () => {
    fc.assert(
      fc.property(sameGrammar, ([a, b]) => {
        const d = diffGrants(a, union(a, b));
        assert.deepEqual(
          d.lost.filter((c) => !c.deny),
          [],
        );
        for (const g of d.gained.filter((c) => !c.deny)) {
          const notInB = diffGrants(g.grants, b).lost.filter((c) => !c.deny);
          assert.deepEqual(notInB, [], `${g.scope} comes from b`);
        }
      }),
      { numRuns: 300 },
    );
  });
});
