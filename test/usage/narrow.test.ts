import { strict as assert } from "node:assert";
import fc from "fast-check";
import { winningVaultPath } from "../../lib/rules/globs";
import { parseVaultScope, type VaultScope } from "../../lib/schema/scopes";
import { narrowedVaultPath, proposeVault } from "../../lib/usage/narrow";
import { vaultFindings } from "../../lib/usage/vault-result";
import { notePath, VaultTokenUsage, type PathSummary } from "../../lib/usage/vault-usage";

const summary = (...paths: string[]): PathSummary => {
  const s: PathSummary = { many: false };
  for (const p of paths) notePath(s, p);
  return s;
};

/** Whether Vault, holding one policy of `scopes`, allows `capability` on `path`. */
function allows(scopes: readonly VaultScope[], path: string, capability: string): boolean {
  const winner = winningVaultPath([...new Set(scopes.map((s) => s.path))], path);
  return scopes.some((s) => s.path === winner && s.capabilities.includes(capability));
}

const parse = (texts: readonly unknown[]) =>
  texts.map((t) => {
    const r = parseVaultScope(t);
    assert.ok(r.ok, `proposed ${String(t)} does not parse`);
    return r.value;
  });

describe("usage: narrowing a Vault declaration to what was used", () => {
  it("one used path under a glob: that path", () => {
    assert.equal(
      narrowedVaultPath("secret/data/ci/*", summary("secret/data/ci/app")),
      "secret/data/ci/app",
    );
  });

  it("several paths: their common folder with *, only when strictly narrower", () => {
    const s = summary("secret/data/ci/web/db", "secret/data/ci/web/api");
    assert.equal(narrowedVaultPath("secret/data/*", s), "secret/data/ci/web/*");
    const siblings = summary("secret/data/ci/a", "secret/data/ci/b");
    assert.equal(narrowedVaultPath("secret/data/ci/*", siblings), undefined, "same as declared");
  });

  it("never trades a + segment for a broader *", () => {
    const s = summary("secret/data/a/config", "secret/data/b/config");
    assert.equal(narrowedVaultPath("secret/data/+/config", s), undefined);
    assert.equal(
      narrowedVaultPath("secret/data/+/config", summary("secret/data/a/config")),
      "secret/data/a/config",
    );
  });

  it("an exact declared path stays; nothing used gives nothing", () => {
    assert.equal(narrowedVaultPath("secret/data/ci/app", summary("secret/data/ci/app")), undefined);
    assert.equal(narrowedVaultPath("secret/data/*", summary()), undefined);
  });

  it("drops unused capabilities and unused scopes; merges scopes narrowed to one path", () => {
    const p = proposeVault([
      {
        scope: { path: "a/x/*", capabilities: ["read", "list"] },
        usedCapabilities: ["read"],
        paths: summary("a/x/1"),
      },
      { scope: { path: "b/*", capabilities: ["read"] }, usedCapabilities: [], paths: summary() },
    ]);
    assert.deepEqual(p.scopes, ["a/x/1:read"]);
  });

  it("keeps an unused scope that overrides an overlapping broader one (dropping it would widen)", () => {
    const p = proposeVault([
      {
        scope: { path: "s/data/*", capabilities: ["read"] },
        usedCapabilities: ["read"],
        paths: summary("s/data/a"),
      },
      {
        scope: { path: "s/data/admin/*", capabilities: ["list"] },
        usedCapabilities: [],
        paths: summary(),
      },
    ]);
    assert.deepEqual(p.scopes, ["s/data/*:read", "s/data/admin/*:list"]);
    assert.match(p.notes.get(1) ?? "", /overrides/);
  });

  it("property: the proposal allows every used request, and nothing the declaration refused", function () {
    this.timeout(120_000);
    const segment = fc.constantFrom("a", "b", "c");
    const literal = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join("/"));
    const pattern = fc
      .tuple(fc.array(fc.constantFrom("a", "b", "+"), { minLength: 1, maxLength: 3 }), fc.boolean())
      .map(([s, glob]) => `${s.join("/")}${glob ? "/*" : ""}`);
    const caps = fc.subarray(["read", "list", "update"], { minLength: 1 });
    const scopes = fc.array(fc.record({ path: pattern, capabilities: caps }), {
      minLength: 1,
      maxLength: 4,
    });
    const requests = fc.array(fc.tuple(literal, fc.constantFrom("read", "list", "update")), {
      maxLength: 12,
    });
    const probes: string[] = [];
    const walk = (prefix: string, depth: number) => {
      for (const s of ["a", "b", "c"]) {
        const p = prefix ? `${prefix}/${s}` : s;
        probes.push(p);
        if (depth < 4) walk(p, depth + 1);
      }
    };
    walk("", 1);
    fc.assert(
      fc.property(scopes, requests, (declared, reqs) => {
        const usage = new VaultTokenUsage(
          { kind: "scopes", scopes: declared },
          { start: 0, end: 100 },
        );
        const used = reqs.filter(([path, cap]) => allows(declared, path, cap));
        for (const [path, operation] of used) {
          usage.add({ time: 50, path, operation, policies: [], allowed: true }, "accessor");
        }
        const proposed = parse(vaultFindings(usage).proposed ?? []);
        for (const [path, cap] of used)
          assert.ok(allows(proposed, path, cap), `used ${cap} ${path} lost`);
        for (const path of probes)
          for (const cap of ["read", "list", "update"])
            if (allows(proposed, path, cap))
              assert.ok(allows(declared, path, cap), `${cap} ${path} widened`);
      }),
      { numRuns: 400 },
    );
  });

  it("does not count tokenguard's canary probe as a use of the scope it reads", () => {
    const usage = new VaultTokenUsage(
      { kind: "scopes", scopes: [{ path: "secret/data/orders/*", capabilities: ["read"] }] },
      { start: 0, end: 100 },
    );
    const read = (path: string) =>
      usage.add({ time: 50, path, operation: "read", policies: [], allowed: true }, "accessor");
    read("secret/data/orders/tokenguard-probe");
    read("secret/data/orders/db");
    assert.deepEqual(vaultFindings(usage).proposed, ["secret/data/orders/db:read"]);
  });
});
