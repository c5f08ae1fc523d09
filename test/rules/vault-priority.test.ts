/**
 * Vault's priority between matching policy paths. The cases follow the rules and examples of
 * Vault's policy documentation ("Priority matching",
 * https://developer.hashicorp.com/vault/docs/concepts/policies#priority-matching), with our paths.
 */
import { strict as assert } from "node:assert";
import { compareVaultPathPriority, winningVaultPath } from "../../lib/rules/globs";

const wins = (a: string, b: string) => compareVaultPathPriority(a, b) > 0;

describe("rules: Vault's priority among matching policy paths", () => {
  it("rule 1: the later first wildcard wins", () => {
    assert.ok(wins("kv/data/team/+/cfg", "kv/data/+/app/cfg"));
    assert.ok(wins("kv/data/team/*", "kv/data/*"));
  });

  it("rule 2: a path not ending in * beats one that does (same first wildcard)", () => {
    assert.ok(wins("kv/data/+/cfg", "kv/data/*"));
  });

  it("rule 3: fewer + segments win", () => {
    assert.ok(wins("kv/+/team/cfg", "kv/+/+/cfg"));
  });

  it("rule 4: the longer path wins; rule 5: then the lexicographically larger", () => {
    assert.ok(wins("kv/data/team/app*", "kv/data/team/a*"));
    assert.ok(wins("kv/data/team/b*", "kv/data/team/a*"));
    assert.equal(compareVaultPathPriority("kv/x", "kv/x"), 0);
  });

  it("a + inside a segment is literal: it moves no wildcard (vault/acl.go CheckAllowedFromNonExactPaths)", () => {
    // A prefix path wildcards at its trailing "*" only (Vault 1.21.1, run: read, not update).
    assert.ok(wins("kv/a+b/*", "kv/a+b/+"));
    assert.equal(winningVaultPath(["kv/a+b/*", "kv/a+b/+"], "kv/a+b/x"), "kv/a+b/*");
    assert.equal(winningVaultPath(["kv/x+y*", "kv/x+y/+"], "kv/x+y/z"), "kv/x+y*");
    // A path with segment wildcards starts at its first "+", literal or not, as acl.go reads it.
    assert.ok(wins("kv/team/+/cfg", "kv/t+am/+/cfg"));
    // …and counts only the segments that are exactly "+" (rule 3).
    assert.ok(wins("x/+/a+b+c/d", "x/+/+/d"));
    assert.equal(winningVaultPath(["x/+/+/d", "x/+/a+b+c/d"], "x/y/a+b+c/d"), "x/+/a+b+c/d");
  });

  it("an exact path beats any glob that matches the same request", () => {
    assert.ok(wins("kv/data/team/app", "kv/data/team/*"));
    assert.equal(
      winningVaultPath(["kv/data/*", "kv/data/team/app"], "kv/data/team/app"),
      "kv/data/team/app",
    );
  });

  it("the winner is the highest-priority path that matches; none when nothing does", () => {
    const paths = ["secret/data/*", "secret/data/ci/*", "secret/data/+/db"];
    assert.equal(winningVaultPath(paths, "secret/data/ci/app"), "secret/data/ci/*");
    assert.equal(winningVaultPath(paths, "secret/data/prod/db"), "secret/data/+/db");
    assert.equal(winningVaultPath(paths, "secret/data/prod/web"), "secret/data/*");
    assert.equal(winningVaultPath(paths, "secret/metadata/ci"), undefined);
    // A literal request path may hold "+" (a key name), and is matched literally.
    assert.equal(winningVaultPath(["secret/data/a+b"], "secret/data/a+b"), "secret/data/a+b");
    assert.equal(winningVaultPath(["secret/data/+"], "secret/data/a+b"), "secret/data/+");
  });

  it("is antisymmetric on distinct paths (a total order for picking one winner)", () => {
    const paths = ["a/*", "a/b", "a/+/c", "a/+", "a/b*", "a/b/*", "+/b", "a/+/+"];
    for (const x of paths)
      for (const y of paths)
        if (x !== y)
          assert.equal(
            Math.sign(compareVaultPathPriority(x, y)),
            -Math.sign(compareVaultPathPriority(y, x)),
            `${x} vs ${y}`,
          );
  });
});
