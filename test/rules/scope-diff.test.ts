/**
 * Access gained and lost (lib/rules/scope-diff, vault-reach), judged by what the grants reach: the
 * cases the issue names (a broader glob, a prefix wildcard, an added action, an ARN widened to a
 * wildcard, a narrower glob), Vault's one-governing-block priority, IAM conditions and denies, and
 * properties over random grants of every grammar — a diff with itself is empty, gains one way are
 * losses the other, adding IAM, label or name grants never loses.
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

  it("Vault: one block governs each path, so a narrower block can take access away", () => {
    // Vault's own ACL cases (hashicorp/vault, vault/acl_test.go, "path segment wildcards vs
    // glob"): a "+" block outranks a "*" block matching the same path. Our values.
    const layered = vault("kv/team/*:create", "kv/team/+:read", "kv/team/+/+:update");
    const only = (caps: string) => vault(`kv/team/*:${caps}`);
    assert.deepEqual(
      texts(diffGrants(layered, only("create"))).gained,
      ["kv/team/*:create"],
      "kv/team/app was governed by kv/team/+ (read only): it gains create",
    );
    assert.deepEqual(texts(diffGrants(only("create"), layered)).lost, ["kv/team/*:create"]);
    const before = vault("secret/a/*:read", "secret/*:list");
    assert.deepEqual(texts(diffGrants(before, vault("secret/a/x:read,list,delete"))), {
      gained: ["secret/a/x:delete,list"],
      lost: ["secret/a/*:read", "secret/*:list"],
    });
  });

  it("Vault: a deny block removed gives the next block's access back, with a path where it shows", () => {
    const open = vault("secret/*:read");
    const denied = vault("secret/*:read", "secret/prod/*:deny");
    const d = diffGrants(denied, open);
    assert.deepEqual(texts(d), { gained: ["secret/*:read"], lost: [] });
    assert.equal(d.gained[0].example, "secret/prod/");
    assert.deepEqual(texts(diffGrants(open, denied)), { gained: [], lost: ["secret/*:read"] });
    assert.equal(
      diffGrants(vault("secret/*:read"), vault("secret/x/*:read")).lost[0].example,
      undefined,
    );
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

  it("aws: a deny removed is a gain, a deny added a loss", () => {
    const all = { actions: ["s3:*"], resources: ["arn:aws:s3:::acme/*"] };
    const deny = (...d: AwsScope[]): Grants => ({ grammar: "aws", allow: [all], deny: d });
    const noDelete = { actions: ["s3:DeleteObject"], resources: ["arn:aws:s3:::acme/*"] };
    assert.deepEqual(texts(diffGrants(deny(noDelete), deny())), {
      gained: ["deny s3:DeleteObject on arn:aws:s3:::acme/*"],
      lost: [],
    });
    assert.deepEqual(texts(diffGrants(deny(), deny(noDelete))).lost, [
      "deny s3:DeleteObject on arn:aws:s3:::acme/*",
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
  allow: fc.array(
    fc.record({ path: vaultPath, capabilities: fc.oneof(caps, fc.constant(["deny"])) }),
    { maxLength: 4 },
  ),
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

  it("adding IAM, label or name grants never loses access; what is gained comes from what was added", () => {
    fc.assert(
      fc.property(
        sameGrammar.filter(([a]) => a.grammar !== "vault"),
        ([a, b]) => {
          const d = diffGrants(a, union(a, b));
          assert.deepEqual(
            d.lost.filter((c) => !c.deny),
            [],
          );
          for (const g of d.gained.filter((c) => !c.deny)) {
            const notInB = diffGrants(g.grants, b).lost.filter((c) => !c.deny);
            assert.deepEqual(notInB, [], `${g.scope} comes from b`);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("Vault: every capability a concrete path gains is reported under the block governing it", () => {
    fc.assert(
      fc.property(vaultGrants, vaultGrants, (a, b) => {
        const gained = diffGrants(a, b).gained;
        for (const path of CONCRETE) {
          const was = governs(a, path);
          const now = governs(b, path);
          if (!now) continue;
          for (const cap of now.caps.filter((c) => !was?.caps.includes(c))) {
            const shown = gained.find((g) => g.scope.startsWith(`${now.path}:`));
            assert.ok(
              shown?.scope.split(":")[1].split(",").includes(cap),
              `${path} gains ${cap} under ${now.path}`,
            );
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

// A reference Vault ACL, written from Vault's policy docs ("Priority matching") apart from the code.
const SEGMENTS = ["secret", "data", "ci", "app", "x"];
const CONCRETE = (() => {
  const out: string[] = [];
  const walk = (prefix: string[]) => {
    if (prefix.length) out.push(prefix.join("/"), `${prefix.join("/")}/`, `${prefix.join("/")}x`);
    if (prefix.length < 4) for (const s of SEGMENTS) walk([...prefix, s]);
  };
  walk([]);
  return out;
})();

function matches(pattern: string, path: string): boolean {
  const prefix = pattern.endsWith("*");
  const segs = (prefix ? pattern.slice(0, -1) : pattern).split("/");
  const body = segs.map((s) => (s === "+" ? "[^/]+" : s.replace(/[.+]/g, "\\$&"))).join("/");
  return new RegExp(`^${body}${prefix ? ".*" : ""}$`).test(path);
}

/** Higher first: later first wildcard, no trailing *, fewer + segments, longer, larger. */
function outranks(a: string, b: string): boolean {
  const key = (p: string) => {
    const prefix = p.endsWith("*");
    const stem = prefix ? p.slice(0, -1) : p;
    // vault/acl.go: a path with segment wildcards starts at its first "+" (literal or not), any
    // other path at its trailing "*" ("+*" is read as a segment, as the code under test reads it).
    const segmentPath = /^\+(\/|\*?$)/.test(p) || p.includes("/+");
    const first = segmentPath ? p.indexOf("+") : prefix ? stem.length : Infinity;
    return [first, prefix ? 0 : 1, -stem.split("/").filter((s) => s === "+").length, stem.length];
  };
  const [ka, kb] = [key(a), key(b)];
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i] > kb[i];
  return a.replace(/\*$/, "") > b.replace(/\*$/, "");
}

function governs(g: Grants, path: string): { path: string; caps: string[] } | undefined {
  const blocks = new Map<string, Set<string>>();
  for (const s of g.allow as { path: string; capabilities: string[] }[]) {
    const caps = blocks.get(s.path) ?? new Set<string>();
    s.capabilities.forEach((c) => caps.add(c));
    blocks.set(s.path, caps);
  }
  const hits = [...blocks.keys()].filter((p) => matches(p, path));
  if (!hits.length) return undefined;
  const best = hits.reduce((x, y) => (outranks(y, x) ? y : x));
  const caps = [...blocks.get(best)!];
  return { path: best, caps: caps.includes("deny") ? [] : caps };
}
