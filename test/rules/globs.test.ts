/**
 * Globs compared with globs (lib/rules/globs): exact, so the scope diff never calls a broader glob
 * narrower. Vault's segment-wildcard cases follow hashicorp/vault's own ACL tests
 * (vault/acl_test.go, "Path segment wildcards"), with our values. Held against independent regular expressions: every witness really is matched by the
 * requested glob and by none of the patterns, and "covered" is never contradicted by any path up to
 * five characters. Covering is transitive, and agrees with iamGlob on concrete text.
 */
import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  GlobLimitError,
  globCovers,
  globMatches,
  globWitness,
  iamGlob,
  vaultPathCovers,
  type GlobSyntax,
} from "../../lib/rules/globs";

const escape = (ch: string) => ch.replace(/[.+^${}()|[\]\\?*]/g, "\\$&");

/** Vault's path syntax as a regular expression, written apart from the code under test. */
function vaultRegExp(pattern: string): RegExp {
  const star = pattern.endsWith("*");
  const stem = star ? pattern.slice(0, -1) : pattern;
  const body = stem
    .split("/")
    .map((seg) => (seg === "+" ? "[^/]+" : [...seg].map(escape).join("")))
    .join("/");
  return new RegExp(`^${body}${star ? ".*" : ""}$`);
}

/** Where a vault pattern has a wildcard: its trailing `*` and its whole-segment `+`s. */
function vaultWildcards(pattern: string): number[] {
  const stem = pattern.endsWith("*") ? pattern.slice(0, -1) : pattern;
  const spots = [...stem].flatMap((c, i) =>
    c === "+" && (i === 0 || stem[i - 1] === "/") && (i === stem.length - 1 || stem[i + 1] === "/")
      ? [i]
      : [],
  );
  return pattern.endsWith("*") ? [...spots, pattern.length - 1] : spots;
}

const matcher = (syntax: GlobSyntax) =>
  syntax === "vault"
    ? vaultRegExp
    : (p: string) =>
        new RegExp(
          `^${[...p].map((c) => (c === "*" ? ".*" : c === "?" ? "." : escape(c))).join("")}$`,
        );

/** Every text over `alphabet` up to `max` characters. */
function texts(alphabet: readonly string[], max: number): string[] {
  let level = [""];
  const out = [""];
  for (let n = 0; n < max; n++) {
    level = level.flatMap((t) => alphabet.map((c) => t + c));
    out.push(...level);
  }
  return out;
}

const SYNTAXES: Record<GlobSyntax, { glob: fc.Arbitrary<string>; concrete: string[] }> = {
  vault: {
    glob: fc
      .tuple(
        fc.array(fc.constantFrom("a", "b", "/", "+"), { minLength: 1, maxLength: 4 }),
        fc.boolean(),
      )
      .map(([chars, star]) => chars.join("") + (star ? "*" : "")),
    concrete: texts(["a", "b", "/", "x"], 5),
  },
  iam: {
    glob: fc
      .array(fc.constantFrom("a", "b", ":", "*", "?"), { minLength: 1, maxLength: 4 })
      .map((c) => c.join("")),
    concrete: texts(["a", "b", ":", "x"], 5),
  },
};

/** A glob that matches a subset of what `pattern` matches: one wildcard made more specific. */
function narrower(syntax: GlobSyntax): (pattern: string, pick: number, to: number) => string {
  const vault = ["", "a", "a*", "/*"];
  const iam = ["", "a", "a*", "?", "*a"];
  return (pattern, pick, to) => {
    const spots =
      syntax === "vault"
        ? vaultWildcards(pattern)
        : [...pattern].flatMap((c, i) => ("*?".includes(c) ? [i] : []));
    if (!spots.length) return pattern;
    const i = spots[pick % spots.length];
    const c = pattern[i];
    const into =
      syntax === "iam"
        ? c === "?"
          ? "a"
          : iam[to % iam.length]
        : c === "+"
          ? ["a", "ab"][to % 2]
          : i === pattern.length - 1
            ? vault[to % vault.length]
            : c;
    return pattern.slice(0, i) + into + pattern.slice(i + 1);
  };
}

describe("globs: covering one glob with others", () => {
  for (const syntax of ["vault", "iam"] as const) {
    const { glob, concrete } = SYNTAXES[syntax];
    const re = matcher(syntax);

    it(`${syntax}: a witness is matched by the requested glob and by none of the patterns`, () => {
      fc.assert(
        fc.property(fc.array(glob, { minLength: 1, maxLength: 2 }), glob, (patterns, requested) => {
          const w = globWitness(patterns, requested, syntax);
          if (w === undefined) return;
          assert.ok(re(requested).test(w), `${requested} matches its witness ${w}`);
          for (const p of patterns) assert.ok(!re(p).test(w), `${p} does not match ${w}`);
        }),
        { numRuns: 400 },
      );
    });

    it(`${syntax}: "covered" holds for every text up to five characters`, () => {
      fc.assert(
        fc.property(fc.array(glob, { minLength: 1, maxLength: 2 }), glob, (patterns, requested) => {
          if (!globCovers(patterns, requested, syntax)) return;
          const res = patterns.map(re);
          for (const t of concrete.filter((x) => re(requested).test(x))) {
            assert.ok(
              res.some((r) => r.test(t)),
              `${patterns} cover ${requested} but not ${t}`,
            );
          }
        }),
        { numRuns: 200 },
      );
    });

    it(`${syntax}: a more specific glob is covered, and covering is transitive`, () => {
      const narrow = narrower(syntax);
      fc.assert(
        fc.property(glob, fc.nat(), fc.nat(), fc.nat(), fc.nat(), (a, i, j, k, l) => {
          const b = narrow(a, i, j);
          const c = narrow(b, k, l);
          assert.ok(globCovers([a], b, syntax), `${a} covers ${b}`);
          assert.ok(globCovers([b], c, syntax), `${b} covers ${c}`);
          assert.ok(globCovers([a], c, syntax), `${a} covers ${c}`);
        }),
        { numRuns: 300 },
      );
      fc.assert(
        fc.property(glob, glob, glob, (a, b, c) => {
          if (globCovers([a], b, syntax) && globCovers([b], c, syntax)) {
            assert.ok(globCovers([a], c, syntax), `${a} ⊇ ${b} ⊇ ${c}`);
          }
        }),
        { numRuns: 500 },
      );
    });
  }

  it("agrees with iamGlob on concrete text (case-insensitive for actions)", () => {
    fc.assert(
      fc.property(SYNTAXES.iam.glob, fc.stringMatching(/^[abAB:x]{0,5}$/), (pattern, text) => {
        assert.equal(globCovers([pattern], text, "iam", true), iamGlob(pattern).test(text));
      }),
      { numRuns: 500 },
    );
  });

  it("Vault's own examples: + is one segment, a trailing * any suffix, a * elsewhere itself", () => {
    assert.ok(vaultPathCovers("secret/+/teamb", "secret/foo/teamb"));
    assert.ok(!vaultPathCovers("secret/+/teamb", "secret/foo/bar/teamb"));
    assert.ok(!vaultPathCovers("kv/end/+", "kv/end/foo/"), "no trailing segment after a + end");
    assert.ok(vaultPathCovers("kv/end/v2/+/", "kv/end/v2/foo/"));
    assert.ok(vaultPathCovers("secret/*", "secret/+/teamb"));
    assert.ok(vaultPathCovers("+/+", "secret/+"), "segment by segment, not only by prefix");
    assert.ok(!vaultPathCovers("secret/a+b", "secret/ab"), "a + inside a segment is itself");
    assert.ok(vaultPathCovers("secret/+*", "secret/a/b"), "a + segment with the trailing *");
    assert.ok(!vaultPathCovers("secret/data/ci/*", "secret/data/*"));
    assert.ok(vaultPathCovers("secret/data/*", "secret/data/ci/*"));
    assert.ok(!vaultPathCovers("secret/*/x", "secret/a/x"), "a * before the end is literal");
    assert.equal(globWitness(["secret/data/ci/*"], "secret/data/*", "vault"), "secret/data/");
  });

  it("stops with GlobLimitError past its budget instead of running away", () => {
    const walk = () => [...globMatches(["a/*", "a/+/b*", "a/+/+/c"], "vault", { maxStates: 5 })];
    assert.throws(walk, GlobLimitError);
  });

  it("IAM: an ARN widened to a wildcard is not covered by the narrower one", () => {
    assert.ok(!globCovers(["arn:aws:s3:::acme/reports/*"], "arn:aws:s3:::acme/*", "iam"));
    assert.ok(globCovers(["arn:aws:s3:::acme/*"], "arn:aws:s3:::acme/reports/*", "iam"));
    assert.ok(!globCovers(["s3:GetObject"], "s3:Get*", "iam", true));
    assert.ok(globCovers(["S3:GET*"], "s3:GetObject", "iam", true), "actions ignore case");
    assert.ok(!globCovers(["arn:aws:s3:::Acme/*"], "arn:aws:s3:::acme/x", "iam"), "ARNs do not");
  });
});
